"""Email (rfc822Name) SANs: mailbox patterns, the checks of one address, S/MIME profiles."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from models.certificate import CertificateType
from models.email_names import (
    address_violations,
    email_pattern_matches,
    normalise_email_pattern,
)
from models.issuance_policy import (
    CsrFacts,
    IssuanceProfile,
    IssuanceProfileSettings,
    ViolationCode,
    check,
    profile_for,
)
from tests.conftest import TODAY


def make(**fields: object) -> CertificateType:
    base: dict[str, object] = {
        "id": "t", "name": "T", "purpose": "smime", "ca": "private", "validity": "medium",
        "identity": "strong", "blast_radius": "low",
    }
    return CertificateType.model_validate({**base, **fields})


SMIME = profile_for(make(), on=TODAY)  # *@internal.example, an email SAN required
MAIL = CsrFacts(dns_names=(), common_name="alice@internal.example", key_kind="ec",
                key_size=256, curve="secp256r1", signature_valid=True,
                email_addresses=("alice@internal.example",))
ANY = ("*@internal.example",)


def codes(facts: CsrFacts, profile: IssuanceProfile = SMIME) -> list[str]:
    return [v.code.value for v in check(facts, profile, validity_days=90)]


def address_codes(address: str, patterns: tuple[str, ...] = ANY) -> list[str]:
    return [v.code.value for v in address_violations(address, patterns=patterns)]


# --- patterns ----------------------------------------------------------------------------

def test_email_pattern_domain_is_idna_normalised_and_lower_case_local_part_kept():
    assert normalise_email_pattern(" *@Bücher.Example ") == "*@xn--bcher-kva.example"
    assert normalise_email_pattern("Alice.Smith@Example.COM.") == "Alice.Smith@example.com"
    assert normalise_email_pattern("*@**.Example.com") == "*@**.example.com"


@pytest.mark.parametrize(("bad", "why"), [
    ("example.com", "needs a local part"),
    ("@example.com", "needs a local part"),
    ("a*@example.com", "whole local part"),
    ('"a b"@example.com', "is not a local part"),
    ("a..b@example.com", "is not a local part"),
    ("*@com", "needs at least two labels"),
    ("*@*.*", "at least one fixed label"),
    ("*@exa_mple.com", "not a valid DNS label"),
])
def test_bad_email_patterns_are_refused_with_the_reason(bad, why):
    with pytest.raises(ValidationError, match="email pattern") as error:
        IssuanceProfileSettings(email_patterns=(bad,))
    assert why in str(error.value)


@pytest.mark.parametrize(("pattern", "address", "expected"), [
    ("*@example.com", "alice@example.com", True),
    ("*@example.com", "alice@EXAMPLE.Com", True),  # the domain ignores case
    ("*@example.com", "alice@mail.example.com", False),  # exactly that domain
    ("*@**.example.com", "alice@mail.example.com", True),
    ("*@**.example.com", "alice@example.com", False),
    ("*@*.example.com", "alice@eu.example.com", True),
    ("alice@example.com", "alice@example.com", True),
    ("alice@example.com", "Alice@example.com", False),  # the local part matches exactly
    ("alice@example.com", "bob@example.com", False),
    ("*@example.com", "alice@example.com.evil.test", False),
    ("*@example.com", "@example.com", False),  # `*` is one non-empty local part
    ("*@example.com", "a@b@example.com", False),
])
def test_email_pattern_matches_local_part_exactly_and_domain_label_wise(pattern, address,
                                                                        expected):
    assert email_pattern_matches(normalise_email_pattern(pattern), address) is expected


# --- one address -------------------------------------------------------------------------

def test_good_address_has_no_violation_in_any_case_of_its_domain():
    assert address_codes("alice.smith+tag@internal.example") == []
    assert address_codes("alice@Internal.EXAMPLE") == []


@pytest.mark.parametrize(("address", "code"), [
    ("alice@internal.example\x00.evil.test", "embedded-nul"),
    ("alice", "invalid-email"),
    ("@internal.example", "invalid-email"),
    ("alice@", "invalid-email"),
    ('"alice smith"@internal.example', "invalid-email"),
    ("alice..smith@internal.example", "invalid-email"),
    ("a" * 65 + "@internal.example", "invalid-email"),
    ("ålice@internal.example", "smtputf8-mailbox"),
    ("alice@internal.example.", "trailing-dot"),
    ("alice@mail..internal.example", "empty-label"),
    ("alice@ma_il.internal.example", "invalid-label"),
    ("alice@ab--cd.internal.example", "not-idna"),
    ("alice@" + "a" * 64 + ".internal.example", "label-too-long"),
    ("alice@example.org", "email-outside-patterns"),
])
def test_bad_address_refused_with_its_code(address, code):
    assert address_codes(address) == [code]


def test_unicode_domain_refused_with_the_a_label_address():
    [v] = address_violations("alice@bücher.internal.example", patterns=ANY)
    assert v.code is ViolationCode.NOT_IDNA
    assert "'alice@xn--bcher-kva.internal.example'" in v.message


def test_non_ascii_local_part_names_smtputf8_mailbox():
    [v] = address_violations("ålice@internal.example", patterns=ANY)
    assert "SmtpUTF8Mailbox SAN (RFC 9598)" in v.message


def test_address_outside_lists_the_patterns():
    [v] = address_violations("alice@example.org", patterns=ANY)
    assert v.message == ("email address 'alice@example.org' is outside the allowed email "
                         "patterns (*@internal.example)")


# --- profiles ----------------------------------------------------------------------------

def test_profile_email_patterns_derive_from_purpose_and_ca():
    assert SMIME.email_patterns == ("*@internal.example",)
    assert SMIME.requires_email
    public_client = profile_for(make(purpose="client-auth", ca="public"), on=TODAY)
    assert public_client.email_patterns == ("*@example.com",)
    assert not public_client.requires_email
    for purpose in ("tls-internal", "code-signing", "document-signing", "mtls"):
        assert profile_for(make(purpose=purpose), on=TODAY).email_patterns == ()


def test_profile_email_edit_replaces_the_derived_patterns():
    edited = profile_for(make(profile={"email_patterns": ["*@Mail.Bücher.example", " "]}),
                         on=TODAY)
    assert edited.email_patterns == ("*@mail.xn--bcher-kva.example",)
    tls = profile_for(make(purpose="tls-internal",
                           profile={"email_patterns": ["ops@x.example"]}), on=TODAY)
    assert tls.email_patterns == ("ops@x.example",)


def test_profile_frozen_before_email_sans_still_loads_without_them():
    stored = SMIME.model_dump(mode="json")
    del stored["email_patterns"], stored["requires_email"]
    old = IssuanceProfile.model_validate(stored)
    assert old.email_patterns == ()
    assert codes(MAIL, old) == ["san-type-not-allowed"]


# --- the CSR check -----------------------------------------------------------------------

def test_smime_with_its_mailbox_issues():
    assert check(MAIL, SMIME, validity_days=397) == []
    assert codes(dataclasses.replace(MAIL, common_name=None)) == []  # the SAN alone names it


def test_smime_without_email_san_refused():
    missing, cn = check(dataclasses.replace(MAIL, email_addresses=()), SMIME,
                        validity_days=90)
    assert missing.code is ViolationCode.NO_NAME
    assert "names no email address" in missing.message
    assert cn.code is ViolationCode.COMMON_NAME  # a mailbox in the subject must be a SAN too


def test_mailbox_common_name_must_be_one_of_the_email_sans():
    other = dataclasses.replace(MAIL, common_name="bob@internal.example")
    [v] = check(other, SMIME, validity_days=90)
    assert v.code is ViolationCode.COMMON_NAME
    assert "is a mailbox but not one of the requested email addresses" in v.message
    client = profile_for(make(purpose="client-auth"), on=TODAY)
    assert codes(other, client) == ["common-name"]
    assert codes(dataclasses.replace(other, email_addresses=()), client) == []


def test_every_bad_address_is_listed():
    facts = dataclasses.replace(MAIL, common_name=None, email_addresses=(
        "alice@internal.example", "Bob@example.org", "ålice@internal.example", "carol"))
    assert codes(facts) == ["email-outside-patterns", "smtputf8-mailbox", "invalid-email"]


def test_email_san_refused_where_the_profile_allows_none():
    tls = profile_for(make(purpose="tls-internal"), on=TODAY)
    facts = dataclasses.replace(MAIL, dns_names=("api.internal.example",),
                                common_name="api.internal.example")
    [v] = check(facts, tls, validity_days=90)
    assert v.code is ViolationCode.SAN_TYPE
    assert v.message == ("SAN email:alice@internal.example is not allowed: this type's "
                         "profile allows no email addresses")


def test_other_san_types_name_what_the_profile_allows():
    [v] = check(dataclasses.replace(MAIL, other_sans=("URI:https://x.example",)), SMIME,
                validity_days=90)
    assert v.message.endswith("this type's profile allows email addresses only")


def test_names_are_counted_across_dns_and_email():
    many = dataclasses.replace(MAIL, email_addresses=tuple(
        f"user{i}@internal.example" for i in range(101)), common_name=None)
    assert codes(many) == ["too-many-names"]
