"""CA test fixtures: a pinned clock, a fresh ECDSA CA per test, CSRs made to order, a revoked
certificate and an acknowledged request, and `edit` to change the ledger behind the CA's back."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.ca.cli_shared import ENV_CA_DIR, ENV_PASSPHRASE, ENV_ROOT_PASSPHRASE
from app.ca.csr import build_csr, generate_key
from app.ca.ledger import LEDGER
from app.ca.service import CaService
from app.cli import main
from models.project import Project
from models.project_file import load_example

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
PASSPHRASE = b"correct horse battery"
ROOT_PASSPHRASE = b"root staple in the safe"


@pytest.fixture
def project() -> Project:
    return load_example()


@pytest.fixture
def ca(tmp_path: Path) -> Iterator[CaService]:
    service = CaService.init(tmp_path / "ca", PASSPHRASE, root_passphrase=ROOT_PASSPHRASE, now=NOW)
    yield service
    service.close()


@pytest.fixture
def make_csr():
    """`make_csr(*names, kind="ec", size=None, cn=None)` -> (csr, key)."""

    def make(*names: str, kind: str = "ec", size: int | None = None, cn: str | None = None):
        key = generate_key(kind, size)
        return build_csr(key, names, cn), key

    return make


def edit(folder: Path, statement: str, *args: object) -> None:
    """An edit of the ledger with the sqlite3 shell, behind the CA's back."""
    conn = sqlite3.connect(folder / LEDGER)
    conn.execute(statement, args)
    conn.commit()
    conn.close()


@pytest.fixture
def revoked(ca: CaService, project, make_csr) -> str:
    """The serial of a certificate issued and then revoked as superseded."""
    csr, _ = make_csr("api.internal.example")
    serial = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).record.serial
    ca.revoke(serial, reason="superseded", actor="ops", now=NOW)
    return serial


@pytest.fixture
def acknowledged(ca: CaService, project, make_csr) -> int:
    """An admin-mediated request taken all the way: approved, fulfilled, acknowledged."""
    csr, _ = make_csr("mf.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", now=NOW)
    ca.admin.approve(request.id, approver="bob", role="Team lead", confirmed=["1", "2"],
                     now=NOW)
    ca.admin.fulfil(request.id, operator="ops", now=NOW)
    ca.admin.acknowledge(request.id, requester="alice", now=NOW)
    return request.id


@pytest.fixture
def cli(tmp_path: Path, monkeypatch, capsys):
    """Run `certroute ca …` in a fresh CA folder; returns (status, stdout, stderr)."""
    monkeypatch.setenv(ENV_PASSPHRASE, PASSPHRASE.decode())
    monkeypatch.setenv(ENV_ROOT_PASSPHRASE, ROOT_PASSPHRASE.decode())
    monkeypatch.setenv(ENV_CA_DIR, str(tmp_path / "ca"))
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main(["ca", *args])
        out, err = capsys.readouterr()
        return status, out, err

    assert run("init", str(tmp_path / "ca"))[0] == 0
    return run
