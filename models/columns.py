"""Column specs of the routing matrix, shared by the table, the CLI and the exporters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from models.certificate import CertificateType
from models.enums import BlastRadius, CaKind, Identity, Purpose, Validity, Workflow
from models.routing import Decision


@dataclass(frozen=True, slots=True)
class Column:
    """One column: input columns edit a CertificateType field; derived ones read the decision."""

    key: str
    header: str
    getter: Callable[[CertificateType, Decision], Any]
    choices: type[StrEnum] | None = None  # enumerated input: a drop-down
    editable: bool = True
    kind: str = "text"  # text | enum | int | float | bool

    def text(self, ctype: CertificateType, decision: Decision) -> str:
        value = self.getter(ctype, decision)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, StrEnum):
            return value.value
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


def _field(key: str, header: str, kind: str = "text",
           choices: type[StrEnum] | None = None) -> Column:
    return Column(key, header, lambda t, _d: getattr(t, key), choices, True, kind)


# The five routing parameters of the article (and the type's name) come first …
ROUTING_COLUMNS: tuple[Column, ...] = (
    _field("name", "Certificate type"),
    _field("purpose", "Purpose", "enum", Purpose),
    _field("ca", "CA", "enum", CaKind),
    _field("validity", "Validity", "enum", Validity),
    _field("identity", "Identity", "enum", Identity),
    _field("blast_radius", "Blast radius", "enum", BlastRadius),
)

# … then the decision they produce, so it stays in view beside them …
DERIVED_COLUMNS: tuple[Column, ...] = (
    Column("workflow", "Workflow", lambda _t, d: d.workflow, editable=False),
    Column("reason", "Reason", lambda _t, d: d.label, editable=False),
)

# … then the inputs that only some rules and the cost link read.
SECONDARY_COLUMNS: tuple[Column, ...] = (
    _field("policy_implications", "Policy implications", "bool"),
    _field("annual_volume", "Annual volume", "int"),
    _field("integration_hours", "Integration hours", "float"),
    _field("as_is_workflow", "Workflow today", "enum", Workflow),
    _field("owner", "Owner"),
)

INPUT_COLUMNS: tuple[Column, ...] = ROUTING_COLUMNS + SECONDARY_COLUMNS
COLUMNS: tuple[Column, ...] = ROUTING_COLUMNS + DERIVED_COLUMNS + SECONDARY_COLUMNS
COLUMN_BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
