"""migrations.upgrade: older documents are stepped up one version at a time."""

from __future__ import annotations

import pytest

from models import migrations
from models.migrations import SchemaVersionError, upgrade


def test_upgrade_runs_each_step_in_order(monkeypatch):
    seen = []

    def one_to_two(raw):
        seen.append(1)
        renamed = {key: value for key, value in raw.items() if key != "old"}
        return {**renamed, "renamed": raw["old"]}

    def two_to_three(raw):
        seen.append(2)
        return {**raw, "added": True}

    monkeypatch.setattr(migrations, "STEPS", {1: one_to_two, 2: two_to_three})
    raw = upgrade({"schema_version": 1, "old": "x"}, current=3)
    assert seen == [1, 2]
    assert raw == {"schema_version": 3, "renamed": "x", "added": True}


def test_current_version_is_left_alone():
    raw = {"schema_version": 1, "types": []}
    assert upgrade(dict(raw), current=1) == raw


@pytest.mark.parametrize("version", [0, -1, "1", None, 1.0, True])
def test_bad_schema_version_is_named(version):
    with pytest.raises(SchemaVersionError, match="schema_version: must be a whole number"):
        upgrade({"schema_version": version}, current=1)


def test_newer_schema_version_is_refused():
    with pytest.raises(SchemaVersionError, match="written by a newer Certroute"):
        upgrade({"schema_version": 2}, current=1)
