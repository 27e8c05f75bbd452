"""Key algorithms, minimum sizes and extended key usages an issuance profile can allow."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

# The curves CA/B Forum requirements and browsers accept for ECDSA keys.
NIST_CURVES = frozenset({"secp256r1", "secp384r1", "secp521r1"})


class KeyKind(StrEnum):
    """Public-key algorithms a profile can allow."""

    RSA = "rsa"
    EC = "ec"
    ED25519 = "ed25519"


class ExtendedKeyUsage(StrEnum):
    """Extended key usages a profile can put in a certificate, spelled for the project file."""

    SERVER_AUTH = "server-auth"
    CLIENT_AUTH = "client-auth"
    CODE_SIGNING = "code-signing"
    EMAIL_PROTECTION = "email-protection"
    DOCUMENT_SIGNING = "document-signing"

    @property
    def oid(self) -> str:
        """Dotted OID (RFC 5280 §4.2.1.12; document signing: RFC 9336)."""
        return _EKU_OIDS[self]


_EKU_OIDS = {
    ExtendedKeyUsage.SERVER_AUTH: "1.3.6.1.5.5.7.3.1",
    ExtendedKeyUsage.CLIENT_AUTH: "1.3.6.1.5.5.7.3.2",
    ExtendedKeyUsage.CODE_SIGNING: "1.3.6.1.5.5.7.3.3",
    ExtendedKeyUsage.EMAIL_PROTECTION: "1.3.6.1.5.5.7.3.4",
    ExtendedKeyUsage.DOCUMENT_SIGNING: "1.3.6.1.5.5.7.3.36",
}
EKU_BY_OID = {oid: eku for eku, oid in _EKU_OIDS.items()}


class KeyRequirement(BaseModel):
    """One allowed key algorithm and its minimum size in bits (EC: the curve's size)."""

    model_config = _FROZEN

    kind: KeyKind
    min_size: int = Field(ge=1, le=16384, description="Smallest key allowed, in bits.")
