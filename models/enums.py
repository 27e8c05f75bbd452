"""Enumerations of the routing parameters, spelled as in the project file (ROUTING-RULES.md)."""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    """What the certificate is for."""

    TLS_EXTERNAL = "tls-external"
    TLS_INTERNAL = "tls-internal"
    MTLS = "mtls"
    EV_TLS = "ev-tls"
    CODE_SIGNING = "code-signing"
    DOCUMENT_SIGNING = "document-signing"
    CLIENT_AUTH = "client-auth"
    DEVICE_AUTH = "device-auth"
    SMIME = "smime"
    CA_SIGNING = "ca-signing"

    @property
    def label(self) -> str:
        return _PURPOSE_LABELS[self]


_PURPOSE_LABELS = {
    Purpose.TLS_EXTERNAL: "External-facing TLS",
    Purpose.TLS_INTERNAL: "Internal TLS",
    Purpose.MTLS: "mTLS (service-to-service)",
    Purpose.EV_TLS: "EV TLS",
    Purpose.CODE_SIGNING: "Code signing",
    Purpose.DOCUMENT_SIGNING: "Document signing",
    Purpose.CLIENT_AUTH: "Client authentication",
    Purpose.DEVICE_AUTH: "Device authentication",
    Purpose.SMIME: "S/MIME",
    Purpose.CA_SIGNING: "CA signing",
}


class CaKind(StrEnum):
    """Public CA (Let's Encrypt, DigiCert…) or private CA (AD CS, EJBCA, Vault…)."""

    PUBLIC = "public"
    PRIVATE = "private"

    @property
    def label(self) -> str:
        return f"{self.value} CA"


class Validity(StrEnum):
    """Validity class: short ≤ 90 days, medium 91–397 days, long > 397 days."""

    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"

    @property
    def label(self) -> str:
        return f"{self.value} validity"

    @property
    def max_days(self) -> int:
        """Longest validity this class allows (ROUTING-RULES.md field table; 825 d private)."""
        return _VALIDITY_MAX_DAYS[self]


_VALIDITY_MAX_DAYS = {Validity.SHORT: 90, Validity.MEDIUM: 397, Validity.LONG: 825}


class Identity(StrEnum):
    """How well the requesting service proves who it is, automatically."""

    STRONG = "strong"
    MEDIUM = "medium"
    WEAK = "weak"

    @property
    def label(self) -> str:
        return f"{self.value} identity"


class BlastRadius(StrEnum):
    """Damage from a mis-issuance."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return f"{self.value} blast radius"


class Tolerance(StrEnum):
    """How much automated-issuance risk the organisation accepts for medium blast radius."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Workflow(StrEnum):
    """The two issuance patterns."""

    COMBINED = "combined"
    ADMIN_MEDIATED = "admin-mediated"


class ReasonCode(StrEnum):
    """Why a type got its workflow (ROUTING-RULES.md reason codes, plus manual override)."""

    HIGH_ASSURANCE_PURPOSE = "high-assurance-purpose"
    BLAST_RADIUS_OVERRIDE = "blast-radius-override"
    GOVERNANCE_REVIEW = "governance-review"
    IDENTITY_CAPABILITY = "identity-capability"
    BELOW_BREAK_EVEN = "below-break-even"
    TOLERANCE_MODULATED = "tolerance-modulated"
    STANDARD = "standard"
    MANUAL_OVERRIDE = "manual-override"
