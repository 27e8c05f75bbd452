"""SPEC.md §3 issuance profiles: derivation from a type's fields, edits, and every violation."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from models.certificate import CertificateType
from models.dns_names import normalise_pattern, pattern_matches
from models.issuance_policy import (
    CsrFacts,
    ExtendedKeyUsage,
    IssuanceProfile,
    IssuanceProfileSettings,
    KeyKind,
    ViolationCode,
    check,
    cn_pattern_matches,
    key_usages,
    profile_for,
)
from models.project import Project
from tests.conftest import TODAY


def make(**fields: object) -> CertificateType:
    base: dict[str, object] = {
        "id": "t", "name": "T", "purpose": "tls-internal", "ca": "private",
        "validity": "medium", "identity": "strong", "blast_radius": "low",
    }
    return CertificateType.model_validate({**base, **fields})


INTERNAL = profile_for(make(), on=TODAY)  # patterns **.internal.example, wildcards allowed
GOOD = CsrFacts(dns_names=("api.internal.example",), common_name="api.internal.example",
                key_kind="ec", key_size=256, curve="secp256r1", signature_valid=True)


def codes(facts: CsrFacts, *, validity_days: int = 90, profile=INTERNAL) -> list[str]:
    return [v.code.value for v in check(facts, profile, validity_days=validity_days)]


def with_names(*names: str, **more: object) -> CsrFacts:
    return dataclasses.replace(GOOD, dns_names=names, common_name=None, **more)


# --- derivation --------------------------------------------------------------------------

def test_profile_validity_caps_follow_the_class():
    # INDUSTRY-RULES.md "Validity classes": short ≤ 90 days (the article's "90 days").
    assert profile_for(make(validity="short"), on=TODAY).max_validity_days == 90
    assert profile_for(make(validity="medium"), on=TODAY).max_validity_days == 397
    assert profile_for(make(validity="long"), on=TODAY).max_validity_days == 825


def test_profile_edit_shortens_but_never_lengthens_validity():
    short = make(validity="medium", profile={"max_validity_days": 90})
    assert profile_for(short, on=TODAY).max_validity_days == 90
    longer = make(validity="short", profile={"max_validity_days": 397})
    assert profile_for(longer, on=TODAY).max_validity_days == 90


def test_profile_ekus_by_purpose():
    assert profile_for(make(purpose="mtls"), on=TODAY).ekus == (ExtendedKeyUsage.SERVER_AUTH,
                                                      ExtendedKeyUsage.CLIENT_AUTH)
    assert profile_for(make(purpose="code-signing"), on=TODAY).ekus == (
        ExtendedKeyUsage.CODE_SIGNING,)
    assert profile_for(make(purpose="smime"), on=TODAY).ekus == (ExtendedKeyUsage.EMAIL_PROTECTION,)


def test_profile_wildcards_only_for_low_blast_radius_tls():
    assert profile_for(make(blast_radius="low"), on=TODAY).allow_wildcards
    assert not profile_for(make(blast_radius="medium"), on=TODAY).allow_wildcards
    assert not profile_for(make(purpose="ev-tls", blast_radius="low"), on=TODAY).allow_wildcards


def test_profile_code_signing_needs_rsa_3072():
    profile = profile_for(make(purpose="code-signing"), on=TODAY)
    keys = {k.kind: k.min_size for k in profile.key_types}
    assert keys[KeyKind.RSA] == 3072


def test_profile_edits_replace_derived_values():
    ctype = make(profile={"san_patterns": ["*.Bücher.example"], "allow_wildcards": False,
                          "key_types": [{"kind": "rsa", "min_size": 4096}],
                          "ekus": ["client-auth"]})
    profile = profile_for(ctype, on=TODAY)
    assert profile.san_patterns == ("*.xn--bcher-kva.example",)
    assert not profile.allow_wildcards
    assert [(k.kind, k.min_size) for k in profile.key_types] == [(KeyKind.RSA, 4096)]
    assert profile.ekus == (ExtendedKeyUsage.CLIENT_AUTH,)


@pytest.mark.parametrize("bad", ["com", "*.*", "a..b", "-a.example", "x_y.example"])
def test_profile_settings_reject_bad_patterns(bad):
    with pytest.raises(ValidationError, match="SAN pattern"):
        IssuanceProfileSettings(san_patterns=(bad,))


def test_project_without_profiles_still_loads(worked_example: Project):
    # Only the mesh carries an edit: its 7-day maximum, kept by the 1 → 2 migration.
    assert [t.id for t in worked_example.types if t.profile is not None] == ["mesh-mtls"]
    dumped = worked_example.model_dump(mode="json")
    assert Project.model_validate(dumped) == worked_example


def test_key_usages_rsa_tls_enciphers_ec_only_signs():
    assert key_usages(INTERNAL, "rsa") == {"digital_signature", "key_encipherment"}
    assert key_usages(INTERNAL, "ec") == {"digital_signature"}


# --- patterns ----------------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "name", "expected"), [
    ("*.example.com", "www.example.com", True),
    ("*.example.com", "a.b.example.com", False),
    ("*.example.com", "example.com", False),
    ("**.example.com", "a.b.example.com", True),
    ("**.example.com", "example.com", False),
    ("api.*.example.com", "api.eu.example.com", True),
    ("api.*.example.com", "web.eu.example.com", False),
    ("example.com", "example.com.evil.test", False),
    ("*.example.com", "*.example.com", True),
])
def test_pattern_matches_label_wise(pattern, name, expected):
    assert pattern_matches(normalise_pattern(pattern), name) is expected


def test_pattern_is_case_insensitive_and_idna_normalised():
    assert normalise_pattern("API.Bücher.Example.") == "api.xn--bcher-kva.example"


# --- violations --------------------------------------------------------------------------

def test_good_csr_has_no_violation():
    assert check(GOOD, INTERNAL, validity_days=397) == []


def test_san_outside_patterns():
    [v] = check(with_names("api.example.org"), INTERNAL, validity_days=90)
    assert v.code is ViolationCode.SAN_OUTSIDE
    assert "outside the allowed SAN patterns (**.internal.example)" in v.message


def test_wildcard_allowed_only_where_the_profile_allows():
    assert codes(with_names("*.internal.example")) == []
    medium = profile_for(make(blast_radius="medium"), on=TODAY)
    assert codes(with_names("*.internal.example"), profile=medium) == ["wildcard-not-allowed"]
    assert codes(with_names("a*.internal.example")) == ["invalid-label"]
    assert codes(with_names("www.*.internal.example")) == ["invalid-label"]


def test_mixed_case_name_refused_with_the_lower_case_form():
    [v] = check(with_names("API.internal.example"), INTERNAL, validity_days=90)
    assert v.code is ViolationCode.MIXED_CASE
    assert "'api.internal.example'" in v.message


def test_mixed_case_name_outside_patterns_gets_both():
    assert codes(with_names("API.example.org")) == ["mixed-case", "san-outside-patterns"]


def test_unicode_name_refused_with_its_a_label():
    [v] = check(with_names("bücher.internal.example"), INTERNAL, validity_days=90)
    assert v.code is ViolationCode.NOT_IDNA
    assert "xn--bcher-kva.internal.example" in v.message


def test_valid_a_label_passes_and_bogus_punycode_refused():
    assert codes(with_names("xn--bcher-kva.internal.example")) == []
    assert codes(with_names("ab--cd.internal.example")) == ["not-idna"]


def test_trailing_dot_refused():
    [v] = check(with_names("api.internal.example."), INTERNAL, validity_days=90)
    assert v.code is ViolationCode.TRAILING_DOT
    assert "trailing dot" in v.message


def test_embedded_nul_refused():
    [v] = check(with_names("api.internal.example\x00.evil.test"), INTERNAL, validity_days=90)
    assert v.code is ViolationCode.NUL
    assert "NUL" in v.message


def test_over_long_label_and_name_refused():
    assert codes(with_names("a" * 64 + ".internal.example")) == ["label-too-long"]
    long_name = ".".join(["a" * 60] * 4) + ".internal.example"
    assert codes(with_names(long_name)) == ["name-too-long"]


def test_empty_label_refused():
    assert codes(with_names("a..internal.example")) == ["empty-label"]


def test_weak_rsa_1024_refused():
    facts = dataclasses.replace(GOOD, key_kind="rsa", key_size=1024, curve=None)
    [v] = check(facts, INTERNAL, validity_days=90)
    assert v.code is ViolationCode.WEAK_KEY
    assert v.message == "RSA-1024 is a weak key: this type needs RSA-2048 or stronger"


def test_key_type_and_curve_outside_profile_refused():
    assert codes(dataclasses.replace(GOOD, key_kind="dsa", key_size=2048)) == [
        "key-type-not-allowed"]
    assert codes(dataclasses.replace(GOOD, curve="secp256k1")) == ["curve-not-allowed"]
    assert codes(dataclasses.replace(GOOD, key_kind="ed25519")) == ["key-type-not-allowed"]


def test_validity_too_long_refused():
    [v] = check(GOOD, INTERNAL, validity_days=398)
    assert v.code is ViolationCode.VALIDITY
    assert "398 days" in v.message
    assert "397" in v.message


def test_csr_asking_for_ca_refused():
    [v] = check(dataclasses.replace(GOOD, requests_ca=True), INTERNAL, validity_days=90)
    assert v.code is ViolationCode.CA_REQUESTED
    assert "CA:true" in v.message


def test_bad_signature_refused():
    [v] = check(dataclasses.replace(GOOD, signature_valid=False), INTERNAL, validity_days=90)
    assert v.code is ViolationCode.BAD_SIGNATURE
    assert "signature does not verify" in v.message


def test_eku_outside_profile_refused():
    facts = dataclasses.replace(GOOD, requested_ekus=(ExtendedKeyUsage.CODE_SIGNING.oid,
                                                      ExtendedKeyUsage.SERVER_AUTH.oid))
    [v] = check(facts, INTERNAL, validity_days=90)
    assert v.code is ViolationCode.EKU
    assert "code-signing" in v.message


def test_other_san_types_refused():
    assert codes(dataclasses.replace(GOOD, other_sans=("IP:10.0.0.1",))) == [
        "san-type-not-allowed"]


def test_common_name_must_be_a_requested_name():
    assert codes(dataclasses.replace(GOOD, common_name="other.internal.example")) == [
        "common-name"]


def test_code_signing_carries_no_dns_name_and_needs_a_subject():
    signing = profile_for(make(purpose="code-signing", validity="long"), on=TODAY)
    ok = CsrFacts(dns_names=(), common_name="Example Org release signing", key_kind="ec",
                  key_size=384, curve="secp384r1", signature_valid=True)
    assert check(ok, signing, validity_days=825) == []
    assert codes(dataclasses.replace(ok, common_name=None), profile=signing) == ["no-name"]
    assert codes(dataclasses.replace(ok, dns_names=("a.example.com",)),
                 profile=signing) == ["san-outside-patterns"]


def test_tls_without_dns_name_refused():
    assert codes(with_names()) == ["no-name"]


CA_FACTS = CsrFacts(dns_names=(), common_name="Example Org Team CA", key_kind="ec",
                    key_size=384, curve="secp384r1", signature_valid=True, requests_ca=True)


def test_ca_signing_profile_issues_a_subordinate_ca_named_by_its_common_name():
    ca_type = profile_for(make(purpose="ca-signing", validity="long",
                               profile={"san_patterns": ["**.team.example"]}), on=TODAY)
    assert ca_type.issues_ca
    assert ca_type.issuable
    assert ca_type.cn_patterns == ("Example Org * CA", "Example Org * CA *")
    facts = CA_FACTS
    assert check(facts, ca_type, validity_days=825) == []  # CA:true is what it is for
    assert codes(dataclasses.replace(facts, common_name="Sub CA"), profile=ca_type) == [
        "common-name"]
    assert codes(dataclasses.replace(facts, common_name=None), profile=ca_type) == ["no-name"]


def test_ca_signing_without_patterns_is_refused_with_what_to_add():
    ca_type = profile_for(make(purpose="ca-signing", validity="long"), on=TODAY)
    assert ca_type.san_patterns == ()  # nothing derived
    assert ca_type.email_patterns == ()
    [found] = check(CA_FACTS, ca_type, validity_days=825)
    assert (found.code.value, found.subject) == ("purpose-not-issuable", "profile")
    assert "add SAN or email patterns to this type's profile" in found.message


def test_ca_signing_pattern_ending_in_a_wildcard_is_refused():
    ca_type = profile_for(make(purpose="ca-signing", validity="long",
                               profile={"san_patterns": ["**.team.example", "example.*"]}),
                          on=TODAY)
    [found] = check(CA_FACTS, ca_type, validity_days=825)
    assert found.subject == "example.*"
    assert "cannot be a name constraint" in found.message


def test_ca_signing_csr_with_names_or_ekus_refused():
    ca_type = profile_for(make(purpose="ca-signing", validity="long",
                               profile={"san_patterns": ["**.team.example"],
                                        "email_patterns": ["*@team.example"]}), on=TODAY)
    facts = CsrFacts(dns_names=("a.team.example",), common_name="Example Org Team CA",
                     key_kind="ec", key_size=256, curve="secp256r1", signature_valid=True,
                     email_addresses=("x@team.example",),
                     requested_ekus=(ExtendedKeyUsage.SERVER_AUTH.oid,))
    found = check(facts, ca_type, validity_days=90)
    assert [v.code.value for v in found] == ["san-type-not-allowed", "san-type-not-allowed",
                                             "eku-not-allowed"]
    assert "the profile's patterns become its name constraints" in found[0].message


def test_hand_made_unissuable_profile_is_refused():
    stored = profile_for(make(), on=TODAY).model_copy(update={"issuable": False})
    assert codes(GOOD, profile=stored) == ["purpose-not-issuable"]


def test_every_violation_is_listed_not_only_the_first():
    facts = CsrFacts(dns_names=("Bad.example.org", "x.internal.example."), common_name=None,
                     key_kind="rsa", key_size=1024, signature_valid=False, requests_ca=True)
    found = set(codes(facts, validity_days=1000))
    assert found >= {"bad-signature", "ca-requested", "mixed-case", "san-outside-patterns",
                     "trailing-dot", "weak-key", "validity-too-long"}


# --- common-name rule of types without DNS names -------------------------------------------

def subject_only(cn: str | None) -> CsrFacts:
    return CsrFacts(dns_names=(), common_name=cn, key_kind="ec", key_size=384,
                    curve="secp384r1", signature_valid=True)


def test_profile_cn_patterns_derive_from_purpose_and_ca():
    def derived(**fields: object) -> tuple[str, ...] | None:
        return profile_for(make(**fields), on=TODAY).cn_patterns

    assert derived(purpose="client-auth") == ("*@internal.example",)
    assert derived(purpose="smime", ca="public") == ("*@example.com",)
    assert derived(purpose="code-signing") == ("Example Org", "Example Org *")
    assert derived(purpose="document-signing") == (
        "Example Org", "Example Org *", "*@internal.example")
    assert derived() == ()  # DNS types: the common name must be one of the names


@pytest.mark.parametrize(("purpose", "cn"), [
    ("client-auth", "postgres"),  # a server taking the CN as the user name: a superuser
    ("client-auth", "alice@evil.example"),
    ("code-signing", "Microsoft Corporation"),  # the publisher signing tools would show
    ("code-signing", "Release signing"),
    ("document-signing", "Example Organisation"),
])
def test_common_name_outside_the_type_rule_refused(purpose, cn):
    profile = profile_for(make(purpose=purpose, validity="long"), on=TODAY)
    [v] = check(subject_only(cn), profile, validity_days=90)
    assert v.code is ViolationCode.COMMON_NAME
    assert v.message.startswith(f"common name {cn!r} is not allowed for ")
    assert "(allowed: " in v.message


@pytest.mark.parametrize(("purpose", "cn"), [
    ("client-auth", "alice@internal.example"),
    ("client-auth", "Batch-Job@Internal.Example"),  # case is ignored
    ("code-signing", "Example Org"),
    ("code-signing", "example org Release Signing"),
    ("document-signing", "bob@internal.example"),
])
def test_common_name_inside_the_type_rule_issues(purpose, cn):
    profile = profile_for(make(purpose=purpose, validity="long"), on=TODAY)
    assert check(subject_only(cn), profile, validity_days=90) == []


@pytest.mark.parametrize("cn", ["Example Org\tx", " Example Org", "Example Org x "])
def test_common_name_with_control_characters_or_outer_spaces_refused(cn):
    signing = profile_for(make(purpose="code-signing", validity="long"), on=TODAY)
    assert codes(subject_only(cn), profile=signing) == ["common-name"]


def test_cn_pattern_edit_replaces_the_derived_rule():
    signing = profile_for(make(purpose="code-signing", validity="long",
                               profile={"cn_patterns": ["Acme Ltd *", "  "]}), on=TODAY)
    assert signing.cn_patterns == ("Acme Ltd *",)
    assert codes(subject_only("Acme Ltd release"), profile=signing) == []
    assert codes(subject_only("Example Org"), profile=signing) == ["common-name"]
    nothing = profile_for(make(purpose="code-signing", profile={"cn_patterns": []}), on=TODAY)
    [v] = check(subject_only("Example Org"), nothing, validity_days=90)
    assert "(allowed: none)" in v.message


def test_dns_types_keep_their_rule_and_an_edit_narrows_it():
    assert codes(GOOD) == []
    assert codes(dataclasses.replace(GOOD, common_name="other.internal.example")) == [
        "common-name"]
    narrowed = profile_for(make(profile={"cn_patterns": ["web*.internal.example"]}), on=TODAY)
    assert codes(GOOD, profile=narrowed) == ["common-name"]
    web = dataclasses.replace(GOOD, dns_names=("web1.internal.example",),
                              common_name="web1.internal.example")
    assert codes(web, profile=narrowed) == []


def test_profile_frozen_before_cn_rules_is_checked_as_it_was():
    # A request raised before this rule stored its profile without cn_patterns.
    stored = profile_for(make(purpose="code-signing"), on=TODAY).model_dump(mode="json")
    del stored["cn_patterns"]
    assert check(subject_only("Release signing"), IssuanceProfile.model_validate(stored),
                 validity_days=90) == []


@pytest.mark.parametrize("bad", ["Example\x00Org", "x" * 65, "Org\n*"])
def test_profile_settings_reject_bad_cn_patterns(bad):
    with pytest.raises(ValidationError, match="common-name pattern"):
        IssuanceProfileSettings(cn_patterns=(bad,))


@settings(max_examples=300, deadline=None)
@given(pattern=st.text(alphabet="ab*", max_size=8), name=st.text(alphabet="abAB", max_size=10))
def test_cn_pattern_matches_agrees_with_a_regular_expression(pattern, name):
    expected = re.fullmatch(".+".join(re.escape(p) for p in pattern.split("*")), name,
                            flags=re.IGNORECASE)
    assert cn_pattern_matches(pattern, name) == (expected is not None)
