"""CA test fixtures: a pinned clock, a fresh ECDSA CA per test, CSRs made to order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.ca.csr import build_csr, generate_key
from app.ca.service import CaService
from models.project import Project
from models.project_file import load_example

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
PASSPHRASE = b"correct horse battery"


@pytest.fixture
def project() -> Project:
    return load_example()


@pytest.fixture
def ca(tmp_path: Path) -> Iterator[CaService]:
    service = CaService.init(tmp_path / "ca", PASSPHRASE, now=NOW)
    yield service
    service.close()


@pytest.fixture
def make_csr():
    """`make_csr(*names, kind="ec", size=None, cn=None)` -> (csr, key)."""

    def make(*names: str, kind: str = "ec", size: int | None = None, cn: str | None = None):
        key = generate_key(kind, size)
        return build_csr(key, names, cn), key

    return make
