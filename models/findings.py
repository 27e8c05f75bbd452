"""Failure-mode detectors ("Where issuance workflows break") and exceptions -> findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter

from models.certificate import CertificateType, TypeId
from models.cost import CostInputs
from models.enums import BlastRadius, Identity, Workflow
from models.project import Project
from models.routing import CAPPED_SHORT_EXCEPTION, Decision


class FindingCode(StrEnum):
    """ROUTING-RULES.md "Failure modes the designer must detect", plus exceptions."""

    ONE_SIZE_FITS_ALL = "one-size-fits-all"
    WORKFLOW_DRIFT = "workflow-drift"
    RUBBER_STAMP = "approval-as-rubber-stamp"
    WEAK_IDENTITY = "identity-weaker-than-certificate"
    UNTRACKED_REWORK = "underestimated-rework-cost"
    MANUAL_OVERRIDE = "manual-override"
    SHORT_LIVED_ADMIN = "short-lived-on-admin-mediated"
    # INDUSTRY-RULES.md: the public rules by date.
    IMPOSSIBLE_VALIDITY = "impossible-validity-class"
    TICKET_CLIFF = "renewal-ticket-cliff"
    MANUAL_DOMAIN_VALIDATION = "manual-domain-validation"
    APPROVAL_OUTLASTS_LEAD = "approval-outlasts-renewal-lead"


# Findings from the public rules by date (models.dated_findings), not the article's modes.
INDUSTRY_RULE_CODES = frozenset({
    FindingCode.IMPOSSIBLE_VALIDITY, FindingCode.TICKET_CLIFF,
    FindingCode.MANUAL_DOMAIN_VALIDATION, FindingCode.APPROVAL_OUTLASTS_LEAD})


class Severity(StrEnum):
    WARNING = "warning"
    EXCEPTION = "exception"


@dataclass(frozen=True, slots=True)
class Finding:
    """A detected failure mode or exception, the types it concerns, and its fix."""

    code: FindingCode
    severity: Severity
    title: str
    detail: str
    fix: str
    type_ids: tuple[TypeId, ...] = ()


def _months_between(earlier: dt.date, later: dt.date) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


def type_names(project: Project, rows: list[int], *, shown: int = 5) -> str:
    """ "A, B and C", or the first few and a count, so a finding stays one readable line."""
    names = [project.types[r].name for r in rows[:shown]]
    if len(rows) > shown:
        return f"{', '.join(names)} and {len(rows) - shown:,} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def rubber_stamped(ctype: CertificateType, decision: Decision) -> bool:
    """Admin-mediated without explicit approval criteria (approval-as-rubber-stamp)."""
    return decision.workflow is Workflow.ADMIN_MEDIATED and not ctype.admin.approval_criteria


def identity_too_weak(ctype: CertificateType, decision: Decision) -> bool:
    """Combined issuance without the identity strength the certificate needs."""
    return decision.workflow is Workflow.COMBINED and (
        (ctype.identity is not Identity.STRONG and ctype.blast_radius is not BlastRadius.LOW)
        or (decision.overridden and ctype.identity is Identity.WEAK))


def one_size_fits_all(project: Project, only: Workflow | None) -> Finding | None:
    """Every type on one workflow (`only`; None: the types use both)."""
    types = project.types
    if len(types) < 2 or only is None:
        return None
    return Finding(
        FindingCode.ONE_SIZE_FITS_ALL, Severity.WARNING, "One-size-fits-all routing",
        f"All {len(types)} types route {only}: "
        + ("high-assurance types get a compliance gap." if only is Workflow.COMBINED
           else "high-velocity services get a bottleneck."),
        "Parameterise routing: classify each type by assurance requirement and velocity "
        "sensitivity, then route it to the workflow that matches.",
        tuple(t.id for t in types),
    )


def workflow_drift(project: Project, today: dt.date) -> Finding | None:
    """A routing policy never reviewed, or not within its review interval."""
    reviewed = project.organisation.policy_last_reviewed
    interval = project.organisation.review_interval_months
    if reviewed is not None and _months_between(reviewed, today) < interval:
        return None
    when = "has never been reviewed" if reviewed is None else (
        f"was last reviewed {reviewed.isoformat()}, "
        f"{_months_between(reviewed, today)} months ago"
    )
    return Finding(
        FindingCode.WORKFLOW_DRIFT, Severity.WARNING, "Workflow drift",
        f"The routing policy {when} (review interval {interval} months).",
        "Review the workflow periodically: redesign it for today's estate rather than "
        "accreting exceptions.",
    )


def type_ids(project: Project, rows: list[int]) -> tuple[TypeId, ...]:
    """The ids of the types in `rows`, the ones a finding names."""
    # In C: a finding can name thousands of rows, and is rebuilt when an edit changes them.
    return tuple(map(_ID, map(project.types.__getitem__, rows)))


_ID = attrgetter("id")


def manual_overrides(project: Project, rows: list[int]) -> Finding | None:
    """The types (rows) whose rule decision a manual override replaces."""
    if not rows:
        return None
    return Finding(
        FindingCode.MANUAL_OVERRIDE, Severity.WARNING, "Workflow drift: manual overrides",
        f"{len(rows)} type(s) bypass the rules by manual override: "
        f"{type_names(project, rows)}.",
        "Fold each justified override into the routing rules at the next policy review, "
        "or remove it.",
        type_ids(project, rows),
    )


def rubber_stamp(project: Project, rows: list[int]) -> Finding | None:
    """The rows `rubber_stamped` holds for."""
    if not rows:
        return None
    return Finding(
        FindingCode.RUBBER_STAMP, Severity.WARNING, "Approval-as-rubber-stamp",
        f"No explicit approval criteria for {type_names(project, rows)}: the approval adds "
        "latency without adding control.",
        "Give the approver explicit criteria to verify, or remove the approval step.",
        type_ids(project, rows),
    )


def weak_identity(project: Project, rows: list[int]) -> Finding | None:
    """The rows `identity_too_weak` holds for."""
    if not rows:
        return None
    return Finding(
        FindingCode.WEAK_IDENTITY, Severity.WARNING, "Identity verification weaker than "
        "the certificate",
        f"Combined issuance without strong identity for {type_names(project, rows)}: the "
        "certificate is only as strong as the identity proof that authorised it.",
        "Align identity strength with assurance: workload identity, attestation or mTLS — "
        "not shared secrets or IP allow-lists.",
        type_ids(project, rows),
    )


def untracked_rework(inputs: CostInputs) -> Finding | None:
    """Rework or reopen rates left at zero (untracked)."""
    zero = [k for k in ("rework_rate", "reopen_rate") if getattr(inputs, k) == 0]
    if not zero:
        return None
    return Finding(
        FindingCode.UNTRACKED_REWORK, Severity.WARNING, "Underestimated rework cost",
        f"{' and '.join(zero)} left at 0: reopen rates of 15–25% are typical and rarely "
        "tracked.",
        "Instrument rework and reopen rates and enter them in the cost model.",
    )


def short_lived_admin(project: Project, rows: list[int], *, capped: bool) -> Finding | None:
    """The rows whose decision carries an exception; `capped`: one of them by a public cap."""
    if not rows:
        return None
    return Finding(
        FindingCode.SHORT_LIVED_ADMIN, Severity.EXCEPTION, "Short-lived on admin-mediated",
        f"{type_names(project, rows)}: short-lived certificates make automation mandatory.",
        "Strengthen the service identity or lengthen the validity." + (
            " Where a public cap made the type short-lived, its validity cannot be "
            "lengthened: automate its renewal, keeping the approval where it is a control."
            if capped else ""),
        type_ids(project, rows),
    )


def find_issues(
    project: Project, decisions: tuple[Decision, ...], *, today: dt.date
) -> tuple[Finding, ...]:
    """Every failure mode and exception the design shows, in the article's order."""
    types = project.types
    workflows = {d.workflow for d in decisions}
    short = [r for r, d in enumerate(decisions) if d.exceptions]
    found = (
        # 1. One-size-fits-all routing: every type on one workflow.
        one_size_fits_all(project, next(iter(workflows)) if len(workflows) == 1 else None),
        # 2. Workflow drift: stale policy review, or ad-hoc overrides accreting.
        workflow_drift(project, today),
        manual_overrides(project, [r for r, d in enumerate(decisions) if d.overridden]),
        # 3. Approval-as-rubber-stamp: admin-mediated without explicit approval criteria.
        rubber_stamp(project, [r for r, d in enumerate(decisions)
                               if rubber_stamped(types[r], d)]),
        # 4. Identity verification weaker than the certificate.
        weak_identity(project, [r for r, d in enumerate(decisions)
                                if identity_too_weak(types[r], d)]),
        # 5. Underestimated rework cost: rework or reopen rates untracked (zero).
        untracked_rework(project.cost.inputs),
        # Exception: short-lived certificates on admin-mediated.
        short_lived_admin(project, short, capped=any(
            CAPPED_SHORT_EXCEPTION in decisions[r].exceptions for r in short)),
    )
    return tuple(f for f in found if f is not None)
