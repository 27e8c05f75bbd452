"""The 47-day cliff: renewals, admin-mediated tickets and their cost on each rule date.

INDUSTRY-RULES.md "What follows for the cost of admin-mediated issuance": N live certificates
of validity V renewed L days before expiry need `N × 365 / (V − L)` renewals a year, and on an
admin-mediated workflow each renewal is a ticket priced by the article's cost model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from math import fsum
from typing import NamedTuple

from models import display
from models.certificate import CertificateType, TypeId
from models.cost import CostInputs, compute_costs
from models.currency import GBP, Currency
from models.enums import Workflow
from models.gc_pause import gc_paused
from models.industry_rules import ValidityLimit
from models.routing import Decision

DAYS_PER_YEAR = 365
# ACME clients renew with a third of the lifetime left (certbot: 30 of 90 days, cert-manager:
# at 2/3 of the duration): a ticket raised earlier than that renews for nothing.
EARLIEST_RENEWAL_SHARE = Fraction(1, 3)


def renewal_lead_days(notice_days: tuple[int, ...], validity_days: int) -> float:
    """Days before expiry a renewal starts: the earliest renewal notice (AdminDesign) that
    leaves the certificate two thirds of its life, else a third of the validity.

    With the default notices (90, 30, 7): 90 days at 397, 30 at 200 and 100, 7 at 47 — the
    "7-day lead" of INDUSTRY-RULES.md's 9.1 tickets a year.
    """
    latest_start = EARLIEST_RENEWAL_SHARE * validity_days
    fitting = [d for d in notice_days if d <= latest_start]
    return float(max(fitting)) if fitting else float(latest_start)


def renewals_per_certificate(validity_days: int, lead_days: float) -> float:
    """`365 / (V − L)`: how often a certificate is replaced in a year."""
    return DAYS_PER_YEAR / (validity_days - lead_days)


@lru_cache(maxsize=1024)  # exact Fraction comparisons, asked for every type on every date
def renewal_cadence(notice_days: tuple[int, ...], validity_days: int) -> tuple[float, float]:
    """(`renewal_lead_days`, `renewals_per_certificate`) of a validity and notice schedule."""
    lead = renewal_lead_days(notice_days, validity_days)
    return lead, renewals_per_certificate(validity_days, lead)


def annual_cost(inputs: CostInputs, tickets: float) -> float:
    """The article's total annual cost (COST-MODEL.md) of `tickets` admin-mediated tickets.

    Every cost is proportional to the ticket count, so one ticket's cost is computed once with
    the exact model and scaled (a population can need more tickets than the input allows).
    """
    one = CostInputs.model_validate({**inputs.model_dump(), "tickets_per_year": 1})
    return compute_costs(one, migration_share=0.0).total_cost * tickets


class TypeOnDate(NamedTuple):
    """One type on one rule date (a named tuple: evaluate() makes one per type and rule date,
    300,000 at 100,000 types, and a tuple is built three times faster than a frozen
    dataclass)."""

    type_id: TypeId
    limit: ValidityLimit
    lead_days: float
    renewals_per_certificate: float
    volume: float  # issuances a year: live × renewals, or the annual volume as it stands
    from_population: bool
    as_is_tickets: float
    designed_tickets: float

    @property
    def max_validity_days(self) -> int:
        return self.limit.days


class TypeColumns:
    """Every type's rows on every rule date (one column per date), built when first read.

    evaluate() needs only the totals and the findings; building 300,000 rows at 100,000 types
    was most of its time, so its columns wait for a reader (the Cliff tab, the timeline, the
    report). IncrementalEvaluation hands over the columns it keeps. Compared by content.
    """

    __slots__ = ("_build", "_columns")

    def __init__(self, columns: tuple[tuple[TypeOnDate, ...], ...] | None = None, *,
                 build: Callable[[], tuple[tuple[TypeOnDate, ...], ...]] | None = None
                 ) -> None:
        self._columns = columns
        self._build = build

    def all(self) -> tuple[tuple[TypeOnDate, ...], ...]:
        """Every column, built now if not yet."""
        if self._columns is None:
            assert self._build is not None
            with gc_paused():  # hundreds of thousands of acyclic rows (models.gc_pause)
                self._columns, self._build = self._build(), None  # the same if two race
        return self._columns

    def __getitem__(self, date: int) -> tuple[TypeOnDate, ...]:
        return self.all()[date]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TypeColumns):
            return NotImplemented
        return self is other or self.all() == other.all()

    __hash__ = None  # type: ignore[assignment]  # compared by content, like a list

    def __repr__(self) -> str:
        return "TypeColumns(built)" if self._columns is not None else "TypeColumns(unbuilt)"


@dataclass(frozen=True, slots=True)
class CliffDate:
    """Every type and the totals on one rule date."""

    date: dt.date
    columns: TypeColumns  # this date is column `index`
    index: int
    as_is_tickets: float
    designed_tickets: float
    as_is_cost: float
    designed_cost: float

    @property
    def types(self) -> tuple[TypeOnDate, ...]:
        """Every type on this date, in project order."""
        return self.columns[self.index]


@dataclass(frozen=True, slots=True)
class Cliff:
    """The as-of date and every later rule date up to the 47-day cliff."""

    dates: tuple[CliffDate, ...]


def yearly_issuances(population: int | None, annual: float, renewals: float) -> float:
    """Issuances a year: the live certificates × renewals each, or the annual volume."""
    return annual if population is None else population * renewals


def type_on_dates(ctype: CertificateType, decision: Decision,
                  limits: tuple[ValidityLimit, ...]) -> tuple[TypeOnDate, ...]:
    """Renewals and tickets of one type on each rule date, as-is and as designed (`limits`:
    its `type_validity_limits` on those dates)."""
    notice_days = ctype.admin.notice_days
    population = ctype.live_certificates
    annual = float(ctype.annual_volume or 0)
    as_is = ctype.as_is_workflow is Workflow.ADMIN_MEDIATED
    designed = decision.workflow is Workflow.ADMIN_MEDIATED
    rows = []
    for limit in limits:
        lead, renewals = renewal_cadence(notice_days, limit.days)
        volume = yearly_issuances(population, annual, renewals)
        rows.append(TypeOnDate(ctype.id, limit, lead, renewals, volume, population is not None,
                               volume if as_is else 0.0, volume if designed else 0.0))
    return tuple(rows)


def assemble_cliff(on_dates: tuple[dt.date, ...], columns: TypeColumns,
                   totals: list[tuple[float, float]], inputs: CostInputs) -> Cliff:
    """The cliff from its rows and each date's ticket totals, priced with `inputs`.

    Totals are sums by math.fsum, exactly rounded whatever the order and the zero terms:
    the incremental evaluation's sums of its rows' terms and `_totals` (no rows) give the
    same floats.
    """
    return Cliff(tuple(
        CliffDate(on, columns, n, as_is, designed, annual_cost(inputs, as_is),
                  annual_cost(inputs, designed))
        for n, (on, (as_is, designed)) in enumerate(zip(on_dates, totals, strict=True))))


def _totals(types: tuple[CertificateType, ...], decisions: tuple[Decision, ...],
            limits: Sequence[tuple[ValidityLimit, ...]],
            n_dates: int) -> list[tuple[float, float]]:
    """Per rule date the as-is and designed tickets, without building a row: only types
    admin-mediated as-is or as designed have any."""
    as_is: list[list[float]] = [[] for _ in range(n_dates)]
    designed: list[list[float]] = [[] for _ in range(n_dates)]
    admin = Workflow.ADMIN_MEDIATED
    for ctype, decision, type_limits in zip(types, decisions, limits, strict=True):
        now, then = ctype.as_is_workflow is admin, decision.workflow is admin
        if not (now or then):
            continue
        notice_days = ctype.admin.notice_days
        population = ctype.live_certificates
        annual = float(ctype.annual_volume or 0)
        for n, limit in enumerate(type_limits):
            volume = yearly_issuances(population, annual,
                                      renewal_cadence(notice_days, limit.days)[1])
            if now:
                as_is[n].append(volume)
            if then:
                designed[n].append(volume)
    return [(fsum(a), fsum(d)) for a, d in zip(as_is, designed, strict=True)]


def compute_cliff(types: tuple[CertificateType, ...], decisions: tuple[Decision, ...],
                  inputs: CostInputs, *, dates: tuple[dt.date, ...],
                  limits: Sequence[tuple[ValidityLimit, ...]]) -> Cliff:
    """Per rule date (`rule_dates` of the as-of date): caps, renewals, tickets and costs; the
    per-type rows are built when first read (`TypeColumns`).

    `limits`: each type's `type_validity_limits` on `dates`.
    """
    def build() -> tuple[tuple[TypeOnDate, ...], ...]:
        per_type = map(type_on_dates, types, decisions, limits)
        return tuple(zip(*per_type, strict=True)) if types else ((),) * len(dates)

    return assemble_cliff(dates, TypeColumns(build=build),
                          _totals(types, decisions, limits, len(dates)), inputs)


def cliff_json(cliff: Cliff) -> dict[str, object]:
    """The `certroute timeline --json` document (issue 14's field names)."""
    return {"dates": [{
        "date": d.date.isoformat(),
        "types": [{
            "id": r.type_id,
            "max_validity_days": r.max_validity_days,
            "renewals_per_certificate_per_year": round(r.renewals_per_certificate, 3),
            "as_is_tickets_per_year": round(r.as_is_tickets, 1),
            "designed_tickets_per_year": round(r.designed_tickets, 1),
        } for r in d.types],
        "as_is_tickets_per_year": round(d.as_is_tickets, 1),
        "designed_tickets_per_year": round(d.designed_tickets, 1),
        "as_is_annual_cost": round(d.as_is_cost, 2),
        "designed_annual_cost": round(d.designed_cost, 2),
    } for d in cliff.dates]}


def cliff_headline(cliff: Cliff, currency: Currency = GBP) -> str:
    """The sentence a consultant says over the chart; every figure from models.cliff."""
    first, last = cliff.dates[0], cliff.dates[-1]

    def money(value: float) -> str:
        return display.money(value, currency)

    if first is last:
        return (f"On {first.date.isoformat()} the as-is workflows raise "
                f"{first.as_is_tickets:,.0f} admin-mediated tickets a year "
                f"({money(first.as_is_cost)}); the designed routing "
                f"{first.designed_tickets:,.0f} ({money(first.designed_cost)}).")
    return (f"Staying as-is, admin-mediated tickets grow from {first.as_is_tickets:,.0f} a "
            f"year on {first.date.isoformat()} to {last.as_is_tickets:,.0f} on "
            f"{last.date.isoformat()} ({money(first.as_is_cost)} → "
            f"{money(last.as_is_cost)}). The designed routing needs "
            f"{first.designed_tickets:,.0f} → {last.designed_tickets:,.0f} "
            f"({money(first.designed_cost)} → {money(last.designed_cost)}).")
