"""The two-tier local CA: root and issuing CA keys and certificates, leaf signing, the CRL."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import NameOID

from app.ca import key_at_rest
from app.ca.csr import generate_key, key_facts, signing_hash
from app.ca.errors import CaError
from app.ca.files import DIR_MODE, make_private_dir, write_private
from app.ca.publication import Publication
from models.issuance_policy import IssuanceProfile, KeyKind, key_agreement, key_usages
from models.legal_identity import subject_attributes
from models.name_constraints import name_constraints
from models.validation_types import ANY_POLICY_OID, TEST_POLICY_OID

ROOT_CERT, ROOT_KEY = "root.crt", "root.key"
ISSUING_CERT, ISSUING_KEY = "issuing.crt", "issuing.key"
CHAIN = "chain.pem"
ROOT_DAYS, ISSUING_DAYS = 3650, 1825
# A CA key file can be attacked offline, so the rule is stricter than a login's: NIST SP
# 800-63B's 8 characters is for rate-limited guessing. Existing shorter passphrases still open.
MIN_PASSPHRASE = 12
MIN_DISTINCT = 6
INCLUSIVE_END = dt.timedelta(seconds=1)  # notAfter is the validity period's last second
# Let's Encrypt's shape: RSA-4096 would make `ca init` take seconds; 3072 is NIST's 128-bit level.
RSA_BITS = {"root": 3072, "issuing": 2048}


@dataclass(frozen=True, slots=True)
class CaKeys:
    """Which key algorithm each tier uses."""

    root: tuple[KeyKind, int]
    issuing: tuple[KeyKind, int]


EC_KEYS = CaKeys(root=(KeyKind.EC, 384), issuing=(KeyKind.EC, 256))
RSA_KEYS = CaKeys(root=(KeyKind.RSA, RSA_BITS["root"]), issuing=(KeyKind.RSA, RSA_BITS["issuing"]))


def _ski(key: CertificatePublicKeyTypes) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key)


def _builder(subject: x509.Name, issuer: x509.Name, public_key: CertificatePublicKeyTypes,
             issuer_ski: x509.SubjectKeyIdentifier, *, not_before: dt.datetime,
             not_after: dt.datetime) -> x509.CertificateBuilder:
    """The part every certificate shares (trustme): names, key, serial, validity, SKI, AKI."""
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(_ski(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
            issuer_ski), critical=False)
    )


def _ca_usage() -> x509.KeyUsage:
    # RFC 5280 §4.2.1.3: a CA signs certificates and CRLs; digitalSignature for OCSP-style use.
    return x509.KeyUsage(digital_signature=True, content_commitment=False,
                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                         decipher_only=False)


def _policies(oid: str) -> x509.CertificatePolicies:
    return x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(oid), None)])


def _published_by(builder: x509.CertificateBuilder, publication: Publication | None, *,
                  by_root: bool) -> x509.CertificateBuilder:
    """AIA caIssuers and the CRL distribution point of the signing CA, where it publishes."""
    if publication is None:
        return builder
    return (builder
            .add_extension(publication.ca_issuers(by_root), critical=False)
            .add_extension(publication.crl_distribution_points(by_root), critical=False))


def _leaf_subject(profile: IssuanceProfile, common_name: str | None) -> x509.Name:
    """The common name, after the organisation's legal identity where the profile's
    validation type names it (TLS BR 7.1.4.2 order)."""
    return x509.Name([x509.NameAttribute(x509.ObjectIdentifier(oid), value)
                      for oid, value in subject_attributes(profile.organisation,
                                                           profile.validation, common_name)])


def _ski_of(cert: x509.Certificate) -> x509.SubjectKeyIdentifier:
    return cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value


def _lifetime(issuer: x509.Certificate, tier: str, now: dt.datetime, days: int,
              what: str) -> tuple[dt.datetime, dt.datetime]:
    """(not before, not after) of a `days`-day certificate `issuer` signs at `now`.

    The validity period includes both ends (RFC 5280 §4.1.2.5, TLS BR 1.6.1), so notAfter is
    one second short of `days` days: a 200-day certificate is 200 days long, not 200 days and
    a second (which pkilint reports as exceeding a 200-day cap).

    Raises:
        CaError: the issuer is not valid yet, or would expire before the certificate.
    """
    now = _seconds(now)
    not_after = now + dt.timedelta(days=days) - INCLUSIVE_END
    if now < issuer.not_valid_before_utc:
        raise CaError(f"the {tier} CA is not valid yet at the time of issuance")
    if not_after > issuer.not_valid_after_utc:
        raise CaError(f"a {days}-day {what} would outlive the {tier} CA "
                      f"(valid until {issuer.not_valid_after_utc:%Y-%m-%d})")
    return now, not_after


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _encrypted(key: CertificateIssuerPrivateKeyTypes, passphrase: bytes) -> bytes:
    # ARCHITECTURE.md §5: CA keys are encrypted PKCS#8, never NoEncryption; scrypt, not the
    # 2,048 PBKDF2 iterations of BestAvailableEncryption (app.ca.key_at_rest).
    return key_at_rest.encrypt(key, passphrase)


def passphrase_problem(passphrase: bytes, what: str = "CA passphrase") -> str | None:
    """Why `passphrase` is too weak for a new CA key, or None.

    At least 12 characters, 6 of them different, not only digits: "aaaaaaaaaaaa" and a
    12-digit date are refused.
    """
    text = passphrase.decode("utf-8", "replace")
    if len(text) < MIN_PASSPHRASE:
        return f"the {what} needs at least {MIN_PASSPHRASE} characters"
    if len(set(text)) < MIN_DISTINCT:
        return f"the {what} needs at least {MIN_DISTINCT} different characters"
    if text.isdigit():
        return f"the {what} must not be only digits"
    return None


def check_passphrases(passphrase: bytes, root_passphrase: bytes) -> None:
    """Raises CaError unless both passphrases are strong enough and differ."""
    for value, what in ((passphrase, "CA passphrase"), (root_passphrase, "root passphrase")):
        problem = passphrase_problem(value, what)
        if problem:
            raise CaError(problem)
    if passphrase == root_passphrase:
        raise CaError("the root passphrase must differ from the CA passphrase: the root key "
                      "is protected on its own")


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _seconds(now: dt.datetime) -> dt.datetime:
    """`now` in UTC, to the second (X.509 times carry no fractions)."""
    if now.tzinfo is None:
        raise CaError("times given to the CA must be timezone-aware")
    return now.astimezone(dt.UTC).replace(microsecond=0)


class Authority:
    """A root and an issuing CA in a folder; their keys are loaded only when unlocked.

    The issuing CA signs end-entity certificates and their CRL; the root signs subordinate CAs
    for CA-signing types (its path length 1 leaves room for one tier beside the issuing CA)
    and the root CRL that revokes them.
    """

    def __init__(self, folder: Path, root: x509.Certificate, issuing: x509.Certificate) -> None:
        self.folder = folder
        self.root = root
        self.issuing = issuing
        self._key: CertificateIssuerPrivateKeyTypes | None = None
        self._root_key: CertificateIssuerPrivateKeyTypes | None = None
        self._root_problem = "the CA is locked: give its passphrase first"

    # --- creation and loading --------------------------------------------------------------

    @classmethod
    def create(cls, folder: Path, passphrase: bytes, *, root_passphrase: bytes | None = None,
               now: dt.datetime, keys: CaKeys = EC_KEYS, organisation: str = "Certroute test CA",
               publication: Publication | None = None) -> Authority:
        """Make a root and an issuing CA in the new folder `folder` (owner-only, 0700/0600).

        The issuing key is encrypted with `passphrase`, the root key with its own
        `root_passphrase`: the root signs only subordinate CAs and the root CRL, so day-to-day
        issuance never needs it, and one passphrase learnt does not give both keys. Without
        one (callers of the API before the root had its own) the root shares `passphrase`,
        as CAs made before did; `CaService` records that and warns about it.
        The folder is filled under a temporary name and renamed into place, so a failure
        leaves no half-made CA behind.

        Raises:
            CaError: the folder already holds files, or a passphrase is weak (or both agree).
        """
        if root_passphrase is None:
            problem = passphrase_problem(passphrase)
            if problem:
                raise CaError(problem)
            root_passphrase = passphrase
        else:
            check_passphrases(passphrase, root_passphrase)
        folder = folder.absolute()
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise CaError(f"{folder} already exists and is not an empty folder")
        now = _seconds(now)
        if not folder.parent.exists():
            make_private_dir(folder.parent)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            os.chmod(tmp, DIR_MODE)
            root_key = generate_key(*keys.root)
            issuing_key = generate_key(*keys.issuing)
            root = cls._root_cert(root_key, organisation, now)
            issuing = cls._issuing_cert(issuing_key, root, root_key, organisation, now,
                                        publication or Publication())
            write_private(tmp / ROOT_KEY, _encrypted(root_key, root_passphrase))
            write_private(tmp / ISSUING_KEY, _encrypted(issuing_key, passphrase))
            write_private(tmp / ROOT_CERT, _pem(root))
            write_private(tmp / ISSUING_CERT, _pem(issuing))
            write_private(tmp / CHAIN, _pem(issuing) + _pem(root))
            os.replace(tmp, folder)  # an empty target folder is replaced atomically
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        authority = cls(folder, root, issuing)
        authority._key, authority._root_key = issuing_key, root_key
        return authority

    @staticmethod
    def _root_cert(key: CertificateIssuerPrivateKeyTypes, organisation: str,
                   now: dt.datetime) -> x509.Certificate:
        name = _name(f"{organisation} Root CA", organisation)
        ski = _ski(key.public_key())
        builder = (
            _builder(name, name, key.public_key(), ski, not_before=now,
                     not_after=now + dt.timedelta(days=ROOT_DAYS))
            # Path length 1: the root signs the issuing CA, which signs only end entities.
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(_ca_usage(), critical=True)
        )
        return builder.sign(key, signing_hash(key))

    @staticmethod
    def _issuing_cert(key: CertificateIssuerPrivateKeyTypes, root: x509.Certificate,
                      root_key: CertificateIssuerPrivateKeyTypes, organisation: str,
                      now: dt.datetime, publication: Publication) -> x509.Certificate:
        """The issuing CA: path length 0, anyPolicy (it issues every validation type), the
        root's certificate and CRL as its AIA and CRL distribution point (RFC 5280 §4.2)."""
        root_ski = _ski_of(root)
        builder = _published_by((
            _builder(_name(f"{organisation} Issuing CA", organisation), root.subject,
                     key.public_key(), root_ski, not_before=now,
                     not_after=now + dt.timedelta(days=ISSUING_DAYS))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(_policies(ANY_POLICY_OID), critical=False)
        ), publication, by_root=True)
        return builder.sign(root_key, signing_hash(root_key))

    @classmethod
    def load(cls, folder: Path) -> Authority:
        """The CA in `folder`, locked (certificates only; no key read yet).

        Raises:
            CaError: the folder holds no CA.
        """
        try:
            root = x509.load_pem_x509_certificate((folder / ROOT_CERT).read_bytes())
            issuing = x509.load_pem_x509_certificate((folder / ISSUING_CERT).read_bytes())
        except FileNotFoundError:
            raise CaError(f"{folder} holds no CA (run `certroute ca init {folder}`)") from None
        except (OSError, ValueError) as exc:
            raise CaError(f"{folder}: cannot read the CA certificates ({exc})") from None
        return cls(folder, root, issuing)

    def unlock(self, passphrase: bytes, root_passphrase: bytes | None = None) -> list[str]:
        """Decrypt the issuing CA key, and with `root_passphrase` the root key too.

        A root key that is not given or cannot be used leaves the CA unlocked for everything
        else; signing a subordinate CA or the root CRL then says why it cannot. A key file
        still protected by a weaker KDF than `key_at_rest.KDF_COST` (a CA made before scrypt)
        is re-encrypted with it under the same passphrase, atomically.

        Returns:
            "issuing KDF → scrypt …" lines for the key files upgraded (empty: none).

        Raises:
            CaError: wrong passphrase or unreadable issuing key.
        """
        upgraded: list[str] = []
        self._key = self._decrypt(ISSUING_KEY, passphrase, self.issuing, "issuing", upgraded)
        if root_passphrase is None:
            self._root_key = None
            self._root_problem = "the root key is locked: give the root passphrase"
            return upgraded
        return upgraded + self.unlock_root(root_passphrase)

    def unlock_root(self, root_passphrase: bytes) -> list[str]:
        """Decrypt the root key alone (the issuing key stays as it is); a wrong passphrase
        leaves it locked and says why in `root_problem`. Returns the files upgraded."""
        upgraded: list[str] = []
        try:
            self._root_key = self._decrypt(ROOT_KEY, root_passphrase, self.root, "root",
                                           upgraded)
        except CaError as exc:
            self._root_key, self._root_problem = None, str(exc)
        return upgraded

    def _decrypt(self, name: str, passphrase: bytes, cert: x509.Certificate,
                 tier: str, upgraded: list[str]) -> CertificateIssuerPrivateKeyTypes:
        path = self.folder / name
        try:
            pem = path.read_bytes()
            key = serialization.load_pem_private_key(pem, passphrase)
        except (ValueError, TypeError):
            word = "root" if tier == "root" else "CA"
            raise CaError(f"wrong {word} passphrase (the {tier} CA key does not decrypt)") \
                from None
        except OSError as exc:
            raise CaError(f"cannot read the {tier} CA key ({exc.strerror})") from None
        if key.public_key() != cert.public_key():
            raise CaError(f"the {tier} CA key does not match the {tier} CA certificate")
        kdf = key_at_rest.kdf_of(pem)
        if not kdf.at_least(key_at_rest.KDF_COST):
            write_private(path, _encrypted(key, passphrase))  # type: ignore[arg-type]
            upgraded.append(f"{name}: {kdf.describe()} → "
                            f"{key_at_rest.kdf_of(path.read_bytes()).describe()}")
        return key  # type: ignore[return-value]

    def change_passphrase(self, tier: str, old: bytes, new: bytes, *,
                          other: bytes | None = None) -> None:
        """Re-encrypt one key ("issuing" or "root") under a new passphrase.

        `other` is the other tier's passphrase when known, so the two can be held apart.

        Raises:
            CaError: the old passphrase is wrong, the new one weak or equal to `other`.
        """
        name, cert = (ROOT_KEY, self.root) if tier == "root" else (ISSUING_KEY, self.issuing)
        what = "root passphrase" if tier == "root" else "CA passphrase"
        problem = passphrase_problem(new, f"new {what}")
        if problem:
            raise CaError(problem)
        if other is not None and new == other:
            raise CaError("the root and CA passphrases must differ")
        key = self._decrypt(name, old, cert, tier, [])
        write_private(self.folder / name, _encrypted(key, new))

    @property
    def unlocked(self) -> bool:
        return self._key is not None

    def _signing_key(self) -> CertificateIssuerPrivateKeyTypes:
        if self._key is None:
            raise CaError("the CA is locked: give its passphrase first")
        return self._key

    # --- issuance ------------------------------------------------------------------------

    def chain(self) -> list[x509.Certificate]:
        """Issuing CA then root: what a server sends after its own certificate."""
        return [self.issuing, self.root]

    def chain_for(self, cert: x509.Certificate) -> list[x509.Certificate]:
        """The certificates above `cert`: the root alone above a subordinate CA."""
        return [self.root] if self.signed_by_root(cert) else self.chain()

    def sign_leaf(self, public_key: CertificatePublicKeyTypes, profile: IssuanceProfile, *,
                  dns_names: Iterable[str], common_name: str | None, validity_days: int,
                  now: dt.datetime, email_addresses: Iterable[str] = (),
                  publication: Publication | None = None) -> x509.Certificate:
        """An end-entity certificate built from the profile alone (SPEC.md §7).

        The caller has checked the CSR against the profile; nothing else of the CSR but the
        public key and the checked names (DNS names, then email addresses) reaches this
        builder, so requested extensions are never copied. The subject adds the profile's
        organisation identity where its validation type names it; the certificate asserts
        that type's policy OID and, with `publication`, where the issuing CA's certificate
        and CRL are published (TLS BR 7.1.2.7, S/MIME BR 7.1.2.3, CS BR 7.1.2.3).
        """
        key = self._signing_key()
        now, not_after = _lifetime(self.issuing, "issuing", now, validity_days, "certificate")
        names = list(dns_names)
        cn = common_name or (names[0] if names else None)
        subject = _leaf_subject(profile, cn)
        policy = profile.validation.policy_oid if profile.validation else TEST_POLICY_OID
        issuer_ski = _ski_of(self.issuing)
        kind = key_facts(public_key)[0]
        usages = key_usages(profile, kind)
        builder = (
            _builder(subject, self.issuing.subject, public_key, issuer_ski, not_before=now,
                     not_after=not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature="digital_signature" in usages,
                content_commitment="content_commitment" in usages,
                key_encipherment="key_encipherment" in usages, data_encipherment=False,
                key_agreement=key_agreement(profile, kind), key_cert_sign=False,
                crl_sign=False, encipher_only=False,
                decipher_only=False), critical=True)
            .add_extension(_policies(policy), critical=False)
        )
        builder = _published_by(builder, publication, by_root=False)
        if profile.ekus:
            builder = builder.add_extension(x509.ExtendedKeyUsage(
                [x509.ObjectIdentifier(e.oid) for e in profile.ekus]), critical=False)
        sans: list[x509.GeneralName] = [x509.DNSName(n) for n in names]
        sans += [x509.RFC822Name(a) for a in email_addresses]
        if sans:
            # RFC 5280 §4.2.1.6: critical when the subject is empty.
            builder = builder.add_extension(x509.SubjectAlternativeName(sans),
                                            critical=len(subject) == 0)
        return builder.sign(key, signing_hash(key))

    def sign_subordinate(self, public_key: CertificatePublicKeyTypes, profile: IssuanceProfile,
                         *, common_name: str, validity_days: int, now: dt.datetime,
                         publication: Publication | None = None) -> x509.Certificate:
        """A subordinate CA certificate signed by the root, built from the profile alone.

        CA:TRUE with path length 0 (it may sign end entities only), keyCertSign and cRLSign,
        the profile's EKUs if it names any, and name constraints holding the profile's SAN
        and email patterns (`models.name_constraints`). Only the public key and the checked
        common name come from the CSR.

        Raises:
            CaError: the root key cannot sign, the CA would outlive the root, or the profile's
                patterns give no name constraints that constrain (none, or one ending in a
                wildcard): such a CA could sign for any name, so it is never issued.
        """
        constraints = name_constraints(profile.san_patterns, profile.email_patterns)
        if not constraints.complete:
            raise CaError("cannot sign a subordinate CA without name constraints: "
                          + "; ".join(m for _, m in constraints.problems()))
        if self._root_key is None:
            raise CaError(f"cannot sign a subordinate CA: {self._root_problem}")
        now, not_after = _lifetime(self.root, "root", now, validity_days, "CA certificate")
        builder = (
            _builder(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)]),
                     self.root.subject, public_key, _ski_of(self.root), not_before=now,
                     not_after=not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(_policies(ANY_POLICY_OID), critical=False)
        )
        builder = _published_by(builder, publication, by_root=True)
        if profile.ekus:
            builder = builder.add_extension(x509.ExtendedKeyUsage(
                [x509.ObjectIdentifier(e.oid) for e in profile.ekus]), critical=False)
        # RFC 5280 §4.2.1.10: conforming CAs MUST mark name constraints critical.
        builder = builder.add_extension(constraints.extension(), critical=True)
        return builder.sign(self._root_key, signing_hash(self._root_key))

    @property
    def root_problem(self) -> str | None:
        """Why the root key cannot sign (locked, unreadable, mismatched), or None if it can."""
        return None if self._root_key is not None else self._root_problem

    def sign_crl(self, revoked: Iterable[tuple[int, dt.datetime, x509.ReasonFlags]], *,
                 number: int, now: dt.datetime, next_update_days: int = 7,
                 by_root: bool = False) -> x509.CertificateRevocationList:
        """A CRL listing `revoked` (serial, when, why), numbered `number`: the issuing CA's,
        or with `by_root` the root's (of the subordinate CAs it signed).

        Raises:
            CaError: the CA is locked, or (`by_root`) the root key cannot be used.
        """
        if by_root and self._root_key is None:
            raise CaError(f"cannot sign the root CRL: {self._root_problem}")
        key = self._root_key if by_root and self._root_key else self._signing_key()
        issuer = self.root if by_root else self.issuing
        now = _seconds(now)
        issuer_ski = _ski_of(issuer)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer.subject)
            .last_update(now)
            .next_update(now + dt.timedelta(days=next_update_days))
            .add_extension(x509.CRLNumber(number), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                issuer_ski), critical=False)
        )
        for serial, when, reason in revoked:
            entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(
                _seconds(when))
            if reason is not x509.ReasonFlags.unspecified:  # RFC 5280 §5.3.1: omit unspecified
                entry = entry.add_extension(x509.CRLReason(reason), critical=False)
            builder = builder.add_revoked_certificate(entry.build())
        return builder.sign(key, signing_hash(key))

    def issued_by_me(self, cert: x509.Certificate) -> bool:
        """True when the issuing CA signed `cert`, or the root signed it as a subordinate CA."""
        return _signed_by(cert, self.issuing) or self.signed_by_root(cert)

    def signed_by_root(self, cert: x509.Certificate) -> bool:
        """True for a CA certificate the root signed (a subordinate CA, or the issuing CA)."""
        try:
            is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        except x509.ExtensionNotFound:
            return False
        return is_ca and _signed_by(cert, self.root)


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
