"""One parsed X.509 certificate -> the plain facts `models.discovery` classifies."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtensionOID, NameOID

from app.ca.csr import key_facts, split_sans
from models.discovery import ObservedCertificate, Trust

_KEY_USAGE_BITS = ("digital_signature", "content_commitment", "key_encipherment",
                   "data_encipherment", "key_agreement", "key_cert_sign", "crl_sign")


def _common_name(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not values:
        return None
    value = values[0].value
    return value if isinstance(value, str) else value.decode("latin-1")


@functools.lru_cache(maxsize=4096)  # an estate has few issuers, each naming many certificates
def issuer_label(name: x509.Name) -> str:
    """A readable issuer: its common name and organisation ("R10 · Let's Encrypt")."""
    parts = [_common_name(name)]
    orgs = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    if orgs:
        value = orgs[0].value
        parts.append(value if isinstance(value, str) else value.decode("latin-1"))
    shown = " · ".join(p for p in parts if p)
    return shown or name.rfc4514_string() or "(empty issuer)"


TrustJudge = Callable[[x509.Certificate, x509.Name, bool], tuple[Trust, str]]


def observe(cert: x509.Certificate, source: str, *, judge: TrustJudge | None = None
            ) -> ObservedCertificate:
    """The facts of `cert`, read in one pass over its extensions.

    `judge(cert, issuer, has_scts)` decides public or private (app.discovery.trust); without
    it the trust stays unknown. Raises ValueError for contents that do not parse.
    """
    try:
        kind, size, curve = key_facts(cert.public_key())
    except (ValueError, UnsupportedAlgorithm) as exc:
        kind, size, curve = f"unsupported ({exc})"[:60], 0, None
    dns: list[str] = []
    emails: list[str] = []
    other: list[str] = []
    ekus: tuple[str, ...] = ()
    usages: list[str] = []
    is_ca = False
    policies: tuple[str, ...] = ()
    has_scts = False
    for ext in cert.extensions:
        oid, value = ext.oid, ext.value
        if oid == ExtensionOID.SUBJECT_ALTERNATIVE_NAME:
            assert isinstance(value, x509.SubjectAlternativeName)
            split_sans(value, dns, emails, other)
        elif oid == ExtensionOID.EXTENDED_KEY_USAGE:
            assert isinstance(value, x509.ExtendedKeyUsage)
            ekus = tuple(o.dotted_string for o in value)
        elif oid == ExtensionOID.KEY_USAGE:
            assert isinstance(value, x509.KeyUsage)
            usages = [bit for bit in _KEY_USAGE_BITS if _bit(value, bit)]
        elif oid == ExtensionOID.BASIC_CONSTRAINTS:
            assert isinstance(value, x509.BasicConstraints)
            is_ca = value.ca
        elif oid == ExtensionOID.CERTIFICATE_POLICIES:
            assert isinstance(value, x509.CertificatePolicies)
            policies = tuple(p.policy_identifier.dotted_string for p in value)
        elif oid == ExtensionOID.PRECERT_SIGNED_CERTIFICATE_TIMESTAMPS:
            has_scts = True
    issuer = cert.issuer
    trust, reason = judge(cert, issuer, has_scts) if judge else (Trust.UNKNOWN, "")
    return ObservedCertificate(
        source=source,
        fingerprint=cert.fingerprint(hashes.SHA256()).hex(),
        common_name=_common_name(cert.subject),
        dns_names=tuple(dns), email_addresses=tuple(emails),
        issuer=issuer_label(issuer),
        not_before=cert.not_valid_before_utc, not_after=cert.not_valid_after_utc,
        key_kind=kind, key_size=size, curve=curve, ekus=ekus, key_usages=tuple(usages),
        is_ca=is_ca, policy_oids=policies, serial=format(cert.serial_number, "x"),
        other_sans=tuple(other), trust=trust, trust_reason=reason,
    )


def _bit(usage: x509.KeyUsage, name: str) -> bool:
    try:
        return bool(getattr(usage, name))
    except ValueError:  # encipher_only/decipher_only raise without key_agreement
        return False


def utc(value: dt.datetime) -> dt.datetime:
    """`value` as an aware UTC datetime (naive values are taken as UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)
