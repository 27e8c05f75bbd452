"""Shared fixtures: the article's worked example, loaded from resources/ (no Qt here)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, settings

from models.project import Project
from models.project_file import load_example

# Machines are shared and noisy: property tests check behaviour, not speed.
settings.register_profile(
    "certroute", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("certroute")

# Pinned "today" so the policy-review age (workflow drift) does not depend on the clock.
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def worked_example() -> Project:
    # The public caps of the pinned day: the example is judged as of TODAY, not the clock.
    return load_example().model_copy(update={"as_of": TODAY})


@pytest.fixture(autouse=True)
def cheap_ca_key_kdf(monkeypatch):
    """CA keys encrypted with a token scrypt cost in tests, so hundreds of CAs stay quick.

    The real cost (app.ca.key_at_rest.KDF_COST) is asserted, and read back from the key files
    by openssl, in tests/ca/test_key_at_rest.py, which restores it.
    """
    from app.ca import key_at_rest

    monkeypatch.setattr(key_at_rest, "KDF_COST", key_at_rest.ScryptCost(n=2, r=1, p=1))
