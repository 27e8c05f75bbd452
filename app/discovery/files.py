"""Certificate files and folders: PEM, DER, PKCS#7 (.p7b) and PKCS#12, read defensively.

A corrupt or unreadable file is reported with its reason and the scan goes on; files over
MAX_FILE_BYTES are refused unread; a PKCS#12 file whose password is missing or wrong is
reported, never fatal. Private keys inside PKCS#12 bundles are never kept.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.utils import CryptographyDeprecationWarning

MAX_FILE_BYTES = 16 * 1024 * 1024  # a bundle of thousands of certificates is a few MB
MAX_FILES = 1_000_000
CERT_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der", ".cert", ".p7b", ".p7c", ".p12",
                           ".pfx", ".ca-bundle"})
PasswordSource = Callable[[Path], bytes | None]


@dataclass(frozen=True, slots=True)
class ScanProblem:
    """A file (or row, or endpoint) that gave no certificate, and why."""

    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Found:
    """A certificate and where it was found."""

    certificate: x509.Certificate
    source: str


def candidate_files(paths: Iterable[Path]) -> Iterator[Path | ScanProblem]:
    """The files named, and the certificate-looking files below the folders named."""
    count = 0
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    child = Path(root, name)
                    if child.suffix.lower() in CERT_SUFFIXES and not child.is_symlink():
                        count += 1
                        if count > MAX_FILES:
                            yield ScanProblem(str(path), f"more than {MAX_FILES:,} files; "
                                              "the rest were not read")
                            return
                        yield child
        elif path.exists():
            yield path
        else:
            yield ScanProblem(str(path), "no such file or folder")


def read_certificates(path: Path, *, password: PasswordSource | None = None
                      ) -> tuple[list[Found], list[ScanProblem]]:
    """Every certificate in one file, or the problem that stopped it."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [], [ScanProblem(str(path), f"{size:,} bytes is over the "
                                    f"{MAX_FILE_BYTES // 2**20} MiB limit for one file")]
        if not path.is_file():
            return [], [ScanProblem(str(path), "not a regular file")]
        data = path.read_bytes()
    except OSError as exc:
        return [], [ScanProblem(str(path), f"cannot read: {exc.strerror or exc}")]
    try:
        with warnings.catch_warnings():
            # Deployed certificates with RFC 5280 faults (a negative serial) still count.
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            certs = _parse(data, path, password)
    except _Problem as exc:
        return [], [ScanProblem(str(path), str(exc))]
    return [Found(c, str(path)) for c in certs], []


class _Problem(Exception):
    pass


def _parse(data: bytes, path: Path, password: PasswordSource | None) -> list[x509.Certificate]:
    suffix = path.suffix.lower()
    if suffix in (".p12", ".pfx"):
        return _pkcs12(data, path, password)
    if b"-----BEGIN PKCS7-----" in data or b"-----BEGIN CERTIFICATE-----" in data:
        certs: list[x509.Certificate] = []
        if b"-----BEGIN PKCS7-----" in data:
            certs += _guard(lambda: pkcs7.load_pem_pkcs7_certificates(data), "PKCS#7")
        if b"-----BEGIN CERTIFICATE-----" in data:
            certs += _guard(lambda: x509.load_pem_x509_certificates(data), "PEM")
        return certs
    if data[:1] == b"\x30":  # a DER SEQUENCE: a certificate or a PKCS#7 bundle
        try:
            return [x509.load_der_x509_certificate(data)]
        except ValueError:
            pass
        return _guard(lambda: pkcs7.load_der_pkcs7_certificates(data), "DER")
    raise _Problem("not a certificate file (no PEM block, not DER)")


def _guard(load: Callable[[], list[x509.Certificate]], kind: str) -> list[x509.Certificate]:
    try:
        return load()
    except ValueError as exc:
        raise _Problem(f"corrupt {kind}: {str(exc)[:120]}") from None


def _pkcs12(data: bytes, path: Path, password: PasswordSource | None) -> list[x509.Certificate]:
    secret = password(path) if password is not None else None
    try:
        bundle = pkcs12.load_pkcs12(data, secret)
    except ValueError:
        if secret is None:
            raise _Problem("PKCS#12 needs a password (set $CERTROUTE_P12_PASSWORD or "
                           "answer the prompt)") from None
        raise _Problem("PKCS#12: wrong password or corrupt file") from None
    certs = [bundle.cert.certificate] if bundle.cert is not None else []
    return certs + [c.certificate for c in bundle.additional_certs]
