"""CSRs: load PEM/DER, extract the facts the profile check reads, generate a key and CSR."""

from __future__ import annotations

from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import NameOID

from app.ca.errors import CaError
from models.dns_names import to_a_name
from models.issuance_policy import CsrFacts, KeyKind

MAX_CSR_BYTES = 64 * 1024  # a CSR with 100 names is ~5 kB; anything far larger is not one


def load_csr(data: bytes) -> x509.CertificateSigningRequest:
    """Parse a PEM or DER CSR.

    Raises:
        CaError: the data is not a certificate signing request.
    """
    if len(data) > MAX_CSR_BYTES:
        raise CaError(f"CSR is {len(data):,} bytes; at most {MAX_CSR_BYTES:,} are accepted")
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_csr(data)
        return x509.load_der_x509_csr(data)
    except (ValueError, UnsupportedAlgorithm, x509.InvalidVersion) as exc:
        # InvalidVersion is not a ValueError: found by tests/ca/test_csr_fuzz.py.
        raise CaError(f"not a valid PEM or DER certificate signing request ({exc})") from None


def key_facts(key: CertificatePublicKeyTypes) -> tuple[str, int, str | None]:
    """(kind, size in bits, curve name) of a public key."""
    if isinstance(key, rsa.RSAPublicKey):
        return KeyKind.RSA.value, key.key_size, None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return KeyKind.EC.value, key.curve.key_size, key.curve.name
    if isinstance(key, ed25519.Ed25519PublicKey):
        return KeyKind.ED25519.value, 256, None
    if isinstance(key, ed448.Ed448PublicKey):
        return "ed448", 456, None
    if isinstance(key, dsa.DSAPublicKey):
        return "dsa", key.key_size, None
    return type(key).__name__.lower(), 0, None


def _describe(name: x509.GeneralName) -> str:
    kinds = {x509.IPAddress: "IP", x509.RFC822Name: "email",
             x509.UniformResourceIdentifier: "URI", x509.DirectoryName: "dirName",
             x509.RegisteredID: "RID", x509.OtherName: "otherName"}
    return f"{kinds.get(type(name), type(name).__name__)}:{name.value}"


def split_sans(san: x509.SubjectAlternativeName, dns: list[str], emails: list[str],
               other: list[str]) -> None:
    """Append a SAN's DNS names, mailboxes and every other name ("IP:10.0.0.1") to the lists."""
    for general in san:
        if isinstance(general, x509.DNSName):
            dns.append(general.value)
        elif isinstance(general, x509.RFC822Name):
            emails.append(general.value)
        else:
            other.append(_describe(general))


def facts_from_csr(csr: x509.CertificateSigningRequest) -> CsrFacts:
    """What the CSR asks for, as plain values for `models.issuance_policy.check`.

    Nothing here decides; a CSR whose extensions cannot be parsed is reported as malformed
    rather than raising, so the user sees it beside every other violation.
    """
    try:
        kind, size, curve = key_facts(csr.public_key())
        signature_valid = csr.is_signature_valid
    except (ValueError, UnsupportedAlgorithm) as exc:
        kind, size, curve, signature_valid = f"unsupported ({exc})", 0, None, False
    try:
        digest = csr.signature_hash_algorithm
        signature_hash = digest.name if digest is not None else None
    except (ValueError, UnsupportedAlgorithm):
        signature_hash = None
    dns: list[str] = []
    emails: list[str] = []
    other: list[str] = []
    malformed: list[str] = []
    requests_ca = False
    ekus: list[str] = []
    try:
        extensions = list(csr.extensions)
    except (ValueError, x509.DuplicateExtension, x509.UnsupportedGeneralNameType) as exc:
        extensions, malformed = [], [str(exc)]
    for ext in extensions:
        value = ext.value
        if isinstance(value, x509.SubjectAlternativeName):
            split_sans(value, dns, emails, other)
        elif isinstance(value, x509.BasicConstraints):
            requests_ca = value.ca
        elif isinstance(value, x509.ExtendedKeyUsage):
            ekus += [oid.dotted_string for oid in value]
    try:  # cryptography parses the subject lazily: a corrupt one raises only here
        cns = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    except ValueError as exc:
        cns, malformed = [], [*malformed, f"subject: {exc}"]
    cn = cns[0].value if cns else None
    return CsrFacts(
        dns_names=tuple(dns),
        common_name=cn if isinstance(cn, str) or cn is None else cn.decode("latin-1"),
        key_kind=kind, key_size=size, curve=curve, signature_valid=signature_valid,
        other_sans=tuple(other), requests_ca=requests_ca, requested_ekus=tuple(ekus),
        malformed=tuple(malformed), email_addresses=tuple(emails),
        signature_hash=signature_hash,
    )


