"""Project: the whole document — organisation, certificate types, assessment and cost settings."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.assessment import AssessmentScores
from models.certificate import CertificateType, TypeId
from models.cost import CostInputs, MigrationShareSource, Scale, TicketsSource
from models.currency import Currency
from models.enums import Tolerance
from models.excerpt import refuse_control_characters
from models.legal_identity import LegalIdentity

SCHEMA_VERSION = 2

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Organisation(BaseModel):
    """The organisation whose routing policy is designed."""

    model_config = _FROZEN

    name: str = Field("Untitled organisation", min_length=1, max_length=200)
    tolerance: Tolerance = Field(
        Tolerance.MEDIUM,
        description="Automated-issuance risk accepted for medium-blast-radius certificates.",
    )
    policy_last_reviewed: dt.date | None = Field(
        None, description="When the routing policy was last reviewed."
    )
    review_interval_months: int = Field(
        12, ge=1, le=120, description="How often the routing policy must be reviewed."
    )
    legal: LegalIdentity | None = Field(
        None, description="Legal identity that OV and EV certificates name in their subject."
    )

    _plain_name = field_validator("name")(refuse_control_characters)


class CostSettings(BaseModel):
    """The cost model's inputs and where the migration share comes from."""

    model_config = _FROZEN

    scale: Scale | None = Field(Scale.MID, description="Preset the inputs started from, if any.")
    inputs: CostInputs = Field(default_factory=CostInputs)
    migration_share_source: MigrationShareSource = MigrationShareSource.PRESET
    tickets_source: TicketsSource = Field(
        TicketsSource.INPUT,
        description="Tickets per year: the input, or the inventory's as-is admin-mediated "
        "annual volumes.",
    )


class Project(BaseModel):
    """The document: one frozen value, replaced whole on every edit."""

    model_config = _FROZEN

    # Strict: a file's version is a JSON integer (models.migrations), never 2.0 or true.
    schema_version: int = Field(default=SCHEMA_VERSION, strict=True)
    organisation: Organisation = Field(default_factory=Organisation)
    types: tuple[CertificateType, ...] = ()
    assessment: AssessmentScores = Field(default_factory=AssessmentScores)
    cost: CostSettings = Field(default_factory=CostSettings)
    # INDUSTRY-RULES.md: a design is judged against the public rules in force on a date.
    as_of: dt.date = Field(
        default_factory=dt.date.today,
        description="The date whose public validity caps the design is evaluated against.",
    )
    # Optional, defaulting to the article's pounds: older files need no migration.
    currency: Currency = Field(default_factory=Currency)

    @model_validator(mode="after")
    def _unique_type_ids(self) -> Project:
        seen: set[str] = set()
        for index, ctype in enumerate(self.types):
            if ctype.id in seen:
                raise ValueError(f"types[{index}].id: duplicate id {ctype.id!r}")
            seen.add(ctype.id)
        return self

    def index_of(self, type_id: TypeId) -> int:
        """Row of the type with this id."""
        for index, ctype in enumerate(self.types):
            if ctype.id == type_id:
                return index
        raise KeyError(type_id)

    def find(self, type_id: TypeId | None) -> tuple[int, CertificateType] | None:
        """Row and type of the type with this id; None when there is none (any more)."""
        for index, ctype in enumerate(self.types):
            if ctype.id == type_id:
                return index, ctype
        return None

    def new_type_id(self, stem: str = "type") -> TypeId:
        """An id not used by any type yet."""
        used = {t.id for t in self.types}
        n = len(self.types) + 1
        while f"{stem}-{n}" in used:
            n += 1
        return TypeId(f"{stem}-{n}")
