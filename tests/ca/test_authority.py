"""SPEC.md §3 two-tier CA: extensions, encrypted owner-only keys, RSA option, CRL."""

from __future__ import annotations

import datetime as dt
import shutil
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.ca.authority import ISSUING_KEY, ROOT_KEY, CaKeys
from app.ca.errors import CaError
from app.ca.service import CaService
from models.issuance_policy import KeyKind
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE
from tests.ca.helpers import (
    assert_is_issuing,
    assert_is_leaf,
    assert_is_root,
    openssl_verify,
    verify_server_chain,
)

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl")


def test_init_makes_p384_root_and_p256_issuing(ca: CaService):
    root, issuing = ca.authority.root, ca.authority.issuing
    assert_is_root(root)
    assert_is_issuing(issuing, root)
    assert isinstance(root.public_key(), ec.EllipticCurvePublicKey)
    assert root.public_key().curve.name == "secp384r1"
    assert issuing.public_key().curve.name == "secp256r1"
    assert issuing.not_valid_after_utc < root.not_valid_after_utc


def test_init_files_are_owner_only(ca: CaService):
    assert stat.S_IMODE(ca.folder.stat().st_mode) == 0o700
    for path in ca.folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


@pytest.mark.parametrize(("name", "passphrase", "other"), [
    (ROOT_KEY, ROOT_PASSPHRASE, PASSPHRASE), (ISSUING_KEY, PASSPHRASE, ROOT_PASSPHRASE)])
def test_ca_keys_are_encrypted_pkcs8_and_need_their_own_passphrase(ca: CaService, name: str,
                                                                   passphrase, other):
    data = (ca.folder / name).read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError, match="encrypted"):
        serialization.load_pem_private_key(data, None)
    for wrong in (b"wrong passphrase", other):
        with pytest.raises(ValueError, match=r"Bad decrypt|Incorrect password"):
            serialization.load_pem_private_key(data, wrong)
    assert serialization.load_pem_private_key(data, passphrase) is not None


def test_open_is_locked_until_the_right_passphrase(ca: CaService, project, make_csr):
    reopened = CaService.open(ca.folder)
    csr, _ = make_csr("api.internal.example")
    with pytest.raises(CaError, match="locked"):
        reopened.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    with pytest.raises(CaError, match="wrong CA passphrase"):
        reopened.unlock(b"not the passphrase")
    reopened.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    assert reopened.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    reopened.close()


def test_init_refuses_a_folder_that_holds_files(tmp_path: Path):
    (tmp_path / "ca").mkdir()
    (tmp_path / "ca" / "notes.txt").write_text("mine")
    with pytest.raises(CaError, match="not an empty folder"):
        CaService.init(tmp_path / "ca", PASSPHRASE, root_passphrase=ROOT_PASSPHRASE, now=NOW)
    assert (tmp_path / "ca" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize(("passphrase", "root", "message"), [
    (b"short", ROOT_PASSPHRASE, "the CA passphrase needs at least 12 characters"),
    (b"eleven char", ROOT_PASSPHRASE, "the CA passphrase needs at least 12 characters"),
    (b"aaaaaabbbbbb", ROOT_PASSPHRASE, "at least 6 different characters"),
    (b"314159265358", ROOT_PASSPHRASE, "must not be only digits"),
    (PASSPHRASE, b"root", "the root passphrase needs at least 12 characters"),
    (PASSPHRASE, PASSPHRASE, "the root passphrase must differ from the CA passphrase"),
])
def test_init_refuses_a_weak_or_shared_passphrase(tmp_path: Path, passphrase, root, message):
    with pytest.raises(CaError, match=message):
        CaService.init(tmp_path / "ca", passphrase, root_passphrase=root, now=NOW)
    assert not (tmp_path / "ca").exists()


def test_open_without_ca_names_the_folder(tmp_path: Path):
    with pytest.raises(CaError, match="holds no CA"):
        CaService.open(tmp_path)


def test_rsa_ca_issues_rsa_leaf_with_key_encipherment(tmp_path: Path, project, make_csr):
    keys = CaKeys(root=(KeyKind.RSA, 2048), issuing=(KeyKind.RSA, 2048))
    service = CaService.init(tmp_path / "rsa", PASSPHRASE, root_passphrase=ROOT_PASSPHRASE,
                             now=NOW, keys=keys)
    assert isinstance(service.authority.root.public_key(), rsa.RSAPublicKey)
    assert_is_root(service.authority.root)
    csr, _ = make_csr("api.internal.example", kind="rsa")
    issued = service.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    assert_is_leaf(issued.certificate, service.authority.issuing,
                   names=["api.internal.example"])
    usage = issued.certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_encipherment
    verify_server_chain(issued.certificate, list(issued.chain), "api.internal.example",
                        NOW + dt.timedelta(hours=1))
    service.close()


def test_crl_lists_revoked_with_reason_and_number(ca: CaService, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    issued = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    ca.revoke(issued.record.serial, reason="key-compromise", actor="ops", now=NOW)
    crl = ca.crl(actor="ops", now=NOW)
    assert crl.is_signature_valid(ca.authority.issuing.public_key())
    assert crl.issuer == ca.authority.issuing.subject
    entry = crl.get_revoked_certificate_by_serial_number(issued.certificate.serial_number)
    assert entry is not None
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason is x509.ReasonFlags.key_compromise
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 1
    assert ca.crl(actor="ops", now=NOW).extensions.get_extension_for_class(
        x509.CRLNumber).value.crl_number == 2
    assert (ca.folder / "crl.pem").is_file()


def test_revoking_twice_is_refused_and_logged(ca: CaService, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    serial = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).record.serial
    ca.revoke(serial.upper(), actor="ops", now=NOW)
    with pytest.raises(CaError, match="already revoked"):
        ca.revoke(serial, actor="ops", now=NOW)
    assert ca.ledger.audit()[-1].action == "refused:revoke"


@needs_openssl
def test_openssl_rejects_a_revoked_certificate_with_the_crl(ca: CaService, project, make_csr,
                                                            tmp_path: Path):
    csr, _ = make_csr("api.internal.example")
    issued = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    at = NOW + dt.timedelta(hours=1)
    crl = ca.crl(actor="ops", now=NOW)
    assert openssl_verify(tmp_path, issued.certificate, list(issued.chain), at,
                          crl=crl).returncode == 0
    ca.revoke(issued.record.serial, reason="key-compromise", actor="ops", now=NOW)
    crl = ca.crl(actor="ops", now=NOW)
    result = openssl_verify(tmp_path, issued.certificate, list(issued.chain), at, crl=crl)
    assert result.returncode != 0
    assert "revoked" in result.stdout + result.stderr
