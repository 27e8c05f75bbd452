"""The hidden-rework cost model of admin-mediated issuance (COST-MODEL.md), inputs to payback."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field


class Scale(StrEnum):
    """The three scale presets."""

    SMALL = "small"
    MID = "mid"
    LARGE = "large"


class MigrationShareSource(StrEnum):
    """Where the migration share comes from: the input, or the routing design."""

    PRESET = "preset"
    DESIGN = "design"


class TicketsSource(StrEnum):
    """Where the cost model's ticket count comes from: the input, or the inventory's as-is
    admin-mediated volumes (the same volumes the design's migration share is a share of)."""

    INPUT = "input"
    INVENTORY = "inventory"


class CostInputs(BaseModel):
    """Every input of COST-MODEL.md, mid-scale defaults; descriptions are the UI's explanations."""

    # No infinities or NaN: every figure on screen must be a number (SPEC.md §7). The upper
    # bounds are far beyond any organisation (a billion tickets, £1M an hour) and keep every
    # product of inputs a finite float: 1e300 used to overflow the model into a traceback.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    tickets_per_year: float = Field(
        3000, ge=0, le=1e9, description="Admin-mediated tickets per year.",
        json_schema_extra={"unit": "tickets/yr"},
    )
    base_hours: float = Field(
        12.0, ge=0, le=10_000, description="Base time per ticket, approval + fulfilment.",
        json_schema_extra={"unit": "hours"},
    )
    hourly_rate: float = Field(
        72, ge=0, le=1e6, description="Loaded analyst rate.", json_schema_extra={"unit": "£/hour"}
    )
    rework_rate: float = Field(
        0.25, ge=0, le=1, description="Share of tickets needing rework before fulfilment.",
        json_schema_extra={"unit": "share"},
    )
    rework_effort: float = Field(
        0.40, ge=0, le=100, description="Rework effort, as a fraction of base time.",
        json_schema_extra={"unit": "× base"},
    )
    reopen_rate: float = Field(
        0.20, ge=0, le=1, description="Share of tickets reopened after closing.",
        json_schema_extra={"unit": "share"},
    )
    reopen_effort: float = Field(
        0.40, ge=0, le=100, description="Reopen effort, as a fraction of the ticket's time so far.",
        json_schema_extra={"unit": "× time"},
    )
    blocking_share: float = Field(
        0.20, ge=0, le=1, description="Share of tickets that block a service while waiting.",
        json_schema_extra={"unit": "share"},
    )
    blocked_days: float = Field(
        4, ge=0, le=3_650, description="Days a blocked service waits.",
        json_schema_extra={"unit": "days"},
    )
    blocked_day_cost: float = Field(
        120, ge=0, le=1e9, description="Cost of one blocked service-day.",
        json_schema_extra={"unit": "£/day"},
    )
    migration_share: float = Field(
        0.70, ge=0, le=1, description="Share of admin-mediated volume that migrates to combined.",
        json_schema_extra={"unit": "share"},
    )
    migration_cost: float = Field(
        1_700_000, ge=0, le=1e13, description="One-off migration cost.",
        json_schema_extra={"unit": "£"},
    )
    combined_run_cost: float = Field(
        0, ge=0, le=1e13,
        description="Yearly running cost of the combined workflow for migrated volume.",
        json_schema_extra={"unit": "£/yr"},
    )


# COST-MODEL.md "Scale presets": small and large scale tickets and migration cost only.
SCALE_PRESETS: dict[Scale, CostInputs] = {
    Scale.SMALL: CostInputs(tickets_per_year=600, migration_cost=400_000),
    Scale.MID: CostInputs(),
    Scale.LARGE: CostInputs(tickets_per_year=15_000, migration_cost=6_500_000),
}

INPUT_KEYS: tuple[str, ...] = tuple(CostInputs.model_fields)


def input_unit(key: str, currency_symbol: str = "£") -> str:
    """The unit shown beside an input, money in the project's currency ("€/hour")."""
    extra = CostInputs.model_fields[key].json_schema_extra
    unit = str(extra["unit"]) if isinstance(extra, dict) else ""
    return unit.replace("£", currency_symbol)


@dataclass(frozen=True, slots=True)
class CostBreakdown:
    """Every output of COST-MODEL.md, unrounded; `display` formats them."""

    migration_share: float
    rework_hours: float
    reopen_hours: float
    ticket_hours: float
    hidden_of_base: float
    analyst_cost: float
    hidden_cost: float
    blocked_cost: float
    total_cost: float
    hidden_share: float
    projected_cost: float
    annual_savings: float
    payback_months: float | None  # None = never (savings ≤ 0)

    def as_dict(self) -> dict[str, float | None]:
        return {name: getattr(self, name) for name in self.__slots__}


