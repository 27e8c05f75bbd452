"""Validation types of the CA/B Forum baseline requirements: policy OIDs and identity needs."""

from __future__ import annotations

from enum import StrEnum

from models.enums import CaKind, Purpose

# RFC 7229 §2: id-TEST-certPolicyOne, reserved for test certificates. A private type asserts
# no CA/B Forum policy (that would claim baseline-requirements compliance), so the local test
# CA marks it with the test policy instead.
TEST_POLICY_OID = "1.3.6.1.5.5.7.13.1"
ANY_POLICY_OID = "2.5.29.32.0"  # RFC 5280 §4.2.1.4: anyPolicy, for the CA certificates


class IdentityNeed(StrEnum):
    """How much of the organisation's legal identity a certificate's subject carries."""

    NONE = "none"
    ORGANISATION = "organisation"  # organizationName, locality/state, country
    EXTENDED = "extended"  # + businessCategory, jurisdiction, registration number (EV)


class ValidationType(StrEnum):
    """What the issuing CA validated, as the baseline requirements name it."""

    DV = "dv"
    OV = "ov"
    EV = "ev"
    CODE_SIGNING = "code-signing"
    EV_CODE_SIGNING = "ev-code-signing"
    SMIME_MAILBOX_STRICT = "smime-mailbox-strict"
    SMIME_MAILBOX_MULTIPURPOSE = "smime-mailbox-multipurpose"
    SMIME_ORGANIZATION_STRICT = "smime-organization-strict"
    SMIME_ORGANIZATION_MULTIPURPOSE = "smime-organization-multipurpose"
    PRIVATE = "private"

    @property
    def label(self) -> str:
        return _FACTS[self][0]

    @property
    def policy_oid(self) -> str:
        """The reserved policy OID a certificate of this type asserts (TLS BR 7.1.6.1, EV
        Guidelines 9.3.2, CS BR 7.1.6.1, S/MIME BR 7.1.6.1; RFC 7229 for a private type)."""
        return _FACTS[self][1]

    @property
    def identity(self) -> IdentityNeed:
        return _FACTS[self][2]

    @property
    def purposes(self) -> frozenset[Purpose]:
        """The purposes whose certificates may be of this type."""
        return _FACTS[self][3]


_TLS = frozenset({Purpose.TLS_EXTERNAL, Purpose.TLS_INTERNAL, Purpose.MTLS})
_SMIME = frozenset({Purpose.SMIME})
_CS = frozenset({Purpose.CODE_SIGNING})
_FACTS: dict[ValidationType, tuple[str, str, IdentityNeed, frozenset[Purpose]]] = {
    ValidationType.DV: ("DV (domain validated, TLS BR)", "2.23.140.1.2.1",
                        IdentityNeed.NONE, _TLS),
    ValidationType.OV: ("OV (organisation validated, TLS BR)", "2.23.140.1.2.2",
                        IdentityNeed.ORGANISATION, _TLS),
    ValidationType.EV: ("EV (extended validation, EV Guidelines)", "2.23.140.1.1",
                        IdentityNeed.EXTENDED, _TLS | {Purpose.EV_TLS}),
    ValidationType.CODE_SIGNING: ("code signing (organisation validated, CS BR)",
                                  "2.23.140.1.4.1", IdentityNeed.ORGANISATION, _CS),
    ValidationType.EV_CODE_SIGNING: ("EV code signing (CS BR)", "2.23.140.1.3",
                                     IdentityNeed.EXTENDED, _CS),
    ValidationType.SMIME_MAILBOX_STRICT: ("S/MIME mailbox-validated, strict", "2.23.140.1.5.1.3",
                                          IdentityNeed.NONE, _SMIME),
    ValidationType.SMIME_MAILBOX_MULTIPURPOSE: (
        "S/MIME mailbox-validated, multipurpose", "2.23.140.1.5.1.2", IdentityNeed.NONE, _SMIME),
    ValidationType.SMIME_ORGANIZATION_STRICT: (
        "S/MIME organization-validated, strict", "2.23.140.1.5.2.3", IdentityNeed.ORGANISATION,
        _SMIME),
    ValidationType.SMIME_ORGANIZATION_MULTIPURPOSE: (
        "S/MIME organization-validated, multipurpose", "2.23.140.1.5.2.2",
        IdentityNeed.ORGANISATION, _SMIME),
    ValidationType.PRIVATE: ("private (no CA/B Forum policy; RFC 7229 test policy)",
                             TEST_POLICY_OID, IdentityNeed.NONE, frozenset(Purpose)),
}


def derived_validation(purpose: Purpose, ca: CaKind) -> ValidationType:
    """The validation type a type's certificates get unless its profile edit names another.

    EV TLS is EV whatever the CA (an EV certificate with a bare common name is not EV); other
    types of a private CA assert no CA/B Forum policy. Public TLS defaults to DV, what an ACME
    CA issues; public code signing is organisation validated (CS BR has no DV); public S/MIME
    is mailbox-validated strict, the generation the S/MIME BR recommends.
    """
    if purpose is Purpose.EV_TLS:
        return ValidationType.EV
    if ca is CaKind.PRIVATE:
        return ValidationType.PRIVATE
    return {
        Purpose.TLS_EXTERNAL: ValidationType.DV,
        Purpose.TLS_INTERNAL: ValidationType.DV,
        Purpose.MTLS: ValidationType.DV,
        Purpose.CODE_SIGNING: ValidationType.CODE_SIGNING,
        Purpose.SMIME: ValidationType.SMIME_MAILBOX_STRICT,
    }.get(purpose, ValidationType.PRIVATE)
