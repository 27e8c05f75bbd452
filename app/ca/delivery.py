"""Delivery of an issued certificate: a folder, a PKCS#12 bundle, a Kubernetes TLS Secret."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.hazmat.primitives.serialization import pkcs12

from app.ca.csr import key_pem
from app.ca.errors import CaError
from app.ca.files import (
    check_destination,
    check_folder,
    check_target,
    make_private_dir,
    write_private,
)

# Kubernetes object names are RFC 1123 subdomains (at most 253 characters).
_K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def _pem(certs: Sequence[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def check_key_matches(cert: x509.Certificate, key: CertificateIssuerPrivateKeyTypes) -> None:
    """Raises CaError unless `key` is the private half of `cert`'s public key."""
    if key.public_key() != cert.public_key():
        raise CaError("the private key does not belong to the issued certificate")


FOLDER_FILES = ("cert.pem", "chain.pem", "fullchain.pem", "privkey.pem")


def to_folder(folder: Path, cert: x509.Certificate, chain: Sequence[x509.Certificate],
              key: CertificateIssuerPrivateKeyTypes | None = None) -> list[Path]:
    """cert.pem, chain.pem, fullchain.pem and, with a key, privkey.pem; all owner-only.

    Returns:
        The files written.
    """
    make_private_dir(folder)
    files = {"cert.pem": _pem([cert]), "chain.pem": _pem(chain),
             "fullchain.pem": _pem([cert, *chain])}
    if key is not None:
        check_key_matches(cert, key)
        files["privkey.pem"] = key_pem(key)
    written = []
    for name, data in files.items():
        write_private(folder / name, data)
        written.append(folder / name)
    return written


def to_pkcs12(path: Path, cert: x509.Certificate, chain: Sequence[x509.Certificate],
              key: CertificateIssuerPrivateKeyTypes, password: bytes, *,
              friendly_name: str = "certroute") -> Path:
    """A password-protected PKCS#12 bundle of key, certificate and chain (owner-only file)."""
    if not password:
        raise CaError("a PKCS#12 bundle needs a password")
    check_key_matches(cert, key)
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
                      | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        raise CaError(f"a PKCS#12 bundle cannot hold a {type(key).__name__}")
    data = pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"), key, cert, list(chain),
        serialization.BestAvailableEncryption(password))
    if not path.parent.exists():
        make_private_dir(path.parent)
    write_private(path, data)
    return path


def check_k8s_name(what: str, value: str) -> None:
    """Raises CaError unless `value` is a valid Kubernetes object name (RFC 1123 subdomain)."""
    if len(value) > 253 or not _K8S_NAME.match(value):
        raise CaError(f"Kubernetes Secret {what} {value!r} is not a valid RFC 1123 name")


def kubernetes_secret(cert: x509.Certificate, chain: Sequence[x509.Certificate],
                      key: CertificateIssuerPrivateKeyTypes, *, name: str,
                      namespace: str = "default") -> str:
    """A `kubernetes.io/tls` Secret manifest (YAML) with tls.crt, tls.key and ca.crt.

    tls.crt carries the leaf and the issuing CA, as ingress controllers expect; ca.crt the
    root. Values are base64 as the API requires; the manifest holds a private key, so it is
    written owner-only like a key file.
    """
    check_k8s_name("name", name)
    check_k8s_name("namespace", namespace)
    check_key_matches(cert, key)

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    serial = format(cert.serial_number, "x")
    # JSON strings are valid YAML scalars, so quoting through json.dumps cannot break the YAML.
    return "\n".join([
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        f"  name: {json.dumps(name)}",
        f"  namespace: {json.dumps(namespace)}",
        "  annotations:",
        f"    certroute.example/serial: {json.dumps(serial)}",
        "type: kubernetes.io/tls",
        "data:",
        f"  tls.crt: {b64(_pem([cert, *chain[:-1]]))}",
        f"  tls.key: {b64(key_pem(key))}",
        f"  ca.crt: {b64(_pem(chain[-1:]))}",
        "",
    ])


