"""CA keys at rest (review 2026-12, ca.md defect 5 and checks O8, F2, F3): scrypt instead of
2,048 PBKDF2 iterations, the root key under its own passphrase, warnings for loosened
permissions, and a CA folder made by the code before this change that keeps opening and is
upgraded on its next unlock (tests/ca/data/legacy-ca, made with commit 62d092c)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.ca import key_at_rest
from app.ca.authority import ISSUING_KEY, ROOT_KEY
from app.ca.cli_shared import ENV_CA_DIR, ENV_NEW_PASSPHRASE, ENV_PASSPHRASE, ENV_ROOT_PASSPHRASE
from app.ca.csr import generate_key
from app.ca.errors import CaError
from app.ca.key_at_rest import KdfInfo, ScryptCost, kdf_of
from app.ca.revocation import CRL_FILE, ROOT_CRL_FILE
from app.ca.service import CaService
from app.cli import main
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE

LEGACY = Path(__file__).parent / "data" / "legacy-ca"
LEGACY_PASSPHRASE = b"old-pass"  # 8 characters: the old minimum
LEGACY_REVOKED = "16b49882102e6e27b52ef6616f11ab464f1d7fe4"
REAL_COST = ScryptCost(n=2**14, r=8, p=5)


@pytest.fixture
def real_cost(monkeypatch):
    """The production scrypt cost (tests/conftest.py makes it cheap elsewhere)."""
    monkeypatch.setattr(key_at_rest, "KDF_COST", REAL_COST)


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    folder = tmp_path / "legacy"
    shutil.copytree(LEGACY, folder)
    # As the old code made them: git keeps no modes, so the checkout has 0644/0755.
    folder.chmod(0o700)
    for path in folder.iterdir():
        path.chmod(0o600)
    return folder


def asn1(path: Path) -> str:
    return subprocess.run(["openssl", "asn1parse", "-in", str(path)], capture_output=True,
                          text=True, check=True).stdout


def openssl_opens(path: Path, passphrase: bytes) -> bool:
    return subprocess.run(["openssl", "pkey", "-in", str(path), "-noout", "-passin",
                           f"pass:{passphrase.decode()}"], capture_output=True,
                          check=False).returncode == 0


def test_the_production_cost_is_owasps_scrypt_setting():
    # OWASP Password Storage Cheat Sheet: N=2^14 (16 MiB), r=8, p=5 equals N=2^17, p=1.
    assert REAL_COST.memory_mib == 16
    assert key_at_rest.KDF_COST.n < REAL_COST.n  # the cheap test setting is in force here


def test_new_ca_keys_are_scrypt_pkcs8_that_openssl_reads(tmp_path: Path, real_cost):
    service = CaService.init(tmp_path / "ca", PASSPHRASE, root_passphrase=ROOT_PASSPHRASE,
                             now=NOW)
    for name, passphrase, other in ((ROOT_KEY, ROOT_PASSPHRASE, PASSPHRASE),
                                    (ISSUING_KEY, PASSPHRASE, ROOT_PASSPHRASE)):
        path = service.folder / name
        parsed = asn1(path)
        assert ":PBES2" in parsed
        assert ":scrypt" in parsed
        assert ":aes-256-cbc" in parsed
        assert "INTEGER           :4000" in parsed  # N = 16384
        assert "INTEGER           :05" in parsed  # p = 5
        assert kdf_of(path.read_bytes()) == KdfInfo("scrypt", scrypt=REAL_COST)
        assert openssl_opens(path, passphrase)
        assert not openssl_opens(path, other)
    service.close()


def test_a_key_round_trips_through_cryptography():
    key = generate_key("ec", 384)
    pem = key_at_rest.encrypt(key, b"a passphrase here")
    loaded = serialization.load_pem_private_key(pem, b"a passphrase here")
    assert loaded.public_key() == key.public_key()
    with pytest.raises(ValueError, match=r"Incorrect password|Bad decrypt"):
        serialization.load_pem_private_key(pem, b"another passphrase")


def test_the_root_key_stays_locked_without_its_own_passphrase(ca: CaService):
    reopened = CaService.open(ca.folder)
    reopened.unlock(PASSPHRASE)
    assert reopened.authority.unlocked
    assert reopened.authority.root_problem == "the root key is locked: give the root passphrase"
    published = reopened.publish_crls(actor="ops", now=NOW)
    assert published.root is None
    reopened.unlock(PASSPHRASE, b"not the root passphrase")
    assert reopened.authority.root_problem == \
        "wrong root passphrase (the root CA key does not decrypt)"
    reopened.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    assert reopened.authority.root_problem is None
    assert not reopened.root_shares_passphrase()
    reopened.close()


# --- a CA made by the code before this change ----------------------------------------------

def test_the_legacy_fixture_is_what_the_review_found(legacy: Path):
    for name in (ROOT_KEY, ISSUING_KEY):
        assert kdf_of((legacy / name).read_bytes()) == KdfInfo("pbkdf2", iterations=2048)
    assert "INTEGER           :0800" in asn1(legacy / ROOT_KEY)


def test_a_legacy_ca_opens_and_is_upgraded_on_its_next_unlock(legacy: Path):
    service = CaService.open(legacy, now=NOW)
    assert service.verify().ok
    assert service.root_shares_passphrase()
    assert any("shares the CA passphrase" in w for w in service.warnings())
    upgraded = service.unlock(LEGACY_PASSPHRASE)  # the old 8-character passphrase still opens
    assert upgraded == [f"{name}: PBKDF2 with 2,048 iterations → scrypt N=2 r=1 p=1"
                        for name in (ISSUING_KEY, ROOT_KEY)]
    for name in (ROOT_KEY, ISSUING_KEY):
        assert kdf_of((legacy / name).read_bytes()).name == "scrypt"
    actions = [e.action for e in service.ledger.audit()]
    assert actions[-2:] == ["upgrade-ledger", "upgrade-keys"]
    assert service.verify().ok
    # Its revocation and CRL numbers carry on, on both CRLs (the shared root still opens).
    crls = service.publish_crls(actor="ops", now=NOW)
    assert crls.issuing.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2
    assert [format(r.serial_number, "x") for r in crls.issuing] == [LEGACY_REVOKED]
    assert crls.root is not None
    assert service.unlock(LEGACY_PASSPHRASE) == []  # upgraded once
    service.close()


def test_a_legacy_root_gets_its_own_passphrase(legacy: Path):
    service = CaService.open(legacy, now=NOW)
    service.unlock(LEGACY_PASSPHRASE)
    with pytest.raises(CaError, match="must differ"):
        service.change_passphrase("root", LEGACY_PASSPHRASE, LEGACY_PASSPHRASE * 2,
                                  other=LEGACY_PASSPHRASE * 2, actor="ops")
    with pytest.raises(CaError, match="at least 12"):
        service.change_passphrase("root", LEGACY_PASSPHRASE, b"short", actor="ops")
    service.change_passphrase("root", LEGACY_PASSPHRASE, ROOT_PASSPHRASE,
                              other=LEGACY_PASSPHRASE, actor="ops")
    assert not service.root_shares_passphrase()
    assert not any("shares" in w for w in service.warnings())
    service.unlock(LEGACY_PASSPHRASE)
    assert service.authority.root_problem is not None
    service.unlock(LEGACY_PASSPHRASE, ROOT_PASSPHRASE)
    assert service.authority.root_problem is None
    assert service.ledger.audit()[-1].action == "change-passphrase"
    service.close()


def test_the_cli_separates_a_legacy_root_and_warns_until_then(legacy: Path, monkeypatch,
                                                               capsys):
    monkeypatch.setenv(ENV_CA_DIR, str(legacy))
    monkeypatch.setenv(ENV_PASSPHRASE, LEGACY_PASSPHRASE.decode())
    monkeypatch.delenv(ENV_ROOT_PASSPHRASE, raising=False)
    assert main(["ca", "crl"]) == 0
    err = capsys.readouterr().err
    assert "warning: the root key shares the CA passphrase" in err
    assert f"warning: upgraded the key file {ISSUING_KEY}: PBKDF2 with 2,048 iterations" in err
    monkeypatch.setenv(ENV_NEW_PASSPHRASE, ROOT_PASSPHRASE.decode())
    assert main(["ca", "passphrase", "--root"]) == 0
    assert "root CA key" in capsys.readouterr().out
    monkeypatch.setenv(ENV_ROOT_PASSPHRASE, ROOT_PASSPHRASE.decode())
    assert main(["ca", "crl"]) == 0
    out, err = capsys.readouterr()
    assert "Root CRL 3" in out
    assert err == ""
    assert (legacy / ROOT_CRL_FILE).is_file()
    assert (legacy / CRL_FILE).is_file()


# --- permissions (review check F2) ---------------------------------------------------------

def test_loosened_permissions_are_warned_about_on_every_verb(cli, tmp_path: Path):
    folder = tmp_path / "ca"
    assert cli("verify")[2] == ""
    (folder / ROOT_KEY).chmod(0o644)
    (folder / "ledger.sqlite3").chmod(0o640)
    folder.chmod(0o755)
    status, _, err = cli("verify")
    assert status == 0
    lines = err.splitlines()
    assert len(lines) >= 3  # SQLite gives its -wal and -shm files the ledger's mode too
    assert all(line.startswith("certroute: warning: ") for line in lines)
    assert f"{folder} is readable or writable by group or others (mode 0755)" in lines[0]
    assert "root.key" in err
    assert "ledger.sqlite3" in err


def test_an_api_caller_without_a_root_passphrase_gets_a_shared_root_and_a_warning(tmp_path):
    """CaService.init without root_passphrase (code written before the rule) still works,
    as CAs made before did, and is warned about like them."""
    service = CaService.init(tmp_path / "ca", PASSPHRASE, now=NOW)
    assert service.root_shares_passphrase()
    assert service.warnings() == ["the root key shares the CA passphrase: give it its own "
                                  "with `certroute ca passphrase --root`"]
    reopened = CaService.open(service.folder)
    reopened.unlock(PASSPHRASE)
    assert reopened.authority.root_problem is None
    for closing in (service, reopened):
        closing.close()
    with pytest.raises(CaError, match="at least 12 characters"):
        CaService.init(tmp_path / "weak", b"short", now=NOW)


def test_ca_passphrase_changes_one_key_and_keeps_them_apart(cli, tmp_path: Path, monkeypatch):
    monkeypatch.setenv(ENV_NEW_PASSPHRASE, ROOT_PASSPHRASE.decode())
    err = cli("passphrase")[2]
    assert "the root and CA passphrases must differ" in err
    monkeypatch.setenv(ENV_NEW_PASSPHRASE, "a fresh issuing passphrase")
    status, out, _ = cli("passphrase")
    assert status == 0
    assert "The issuing CA key" in out
    folder = tmp_path / "ca"
    assert serialization.load_pem_private_key((folder / ISSUING_KEY).read_bytes(),
                                              b"a fresh issuing passphrase")
    assert serialization.load_pem_private_key((folder / ROOT_KEY).read_bytes(),
                                              ROOT_PASSPHRASE)
    monkeypatch.setenv(ENV_PASSPHRASE, "a fresh issuing passphrase")
    assert cli("crl")[0] == 0


def test_a_subordinate_ca_is_fulfilled_only_with_the_root_passphrase(cli, tmp_path: Path,
                                                                     monkeypatch):
    import json

    from models.project_file import load_example

    data = load_example().model_dump(mode="json")
    data["types"].append({"id": "team-ca", "name": "Team CA", "purpose": "ca-signing",
                          "ca": "private", "validity": "long", "identity": "strong",
                          "blast_radius": "high",
                          "profile": {"san_patterns": ["**.team.internal.example"]}})
    (tmp_path / "team.certroute.json").write_text(json.dumps(data))
    request = json.loads(cli("request", "--project", "team.certroute.json", "--type", "team-ca",
                             "--cn", "Example Org Team CA", "--key-out", "team.key",
                             "--requester", "alice", "--justification", "team lab PKI",
                             "--accept-project-change", "--json")[1])
    criteria = [c for n in range(1, len(request["policy"]["criteria"]) + 1)
                for c in ("--confirm", str(n))]
    assert cli("approve", str(request["id"]), "--approver", "bob", "--role", "Team lead",
               *criteria)[0] == 0
    monkeypatch.delenv(ENV_ROOT_PASSPHRASE)
    status, _, err = cli("fulfil", str(request["id"]), "--operator", "ops")
    assert status == 2
    assert "cannot sign a subordinate CA: the root key is locked" in err
    monkeypatch.setenv(ENV_ROOT_PASSPHRASE, ROOT_PASSPHRASE.decode())
    assert cli("fulfil", str(request["id"]), "--operator", "ops")[0] == 0
