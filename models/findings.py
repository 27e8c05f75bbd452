"""Failure-mode detectors ("Where issuance workflows break") and exceptions -> findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from models.certificate import TypeId
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


def find_issues(
    project: Project, decisions: tuple[Decision, ...], *, today: dt.date
) -> tuple[Finding, ...]:
    """Every failure mode and exception the design shows, in the article's order."""
    findings: list[Finding] = []
    types = project.types
    ids = [t.id for t in types]

    # 1. One-size-fits-all routing: every type on one workflow.
    workflows = {d.workflow for d in decisions}
    if len(types) >= 2 and len(workflows) == 1:
        (only,) = workflows
        findings.append(Finding(
            FindingCode.ONE_SIZE_FITS_ALL, Severity.WARNING, "One-size-fits-all routing",
            f"All {len(types)} types route {only}: "
            + ("high-assurance types get a compliance gap." if only is Workflow.COMBINED
               else "high-velocity services get a bottleneck."),
            "Parameterise routing: classify each type by assurance requirement and velocity "
            "sensitivity, then route it to the workflow that matches.",
            tuple(ids),
        ))

    # 2. Workflow drift: stale policy review, or ad-hoc overrides accreting.
    reviewed = project.organisation.policy_last_reviewed
    interval = project.organisation.review_interval_months
    if reviewed is None or _months_between(reviewed, today) >= interval:
        when = "has never been reviewed" if reviewed is None else (
            f"was last reviewed {reviewed.isoformat()}, "
            f"{_months_between(reviewed, today)} months ago"
        )
        findings.append(Finding(
            FindingCode.WORKFLOW_DRIFT, Severity.WARNING, "Workflow drift",
            f"The routing policy {when} (review interval {interval} months).",
            "Review the workflow periodically: redesign it for today's estate rather than "
            "accreting exceptions.",
        ))
    overridden = [r for r, d in enumerate(decisions) if d.overridden]
    if overridden:
        findings.append(Finding(
            FindingCode.MANUAL_OVERRIDE, Severity.WARNING, "Workflow drift: manual overrides",
            f"{len(overridden)} type(s) bypass the rules by manual override: "
            f"{type_names(project, overridden)}.",
            "Fold each justified override into the routing rules at the next policy review, "
            "or remove it.",
            tuple(ids[r] for r in overridden),
        ))

    # 3. Approval-as-rubber-stamp: admin-mediated without explicit approval criteria.
    stamped = [r for r, d in enumerate(decisions)
               if d.workflow is Workflow.ADMIN_MEDIATED and not types[r].admin.approval_criteria]
    if stamped:
        findings.append(Finding(
            FindingCode.RUBBER_STAMP, Severity.WARNING, "Approval-as-rubber-stamp",
            f"No explicit approval criteria for {type_names(project, stamped)}: the approval adds "
            "latency without adding control.",
            "Give the approver explicit criteria to verify, or remove the approval step.",
            tuple(ids[r] for r in stamped),
        ))

    # 4. Identity verification weaker than the certificate.
    weak = [r for r, d in enumerate(decisions)
            if d.workflow is Workflow.COMBINED and (
                (types[r].identity is not Identity.STRONG
                 and types[r].blast_radius is not BlastRadius.LOW)
                or (d.overridden and types[r].identity is Identity.WEAK))]
    if weak:
        findings.append(Finding(
            FindingCode.WEAK_IDENTITY, Severity.WARNING, "Identity verification weaker than "
            "the certificate",
            f"Combined issuance without strong identity for {type_names(project, weak)}: the "
            "certificate is only as strong as the identity proof that authorised it.",
            "Align identity strength with assurance: workload identity, attestation or mTLS — "
            "not shared secrets or IP allow-lists.",
            tuple(ids[r] for r in weak),
        ))

    # 5. Underestimated rework cost: rework or reopen rates untracked (zero).
    inputs = project.cost.inputs
    if inputs.rework_rate == 0 or inputs.reopen_rate == 0:
        zero = [k for k in ("rework_rate", "reopen_rate") if getattr(inputs, k) == 0]
        findings.append(Finding(
            FindingCode.UNTRACKED_REWORK, Severity.WARNING, "Underestimated rework cost",
            f"{' and '.join(zero)} left at 0: reopen rates of 15–25% are typical and rarely "
            "tracked.",
            "Instrument rework and reopen rates and enter them in the cost model.",
        ))

    # Exception: short-lived certificates on admin-mediated.
    short = [r for r, d in enumerate(decisions) if d.exceptions]
    if short:
        findings.append(Finding(
            FindingCode.SHORT_LIVED_ADMIN, Severity.EXCEPTION, "Short-lived on admin-mediated",
            f"{type_names(project, short)}: short-lived certificates make automation mandatory.",
            "Strengthen the service identity or lengthen the validity." + (
                " Where a public cap made the type short-lived, its validity cannot be "
                "lengthened: automate its renewal, keeping the approval where it is a control."
                if any(CAPPED_SHORT_EXCEPTION in decisions[r].exceptions for r in short)
                else ""),
            tuple(ids[r] for r in short),
        ))
    return tuple(findings)
