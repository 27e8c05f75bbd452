"""IncrementalEvaluation: evaluate() kept current across edits, re-evaluating only the types an
edit touched; its result is always equal to a full `evaluate()` of the same project.

Every routing rule, cap and cliff row reads one type plus three project-wide inputs: the
organisation's tolerance, the hours per ticket (from the cost inputs) and the as-of date. An
edit to one type therefore re-evaluates that type alone; an edit that changes one of the three
re-evaluates every type. Findings are kept as sorted row lists per detector and rebuilt only
for the detectors whose rows the edit entered, left or changed.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from math import fsum

from models.assessment import AssessmentResult, design_evidence_level, score_assessment
from models.certificate import CertificateType
from models.cliff import (
    TypeColumns,
    TypeOnDate,
    assemble_cliff,
    type_on_dates,
)
from models.cost import CostInputs, compute_costs, ticket_hours
from models.dated_findings import (
    approval_finding,
    cliff_finding,
    impossible_finding,
    manual_validation_finding,
    meets_cliff,
    validated_by_person,
)
from models.enums import Validity, Workflow
from models.evaluation import (
    Evaluation,
    TicketCount,
    cost_inputs,
    design_share,
    migration_share,
    ticket_count,
)
from models.findings import (
    Finding,
    identity_too_weak,
    manual_overrides,
    one_size_fits_all,
    rubber_stamp,
    rubber_stamped,
    short_lived_admin,
    untracked_rework,
    weak_identity,
    workflow_drift,
)
from models.identity_diff import replaced
from models.industry_rules import ValidityLimit, evaluated_class, rule_dates
from models.issuance_policy import type_validity_limits
from models.project import Project
from models.routing import CAPPED_SHORT_EXCEPTION, Decision, RoutingContext, route

# The detectors that collect rows, in the order of `_Row.members`.
OVERRIDDEN, STAMPED, WEAK, SHORT, CAPPED, CLIFF, MANUAL, IMPOSSIBLE, APPROVAL = range(9)
_DETECTORS = 9


def _inventory(ctype: CertificateType) -> int:
    """The type's share of `inventory_tickets` (and of the design share's denominator)."""
    if ctype.as_is_workflow is Workflow.ADMIN_MEDIATED:
        return ctype.annual_volume or 0
    return 0


@dataclass(frozen=True, slots=True)
class _Row:
    """Everything evaluate() derives from one type under one context and set of rule dates."""

    ctype: CertificateType
    limits: tuple[ValidityLimit, ...]  # on each rule date, the as-of date first
    validity_class: Validity
    decision: Decision
    on_dates: tuple[TypeOnDate, ...]  # one per rule date, the as-of date first
    inventory: int
    moving: int  # `inventory` when the type routes combined
    combined: bool
    members: tuple[bool, ...]  # per detector: does this row belong to its finding
    impossible: Finding | None
    approval: Finding | None


def _row(ctype: CertificateType, context: RoutingContext, dates: tuple[dt.date, ...]) -> _Row:
    limits = type_validity_limits(ctype, dates)
    limit = limits[0]
    evaluated = evaluated_class(ctype.validity, limit)
    decision = route(ctype, context, validity=evaluated)
    on_dates = type_on_dates(ctype, decision, limits)
    inventory = _inventory(ctype)
    combined = decision.workflow is Workflow.COMBINED
    impossible = impossible_finding(ctype, limit, evaluated)
    approval = approval_finding(ctype, decision, limits)
    members = (decision.overridden, rubber_stamped(ctype, decision),
               identity_too_weak(ctype, decision), bool(decision.exceptions),
               CAPPED_SHORT_EXCEPTION in decision.exceptions,
               meets_cliff(decision, limits[-1]),
               validated_by_person(ctype, decision, limits[-1]),
               impossible is not None, approval is not None)
    return _Row(ctype, limits, evaluated, decision, on_dates, inventory,
                inventory if combined else 0, combined, members, impossible, approval)


@dataclass(frozen=True, slots=True)
class _Shown:
    """The per-type tuples of the last evaluation, handed out again while no row changes (a
    cost or assessment edit): the views compare them by identity and skip their scans."""

    decisions: tuple[Decision, ...]
    limits: tuple[ValidityLimit, ...]
    classes: tuple[Validity, ...]
    columns: TypeColumns
    totals: list[tuple[float, float]]


class IncrementalEvaluation:
    """The evaluation of the latest project given to `update`, equal to `evaluate(project)`."""

    def __init__(self, project: Project, *, today: dt.date | None = None) -> None:
        self._today = today
        self._project = project
        self._context: RoutingContext | None = None
        self._dates: tuple[dt.date, ...] = ()
        self._rows: list[_Row] = []
        self._inventory = 0
        self._assessment: tuple[object, AssessmentResult] | None = None
        self._stale: set[int] = set()
        self._found: dict[int, tuple[Finding | None, ...]] = {}
        self._shown: _Shown | None = None
        self.evaluation = self._evaluate(project, None)

    def update(self, project: Project) -> Evaluation:
        """Evaluate `project`, reusing what did not change since the last one."""
        if project is not self._project:
            old_types = self._project.types
            changed = None
            if project.types is old_types:
                changed = []
            elif len(project.types) == len(old_types):
                changed = replaced(old_types, project.types)
            self._project = project
            self.evaluation = self._evaluate(project, changed)
        return self.evaluation

    # --- the work ---------------------------------------------------------------------------

    def _evaluate(self, project: Project, changed: list[int] | None) -> Evaluation:
        """`changed`: the rows whose type is a new object (None: rows added, removed, moved)."""
        types = project.types
        if changed is None:
            inventory = sum(_inventory(t) for t in types)
        else:  # exact: integers
            inventory = self._inventory + sum(
                _inventory(types[r]) - self._rows[r].inventory for r in changed)
        self._inventory = inventory
        tickets = ticket_count(project, inventory or None)
        inputs = cost_inputs(project, tickets)
        context = RoutingContext(project.organisation.tolerance, ticket_hours(inputs))
        dates = rule_dates(project.as_of)
        if context != self._context or dates != self._dates:
            self._context, self._dates = context, dates
            self._rebuild(project, {})
        elif changed is None:
            self._rebuild(project, {id(row.ctype): row for row in self._rows})
        else:
            self._patch(project, changed)
        return self._assemble(project, inputs, tickets)

    def _rebuild(self, project: Project, reuse: dict[int, _Row]) -> None:
        assert self._context is not None
        rows = []
        for ctype in project.types:
            kept = reuse.get(id(ctype))
            rows.append(kept if kept is not None and kept.ctype is ctype
                        else _row(ctype, self._context, self._dates))
        self._rows = rows
        self._decisions = [r.decision for r in rows]
        self._limits = [r.limits for r in rows]
        self._classes = [r.validity_class for r in rows]
        self._as_of_limits = [r.limits[0] for r in rows]
        self._on = [[r.on_dates[i] for r in rows] for i in range(len(self._dates))]
        # Each date's ticket terms as floats: summed again after every edit that moves a row.
        self._as_is = [[on.as_is_tickets for on in column] for column in self._on]
        self._designed = [[on.designed_tickets for on in column] for column in self._on]
        self._combined = sum(r.combined for r in rows)
        self._moving = sum(r.moving for r in rows)
        self._members = [[i for i, r in enumerate(rows) if r.members[k]]
                         for k in range(_DETECTORS)]
        self._stale = set(range(_DETECTORS))
        self._shown = None

    def _patch(self, project: Project, changed: list[int]) -> None:
        assert self._context is not None
        if changed:
            self._shown = None
        for r in changed:
            old, new = self._rows[r], _row(project.types[r], self._context, self._dates)
            self._rows[r] = new
            self._decisions[r], self._limits[r] = new.decision, new.limits
            self._as_of_limits[r] = new.limits[0]
            self._classes[r] = new.validity_class
            for i, on in enumerate(new.on_dates):
                self._on[i][r] = on
                self._as_is[i][r] = on.as_is_tickets
                self._designed[i][r] = on.designed_tickets
            self._combined += new.combined - old.combined
            self._moving += new.moving - old.moving
            for k, (was, now) in enumerate(zip(old.members, new.members, strict=True)):
                if was != now:
                    rows = self._members[k]
                    if now:
                        bisect.insort(rows, r)
                    else:
                        del rows[bisect.bisect_left(rows, r)]
                if was or now:  # its text names the member rows
                    self._stale.add(k)

    def _assemble(self, project: Project, inputs: CostInputs,
                  tickets: TicketCount) -> Evaluation:
        n = len(self._rows)
        if self._shown is None:  # the rows changed: new tuples (else the same objects again)
            self._shown = _Shown(
                tuple(self._decisions), tuple(self._as_of_limits), tuple(self._classes),
                TypeColumns(tuple(map(tuple, self._on))),
                [(fsum(a), fsum(d)) for a, d in zip(self._as_is, self._designed, strict=True)])
        shown = self._shown
        cliff = assemble_cliff(self._dates, shown.columns, shown.totals, inputs)
        found = self._findings(project)
        only = None if n < 2 else (Workflow.COMBINED if self._combined == n else
                                   Workflow.ADMIN_MEDIATED if self._combined == 0 else None)
        today = self._today or dt.date.today()
        findings = (one_size_fits_all(project, only), workflow_drift(project, today),
                    *found[OVERRIDDEN], *found[STAMPED], *found[WEAK],
                    untracked_rework(project.cost.inputs), *found[SHORT])
        dated = (*found[IMPOSSIBLE], *found[CLIFF], *found[MANUAL], *found[APPROVAL]) if n \
            else ()
        migration = migration_share(project, inputs, design_share(self._moving, self._inventory))
        return Evaluation(
            decisions=shown.decisions,
            combined_count=self._combined,
            admin_count=n - self._combined,
            findings=tuple(f for f in (*findings, *dated) if f is not None),
            migration=migration,
            costs=compute_costs(inputs, migration_share=migration.value),
            assessment=self._score(project),
            design_level=design_evidence_level(classified=bool(n),
                                               rule_routed=not self._members[OVERRIDDEN]),
            as_of=project.as_of,
            limits=shown.limits,
            validity_classes=shown.classes,
            tickets=tickets,
            cliff=cliff,
        )

    def _findings(self, project: Project) -> dict[int, tuple[Finding | None, ...]]:
        """Per detector its finding(s) in row order, rebuilt for the stale detectors only."""
        members, rows = self._members, self._rows
        builders: dict[int, Callable[[], tuple[Finding | None, ...]]] = {
            OVERRIDDEN: lambda: (manual_overrides(project, members[OVERRIDDEN]),),
            STAMPED: lambda: (rubber_stamp(project, members[STAMPED]),),
            WEAK: lambda: (weak_identity(project, members[WEAK]),),
            SHORT: lambda: (short_lived_admin(project, members[SHORT],
                                              capped=bool(members[CAPPED])),),
            CLIFF: lambda: (cliff_finding(project, members[CLIFF], self._limits),),
            MANUAL: lambda: (manual_validation_finding(project, members[MANUAL],
                                                       self._limits),),
            IMPOSSIBLE: lambda: tuple(rows[r].impossible for r in members[IMPOSSIBLE]),
            APPROVAL: lambda: tuple(rows[r].approval for r in members[APPROVAL]),
        }
        if CAPPED in self._stale:
            self._stale.add(SHORT)
        for k in self._stale & builders.keys():
            self._found[k] = builders[k]()
        self._stale.clear()
        return self._found

    def _score(self, project: Project) -> AssessmentResult:
        if self._assessment is None or self._assessment[0] is not project.assessment:
            self._assessment = (project.assessment, score_assessment(project.assessment))
        return self._assessment[1]
