"""CA-signing types: a subordinate CA signed by the root, through the path the decision names."""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.ca.authority import ROOT_KEY
from app.ca.csr import build_csr, generate_key
from app.ca.errors import CaError, PolicyRefused, Refused
from app.ca.service import CaService
from models.issuance_policy import profile_for
from models.name_constraints import NOWHERE
from models.project import Project
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE
from tests.ca.helpers import assert_is_ca, ext, openssl_verify
from tests.conftest import TODAY

LATER = NOW + dt.timedelta(hours=1)
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl")
CN = "Example Org Team CA"


@pytest.fixture
def ca_project(project: Project) -> Project:
    """The worked example plus a CA-signing type constrained to the team's names."""
    data = project.model_dump(mode="json")
    data["types"].append({
        "id": "team-ca", "name": "Team subordinate CA", "purpose": "ca-signing",
        "ca": "private", "validity": "long", "identity": "strong", "blast_radius": "high",
        "admin": {"approver_roles": ["PKI owner", "CISO"], "approvals_required": 2,
                  "approval_criteria": ["Key ceremony witnessed"]},
        "profile": {"san_patterns": ["**.team.internal.example"],
                    "email_patterns": ["*@team.internal.example"]}})
    return Project.model_validate(data)


def fulfilled(ca: CaService, ca_project: Project, key=None):
    """A Team subordinate CA taken through request, two approvals and fulfilment."""
    csr = build_csr(key or generate_key("ec", 384), [], CN)
    request = ca.admin.request(ca_project, "team-ca", csr, requester="Alice",
                               justification="Team PKI for the lab", now=NOW)
    for who, role in (("Bob", "PKI owner"), ("Carol", "CISO")):
        ca.admin.approve(request.id, approver=who, role=role, confirmed=["1"], now=NOW)
    return ca.admin.fulfil(request.id, operator="Ops", now=NOW)


