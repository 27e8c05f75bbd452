"""trustme-style assertions on issued certificates, and chain verification two ways."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store


def ext(cert: x509.Certificate, kind: type[x509.ExtensionType]) -> x509.Extension:
    return cert.extensions.get_extension_for_class(kind)


def assert_is_ca(cert: x509.Certificate, *, path_length: int) -> None:
    bc = ext(cert, x509.BasicConstraints)
    assert bc.critical
    assert bc.value.ca is True
    assert bc.value.path_length == path_length
    ku = ext(cert, x509.KeyUsage)
    assert ku.critical
    assert ku.value.key_cert_sign
    assert ku.value.crl_sign
    assert not ku.value.key_encipherment
    assert ext(cert, x509.SubjectKeyIdentifier).value == \
        x509.SubjectKeyIdentifier.from_public_key(cert.public_key())


def assert_is_root(cert: x509.Certificate) -> None:
    assert_is_ca(cert, path_length=1)
    assert cert.issuer == cert.subject
    aki = ext(cert, x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ext(cert, x509.SubjectKeyIdentifier).value.digest
    cert.verify_directly_issued_by(cert)


def assert_is_issuing(cert: x509.Certificate, root: x509.Certificate) -> None:
    assert_is_ca(cert, path_length=0)
    assert cert.issuer == root.subject
    aki = ext(cert, x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ext(root, x509.SubjectKeyIdentifier).value.digest
    cert.verify_directly_issued_by(root)


def assert_is_leaf(cert: x509.Certificate, issuer: x509.Certificate, *, names: list[str],
                   ekus: list[x509.ObjectIdentifier] | None = None) -> None:
    bc = ext(cert, x509.BasicConstraints)
    assert bc.critical
    assert bc.value.ca is False
    ku = ext(cert, x509.KeyUsage)
    assert ku.critical
    assert ku.value.digital_signature
    assert not ku.value.key_cert_sign
    assert not ku.value.crl_sign
    eku = ext(cert, x509.ExtendedKeyUsage)
    assert not eku.critical
    assert list(eku.value) == (ekus or [ExtendedKeyUsageOID.SERVER_AUTH])
    san = ext(cert, x509.SubjectAlternativeName)
    assert san.value.get_values_for_type(x509.DNSName) == names
    assert cert.issuer == issuer.subject
    aki = ext(cert, x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ext(issuer, x509.SubjectKeyIdentifier).value.digest
    cert.verify_directly_issued_by(issuer)


def verify_server_chain(leaf: x509.Certificate, chain: list[x509.Certificate], name: str,
                        at: dt.datetime) -> list[x509.Certificate]:
    """Path validation by cryptography's verifier (RFC 5280 + CA/B-style profile checks)."""
    verifier = (PolicyBuilder().store(Store([chain[-1]])).time(at)
                .build_server_verifier(x509.DNSName(name)))
    return verifier.verify(leaf, chain[:-1])


def openssl_verify(tmp: Path, leaf: x509.Certificate, chain: list[x509.Certificate],
                   at: dt.datetime, *, purpose: str = "sslserver",
                   crl: x509.CertificateRevocationList | None = None,
                   crls: list[x509.CertificateRevocationList] | None = None,
                   ) -> subprocess.CompletedProcess[str]:
    """`openssl verify -x509_strict` of the leaf against the root, the issuing CA untrusted.

    With `crl`, `-crl_check` (the leaf's issuer's CRL); with `crls`, `-crl_check_all` (a CRL
    for every CA in the chain).
    """
    openssl = shutil.which("openssl")
    assert openssl is not None

    def pem(name: str, *certs: x509.Certificate) -> str:
        path = tmp / name
        path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs))
        return str(path)

    cmd = [openssl, "verify", "-x509_strict", "-purpose", purpose,
           "-attime", str(int(at.timestamp())), "-CAfile", pem("root.pem", chain[-1]),
           "-untrusted", pem("issuing.pem", *chain[:-1])]
    if crl is not None or crls:
        crl_path = tmp / "crl.pem"
        crl_path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM)
                                      for c in ([crl] if crl is not None else crls or [])))
        cmd += ["-crl_check" if crl is not None else "-crl_check_all", "-CRLfile",
                str(crl_path)]
    return subprocess.run([*cmd, pem("leaf.pem", leaf)], capture_output=True, text=True,
                          check=False)


def run_json(cli, *args: str):
    status, out, err = cli(*args, "--json")
    assert status == 0, err
    return json.loads(out)


def error_line(result: tuple[int, str, str]) -> str:
    status, _, err = result
    assert status == 2
    assert err.count("\n") == 1, err
    assert err.startswith("certroute: error: ")
    return err
