"""Shared fixtures: the article's worked example, loaded from resources/ (no Qt here)."""

from __future__ import annotations

import datetime as dt

import pytest

from models.project import Project
from models.project_file import load_example

# Pinned "today" so the policy-review age (workflow drift) does not depend on the clock.
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def worked_example() -> Project:
    return load_example()
