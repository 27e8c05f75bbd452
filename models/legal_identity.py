"""The organisation's legal identity and the subject attributes OV and EV certificates carry."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models.validation_types import IdentityNeed, ValidationType

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

# X.520 / EV Guidelines attribute OIDs, as the certificate subject spells them.
OID_COUNTRY = "2.5.4.6"
OID_STATE = "2.5.4.8"
OID_LOCALITY = "2.5.4.7"
OID_ORGANIZATION = "2.5.4.10"
OID_BUSINESS_CATEGORY = "2.5.4.15"
OID_SERIAL_NUMBER = "2.5.4.5"
OID_ORGANIZATION_IDENTIFIER = "2.5.4.97"
OID_JURISDICTION_LOCALITY = "1.3.6.1.4.1.311.60.2.1.1"
OID_JURISDICTION_STATE = "1.3.6.1.4.1.311.60.2.1.2"
OID_JURISDICTION_COUNTRY = "1.3.6.1.4.1.311.60.2.1.3"
OID_COMMON_NAME = "2.5.4.3"
SHORT_NAMES = {OID_COUNTRY: "C", OID_STATE: "ST", OID_LOCALITY: "L", OID_ORGANIZATION: "O",
               OID_BUSINESS_CATEGORY: "businessCategory", OID_SERIAL_NUMBER: "serialNumber",
               OID_ORGANIZATION_IDENTIFIER: "organizationIdentifier",
               OID_JURISDICTION_COUNTRY: "jurisdictionC", OID_JURISDICTION_STATE: "jurisdictionST",
               OID_JURISDICTION_LOCALITY: "jurisdictionL", OID_COMMON_NAME: "CN"}


class BusinessCategory(StrEnum):
    """EV Guidelines 7.1.4.2.3: the subject's kind of organisation, spelled as encoded."""

    PRIVATE = "Private Organization"
    GOVERNMENT = "Government Entity"
    BUSINESS = "Business Entity"
    NON_COMMERCIAL = "Non-Commercial Entity"


def _country(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    code = value.upper()
    if len(code) != 2 or not code.isascii() or not code.isalpha():
        raise ValueError("not a two-letter ISO 3166 country code such as GB")
    return code


class LegalIdentity(BaseModel):
    """What OV and EV certificates name: the organisation as registered (TLS BR 7.1.4.2,
    EV Guidelines 7.1.4.2, CS BR 7.1.4.2, S/MIME BR 7.1.4.2.2). Every field but the legal name
    is optional; a validation type that needs one refuses to issue without it."""

    model_config = _FROZEN

    legal_name: str = Field(..., min_length=1, max_length=64,
                            description="organizationName: the registered legal name.")
    locality: str | None = Field(None, max_length=128, description="localityName.")
    state: str | None = Field(None, max_length=128, description="stateOrProvinceName.")
    country: str | None = Field(None, description="countryName (ISO 3166-1 alpha-2).")
    business_category: BusinessCategory | None = Field(
        None, description="businessCategory (EV).")
    jurisdiction_country: str | None = Field(
        None, description="jurisdictionCountryName: where it is registered (EV).")
    jurisdiction_state: str | None = Field(None, max_length=128,
                                           description="jurisdictionStateOrProvinceName (EV).")
    jurisdiction_locality: str | None = Field(None, max_length=128,
                                              description="jurisdictionLocalityName (EV).")
    registration_number: str | None = Field(
        None, max_length=64, description="serialNumber: the registration (company) number (EV).")

    @field_validator("country", "jurisdiction_country", mode="before")
    @classmethod
    def _iso_country(cls, value: str | None) -> str | None:
        return _country(value.strip() if isinstance(value, str) else value)

    @field_validator("locality", "state", "jurisdiction_state", "jurisdiction_locality",
                     "registration_number", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


def missing_identity(legal: LegalIdentity | None, validation: ValidationType) -> list[str]:
    """The legal-identity fields a certificate of `validation` lacks, in words (empty: none)."""
    need = validation.identity
    if need is IdentityNeed.NONE:
        return []
    if legal is None:
        return ["the organisation's legal identity"]
    missing = [] if legal.country else ["country"]
    if need is IdentityNeed.ORGANISATION and not (legal.locality or legal.state):
        missing.append("locality or state")
    if need is IdentityNeed.EXTENDED:
        # EV Guidelines 7.1.4.2.4: localityName is required, stateOrProvinceName if any.
        missing += [label for label, value in (
            ("locality", legal.locality), ("business category", legal.business_category),
            ("jurisdiction country", legal.jurisdiction_country),
            ("registration number", legal.registration_number)) if not value]
    if validation in _ORGANIZATION_SMIME and not legal.registration_number:
        missing.append("registration number")  # for the organizationIdentifier
    return missing


def subject_attributes(legal: LegalIdentity | None, validation: ValidationType | None,
                       common_name: str | None) -> list[tuple[str, str]]:
    """(OID, value) of each subject attribute, in the order TLS BR 7.1.4.2 enforces (C, ST,
    L, O, CN; the EV attributes first, where the EV Guidelines' example puts them)."""
    need = validation.identity if validation else IdentityNeed.NONE
    attrs: list[tuple[str, str | None]] = []
    if legal is not None and need is not IdentityNeed.NONE:
        if need is IdentityNeed.EXTENDED:
            category = legal.business_category.value if legal.business_category else None
            attrs += [(OID_BUSINESS_CATEGORY, category),
                      (OID_JURISDICTION_COUNTRY, legal.jurisdiction_country),
                      (OID_JURISDICTION_STATE, legal.jurisdiction_state),
                      (OID_JURISDICTION_LOCALITY, legal.jurisdiction_locality),
                      (OID_SERIAL_NUMBER, legal.registration_number)]
        attrs += [(OID_COUNTRY, legal.country), (OID_STATE, legal.state),
                  (OID_LOCALITY, legal.locality), (OID_ORGANIZATION, legal.legal_name)]
        if validation in _ORGANIZATION_SMIME:
            attrs.append((OID_ORGANIZATION_IDENTIFIER, organization_identifier(legal)))
    attrs.append((OID_COMMON_NAME, common_name))
    return [(oid, value) for oid, value in attrs if value]


_ORGANIZATION_SMIME = frozenset({ValidationType.SMIME_ORGANIZATION_STRICT,
                                 ValidationType.SMIME_ORGANIZATION_MULTIPURPOSE})


def organization_identifier(legal: LegalIdentity) -> str | None:
    """S/MIME BR 7.1.4.2.2(d): "NTR" (a national trade register), the registering country,
    "-" and the registration number, e.g. NTRGB-09876543; None without both."""
    country = legal.jurisdiction_country or legal.country
    if not (country and legal.registration_number):
        return None
    return f"NTR{country}-{legal.registration_number}"