def _cert(subject: str, issuer: x509.Certificate, issuer_key, *, ca: bool,
          dns: str | None = None, other: x509.GeneralName | None = None):
    """A certificate signed with the subordinate CA's key, as a team would issue one."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
               .issuer_name(issuer.subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOW).not_valid_after(NOW + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(True, False, False, False, False, ca, ca, False,
                                            False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   issuer.public_key()), critical=False))
    sans = [x509.DNSName(dns)] if dns else []
    sans += [other] if other else []
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(issuer_key, hashes.SHA256()), key


def test_ca_signing_routes_admin_mediated_and_is_not_issued_at_once(ca: CaService,
                                                                    ca_project):
    csr = build_csr(generate_key(), [], CN)
    with pytest.raises(Refused, match="routes admin-mediated"):
        ca.issue(ca_project, "team-ca", csr, requester="Alice", now=NOW)


def test_fulfilment_signs_a_subordinate_ca_with_the_root(ca: CaService, ca_project):
    issued = fulfilled(ca, ca_project)
    cert, root = issued.certificate, ca.authority.root
    assert_is_ca(cert, path_length=0)
    assert cert.issuer == root.subject
    assert cert.subject.rfc4514_string() == f"CN={CN}"
    assert ext(cert, x509.AuthorityKeyIdentifier).value.key_identifier == \
        ext(root, x509.SubjectKeyIdentifier).value.digest
    cert.verify_directly_issued_by(root)
    constraints = ext(cert, x509.NameConstraints)
    assert constraints.critical
    assert constraints.value.permitted_subtrees == [
        x509.DNSName("team.internal.example"), x509.RFC822Name("team.internal.example"),
        x509.UniformResourceIdentifier(NOWHERE)]  # no URIs: none resolves under .invalid
    assert constraints.value.excluded_subtrees == [  # no IP addresses at all
        x509.IPAddress(ipaddress.ip_network("0.0.0.0/0")),
        x509.IPAddress(ipaddress.ip_network("::/0"))]
    kinds = {type(e.value) for e in cert.extensions}
    assert x509.SubjectAlternativeName not in kinds
    assert x509.ExtendedKeyUsage not in kinds
    assert issued.chain == (root,)
    assert issued.record.names == ()
    assert issued.record.workflow == "admin-mediated"
    assert ca.verify().ok  # the ledger knows the root signed it


def _with_profile(ca_project: Project, profile: dict | None) -> Project:
    data = ca_project.model_dump(mode="json")
    data["types"][-1]["profile"] = profile
    return Project.model_validate(data)


def test_a_profile_without_patterns_is_refused_not_issued_unconstrained(ca: CaService,
                                                                       ca_project):
    project = _with_profile(ca_project, None)  # ca-signing derives no patterns
    csr = build_csr(generate_key("ec", 384), [], CN)
    with pytest.raises(PolicyRefused) as refused:
        ca.admin.request(project, "team-ca", csr, requester="Alice",
                         justification="Team PKI", now=NOW)
    assert [v.subject for v in refused.value.violations] == ["profile"]
    assert "add SAN or email patterns to this type's profile" in str(refused.value)
    assert ca.ledger.certificates() == []


@pytest.mark.parametrize("profile", [
    {"san_patterns": ["**.team.internal.example", "www.*"]},
    {"san_patterns": ["**.team.internal.example"], "email_patterns": ["*@mail.*"]},
])
def test_a_pattern_no_subtree_holds_is_refused(ca: CaService, ca_project, profile):
    project = _with_profile(ca_project, profile)
    csr = build_csr(generate_key("ec", 384), [], CN)
    with pytest.raises(PolicyRefused, match="cannot be a name constraint"):
        ca.admin.request(project, "team-ca", csr, requester="Alice",
                         justification="Team PKI", now=NOW)


def test_the_root_never_signs_a_subordinate_ca_without_name_constraints(ca: CaService,
                                                                         ca_project):
    # Defence in depth: even a profile that got past the check (an old request) is refused.
    ctype = _with_profile(ca_project, {"san_patterns": ["example.*"]}).types[-1]
    for profile in (profile_for(ctype, on=TODAY).model_copy(update={"san_patterns": ()}),
                    profile_for(ctype, on=TODAY)):
        with pytest.raises(CaError, match="without name constraints"):
            ca.authority.sign_subordinate(generate_key("ec", 384).public_key(), profile,
                                          common_name=CN, validity_days=30, now=NOW)


def test_dns_only_patterns_permit_no_mailbox(ca: CaService, ca_project):
    project = _with_profile(ca_project, {"san_patterns": ["**.team.internal.example"]})
    cert = fulfilled(ca, project).certificate
    assert ext(cert, x509.NameConstraints).value.permitted_subtrees == [
        x509.DNSName("team.internal.example"), x509.RFC822Name(NOWHERE),
        x509.UniformResourceIdentifier(NOWHERE)]


@needs_openssl
def test_openssl_accepts_the_subordinate_ca_and_enforces_its_limits(ca: CaService, ca_project,
                                                                    tmp_path: Path):
    key = generate_key("ec", 384)
    sub = fulfilled(ca, ca_project, key).certificate
    root = ca.authority.root
    result = openssl_verify(tmp_path, sub, [root, root], LATER, purpose="any")  # root alone
    assert result.returncode == 0, result.stdout + result.stderr
    inside, _ = _cert("api.team.internal.example", sub, key, ca=False,
                      dns="api.team.internal.example")
    result = openssl_verify(tmp_path, inside, [sub, root], LATER)
    assert result.returncode == 0, result.stdout + result.stderr
    outside, _ = _cert("www.bank.example", sub, key, ca=False, dns="www.bank.example")
    result = openssl_verify(tmp_path, outside, [sub, root], LATER)
    assert result.returncode != 0
    assert "subtree" in result.stdout + result.stderr  # permitted subtree violation
    for name in (x509.IPAddress(ipaddress.ip_address("10.0.0.1")),
                 x509.IPAddress(ipaddress.ip_address("2001:db8::1")),
                 x509.UniformResourceIdentifier("https://www.bank.example/"),
                 x509.RFC822Name("ceo@bank.example")):
        rogue, _ = _cert("api.team.internal.example", sub, key, ca=False,
                         dns="api.team.internal.example", other=name)
        result = openssl_verify(tmp_path, rogue, [sub, root], LATER, purpose="any")
        assert result.returncode != 0, name  # outside every permitted subtree, or excluded
        assert "subtree" in result.stdout + result.stderr
    deeper, deeper_key = _cert("Rogue CA", sub, key, ca=True)
    leaf, _ = _cert("x.team.internal.example", deeper, deeper_key, ca=False,
                    dns="x.team.internal.example")
    result = openssl_verify(tmp_path, leaf, [deeper, sub, root], LATER)
    assert result.returncode != 0
    assert "path length" in result.stdout + result.stderr


def test_a_reopened_ca_signs_subordinates_once_unlocked(ca: CaService, ca_project):
    reopened = CaService.open(ca.folder)
    try:
        reopened.unlock(PASSPHRASE, ROOT_PASSPHRASE)
        assert fulfilled(reopened, ca_project).certificate.issuer == ca.authority.root.subject
    finally:
        reopened.close()


def test_an_unusable_root_key_still_unlocks_for_leaves_and_says_why_for_a_ca(
        ca: CaService, ca_project, make_csr):
    (ca.folder / ROOT_KEY).unlink()
    reopened = CaService.open(ca.folder)
    try:
        reopened.unlock(PASSPHRASE, ROOT_PASSPHRASE)
        csr, _ = make_csr("api.internal.example")
        reopened.issue(ca_project, "internal-tls", csr, requester="svc", now=NOW)
        with pytest.raises(CaError, match="cannot sign a subordinate CA: cannot read the root "
                                          "CA key"):
            fulfilled(reopened, ca_project)
    finally:
        reopened.close()


def test_a_subordinate_ca_may_not_outlive_the_root(ca: CaService, ca_project):
    profile = profile_for(ca_project.types[-1], on=TODAY)
    late = ca.authority.root.not_valid_after_utc - dt.timedelta(days=100)
    with pytest.raises(CaError, match="would outlive the root CA"):
        ca.authority.sign_subordinate(generate_key().public_key(), profile, common_name=CN,
                                      validity_days=825, now=late)


# --- revocation and the root CRL -----------------------------------------------------------

def crl_number(crl: x509.CertificateRevocationList) -> int:
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def test_a_revoked_subordinate_ca_goes_on_the_root_crl_and_a_leaf_on_the_issuing_one(
        ca: CaService, ca_project, make_csr):
    serial = fulfilled(ca, ca_project).record.serial
    record = ca.revoke(serial, reason="key-compromise", actor="ops", now=NOW)
    assert record.revoked_at is not None
    entry = ca.ledger.audit()[-1]
    assert (entry.action, entry.subject) == ("revoke", f"certificate {serial}")
    csr, _ = make_csr("api.internal.example")
    leaf = ca.issue(ca_project, "internal-tls", csr, requester="svc", now=NOW).record.serial
    ca.revoke(leaf, actor="ops", now=NOW)
    published = ca.publish_crls(actor="ops", now=LATER)
    root, issuing = published.root, published.issuing
    assert root is not None
    assert published.root_problem is None
    assert [format(r.serial_number, "x") for r in root] == [serial]
    assert [format(r.serial_number, "x") for r in issuing] == [leaf]
    assert root.issuer == ca.authority.root.subject
    assert root.is_signature_valid(ca.authority.root.public_key())
    assert issuing.is_signature_valid(ca.authority.issuing.public_key())
    assert ext(root, x509.AuthorityKeyIdentifier).value.key_identifier == \
        ext(ca.authority.root, x509.SubjectKeyIdentifier).value.digest
    revoked = root.get_revoked_certificate_by_serial_number(int(serial, 16))
    assert revoked.extensions.get_extension_for_class(x509.CRLReason).value.reason == \
        x509.ReasonFlags.key_compromise
    assert x509.load_pem_x509_crl((ca.folder / "root.crl.pem").read_bytes()) == root
    assert x509.load_pem_x509_crl((ca.folder / "crl.pem").read_bytes()) == issuing
    again = ca.publish_crls(actor="ops", now=LATER)
    assert again.root is not None
    assert (crl_number(again.issuing), crl_number(again.root)) == (2, 2)
    assert [e.subject for e in ca.ledger.audit()[-2:]] == ["crl 2", "root crl 2"]
    assert ca.verify().ok


def test_root_crl_numbers_come_from_the_audit_log(ca: CaService, ca_project):
    ca.crl(actor="ops", now=NOW)
    ca.crl(actor="ops", now=NOW)
    serial = fulfilled(ca, ca_project).record.serial
    ca.revoke(serial, actor="ops", now=NOW)
    published = ca.publish_crls(actor="ops", now=NOW)
    assert published.root is not None
    assert (crl_number(published.issuing), crl_number(published.root)) == (3, 3)
    assert ca.ledger.last_crl_number(action="root-crl") == 3


@needs_openssl
def test_openssl_rejects_a_revoked_subordinate_ca_and_accepts_an_unrevoked_one(
        ca: CaService, ca_project, make_csr, tmp_path: Path):
    revoked = fulfilled(ca, ca_project).certificate
    kept = fulfilled(ca, ca_project).certificate
    ca.revoke(format(revoked.serial_number, "x"), actor="ops", now=NOW)
    csr, _ = make_csr("api.internal.example")
    leaf = ca.issue(ca_project, "internal-tls", csr, requester="svc", now=NOW).certificate
    published = ca.publish_crls(actor="ops", now=NOW)
    assert published.root is not None
    root = ca.authority.root
    result = openssl_verify(tmp_path, revoked, [root, root], LATER, purpose="any",
                            crl=published.root)
    assert result.returncode != 0
    assert "certificate revoked" in result.stdout + result.stderr
    result = openssl_verify(tmp_path, kept, [root, root], LATER, purpose="any",
                            crl=published.root)
    assert result.returncode == 0, result.stdout + result.stderr
    chain = [ca.authority.issuing, root]
    result = openssl_verify(tmp_path, leaf, chain, LATER,
                            crls=[published.issuing, published.root])
    assert result.returncode == 0, result.stdout + result.stderr
    result = openssl_verify(tmp_path, leaf, chain, LATER, crls=[published.issuing])
    assert result.returncode != 0  # -crl_check_all needs the root's CRL for the issuing CA
    assert "unable to get certificate CRL" in result.stdout + result.stderr


def test_an_unusable_root_key_publishes_the_issuing_crl_and_says_why_not_the_root_crl(
        ca: CaService, ca_project):
    serial = fulfilled(ca, ca_project).record.serial
    (ca.folder / ROOT_KEY).unlink()
    reopened = CaService.open(ca.folder)
    try:
        reopened.unlock(PASSPHRASE, ROOT_PASSPHRASE)
        reopened.revoke(serial, actor="ops", now=NOW)
        published = reopened.publish_crls(actor="ops", now=NOW)
        assert published.root is None
        assert published.root_problem is not None
        assert "cannot read the root CA key" in published.root_problem
        assert published.unpublished == 1
        assert list(published.issuing) == []
        assert (ca.folder / "crl.pem").is_file()
        assert not (ca.folder / "root.crl.pem").exists()
        assert "root-crl" not in {e.action for e in reopened.ledger.audit()}
        assert reopened.verify().ok
    finally:
        reopened.close()
