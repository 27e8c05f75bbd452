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
