"""Upgrade raw project documents from older schema versions, one function per step."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Raw = dict[str, Any]

# schema_version N -> function that turns an N document into an N+1 document.
# Version 1 is the first published schema, so there is no step yet.
STEPS: dict[int, Callable[[Raw], Raw]] = {}


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
