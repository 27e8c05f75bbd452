"""CA-signing types: a subordinate CA signed by the root, through the path the decision names."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.ca.authority import ROOT_KEY
from app.ca.csr import build_csr, generate_key
from app.ca.errors import CaError, Refused
from app.ca.service import CaService
from models.issuance_policy import profile_for
from models.project import Project
from tests.ca.conftest import NOW, PASSPHRASE
from tests.ca.helpers import assert_is_ca, ext, openssl_verify

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
          dns: str | None = None):
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
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]),
                                        critical=False)
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
        x509.DNSName("team.internal.example"), x509.RFC822Name("team.internal.example")]
    assert constraints.value.excluded_subtrees is None
    kinds = {type(e.value) for e in cert.extensions}
    assert x509.SubjectAlternativeName not in kinds
    assert x509.ExtendedKeyUsage not in kinds
    assert issued.chain == (root,)
    assert issued.record.names == ()
    assert issued.record.workflow == "admin-mediated"
    assert ca.verify().ok  # the ledger knows the root signed it


def test_profile_without_patterns_gives_an_unconstrained_subordinate_ca(ca: CaService,
                                                                        ca_project):
    data = ca_project.model_dump(mode="json")
    data["types"][-1]["profile"] = None
    cert = fulfilled(ca, Project.model_validate(data)).certificate
    assert x509.NameConstraints not in {type(e.value) for e in cert.extensions}


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
    deeper, deeper_key = _cert("Rogue CA", sub, key, ca=True)
    leaf, _ = _cert("x.team.internal.example", deeper, deeper_key, ca=False,
                    dns="x.team.internal.example")
    result = openssl_verify(tmp_path, leaf, [deeper, sub, root], LATER)
    assert result.returncode != 0
    assert "path length" in result.stdout + result.stderr


def test_a_reopened_ca_signs_subordinates_once_unlocked(ca: CaService, ca_project):
    reopened = CaService.open(ca.folder)
    try:
        reopened.unlock(PASSPHRASE)
        assert fulfilled(reopened, ca_project).certificate.issuer == ca.authority.root.subject
    finally:
        reopened.close()


def test_an_unusable_root_key_still_unlocks_for_leaves_and_says_why_for_a_ca(
        ca: CaService, ca_project, make_csr):
    (ca.folder / ROOT_KEY).unlink()
    reopened = CaService.open(ca.folder)
    try:
        reopened.unlock(PASSPHRASE)
        csr, _ = make_csr("api.internal.example")
        reopened.issue(ca_project, "internal-tls", csr, requester="svc", now=NOW)
        with pytest.raises(CaError, match="cannot sign a subordinate CA: cannot read the root "
                                          "CA key"):
            fulfilled(reopened, ca_project)
    finally:
        reopened.close()


def test_a_subordinate_ca_may_not_outlive_the_root(ca: CaService, ca_project):
    profile = profile_for(ca_project.types[-1])
    late = ca.authority.root.not_valid_after_utc - dt.timedelta(days=100)
    with pytest.raises(CaError, match="would outlive the root CA"):
        ca.authority.sign_subordinate(generate_key().public_key(), profile, common_name=CN,
                                      validity_days=825, now=late)


def test_revoking_a_subordinate_ca_is_refused_and_logged(ca: CaService, ca_project, make_csr):
    serial = fulfilled(ca, ca_project).record.serial
    with pytest.raises(Refused, match="subordinate CA signed by the root"):
        ca.revoke(serial, actor="ops", now=NOW)
    entry = ca.ledger.audit()[-1]
    assert (entry.action, entry.subject) == ("refused:revoke", f"certificate {serial}")
    csr, _ = make_csr("api.internal.example")
    leaf = ca.issue(ca_project, "internal-tls", csr, requester="svc", now=NOW).record.serial
    assert ca.revoke(leaf, actor="ops", now=NOW).revoked_at is not None
    assert ca.verify().ok
