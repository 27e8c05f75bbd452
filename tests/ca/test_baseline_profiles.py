"""What the baseline requirements expect of the test CA's certificates: the policy OID of the
type's validation type, where the signing CA publishes, the organisation in OV and EV subjects
and a clear refusal without it; the publication URLs served from the CA folder."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from app.ca.errors import CaError, PolicyRefused
from app.ca.publication import BASE_URL_KEY, file_server, serve_in_thread
from app.ca.service import CaService
from models.project import Project
from tests.ca.conftest import NOW, PASSPHRASE, edit
from tests.ca.test_pkilint import issue, lab_project

ROOT = Path(__file__).resolve().parents[2]


def policies(cert: x509.Certificate) -> list[str]:
    ext = cert.extensions.get_extension_for_oid(ExtensionOID.CERTIFICATE_POLICIES).value
    return [p.policy_identifier.dotted_string for p in ext]


def urls(cert: x509.Certificate) -> tuple[list[str], list[str]]:
    """(caIssuers URLs, CRL distribution point URLs)."""
    aia = cert.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS)
    dps = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS)
    return ([d.access_location.value for d in aia.value],
            [n.value for p in dps.value for n in p.full_name])


@pytest.mark.parametrize(("type_id", "request_", "oid"), [
    ("customer-tls", {"dns": ("www.example.com",)}, "2.23.140.1.2.1"),
    ("ov-tls", {"dns": ("shop.example.com",)}, "2.23.140.1.2.2"),
    ("ev-tls", {"dns": ("www.example.com",)}, "2.23.140.1.1"),
    ("code-signing", {"cn": "Harbourview Financial Services Ltd"}, "2.23.140.1.4.1"),
    ("smime", {"email": ("alice@example.com",)}, "2.23.140.1.5.1.3"),
    ("internal-tls", {"dns": ("api.internal.example",)}, "1.3.6.1.5.5.7.13.1"),
])
def test_each_certificate_asserts_its_validation_types_policy(ca, type_id, request_, oid):
    cert = issue(ca, lab_project(), type_id, 90, **request_).certificate
    assert policies(cert) == [oid]
    assert urls(cert) == (["http://127.0.0.1:8480/issuing.crt"],
                          ["http://127.0.0.1:8480/issuing.crl"])


def test_the_ev_subject_names_the_organisation_in_br_order(ca):
    cert = issue(ca, lab_project(), "ev-tls", 90, dns=("www.example.com",)).certificate
    assert cert.subject.rfc4514_string() == (
        "CN=www.example.com,O=Harbourview Financial Services Ltd,L=Leeds,ST=West Yorkshire,"
        "C=GB,2.5.4.5=08861234,1.3.6.1.4.1.311.60.2.1.3=GB,"
        "2.5.4.15=Private Organization")
    dv = issue(ca, lab_project(), "customer-tls", 90, dns=("www.example.com",)).certificate
    assert dv.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME) == []


def without_legal(project: Project, **missing: None) -> Project:
    data = project.model_dump(mode="json")
    if missing:
        data["organisation"]["legal"].update(missing)
    else:
        data["organisation"]["legal"] = None
    return Project.model_validate(data)


def test_an_ev_type_without_the_registration_number_is_refused_and_logged(ca, make_csr):
    project = without_legal(lab_project(), registration_number=None, business_category=None)
    csr, _ = make_csr("www.example.com")
    with pytest.raises(PolicyRefused) as refused:
        ca.admin.request(project, "ev-tls", csr, requester="alice", justification="launch",
                         validity_days=90, now=NOW)
    assert [(v.code.value, v.message) for v in refused.value.violations] == [(
        "organisation-identity-missing", "EV (extended validation, EV Guidelines) "
        "certificates name the organisation, but the project lacks business category, "
        "registration number (set them in Organisation details…)")]
    assert ca.ledger.audit()[-1].action == "refused:request"
    assert ca.ledger.certificate_rows() == []


def test_an_ov_type_without_any_legal_identity_is_refused(ca):
    with pytest.raises(PolicyRefused, match="lacks the organisation's legal identity"):
        issue(ca, without_legal(lab_project()), "ov-tls", 90, dns=("shop.example.com",))


def test_a_validation_type_the_purpose_cannot_have_is_refused(ca, make_csr):
    data = lab_project().model_dump(mode="json")
    data["types"][data["types"].index(next(t for t in data["types"]
                                           if t["id"] == "internal-tls"))]["profile"] = {
        "validation": "smime-mailbox-strict"}
    csr, _ = make_csr("api.internal.example")
    with pytest.raises(PolicyRefused, match="validation type smime-mailbox-strict does not "
                       "apply to Internal TLS certificates"):
        ca.issue(Project.model_validate(data), "internal-tls", csr, requester="svc",
                 validity_days=90, now=NOW)


def test_the_issuing_ca_points_at_the_root(ca):
    assert urls(ca.authority.issuing) == (["http://127.0.0.1:8480/root.crt"],
                                          ["http://127.0.0.1:8480/root.crl"])
    assert policies(ca.authority.issuing) == ["2.5.29.32.0"]
    assert not any(e.oid in (ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
                             ExtensionOID.CRL_DISTRIBUTION_POINTS)
                   for e in ca.authority.root.extensions)  # TLS BR 7.1.2.1: a root has none


def test_a_ca_made_before_the_setting_publishes_at_the_default(ca):
    edit(ca.folder, "DELETE FROM meta WHERE key = ?", BASE_URL_KEY)
    assert ca.publication.base_url == "http://127.0.0.1:8480/"


def test_a_base_url_that_is_not_http_is_refused_before_anything_is_made(tmp_path):
    with pytest.raises(CaError, match="is not an http:// URL with a host"):
        CaService.init(tmp_path / "ca", PASSPHRASE, now=NOW, base_url="ldap://ca/")
    assert not (tmp_path / "ca").exists()


def test_the_cli_refuses_a_bad_base_url_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app", "ca", "init", str(tmp_path / "ca"), "--base-url",
         "https://pki.example.com/"], capture_output=True, text=True, cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "CERTROUTE_CA_PASSPHRASE": PASSPHRASE.decode()})
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert "is not an http:// URL with a host" in result.stderr
    assert not (tmp_path / "ca").exists()


def test_serve_files_serves_what_the_certificates_name(ca):
    cert = issue(ca, lab_project(), "internal-tls", 90, dns=("api.internal.example",))
    ca.revoke(cert.record.serial, reason="superseded", actor="ops", now=NOW)
    ca.publish_crls(actor="ops", now=NOW)
    server = file_server(ca.folder, ca.publication.base_url, port=0)
    serve_in_thread(server)
    port = server.server_address[1]
    try:
        [issuer_url], [crl_url] = urls(cert.certificate)

        def fetch(url: str) -> tuple[str, bytes]:
            local = url.replace(":8480/", f":{port}/")
            with urllib.request.urlopen(local, timeout=10) as response:
                return response.headers["Content-Type"], response.read()

        kind, body = fetch(issuer_url)
        assert (kind, x509.load_der_x509_certificate(body)) == (
            "application/pkix-cert", ca.authority.issuing)
        kind, body = fetch(crl_url)
        crl = x509.load_der_x509_crl(body)
        assert kind == "application/pkix-crl"
        assert crl.is_signature_valid(ca.authority.issuing.public_key())
        assert crl.get_revoked_certificate_by_serial_number(cert.certificate.serial_number)
        with pytest.raises(urllib.error.HTTPError, match="404"):
            fetch("http://127.0.0.1:8480/ledger.sqlite3")
    finally:
        server.shutdown()
        server.server_close()


def test_serve_files_refuses_a_host_that_is_not_loopback(tmp_path):
    with pytest.raises(CaError, match="loopback address only"):
        file_server(tmp_path, "http://pki.example.com/")


def test_the_serve_files_command_serves_until_stopped(ca):
    """`certroute ca serve-files` as a user runs it: one line naming the URL, then the files."""
    with subprocess.Popen(
            [sys.executable, "-m", "app", "ca", "serve-files", "--ca", str(ca.folder),
             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            cwd=ROOT, env={"PYTHONPATH": str(ROOT)}) as process:
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            served = line.split(" at ", 1)[1].split(": ", 1)[0]
            assert served.startswith("http://127.0.0.1:")
            assert line == (f"Serving {ca.folder} at {served}: root.crt, issuing.crt, "
                            "issuing.crl, root.crl (Ctrl+C stops)\n")
            with urllib.request.urlopen(served + "root.crt", timeout=10) as response:
                assert x509.load_der_x509_certificate(response.read()) == ca.authority.root
        finally:
            process.terminate()


def test_code_signing_names_the_publisher_by_its_legal_name(ca):
    """CS BR 9.2.2: the common name is the subject's legal name; the placeholder publisher
    the profile derives without a legal identity is refused once the project has one."""
    cert = issue(ca, lab_project(), "code-signing", 365,
                 cn="Harbourview Financial Services Ltd").certificate
    assert cert.subject.rfc4514_string() == (
        "CN=Harbourview Financial Services Ltd,O=Harbourview Financial Services Ltd,L=Leeds,"
        "ST=West Yorkshire,C=GB")
    with pytest.raises(PolicyRefused, match=r"common name 'Example Org' is not allowed for "
                       r"this type \(allowed: Harbourview Financial Services Ltd\)"):
        issue(ca, lab_project(), "code-signing", 365, cn="Example Org")
