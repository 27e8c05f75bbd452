"""Fixtures of the ACME server tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ca.acme.support import Env, acme_env


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with acme_env(tmp_path) as running:
        yield running
