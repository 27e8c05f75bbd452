"""Sheet names, defined names and cell positions the workbook writer and the importer share."""

from __future__ import annotations

from models.assessment import DIMENSIONS, GATES
from models.cost import INPUT_KEYS
from models.enums import BlastRadius, CaKind, Identity, Purpose, Tolerance, Validity, Workflow
from models.legal_identity import LegalIdentity

WORKBOOK_VERSION = "1"

# WORKBOOK.md C.2, in tab order.
SHEETS = ("README", "Inputs", "Radar", "Maturity", "Routing", "Cost", "Cliff", "Findings",
          "Lists", "Checks", "Sources", "Change log")
ROUTING_TABLE = "RoutingTable"


def camel(key: str) -> str:
    """`tickets_per_year` -> `TicketsPerYear`: a defined name that cannot read as a cell."""
    return "".join(part.capitalize() for part in key.split("_"))


# Defined names of the Inputs sheet: every cost input, then the organisation's settings.
INPUT_NAMES: dict[str, str] = {key: camel(key) for key in INPUT_KEYS}
ORGANISATION_NAMES: dict[str, str] = {
    "organisation_name": "OrganisationName",
    "tolerance": "Tolerance",
    "policy_last_reviewed": "PolicyLastReviewed",
    "review_interval_months": "ReviewIntervalMonths",
    "migration_share_source": "MigrationShareSource",
}
# The organisation's legal identity (OV and EV subjects): Inputs key `legal.FIELD`, named
# `LegalFIELD`; blank cells are fields not set.
LEGAL_NAMES: dict[str, str] = {f"legal.{field}": "Legal" + camel(field)
                               for field in LegalIdentity.model_fields}
# Inputs sheet key -> Organisation field, for the importer.
ORGANISATION_FIELDS: dict[str, str] = {
    "organisation_name": "name", "tolerance": "tolerance",
    "policy_last_reviewed": "policy_last_reviewed",
    "review_interval_months": "review_interval_months",
}


def gate_name(level: int, dimension_index: int) -> str:
    """Defined name of a maturity-gate minimum: `Gate3Visibility`."""
    return f"Gate{level}{camel(DIMENSIONS[dimension_index].key)}"


GATE_NAMES: tuple[tuple[int, int, str], ...] = tuple(
    (gate.level, index, gate_name(gate.level, index))
    for gate in GATES for index, _minimum in gate.minimums
)

# Lists sheet: one column per enumeration; the named range feeds the drop-down validation.
LISTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("PurposeList", "Purpose", tuple(p.value for p in Purpose)),
    ("CaList", "CA", tuple(c.value for c in CaKind)),
    ("ValidityList", "Validity", tuple(v.value for v in Validity)),
    ("IdentityList", "Identity", tuple(i.value for i in Identity)),
    ("BlastRadiusList", "Blast radius", tuple(b.value for b in BlastRadius)),
    ("WorkflowList", "Workflow", tuple(w.value for w in Workflow)),
    ("YesNoList", "Yes / no", ("yes", "no")),
    ("ToleranceList", "Tolerance", tuple(t.value for t in Tolerance)),
    ("MigrationSourceList", "Migration share source", ("preset", "design")),
)
LIST_FOR_KEY = {
    "purpose": "PurposeList", "ca": "CaList", "validity": "ValidityList",
    "identity": "IdentityList", "blast_radius": "BlastRadiusList",
    "as_is_workflow": "WorkflowList", "policy_implications": "YesNoList",
}

# Inputs sheet columns (WORKBOOK.md: Name, Value, Unit, Source, Status, Notes) plus the key the
# importer reads back and the defined name.
INPUT_HEADERS = ("Input", "Value", "Unit", "Key", "Defined name", "Source", "Status", "Notes")
RADAR_HEADERS = ("Dimension", "Current", "Target", "Gap")
