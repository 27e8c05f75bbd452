"""Why the CA refuses a CSR: one `Violation` per problem, each with a code and a message."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ViolationCode(StrEnum):
    """Why a CSR is refused; one code per kind of problem."""

    BAD_SIGNATURE = "bad-signature"
    WEAK_SIGNATURE = "weak-signature"
    MALFORMED = "malformed-extension"
    NOT_ISSUABLE = "purpose-not-issuable"
    CA_REQUESTED = "ca-requested"
    NO_NAME = "no-name"
    TOO_MANY_NAMES = "too-many-names"
    SAN_TYPE = "san-type-not-allowed"
    NUL = "embedded-nul"
    TRAILING_DOT = "trailing-dot"
    EMPTY_LABEL = "empty-label"
    MIXED_CASE = "mixed-case"
    NOT_IDNA = "not-idna"
    MIXED_SCRIPT = "mixed-script"
    LABEL_TOO_LONG = "label-too-long"
    NAME_TOO_LONG = "name-too-long"
    INVALID_LABEL = "invalid-label"
    WILDCARD = "wildcard-not-allowed"
    SAN_OUTSIDE = "san-outside-patterns"
    INVALID_EMAIL = "invalid-email"
    SMTPUTF8 = "smtputf8-mailbox"
    EMAIL_OUTSIDE = "email-outside-patterns"
    COMMON_NAME = "common-name"
    KEY_TYPE = "key-type-not-allowed"
    WEAK_KEY = "weak-key"
    CURVE = "curve-not-allowed"
    VALIDITY = "validity-too-long"
    EKU = "eku-not-allowed"
    VALIDATION_TYPE = "validation-type-not-allowed"
    ORGANISATION_IDENTITY = "organisation-identity-missing"


@dataclass(frozen=True, slots=True)
class Violation:
    """One reason the profile forbids what the CSR asks for."""

    code: ViolationCode
    subject: str  # the name, "key", "validity", "csr" …
    message: str

    def __str__(self) -> str:
        return self.message
