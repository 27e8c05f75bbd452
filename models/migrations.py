"""Upgrade raw project documents from older schema versions, one function per step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Raw = dict[str, Any]

# Version 1 called "short" at most 7 days; version 2 follows the article's "24 hours, 7 days,
# 90 days" (INDUSTRY-RULES.md "Validity classes": short ≤ 90 d).
V1_SHORT_MAX_DAYS = 7


def _short_means_90_days(raw: Raw) -> Raw:
    """1 → 2: a short type keeps its 7-day maximum as a profile edit, so no certificate the
    test CA issues or a policy exports gets longer by the class change. `as_of` is new and
    optional: a version-1 document is evaluated against the rules of the day it is opened."""
    types = raw.get("types")
    if not isinstance(types, list):
        return raw
    upgraded = []
    for ctype in types:
        if isinstance(ctype, dict) and ctype.get("validity") == "short":
            profile = ctype.get("profile") or {}
            if isinstance(profile, dict) and profile.get("max_validity_days") is None:
                ctype = {**ctype, "profile": {**profile,
                                              "max_validity_days": V1_SHORT_MAX_DAYS}}
        upgraded.append(ctype)
    return {**raw, "types": upgraded}


# schema_version N -> function that turns an N document into an N+1 document.
STEPS: dict[int, Callable[[Raw], Raw]] = {1: _short_means_90_days}


class SchemaVersionError(ValueError):
    """The document's schema version cannot be read by this Certroute."""


def upgrade(raw: Raw, *, current: int) -> Raw:
    """Bring `raw` to schema version `current`, or raise SchemaVersionError."""
    version = raw.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SchemaVersionError(
            f"schema_version: must be a whole number ≥ 1, got {version!r}"
        )
    if version > current:
        raise SchemaVersionError(
            f"schema_version: {version} was written by a newer Certroute "
            f"(this version reads up to {current})"
        )
    while version < current:
        raw = STEPS[version](raw)
        version += 1
        raw["schema_version"] = version
    return raw