def to_kubernetes_secret(path: Path, cert: x509.Certificate,
                         chain: Sequence[x509.Certificate],
                         key: CertificateIssuerPrivateKeyTypes, *, name: str,
                         namespace: str = "default") -> Path:
    """Write the Secret manifest owner-only to `path`."""
    text = kubernetes_secret(cert, chain, key, name=name, namespace=namespace)
    if not path.parent.exists():
        make_private_dir(path.parent)
    write_private(path, text.encode("utf-8"))
    return path


def load_private_key(path: Path, password: bytes | None = None
                     ) -> CertificateIssuerPrivateKeyTypes:
    """A PEM private key from a file, for PKCS#12 or Secret delivery of an admin request."""
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password)
    except OSError as exc:
        raise CaError(f"{path}: cannot read ({exc.strerror})") from None
    except (ValueError, TypeError) as exc:
        raise CaError(f"{path}: not a usable PEM private key ({exc})") from None
    return key  # type: ignore[return-value]


@dataclass(frozen=True)
class DeliveryPlan:
    """Where an issued certificate goes, checked before issuing so a bad target or a missing
    password never leaves a certificate issued but undelivered (SPEC.md §3 delivery)."""

    folder: Path | None = None
    pkcs12: Path | None = None
    pkcs12_password: bytes = b""
    secret: Path | None = None
    secret_name: str | None = None
    namespace: str = "default"
    key: CertificateIssuerPrivateKeyTypes | None = None

    def validate(self, public_key: CertificatePublicKeyTypes | None) -> None:
        """Raises CaError if the plan cannot be carried out for a certificate of this key."""
        if (self.pkcs12 or self.secret) and self.key is None:
            raise CaError("PKCS#12 and Kubernetes Secret delivery need the private key")
        if self.key is not None and public_key is not None \
                and self.key.public_key() != public_key:
            raise CaError("the private key given does not belong to the CSR")
        if self.pkcs12 and not self.pkcs12_password:
            raise CaError("a PKCS#12 bundle needs a password")
        if self.secret:
            check_k8s_name("namespace", self.namespace)
            if self.secret_name:
                check_k8s_name("name", self.secret_name)
        self.check_targets()

    def check_targets(self) -> None:
        """Raises CaError unless every target can be written: folders that are folders (or can
        be made), no links, nothing another user owns (`app.ca.files.check_target`)."""
        if self.folder:
            check_folder(self.folder)
            for name in FOLDER_FILES:
                check_target(self.folder / name)
        for path in (self.pkcs12, self.secret):
            if path is not None:
                check_destination(path)

    def deliver(self, cert: x509.Certificate, chain: Sequence[x509.Certificate]
                ) -> list[Path]:
        """Write every planned target; returns the files written.

        Raises:
            CaError: a target could not be written (the OS error in one line).
        """
        try:
            return self._write(cert, chain)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            raise CaError(f"delivery failed: {where}{exc.strerror or exc}") from None

    def _write(self, cert: x509.Certificate, chain: Sequence[x509.Certificate]) -> list[Path]:
        written: list[Path] = []
        if self.folder:
            written += to_folder(self.folder, cert, chain, self.key)
        if self.pkcs12 and self.key is not None:
            written.append(to_pkcs12(self.pkcs12, cert, chain, self.key, self.pkcs12_password))
        if self.secret and self.key is not None:
            written.append(to_kubernetes_secret(self.secret, cert, chain, self.key,
                                                name=self.secret_name or default_secret_name(cert),
                                                namespace=self.namespace))
        return written


def default_secret_name(cert: x509.Certificate) -> str:
    """The first DNS name ("*" becomes "wildcard": object names allow no "*")."""
    try:
        names = cert.extensions.get_extension_for_class(
            x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    return names[0].replace("*", "wildcard") if names else "certroute-tls"
