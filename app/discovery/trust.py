"""Public or private: does a certificate chain to a root of Mozilla's root program?

The roots are the Mozilla bundle the `certifi` package ships (no network at run time). A
certificate is public when a chain of verified signatures from the scanned certificates
reaches one of those roots, or when it carries embedded Certificate Transparency SCTs (which
only publicly-trusted CAs obtain); private when its chain ends at another root; otherwise the
reason says what was missing.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import ExtensionOID, NameOID

from models.discovery import Trust

MAX_CHAIN = 8  # RFC 5280 sets no limit; public chains are 2–4 long
# Issuing brands whose certificates name an organisation other than their root's.
ISSUER_ALIASES = {"let's encrypt": "internet security research group"}


def _organisation(name: x509.Name) -> str | None:
    values = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    value = values[0].value if values else None
    return value.lower() if isinstance(value, str) else None


@dataclass
class TrustStore:
    """Trusted roots by subject, and the certificates a scan found, to build chains from."""

    roots: dict[x509.Name, list[x509.Certificate]] = field(default_factory=dict)
    pool: dict[x509.Name, list[x509.Certificate]] = field(default_factory=dict)
    _orgs: tuple[int, frozenset[str]] | None = field(default=None, repr=False)
    # Derived from roots and pool: rebuilt after add_pool or when the number of roots changes.
    _indexed_roots: int = field(default=-1, repr=False)
    _root_set: frozenset[x509.Certificate] = field(default=frozenset(), repr=False)
    _tails: dict[tuple[x509.Certificate, int], tuple[Trust, str] | x509.Certificate] = \
        field(default_factory=dict, repr=False)
    _names: dict[str, tuple[Trust, str]] = field(default_factory=dict, repr=False)
    _names_for: frozenset[str] | None = field(default=None, repr=False)

    @classmethod
    def mozilla(cls) -> TrustStore:
        """The roots of Mozilla's program, as the installed `certifi` bundle holds them."""
        with open(certifi.where(), "rb") as handle, warnings.catch_warnings():
            # One Mozilla root has a negative serial number, which cryptography warns about.
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return cls.of(x509.load_pem_x509_certificates(handle.read()))

    @classmethod
    def of(cls, roots: Iterable[x509.Certificate]) -> TrustStore:
        store = cls()
        for root in roots:
            store.roots.setdefault(root.subject, []).append(root)
        return store

    def add_pool(self, certs: Iterable[x509.Certificate]) -> None:
        for cert in certs:
            self.pool.setdefault(cert.subject, []).append(cert)
        self._indexed_roots = -1

    def public_organisations(self) -> frozenset[str]:
        """The organisations that run the trusted roots (computed once per set of roots)."""
        count = sum(map(len, self.roots.values()))
        if self._orgs is None or self._orgs[0] != count:
            self._orgs = (count, frozenset(o for roots in self.roots.values() for r in roots
                                           if (o := _organisation(r.subject))))
        return self._orgs[1]

    def _issuers(self, cert: x509.Certificate, issuer_name: x509.Name
                 ) -> list[tuple[x509.Certificate, bool]]:
        found = [(c, True) for c in self.roots.get(issuer_name, [])]
        found += [(c, False) for c in self.pool.get(issuer_name, []) if c != cert]
        good = []
        for issuer, is_root in found:
            try:
                cert.verify_directly_issued_by(issuer)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            good.append((issuer, is_root))
        return good

    def _refresh(self) -> None:
        """Forget remembered chains when the roots changed since they were walked."""
        roots = sum(map(len, self.roots.values()))
        if self._indexed_roots != roots:
            self._indexed_roots = roots
            self._root_set = frozenset(c for same in self.roots.values() for c in same)
            self._tails = {}

    def judge(self, cert: x509.Certificate, issuer: x509.Name | None = None,
              has_scts: bool | None = None) -> tuple[Trust, str]:
        """Public, private or unknown, with the reason (`issuer` and `has_scts` when known).

        Every certificate's own signature is verified against each candidate issuer; the
        chain above a verified issuer is walked (and its signatures verified) once per scan
        and remembered for the next certificate that issuer signed.
        """
        self._refresh()
        end = self._walk(cert, issuer if issuer is not None else cert.issuer, MAX_CHAIN)
        if isinstance(end, tuple):
            return end
        if has_scts if has_scts is not None else _has_scts(cert):
            return Trust.PUBLIC, "carries embedded Certificate Transparency SCTs"
        if end is not cert:
            return Trust.PRIVATE, (f"chain ends at {_label(end)}, whose issuer is not in "
                                   "the scan nor in Mozilla's program")
        return Trust.UNKNOWN, "issuer not found in the scan nor in Mozilla's root program"

    def _walk(self, current: x509.Certificate, current_issuer: x509.Name, budget: int
              ) -> tuple[Trust, str] | x509.Certificate:
        """The verdict of the chain from `current`, or the certificate where it stopped."""
        if budget == 0:
            return current
        issuers = self._issuers(current, current_issuer)
        trusted = next((i for i, is_root in issuers if is_root), None)
        if trusted is not None:
            return Trust.PUBLIC, f"chains to {_label(trusted)} (Mozilla root program)"
        if current in self._root_set:
            return Trust.PUBLIC, f"chains to {_label(current)} (Mozilla root program)"
        if current_issuer == current.subject:
            return Trust.PRIVATE, f"chains to {_label(current)}, not in Mozilla's program"
        if not issuers:
            return current
        above = issuers[0][0]
        key = (above, budget - 1)
        if key not in self._tails:
            self._tails[key] = self._walk(above, above.issuer, budget - 1)
        return self._tails[key]

    def judge_issuer_name(self, issuer: str) -> tuple[Trust, str]:
        """For an inventory row: public if the issuer's organisation runs a Mozilla root.

        Remembered per issuer text (an inventory names a handful of issuers many times).
        """
        orgs = self.public_organisations()
        if self._names_for is not orgs:
            self._names_for, self._names = orgs, {}
        verdict = self._names.get(issuer)
        if verdict is None:
            verdict = self._names[issuer] = self._judge_issuer_name(issuer, orgs)
        return verdict

    @staticmethod
    def _judge_issuer_name(issuer: str, orgs: frozenset[str]) -> tuple[Trust, str]:
        lowered = issuer.lower()
        for alias, org in ISSUER_ALIASES.items():
            if alias in lowered and org in orgs:
                return Trust.PUBLIC, f"{alias.title()} is operated by a Mozilla-program CA"
        for org in orgs:
            if len(org) > 5 and org in lowered:
                return Trust.PUBLIC, f"issuer organisation {org!r} runs a Mozilla root"
        return Trust.UNKNOWN, "issuer not recognised as a Mozilla-program CA"


def _has_scts(cert: x509.Certificate) -> bool:
    try:
        cert.extensions.get_extension_for_oid(ExtensionOID.PRECERT_SIGNED_CERTIFICATE_TIMESTAMPS)
    except (x509.ExtensionNotFound, ValueError):
        return False
    return True


def _label(cert: x509.Certificate) -> str:
    cns = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    value = cns[0].value if cns else cert.subject.rfc4514_string()
    return f"“{value if isinstance(value, str) else value.decode('latin-1')}”"