def ticket_hours(inputs: CostInputs) -> float:
    """Effective hours per manual ticket, base + hidden (used by ROUTING-RULES.md rule 5)."""
    return compute_costs(inputs).ticket_hours


# Every edit re-evaluates, and rule 5 asks for the ticket hours before the costs are known:
# the exact rational arithmetic is done once per distinct inputs, not twice per edit.
@lru_cache(maxsize=256)
def compute_costs(inputs: CostInputs, *, migration_share: float | None = None) -> CostBreakdown:
    """Apply COST-MODEL.md's formulas; `migration_share` replaces the input's share if given."""
    # Exact rational arithmetic on the inputs as typed (0.25 is 1/4, not 0.25000000000000001),
    # so £487,296 comes out as 487296.0 and not 487296.00000000006.
    x = {key: Fraction(repr(value)) for key, value in inputs.model_dump().items()}
    share = x["migration_share"] if migration_share is None else Fraction(repr(migration_share))
    n, base, rate = x["tickets_per_year"], x["base_hours"], x["hourly_rate"]
    # COST-MODEL.md "Formulas", line by line.
    rework_hours = base * x["rework_rate"] * x["rework_effort"]
    reopen_hours = (base + rework_hours) * x["reopen_rate"] * x["reopen_effort"]
    hours = base + rework_hours + reopen_hours
    hidden_of_base = (rework_hours + reopen_hours) / base if base else Fraction(0)
    analyst_cost = n * base * rate
    hidden_cost = n * (rework_hours + reopen_hours) * rate
    blocked_cost = n * x["blocking_share"] * x["blocked_days"] * x["blocked_day_cost"]
    total_cost = analyst_cost + hidden_cost + blocked_cost
    hidden_share = hidden_cost / total_cost if total_cost else Fraction(0)
    projected_cost = total_cost * (1 - share) + x["combined_run_cost"]
    annual_savings = total_cost - projected_cost
    # "Where annual savings ≤ 0 the payback is 'never'".
    payback = x["migration_cost"] / annual_savings * 12 if annual_savings > 0 else None
    return CostBreakdown(
        migration_share=float(share),
        rework_hours=float(rework_hours),
        reopen_hours=float(reopen_hours),
        ticket_hours=float(hours),
        hidden_of_base=float(hidden_of_base),
        analyst_cost=float(analyst_cost),
        hidden_cost=float(hidden_cost),
        blocked_cost=float(blocked_cost),
        total_cost=float(total_cost),
        hidden_share=float(hidden_share),
        projected_cost=float(projected_cost),
        annual_savings=float(annual_savings),
        payback_months=None if payback is None else float(payback),
    )


@dataclass(frozen=True, slots=True)
class PaybackCurve:
    """Cumulative savings minus the migration cost, month by month from month 0."""

    months: tuple[int, ...]
    net: tuple[float, ...]
    break_even_month: float | None  # None = never, or not within the curve's months


def payback_curve(breakdown: CostBreakdown, migration_cost: float, *,
                  months: int = 36) -> PaybackCurve:
    """The payback line: month m nets `annual_savings × m / 12 − migration_cost`."""
    monthly = breakdown.annual_savings / 12
    points = tuple(range(months + 1))
    net = tuple(monthly * m - migration_cost for m in points)
    payback = breakdown.payback_months
    break_even = payback if payback is not None and payback <= months else None
    return PaybackCurve(points, net, break_even)


@dataclass(frozen=True, slots=True)
class CostComponent:
    """One layer of the stacked "today vs projected" bar."""

    key: str
    label: str
    today: float
    projected: float


def cost_components(breakdown: CostBreakdown, *,
                    combined_run_cost: float) -> tuple[CostComponent, ...]:
    """Annual cost by component today and after migration; each pair sums to the totals.

    COST-MODEL.md: projected_cost = total_cost × (1 − migration_share) + combined_run_cost, so
    every admin-mediated component shrinks by the same share and the combined workflow's
    running cost is added on top.
    """
    remaining = 1 - breakdown.migration_share
    return (
        CostComponent("analyst_cost", "Analyst time (visible)", breakdown.analyst_cost,
                      breakdown.analyst_cost * remaining),
        CostComponent("hidden_cost", "Hidden rework + reopens", breakdown.hidden_cost,
                      breakdown.hidden_cost * remaining),
        CostComponent("blocked_cost", "Blocked services", breakdown.blocked_cost,
                      breakdown.blocked_cost * remaining),
        CostComponent("combined_run_cost", "Combined workflow running cost", 0.0,
                      combined_run_cost),
    )
