"""Email (rfc822Name) SANs through the CA: CSRs, S/MIME issuance from the profile, refusals."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.ca.csr import build_csr, facts_from_csr, generate_key
from app.ca.errors import CaError, PolicyRefused
from app.ca.service import CaService
from models.project import Project
from tests.ca.conftest import NOW
from tests.ca.helpers import ext, openssl_verify

LATER = NOW + dt.timedelta(hours=1)
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl")


def _type(type_id: str, purpose: str, **fields: object) -> dict[str, object]:
    return {"id": type_id, "name": type_id.replace("-", " ").title(), "purpose": purpose,
            "ca": "private", "validity": "medium", "identity": "strong",
            "blast_radius": "low", **fields}


@pytest.fixture
def mail_project(project: Project) -> Project:
    """The worked example plus S/MIME and client types: combined, and one admin-mediated."""
    data = project.model_dump(mode="json")
    data["types"] += [
        _type("smime", "smime"),
        _type("vpn-users", "client-auth"),
        _type("exec-mail", "smime", blast_radius="high",
              admin={"approver_roles": ["Mail admin"],
                     "approval_criteria": ["Mailbox owner confirmed"]}),
    ]
    return Project.model_validate(data)


def _csr_with(*general: x509.GeneralName, cn: str | None = None):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)] if cn else [])
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    builder = builder.add_extension(x509.SubjectAlternativeName(list(general)), critical=False)
    return builder.sign(key, hashes.SHA256())


# --- CSRs ----------------------------------------------------------------------------------

def test_build_csr_puts_addresses_in_rfc822name_and_takes_the_first_as_common_name():
    csr = build_csr(generate_key(), ["alice@internal.example", "a.smith@internal.example"])
    san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["alice@internal.example",
                                                        "a.smith@internal.example"]
    assert san.get_values_for_type(x509.DNSName) == []
    facts = facts_from_csr(csr)
    assert facts.email_addresses == ("alice@internal.example", "a.smith@internal.example")
    assert facts.common_name == "alice@internal.example"
    assert facts.other_sans == ()


def test_build_csr_prefers_a_dns_name_for_the_common_name():
    facts = facts_from_csr(build_csr(generate_key(), ["ops@x.example", "api.x.example"]))
    assert facts.dns_names == ("api.x.example",)
    assert facts.email_addresses == ("ops@x.example",)
    assert facts.common_name == "api.x.example"


def test_build_csr_refuses_a_unicode_domain_with_the_a_label_address():
    with pytest.raises(CaError, match=r"use 'alice@xn--bcher-kva\.example'"):
        build_csr(generate_key(), ["alice@bücher.example"])


def test_build_csr_names_the_idna_2008_form_of_a_unicode_dns_name():
    with pytest.raises(CaError, match=r"use 'www\.xn--fa-hia\.de'"):  # IDNA 2003: fass.de
        build_csr(generate_key(), ["www.faß.de"])


def test_build_csr_refuses_a_unicode_local_part_naming_smtputf8():
    with pytest.raises(CaError, match=r"SmtpUTF8Mailbox \(RFC 9598\)"):
        build_csr(generate_key(), ["ålice@internal.example"])


# --- issuing -------------------------------------------------------------------------------

def test_smime_certificate_carries_the_mailbox_from_the_profile(ca: CaService, mail_project):
    csr = build_csr(generate_key("rsa", 2048), ["alice@internal.example"])
    issued = ca.issue(mail_project, "smime", csr, requester="alice", now=NOW)
    cert = issued.certificate
    san = ext(cert, x509.SubjectAlternativeName)
    assert not san.critical  # the subject names the mailbox too
    assert san.value.get_values_for_type(x509.RFC822Name) == ["alice@internal.example"]
    assert san.value.get_values_for_type(x509.DNSName) == []
    assert list(ext(cert, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.EMAIL_PROTECTION]
    usage = ext(cert, x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.key_encipherment  # RSA: signs mail and decrypts the mail's key
    assert cert.subject.rfc4514_string() == "CN=alice@internal.example"
    assert issued.record.names == ("alice@internal.example",)
    cert.verify_directly_issued_by(ca.authority.issuing)


def test_address_without_common_name_gives_an_empty_subject_and_critical_san(
        ca: CaService, mail_project):
    csr = _csr_with(x509.RFC822Name("alice@internal.example"))
    cert = ca.issue(mail_project, "smime", csr, requester="alice", now=NOW).certificate
    assert cert.subject == x509.Name([])
    assert ext(cert, x509.SubjectAlternativeName).critical  # RFC 5280 §4.2.1.6


@needs_openssl
@pytest.mark.parametrize(("key", "purposes"), [
    (("rsa", 2048), ("smimesign", "smimeencrypt")),
    # OpenSSL 3.0's smimeencrypt purpose asks for keyEncipherment alone, which RFC 8813 §3
    # and S/MIME BR 7.1.2.3(e) forbid on an EC key: keyAgreement is asserted below instead.
    (("ec", 256), ("smimesign",)),
])
def test_smime_chain_passes_openssl_verify(ca: CaService, mail_project, tmp_path: Path, key,
                                           purposes):
    csr = build_csr(generate_key(*key), ["alice@internal.example"])
    issued = ca.issue(mail_project, "smime", csr, requester="alice", now=NOW)
    for purpose in purposes:
        result = openssl_verify(tmp_path, issued.certificate, list(issued.chain), LATER,
                                purpose=purpose)
        assert result.returncode == 0, result.stdout + result.stderr
    usage = ext(issued.certificate, x509.KeyUsage).value
    # S/MIME BR 7.1.2.3(e), dual use: RSA keyEncipherment, EC keyAgreement, never both.
    assert usage.digital_signature
    assert usage.key_encipherment is (key[0] == "rsa")
    assert usage.key_agreement is (key[0] == "ec")
    assert not usage.data_encipherment
    assert not usage.content_commitment
    # A TLS certificate of the same CA is no S/MIME certificate.
    tls = ca.issue(mail_project, "internal-tls", build_csr(generate_key(),
                                                           ["api.internal.example"]),
                   requester="svc", now=NOW)
    assert not ext(tls.certificate, x509.KeyUsage).value.key_agreement  # ECDSA TLS only signs
    refused = openssl_verify(tmp_path, tls.certificate, list(tls.chain), LATER,
                             purpose="smimesign")
    assert refused.returncode != 0


def test_client_certificate_may_carry_the_users_mailbox(ca: CaService, mail_project):
    csr = build_csr(generate_key(), ["bob@internal.example"], "bob@internal.example")
    cert = ca.issue(mail_project, "vpn-users", csr, requester="vpn", now=NOW).certificate
    san = ext(cert, x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["bob@internal.example"]
    assert list(ext(cert, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.CLIENT_AUTH]


def test_every_bad_address_is_refused_and_logged(ca: CaService, mail_project):
    csr = _csr_with(x509.RFC822Name("alice@internal.example"),
                    x509.RFC822Name("mallory@evil.example"),
                    x509.RFC822Name._init_without_validation("ålice@bücher.example"),
                    x509.DNSName("mail.internal.example"), cn="alice@internal.example")
    with pytest.raises(PolicyRefused) as refused:
        ca.issue(mail_project, "smime", csr, requester="alice", now=NOW)
    codes = [v.code.value for v in refused.value.violations]
    assert codes == ["san-outside-patterns", "email-outside-patterns", "smtputf8-mailbox",
                     "not-idna"]
    assert ca.ledger.certificates() == []
    assert ca.ledger.audit()[-1].action == "refused:issue"


def test_email_san_on_a_tls_type_is_refused(ca: CaService, mail_project):
    csr = build_csr(generate_key(), ["api.internal.example", "ops@internal.example"])
    with pytest.raises(PolicyRefused, match="allows no email addresses"):
        ca.issue(mail_project, "internal-tls", csr, requester="svc", now=NOW)


def test_admin_mediated_smime_is_fulfilled_with_the_checked_mailbox(ca: CaService,
                                                                    mail_project):
    csr = build_csr(generate_key(), ["ceo@internal.example"])
    request = ca.admin.request(mail_project, "exec-mail", csr, requester="Carol",
                               justification="Board correspondence", now=NOW)
    ca.admin.approve(request.id, approver="Dave", role="Mail admin", confirmed=["1"], now=NOW)
    issued = ca.admin.fulfil(request.id, operator="Ops", now=NOW)
    san = ext(issued.certificate, x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["ceo@internal.example"]
    assert issued.record.names == ("ceo@internal.example",)
    assert ca.verify().ok
