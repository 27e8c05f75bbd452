"""CA keys at rest: encrypted PKCS#8 with scrypt (RFC 7914 §7) and AES-256-CBC (RFC 8018 PBES2).

`cryptography`'s `BestAvailableEncryption` gives PBKDF2-HMAC-SHA256 with 2,048 iterations
(about 3,700 guesses a second a core, review 2026-12 ca.md defect 5), and its encryption
builder offers PKCS#8 no cost setting. So the EncryptedPrivateKeyInfo is built here, from the
library's scrypt, AES and padding, as the standard DER that `openssl pkey` and
`cryptography.load_pem_private_key` read (tests/ca/test_key_at_rest.py proves both).

Cost: N = 2^14, r = 8, p = 5 — OWASP's password-storage cheat sheet lists it as equal to
N = 2^17, p = 1 (each guess needs 16 MiB and five sequential passes). It stays inside
OpenSSL's default scrypt memory limit of 32 MiB, which N = 2^17, r = 8 (128 MiB) exceeds, so
`openssl pkey` can still open the key.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

# DER object identifiers, content octets: PBES2 1.2.840.113549.1.5.13, PBKDF2 …1.5.12,
# scrypt 1.3.6.1.4.1.11591.4.11, AES-256-CBC 2.16.840.1.101.3.4.1.42.
_PBES2 = bytes.fromhex("2a864886f70d01050d")
_PBKDF2 = bytes.fromhex("2a864886f70d01050c")
_SCRYPT = bytes.fromhex("2b06010401da47040b")
_AES256_CBC = bytes.fromhex("60864801650304012a")
_PEM_LABEL = "ENCRYPTED PRIVATE KEY"


@dataclass(frozen=True, slots=True)
class ScryptCost:
    """scrypt's parameters: N (CPU/memory cost, a power of two), r (block size), p (passes)."""

    n: int
    r: int
    p: int

    @property
    def memory_mib(self) -> float:
        return 128 * self.n * self.r / 2**20


KDF_COST = ScryptCost(n=2**14, r=8, p=5)
SALT_BYTES = 16


def current_kdf() -> str:
    """The KDF new and upgraded key files get, in words (for the audit log)."""
    c = KDF_COST
    return f"scrypt N={c.n} r={c.r} p={c.p}"


@dataclass(frozen=True, slots=True)
class KdfInfo:
    """How an encrypted key file's passphrase is stretched: "scrypt", "pbkdf2" or "unknown"."""

    name: str
    scrypt: ScryptCost | None = None
    iterations: int | None = None

    def at_least(self, cost: ScryptCost) -> bool:
        """True for scrypt at `cost` or above: the key needs no upgrade."""
        s = self.scrypt
        return s is not None and s.n * s.r * s.p >= cost.n * cost.r * cost.p and \
            s.n >= cost.n

    def describe(self) -> str:
        if self.scrypt is not None:
            c = self.scrypt
            return f"scrypt N={c.n} r={c.r} p={c.p}"
        if self.iterations is not None:
            return f"PBKDF2 with {self.iterations:,} iterations"
        return self.name


# --- a little DER: the one structure this module writes and reads ------------------------

def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(octets)]) + octets
    return bytes([tag]) + length + content


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _read(data: bytes, at: int) -> tuple[int, bytes, int]:
    """(tag, content, offset after) of the DER element at `at`."""
    tag, first = data[at], data[at + 1]
    at += 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    if at + length > len(data):
        raise ValueError("truncated DER")
    return tag, data[at:at + length], at + length


def _items(content: bytes) -> list[tuple[int, bytes]]:
    items, at = [], 0
    while at < len(content):
        tag, value, at = _read(content, at)
        items.append((tag, value))
    return items


# --- encryption -------------------------------------------------------------------------

def encrypt(key: CertificateIssuerPrivateKeyTypes, passphrase: bytes,
            cost: ScryptCost | None = None) -> bytes:
    """`key` as an ENCRYPTED PRIVATE KEY PEM: PBES2, scrypt at `cost`, AES-256-CBC."""
    cost = cost or KDF_COST
    plain = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    salt, iv = os.urandom(SALT_BYTES), os.urandom(16)
    secret = Scrypt(salt=salt, length=32, n=cost.n, r=cost.r, p=cost.p).derive(passphrase)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(secret), modes.CBC(iv)).encryptor()
    sealed = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    kdf = _seq(_tlv(0x06, _SCRYPT), _seq(_tlv(0x04, salt), _int(cost.n), _int(cost.r),
                                         _int(cost.p), _int(32)))
    scheme = _seq(_tlv(0x06, _AES256_CBC), _tlv(0x04, iv))
    der = _seq(_seq(_tlv(0x06, _PBES2), _seq(kdf, scheme)), _tlv(0x04, sealed))
    return _pem(der)


def _pem(der: bytes) -> bytes:
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {_PEM_LABEL}-----", *lines,
                      f"-----END {_PEM_LABEL}-----", ""]).encode("ascii")


def kdf_of(pem: bytes) -> KdfInfo:
    """How the key in `pem` is protected; "unencrypted" or "unknown" when not PBES2."""
    text = pem.decode("ascii", "replace")
    if f"BEGIN {_PEM_LABEL}" not in text:
        return KdfInfo("unencrypted" if "PRIVATE KEY" in text else "unknown")
    try:
        body = text.split(f"-----BEGIN {_PEM_LABEL}-----")[1].split("-----END")[0]
        der = base64.b64decode("".join(body.split()))
        _, outer, _ = _read(der, 0)
        (_, algorithm), _sealed = _items(outer)
        (_, oid), (_, params) = _items(algorithm)
        if oid != _PBES2:
            return KdfInfo("unknown")
        (_, kdf), _scheme = _items(params)
        (_, kdf_oid), (_, kdf_params) = _items(kdf)[:2]
        values = [int.from_bytes(v, "big") for tag, v in _items(kdf_params) if tag == 0x02]
    except (ValueError, IndexError):
        return KdfInfo("unknown")
    if kdf_oid == _SCRYPT and len(values) >= 3:
        return KdfInfo("scrypt", scrypt=ScryptCost(*values[:3]))
    if kdf_oid == _PBKDF2 and values:
        return KdfInfo("pbkdf2", iterations=values[0])
    return KdfInfo("unknown")
