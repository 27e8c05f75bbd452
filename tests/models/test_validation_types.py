"""Validation types by purpose and CA, their policy OIDs, and the legal identity OV and EV
subjects need."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models.enums import CaKind, Purpose
from models.legal_identity import LegalIdentity, missing_identity, subject_attributes
from models.validation_types import ValidationType, derived_validation

FULL = LegalIdentity(legal_name="Harbourview Financial Services Ltd", locality="Leeds",
                     state="West Yorkshire", country="gb", business_category="Private "
                     "Organization", jurisdiction_country="GB", registration_number="08861234")


@pytest.mark.parametrize(("purpose", "ca", "expected", "oid"), [
    (Purpose.TLS_EXTERNAL, CaKind.PUBLIC, ValidationType.DV, "2.23.140.1.2.1"),
    (Purpose.EV_TLS, CaKind.PUBLIC, ValidationType.EV, "2.23.140.1.1"),
    (Purpose.EV_TLS, CaKind.PRIVATE, ValidationType.EV, "2.23.140.1.1"),
    (Purpose.CODE_SIGNING, CaKind.PUBLIC, ValidationType.CODE_SIGNING, "2.23.140.1.4.1"),
    (Purpose.SMIME, CaKind.PUBLIC, ValidationType.SMIME_MAILBOX_STRICT, "2.23.140.1.5.1.3"),
    (Purpose.TLS_INTERNAL, CaKind.PRIVATE, ValidationType.PRIVATE, "1.3.6.1.5.5.7.13.1"),
    (Purpose.DOCUMENT_SIGNING, CaKind.PUBLIC, ValidationType.PRIVATE, "1.3.6.1.5.5.7.13.1"),
])
def test_derived_validation_and_its_policy(purpose, ca, expected, oid):
    assert derived_validation(purpose, ca) is expected
    assert expected.policy_oid == oid
    assert purpose in expected.purposes


def test_reserved_oids_by_the_baseline_requirements():
    assert {v.value: v.policy_oid for v in ValidationType if v is not ValidationType.PRIVATE} \
        == {"dv": "2.23.140.1.2.1", "ov": "2.23.140.1.2.2", "ev": "2.23.140.1.1",
            "code-signing": "2.23.140.1.4.1", "ev-code-signing": "2.23.140.1.3",
            "smime-mailbox-strict": "2.23.140.1.5.1.3",
            "smime-mailbox-multipurpose": "2.23.140.1.5.1.2",
            "smime-organization-strict": "2.23.140.1.5.2.3",
            "smime-organization-multipurpose": "2.23.140.1.5.2.2"}


def test_what_each_type_lacks():
    bare = LegalIdentity(legal_name="Harbourview Financial Services Ltd")
    assert missing_identity(None, ValidationType.OV) == ["the organisation's legal identity"]
    assert missing_identity(bare, ValidationType.DV) == []
    assert missing_identity(bare, ValidationType.OV) == ["country", "locality or state"]
    assert missing_identity(bare, ValidationType.EV) == [
        "country", "locality", "business category", "jurisdiction country",
        "registration number"]
    assert missing_identity(bare, ValidationType.SMIME_ORGANIZATION_STRICT) == [
        "country", "locality or state", "registration number"]
    assert all(missing_identity(FULL, v) == [] for v in ValidationType)


def test_subject_attributes_in_br_order():
    assert [v for _, v in subject_attributes(FULL, ValidationType.OV, "shop.example.com")] == [
        "GB", "West Yorkshire", "Leeds", "Harbourview Financial Services Ltd",
        "shop.example.com"]
    assert subject_attributes(FULL, ValidationType.DV, "www.example.com") == [
        ("2.5.4.3", "www.example.com")]
    org_smime = dict(subject_attributes(FULL, ValidationType.SMIME_ORGANIZATION_STRICT, None))
    assert org_smime["2.5.4.97"] == "NTRGB-08861234"


def test_a_country_must_be_an_iso_code():
    assert FULL.country == "GB"
    with pytest.raises(ValidationError, match="not a two-letter ISO 3166 country code"):
        LegalIdentity(legal_name="X", country="UK1")
