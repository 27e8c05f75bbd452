"""One parsed X.509 certificate -> the plain facts `models.discovery` classifies."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtensionOID, NameOID

from app.ca.csr import key_facts
from models.discovery import ObservedCertificate, Trust

_KEY_USAGE_BITS = ("digital_signature", "content_commitment", "key_encipherment",
                   "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign")


def _extension(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> x509.ExtensionType | None:
    try:
        return cert.extensions.get_extension_for_oid(oid).value
    except x509.ExtensionNotFound:
        return None


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("latin-1")


def issuer_label(name: x509.Name) -> str:
    """A readable issuer: its common name and organisation ("R10 · Let's Encrypt")."""
    parts = [_common_name(name)]
    orgs = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if orgs:
        value = orgs[0].value
        parts.append(value if isinstance(value, str) else value.decode("latin-1"))
    shown = " · ".join(p for p in parts if p)
    return shown or name.rfc4514_string() or "(empty issuer)"


def observe(cert: x509.Certificate, source: str, *, trust: Trust = Trust.UNKNOWN,
            trust_reason: str = "") -> ObservedCertificate:
    """The facts of `cert`. Raises ValueError for a certificate whose contents do not parse."""
    try:
        kind, size, curve = key_facts(cert.public_key())
    except (ValueError, UnsupportedAlgorithm) as exc:
        kind, size, curve = f"unsupported ({exc})"[:60], 0, None
    dns: list[str] = []
    emails: list[str] = []
    other: list[str] = []
    san = _extension(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    if isinstance(san, x509.SubjectAlternativeName):
        for general in san:
            if isinstance(general, x509.DNSName):
                dns.append(general.value)
            elif isinstance(general, x509.RFC822Name):
                emails.append(general.value)
            else:
                other.append(f"{type(general).__name__}:{general.value}")
    eku = _extension(cert, ExtensionOID.EXTENDED_KEY_USAGE)
    ku = _extension(cert, ExtensionOID.KEY_USAGE)
    usages: list[str] = []
    if isinstance(ku, x509.KeyUsage):
        usages = [bit for bit in _KEY_USAGE_BITS if getattr(ku, bit)]
    bc = _extension(cert, ExtensionOID.BASIC_CONSTRAINTS)
    policies = _extension(cert, ExtensionOID.CERTIFICATE_POLICIES)
    return ObservedCertificate(
        source=source,
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
        common_name=_common_name(cert.subject),
        dns_names=tuple(dns), email_addresses=tuple(emails),
        issuer=issuer_label(cert.issuer),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        key_kind=kind, key_size=size, curve=curve,
        ekus=tuple(o.dotted_string for o in eku) if isinstance(eku, x509.ExtendedKeyUsage)
        else (),
        key_usages=tuple(usages),
        is_ca=isinstance(bc, x509.BasicConstraints) and bc.ca,
        policy_oids=tuple(p.policy_identifier.dotted_string for p in policies)
        if isinstance(policies, x509.CertificatePolicies) else (),
        serial=format(cert.serial_number, "x"),
        other_sans=tuple(other), trust=trust, trust_reason=trust_reason,
    )


def utc(value: dt.datetime) -> dt.datetime:
    """`value` as an aware UTC datetime (naive values are taken as UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
