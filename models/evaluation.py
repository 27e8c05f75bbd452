"""Evaluation and evaluate(project): the one recompute entry point for everything shown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.assessment import AssessmentResult, design_evidence_level, score_assessment
from models.certificate import CertificateType
from models.cliff import Cliff, compute_cliff
from models.cost import (
    CostBreakdown,
    CostInputs,
    MigrationShareSource,
    TicketsSource,
    compute_costs,
    ticket_hours,
)
from models.dated_findings import dated_findings
from models.enums import Validity, Workflow
from models.findings import Finding, find_issues
from models.gc_pause import gc_paused
from models.industry_rules import ValidityLimit, evaluated_class, rule_dates
from models.issuance_policy import type_validity_limits
from models.project import Project
from models.routing import Decision, RoutingContext, route


@dataclass(frozen=True, slots=True)
class MigrationShare:
    """The share used by the cost model, where it came from, and the design's share if known."""

    value: float
    source: MigrationShareSource
    design_value: float | None
    explanation: str


@dataclass(frozen=True, slots=True)
class TicketCount:
    """The ticket count the cost model used and where it came from."""

    value: float
    source: TicketsSource
    inventory_value: int | None
    explanation: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything derived from a Project; compares by value."""

    decisions: tuple[Decision, ...]
    combined_count: int
    admin_count: int
    findings: tuple[Finding, ...]
    migration: MigrationShare
    costs: CostBreakdown
    assessment: AssessmentResult
    design_level: int | None
    as_of: dt.date
    limits: tuple[ValidityLimit, ...]  # per type: effective maximum validity on `as_of`
    validity_classes: tuple[Validity, ...]  # per type: the class evaluated on `as_of`
    tickets: TicketCount
    cliff: Cliff

    @property
    def summary(self) -> str:
        """The article's "3 combined · 3 admin-mediated"."""
        return f"{self.combined_count} combined · {self.admin_count} admin-mediated"


def design_migration_share(
    types: tuple[CertificateType, ...], decisions: tuple[Decision, ...]
) -> tuple[float | None, str]:
    """COST-MODEL.md "Link to the routing design": admin today → combined, over admin today."""
    today_admin = 0
    moving = 0
    for ctype, decision in zip(types, decisions, strict=True):
        if ctype.as_is_workflow is Workflow.ADMIN_MEDIATED and ctype.annual_volume:
            today_admin += ctype.annual_volume
            if decision.workflow is Workflow.COMBINED:
                moving += ctype.annual_volume
    return design_share(moving, today_admin)


def design_share(moving: int, today_admin: int) -> tuple[float | None, str]:
    """`design_migration_share` from its two volumes: moving to combined, admin today."""
    if today_admin == 0:
        return None, "no type has an annual volume issued admin-mediated today"
    return moving / today_admin, (
        f"{moving:,} of {today_admin:,} admin-mediated issuances a year route to combined"
    )


def inventory_tickets(types: tuple[CertificateType, ...]) -> int | None:
    """Admin-mediated issuances a year today: the annual volumes of the types issued
    admin-mediated as-is (the denominator of the design's migration share); None if none."""
    volumes = [t.annual_volume for t in types
               if t.as_is_workflow is Workflow.ADMIN_MEDIATED and t.annual_volume]
    return sum(volumes) if volumes else None


def ticket_count(project: Project, inventory: int | None) -> TicketCount:
    """The tickets a year the cost model uses: the input, or the `inventory_tickets`."""
    inputs = project.cost.inputs
    if project.cost.tickets_source is TicketsSource.INVENTORY and inventory is not None:
        return TicketCount(float(inventory), TicketsSource.INVENTORY, inventory,
                           f"inventory: {inventory:,} admin-mediated issuances a year as-is")
    explanation = "the input" if project.cost.tickets_source is TicketsSource.INPUT else (
        "the input (the inventory has no annual volume issued admin-mediated today)")
    return TicketCount(inputs.tickets_per_year, TicketsSource.INPUT, inventory, explanation)


def cost_inputs(project: Project, tickets: TicketCount) -> CostInputs:
    """The project's cost inputs with the ticket count the model uses."""
    inputs = project.cost.inputs
    if tickets.source is TicketsSource.INVENTORY:
        inputs = CostInputs.model_validate(
            {**inputs.model_dump(), "tickets_per_year": tickets.value})
    return inputs


def migration_share(project: Project, inputs: CostInputs,
                    design: tuple[float | None, str]) -> MigrationShare:
    """The share the cost model uses: the routing design's (`design_migration_share`) when
    asked for and known, else the preset input."""
    design_value, why = design
    wanted = project.cost.migration_share_source
    if wanted is MigrationShareSource.DESIGN and design_value is not None:
        return MigrationShare(design_value, wanted, design_value, f"routing design: {why}")
    explanation = "preset input" if wanted is MigrationShareSource.PRESET else (
        f"preset input (routing design unavailable: {why})"
    )
    return MigrationShare(
        inputs.migration_share, MigrationShareSource.PRESET, design_value, explanation
    )


def evaluate(project: Project, *, today: dt.date | None = None) -> Evaluation:
    """Route every type, detect findings, compute costs and assessment; pure but for `today`.

    The result holds no reference cycles, so the cyclic collector is paused while it is built
    (at 100,000 types it otherwise re-walked the growing heap for a third of the time).

    Args:
        project: the document.
        today: the date the policy-review age is measured against (defaults to the clock).
    """
    with gc_paused():
        return _evaluate(project, today=today)


def _evaluate(project: Project, *, today: dt.date | None) -> Evaluation:
    tickets = ticket_count(project, inventory_tickets(project.types))
    inputs = cost_inputs(project, tickets)
    context = RoutingContext(project.organisation.tolerance, ticket_hours(inputs))
    # INDUSTRY-RULES.md: each type against the public caps in force on the as-of date.
    # Each type's limits on every rule date at once (the cliff's), the as-of date first.
    dates = rule_dates(project.as_of)
    dated_limits = [type_validity_limits(t, dates) for t in project.types]
    limits = tuple(type_limits[0] for type_limits in dated_limits)
    classes = tuple(evaluated_class(t.validity, lim) for t, lim in zip(
        project.types, limits, strict=True))
    decisions = tuple(route(t, context, validity=c)
                      for t, c in zip(project.types, classes, strict=True))
    combined = sum(1 for d in decisions if d.workflow is Workflow.COMBINED)
    migration = migration_share(project, inputs,
                                design_migration_share(project.types, decisions))

    cliff = compute_cliff(project.types, decisions, inputs, dates=dates, limits=dated_limits)
    classified = bool(project.types)
    rule_routed = not any(d.overridden for d in decisions)
    return Evaluation(
        decisions=decisions,
        combined_count=combined,
        admin_count=len(decisions) - combined,
        findings=find_issues(project, decisions, today=today or dt.date.today())
        + dated_findings(project, decisions, classes, dated_limits),
        migration=migration,
        costs=compute_costs(inputs, migration_share=migration.value),
        assessment=score_assessment(project.assessment),
        design_level=design_evidence_level(classified=classified, rule_routed=rule_routed),
        as_of=project.as_of,
        limits=limits,
        validity_classes=classes,
        tickets=tickets,
        cliff=cliff,
    )
