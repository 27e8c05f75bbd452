"""IDNA 2008 with UTS #46 mapping (the `idna` package), not Python's IDNA 2003 codec."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from models.certificate import CertificateType
from models.dns_names import is_valid_a_label, normalise_pattern, to_a_label, to_a_name
from models.email_names import address_violations, normalise_email_pattern
from models.issuance_policy import (
    CsrFacts,
    IssuanceProfileSettings,
    ViolationCode,
    check,
    profile_for,
)
from tests.conftest import TODAY

INTERNAL = profile_for(CertificateType.model_validate({
    "id": "t", "name": "T", "purpose": "tls-internal", "ca": "private", "validity": "medium",
    "identity": "strong", "blast_radius": "low",
    "profile": {"san_patterns": ["**.internal.example", "*.xn--fa-hia.de"]}}), on=TODAY)
GOOD = CsrFacts(dns_names=(), common_name=None, key_kind="ec", key_size=256,
                curve="secp256r1", signature_valid=True)


def violations(*names: str):
    return check(dataclasses.replace(GOOD, dns_names=names), INTERNAL, validity_days=90)


def test_sharp_s_is_kept_not_mapped_to_ss_as_idna_2003_does():
    assert "faß".encode("idna") == b"fass"  # Python's codec: IDNA 2003 folds ß into ss
    assert to_a_name("faß.de") == "xn--fa-hia.de"
    assert normalise_pattern("*.Faß.DE") == "*.xn--fa-hia.de"
    assert normalise_email_pattern("*@faß.de") == "*@xn--fa-hia.de"


def test_uts46_maps_case_and_width_before_encoding():
    assert to_a_label("BÜCHER") == "xn--bcher-kva"
    assert to_a_label("ＡＢＣ") == "abc"  # full-width letters are the ASCII ones


@pytest.mark.parametrize(("label", "why"), [
    ("☃", "U+2603"),  # symbols: allowed by IDNA 2003, disallowed by IDNA 2008
    ("a\u200db", "U+200D"),  # a zero-width joiner outside its contextual rule
    ("bü_cher", "U+005F"),
    ("-bü", "hyphen"),
])
def test_labels_idna_2008_forbids_are_rejected_with_the_reason(label, why):
    with pytest.raises(ValueError, match="not valid under IDNA 2008") as error:
        to_a_label(label)
    assert why in str(error.value)


def test_pattern_with_a_disallowed_code_point_is_refused_naming_it():
    with pytest.raises(ValidationError, match=r"not valid under IDNA 2008 .*U\+2603"):
        IssuanceProfileSettings(san_patterns=("☃.example",))


@pytest.mark.parametrize(("a_label", "valid"), [
    ("xn--bcher-kva", True),
    ("xn--zca", True),  # ß
    ("xn--53h", False),  # ☕: a valid IDNA 2003 label
    ("xn--ls8h", False),  # 💩
    ("xn--bcher-kvA", False),  # not canonical
    ("xn--", False),
])
def test_a_labels_are_checked_under_idna_2008(a_label, valid):
    assert is_valid_a_label(a_label) is valid


def test_csr_name_with_a_u_label_is_refused_with_its_idna_2008_a_label():
    [v] = violations("www.faß.de")
    assert v.code is ViolationCode.NOT_IDNA
    assert "'www.xn--fa-hia.de'" in v.message  # IDNA 2003 would have said www.fass.de
    assert violations("www.xn--fa-hia.de") == []


def test_csr_a_label_idna_2008_forbids_is_refused():
    [v] = violations("xn--53h.internal.example")
    assert v.code is ViolationCode.NOT_IDNA
    assert v.message == ("DNS name 'xn--53h.internal.example': label 'xn--53h' is not a "
                         "valid IDNA A-label")


def test_csr_u_label_with_no_idna_2008_form_gets_no_hint():
    [v] = violations("☃.internal.example")
    assert v.code is ViolationCode.NOT_IDNA
    assert "request the A-label form" not in v.message


def test_email_domain_hint_and_a_label_check_use_idna_2008():
    [v] = address_violations("alice@faß.de", patterns=("*@xn--fa-hia.de",))
    assert "'alice@xn--fa-hia.de'" in v.message
    [v] = address_violations("alice@xn--53h.de", patterns=("*@*.de",))
    assert v.code is ViolationCode.NOT_IDNA


@pytest.mark.parametrize(("a_label", "shown"), [
    ("xn--pple-43d", "is 'аpple', which mixes Cyrillic and Latin letters"),  # review B6
    ("xn--80ak6aa92e", "is 'аррӏе', which looks like 'apple'"),
])
def test_look_alike_a_labels_are_refused(a_label, shown):
    [v] = violations(f"{a_label}.internal.example")
    assert v.code is ViolationCode.MIXED_SCRIPT
    assert shown in v.message


@pytest.mark.parametrize("name", ["xn--mnchen-3ya.internal.example",  # münchen
                                  "www.xn--fa-hia.de",  # faß
                                  "xn--80adxhks.internal.example"])  # москва: no Latin look
def test_real_idn_labels_pass(name):
    assert violations(name) == []
