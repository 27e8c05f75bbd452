"""The synthetic estate, built once per test session (about two thousand certificates)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.discovery.scan import ScanResult, Sources, scan
from app.discovery.trust import TrustStore
from tests.discovery.estate import P12_PASSWORD, Estate, build_estate


@pytest.fixture(scope="session")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    return build_estate(tmp_path_factory.mktemp("estate"))


@pytest.fixture(scope="session")
def trust(estate: Estate) -> TrustStore:
    """Mozilla's roots plus the estate's public-like root, as if it were in the program."""
    store = TrustStore.mozilla()
    store.roots.setdefault(estate.public_root.cert.subject, []).append(estate.public_root.cert)
    return store


@pytest.fixture(scope="session")
def scanned(estate: Estate, trust: TrustStore) -> ScanResult:
    store = TrustStore(roots=dict(trust.roots))
    return scan(Sources(paths=[estate.folder]), store=store,
                password=lambda _path: P12_PASSWORD)


def path_names(paths: list[Path]) -> set[str]:
    return {str(p) for p in paths}
