"""SPEC.md §3 combined path: check, issue at once from the profile only, deliver, renew."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.ca.authority import INCLUSIVE_END
from app.ca.csr import build_csr, generate_key
from app.ca.delivery import DeliveryPlan
from app.ca.errors import CaError, PolicyRefused, Refused
from app.ca.service import CaService
from tests.ca.conftest import NOW
from tests.ca.helpers import assert_is_leaf, openssl_verify, verify_server_chain
from tests.conftest import TODAY

LATER = NOW + dt.timedelta(hours=1)


def test_issued_leaf_has_profile_extensions_and_verifies(ca: CaService, project, make_csr):
    csr, _ = make_csr("api.internal.example", "*.web.internal.example")
    issued = ca.issue(project, "internal-tls", csr, requester="svc-api", now=NOW)
    assert_is_leaf(issued.certificate, ca.authority.issuing,
                   names=["api.internal.example", "*.web.internal.example"])
    built = verify_server_chain(issued.certificate, list(issued.chain), "api.internal.example",
                                LATER)
    assert built == [issued.certificate, *issued.chain]
    assert issued.certificate.not_valid_after_utc - issued.certificate.not_valid_before_utc \
        + INCLUSIVE_END == dt.timedelta(days=397)  # RFC 5280 counts both ends


@pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl command")
def test_issued_leaf_passes_openssl_verify(ca: CaService, project, make_csr, tmp_path: Path):
    csr, _ = make_csr("api.internal.example")
    issued = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    result = openssl_verify(tmp_path, issued.certificate, list(issued.chain), LATER)
    assert result.returncode == 0, result.stdout + result.stderr
    mesh_csr, _ = make_csr("pay.prod.svc.cluster.local")
    mesh = ca.issue(project, "mesh-mtls", mesh_csr, requester="sidecar", now=NOW)
    result = openssl_verify(tmp_path, mesh.certificate, list(mesh.chain), LATER,
                            purpose="sslclient")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mtls_leaf_carries_both_ekus_and_seven_days(ca: CaService, project, make_csr):
    csr, _ = make_csr("pay.prod.svc.cluster.local")
    cert = ca.issue(project, "mesh-mtls", csr, requester="sidecar", now=NOW).certificate
    assert_is_leaf(cert, ca.authority.issuing, names=["pay.prod.svc.cluster.local"],
                   ekus=[ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH])
    assert cert.not_valid_after_utc - cert.not_valid_before_utc + INCLUSIVE_END == \
        dt.timedelta(days=7)


def test_csr_extensions_are_never_copied(ca: CaService, project):
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "api.internal.example"),
                                 x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Evil Corp")]))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("api.internal.example")]),
                       critical=False)
        .add_extension(x509.TLSFeature([x509.TLSFeatureType.status_request]), critical=False)
        .add_extension(x509.KeyUsage(True, True, True, True, True, False, False, False, False),
                       critical=True)
        .sign(key, hashes.SHA256())
    )
    cert = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).certificate
    kinds = {type(e.value) for e in cert.extensions}
    assert x509.TLSFeature not in kinds
    assert cert.subject.rfc4514_string() == "CN=api.internal.example"
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert not usage.content_commitment
    assert not usage.data_encipherment


def test_admin_mediated_type_cannot_take_the_combined_path(ca: CaService, project, make_csr):
    csr, _ = make_csr("mf.internal.example")
    with pytest.raises(Refused, match=r"routes admin-mediated \(Identity capability\)"):
        ca.issue(project, "mainframe-tls", csr, requester="svc", now=NOW)
    assert ca.ledger.certificates() == []
    entry = ca.ledger.audit()[-1]
    assert (entry.action, entry.actor, entry.subject) == ("refused:issue", "svc",
                                                           "type mainframe-tls")


def _refusal(ca: CaService, project, csr, *, type_id="internal-tls", days=None) -> str:
    with pytest.raises(PolicyRefused) as info:
        ca.issue(project, type_id, csr, requester="svc", validity_days=days, now=NOW)
    assert ca.ledger.certificates() == []
    assert ca.ledger.audit()[-1].action == "refused:issue"
    return str(info.value)


@pytest.mark.parametrize(("name", "message"), [
    ("api.example.org", "outside the allowed SAN patterns"),
    ("API.internal.example", "is mixed-case; request 'api.internal.example'"),
    ("api.internal.example.", "has a trailing dot"),
    ("a\x00.internal.example", "embedded NUL byte"),
    ("a" * 64 + ".internal.example", "a label of 64 characters"),
    ("ab--cd.internal.example", "is not a valid IDNA A-label"),
])
def test_each_name_violation_is_refused_with_its_message(ca, project, make_csr, name, message):
    csr, _ = make_csr(name, cn="x")
    assert message in _refusal(ca, project, csr)


def test_wildcard_refused_where_the_profile_forbids_it(ca, project, make_csr):
    csr, _ = make_csr("*.example.com")
    assert "wildcard name '*.example.com' is not allowed" in _refusal(
        ca, project, csr, type_id="customer-tls")


def test_unicode_name_cannot_even_be_put_in_a_generated_csr():
    with pytest.raises(CaError, match=r"xn--bcher-kva\.internal\.example"):
        build_csr(generate_key(), ["bücher.internal.example"])


def test_unicode_name_in_a_foreign_csr_refused_with_its_a_label(ca, project):
    # Other tools do put U-labels in CSRs; cryptography needs its unvalidated constructor.
    u_label = x509.DNSName._init_without_validation("bücher.internal.example")
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder().subject_name(x509.Name([]))
           .add_extension(x509.SubjectAlternativeName([u_label]), critical=False)
           .sign(key, hashes.SHA256()))
    message = _refusal(ca, project, csr)
    assert "is not in IDNA A-label form; request the A-label form " \
        "'xn--bcher-kva.internal.example'" in message


def test_weak_rsa_1024_key_refused(ca, project, make_csr):
    csr, _ = make_csr("api.internal.example", kind="rsa", size=1024)
    assert "RSA-1024 is a weak key" in _refusal(ca, project, csr)


def test_validity_too_long_refused(ca, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    assert "validity of 398 days" in _refusal(ca, project, csr, days=398)


def test_csr_asking_for_ca_true_refused(ca, project):
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                                       "api.internal.example")]))
           .add_extension(x509.SubjectAlternativeName([x509.DNSName("api.internal.example")]),
                          critical=False)
           .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
           .sign(key, hashes.SHA256()))
    assert "asks for CA:true" in _refusal(ca, project, csr)


def test_tampered_csr_signature_refused(ca, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    der = bytearray(csr.public_bytes(serialization.Encoding.DER))
    der[-5] ^= 0x01  # inside the signature value
    assert "signature does not verify" in _refusal(ca, project, bytes(der))


def test_garbage_csr_is_a_clear_error(ca, project):
    with pytest.raises(CaError, match="not a valid PEM or DER certificate signing request"):
        ca.issue(project, "internal-tls", b"-----BEGIN CERTIFICATE REQUEST-----\nxx\n",
                 requester="svc", now=NOW)


def test_unknown_type_names_the_known_ones(ca, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    with pytest.raises(CaError, match=r"no certificate type 'nope'.*internal-tls"):
        ca.issue(project, "nope", csr, requester="svc", now=NOW)


def test_renewal_scheduled_at_two_thirds_and_identity_recorded(ca, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    record = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW,
                      identity_evidence="IRSA role arn:aws:iam::1:role/api").record
    assert record.identity == ("Cloud IAM (IRSA / GCP Workload Identity): "
                               "IRSA role arn:aws:iam::1:role/api")
    [renewal] = ca.renewals(now=NOW)
    assert (renewal.kind, renewal.status, renewal.serial) == ("renewal", "upcoming",
                                                              record.serial)
    assert renewal.due_at == (NOW + dt.timedelta(days=397) * 2 / 3).isoformat()
    due = ca.renewals(now=NOW + dt.timedelta(days=300))[0]
    assert due.status == "due"


def test_deliver_to_folder_owner_only(ca, project, make_csr, tmp_path: Path):
    csr, key = make_csr("api.internal.example")
    issued = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    written = DeliveryPlan(folder=tmp_path / "out", key=key).deliver(issued.certificate,
                                                                      issued.chain)
    assert sorted(p.name for p in written) == ["cert.pem", "chain.pem", "fullchain.pem",
                                               "privkey.pem"]
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o700
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    chain = x509.load_pem_x509_certificates((tmp_path / "out" / "chain.pem").read_bytes())
    assert chain == list(issued.chain)
    loaded = serialization.load_pem_private_key((tmp_path / "out" / "privkey.pem").read_bytes(),
                                                None)
    assert loaded.public_key() == issued.certificate.public_key()


def test_deliver_pkcs12_needs_its_password(ca, project, make_csr, tmp_path: Path):
    csr, key = make_csr("api.internal.example")
    issued = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    plan = DeliveryPlan(pkcs12=tmp_path / "api.p12", pkcs12_password=b"p12-pass", key=key)
    plan.validate(csr.public_key())
    [path] = plan.deliver(issued.certificate, issued.chain)
    bundle = pkcs12.load_pkcs12(path.read_bytes(), b"p12-pass")
    assert bundle.cert is not None
    assert bundle.cert.certificate == issued.certificate
    assert [c.certificate for c in bundle.additional_certs] == list(issued.chain)
    with pytest.raises(ValueError, match="Invalid password"):
        pkcs12.load_pkcs12(path.read_bytes(), b"wrong")


def test_deliver_kubernetes_tls_secret(ca, project, make_csr, tmp_path: Path):
    csr, key = make_csr("api.internal.example")
    issued = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    plan = DeliveryPlan(secret=tmp_path / "secret.yaml", namespace="payments", key=key)
    [path] = plan.deliver(issued.certificate, issued.chain)
    text = path.read_text()
    assert "type: kubernetes.io/tls" in text
    assert 'name: "api.internal.example"' in text
    assert 'namespace: "payments"' in text
    fields = dict(line.strip().split(": ", 1) for line in text.splitlines()
                  if line.startswith("  tls.") or line.startswith("  ca."))
    crt = x509.load_pem_x509_certificates(base64.b64decode(fields["tls.crt"]))
    assert crt == [issued.certificate, ca.authority.issuing]
    tls_key = serialization.load_pem_private_key(base64.b64decode(fields["tls.key"]), None)
    assert tls_key.public_key() == issued.certificate.public_key()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_delivery_plan_checked_before_issuing(make_csr):
    csr, _ = make_csr("api.internal.example")
    _, other_key = make_csr("x.internal.example")
    with pytest.raises(CaError, match="does not belong to the CSR"):
        DeliveryPlan(folder=Path("x"), key=other_key).validate(csr.public_key())
    with pytest.raises(CaError, match="need the private key"):
        DeliveryPlan(secret=Path("s.yaml")).validate(csr.public_key())
    with pytest.raises(CaError, match="not a valid RFC 1123 name"):
        DeliveryPlan(secret=Path("s.yaml"), secret_name="Bad_Name",
                     key=other_key).validate(None)


def sample_subject(project, ctype) -> tuple[list[str], str | None]:
    """DNS names and CN as a user fills in the Issue tab from the profile's own patterns (the
    profile the CA issues from: a code-signing CN is the organisation's legal name)."""
    profile = CaService.profile(project, ctype, on=TODAY)
    names = [p.replace("**", "app").replace("*", "app") for p in profile.san_patterns[:1]]
    cn = None if names else profile.cn_patterns[-1].replace("*", "release signing")
    return names, cn


def test_every_example_type_issues_with_a_subject_its_profile_names(ca: CaService, project):
    for ctype in project.types:
        _, decision = ca.lookup(project, ctype.id)
        names, cn = sample_subject(project, ctype)
        csr = build_csr(generate_key(), names, cn)  # what the Issue tab's "generate" builds
        assert ca.preview(project, ctype.id, csr).violations == (), ctype.id
        if decision.workflow.value == "combined":
            assert ca.issue(project, ctype.id, csr, requester="svc", now=NOW)
        else:
            assert ca.admin.request(project, ctype.id, csr, requester="alice",
                                    justification="workshop test", now=NOW)
    assert ca.verify().ok