def generate_key(kind: KeyKind | str = KeyKind.EC, size: int | None = None
                 ) -> CertificateIssuerPrivateKeyTypes:
    """A new private key: EC (P-256 by default, or P-384/P-521), RSA (2048 default), Ed25519."""
    kind = KeyKind(kind)
    if kind is KeyKind.RSA:
        return rsa.generate_private_key(public_exponent=65537, key_size=size or 2048)
    if kind is KeyKind.EC:
        curves: dict[int, ec.EllipticCurve] = {256: ec.SECP256R1(), 384: ec.SECP384R1(),
                                               521: ec.SECP521R1()}
        if (size or 256) not in curves:
            raise CaError(f"EC keys are 256, 384 or 521 bits, not {size}")
        return ec.generate_private_key(curves[size or 256])
    return ed25519.Ed25519PrivateKey.generate()


def signing_hash(key: CertificateIssuerPrivateKeyTypes) -> hashes.SHA256 | hashes.SHA384 | None:
    """The digest to sign with: SHA-384 for P-384 and larger, none for Ed25519 (RFC 8410)."""
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return None
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.key_size >= 384:
        return hashes.SHA384()
    return hashes.SHA256()


def build_csr(key: CertificateIssuerPrivateKeyTypes, names: Sequence[str],
              common_name: str | None = None) -> x509.CertificateSigningRequest:
    """A CSR for `names` signed by `key`, generated in the app (SPEC.md §3).

    A name with an `@` is an email address (an rfc822Name SAN), any other a DNS name; no DNS
    name can hold an `@`. Without a common name the CSR takes the first DNS name, or else the
    first email address. Names are put in as typed, so the profile check reports mixed case
    or a trailing dot; only a name that cannot be written into a CSR at all is refused here.

    Raises:
        CaError: a name is not ASCII (the message gives the A-label form where there is one).
    """
    dns = [name for name in names if "@" not in name]
    emails = [name for name in names if "@" in name]
    general = [*map(_dns_name, dns), *map(_email_name, emails)]
    cn = common_name if common_name is not None else next(iter(dns or emails), None)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)] if cn else [])
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject)
    if general:
        builder = builder.add_extension(x509.SubjectAlternativeName(general), critical=False)
    try:
        return builder.sign(key, signing_hash(key))
    except ValueError as exc:
        raise CaError(f"cannot build the CSR: {exc}") from None


def _dns_name(name: str) -> x509.DNSName:
    try:
        return x509.DNSName(name)
    except ValueError:
        try:
            hint = to_a_name(name)
        except ValueError:
            hint = "its IDNA A-label form"
        raise CaError(f"DNS name {name!r} is not in A-label form; use {hint!r}") from None


def _email_name(address: str) -> x509.RFC822Name:
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        # RFC 9598: such a mailbox needs an SmtpUTF8Mailbox otherName, not an rfc822Name.
        raise CaError(f"email address {address!r} has a non-ASCII local part; this CA "
                      "issues rfc822Name SANs only, not SmtpUTF8Mailbox (RFC 9598)")
    try:
        return x509.RFC822Name(address)
    except ValueError:
        try:
            hint = f"{local}@{to_a_name(domain)}"
        except ValueError:
            hint = "its domain in IDNA A-label form"
        raise CaError(f"email address {address!r} is not in A-label form; use "
                      f"{hint!r}") from None


def csr_pem(csr: x509.CertificateSigningRequest) -> bytes:
    """The CSR as PEM."""
    return csr.public_bytes(serialization.Encoding.PEM)


def key_pem(key: CertificateIssuerPrivateKeyTypes) -> bytes:
    """An end-entity key as unencrypted PKCS#8 PEM, for owner-only delivery files.

    Services read their TLS key at start-up without a passphrase (cert-manager, certbot do
    the same); the file's owner-only mode is the protection.
    """
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
