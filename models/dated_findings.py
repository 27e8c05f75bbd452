"""Findings from the public rules by date: impossible classes, the ticket cliff, manual
domain validation and approval paths longer than the renewal lead (INDUSTRY-RULES.md)."""

from __future__ import annotations

from collections.abc import Sequence

from models.certificate import CertificateType
from models.cliff import renewal_cadence
from models.enums import Validity, Workflow
from models.findings import Finding, FindingCode, Severity, type_ids, type_names
from models.industry_rules import CapScope, ValidityLimit, class_impossible, domain_reuse
from models.project import Project
from models.routing import Decision

# Words of identity methods in which a person acts for each domain validation (an approval
# e-mail, a hand-made DNS record, a phone call) rather than an ACME client.
_MANUAL_WORDS = ("e-mail", "email", "manual", "by hand", "phone", "postal", "letter")


def needs_person(ctype: CertificateType, decision: Decision) -> bool:
    """Whether proving domain control for this type takes a person each time: operations
    validates every admin-mediated request; a combined type by the words of its method."""
    if decision.workflow is Workflow.ADMIN_MEDIATED:
        return True
    method = ctype.combined.identity_method.lower()
    return any(word in method for word in _MANUAL_WORDS)


# Each per-type predicate reads the type's validity limits (`type_validity_limits` on the
# rule dates, the as-of date first), not the cliff's rows, which evaluate() builds only when
# they are read (models.cliff.TypeColumns).
DatedLimits = tuple[ValidityLimit, ...]


def _public_tls(limit: ValidityLimit) -> bool:
    """Bound by the TLS baseline requirements' schedule (a public serverAuth profile)."""
    return limit.cap is not None and limit.cap.scope is CapScope.TLS


def impossible_finding(ctype: CertificateType, limit: ValidityLimit,
                       evaluated: Validity) -> Finding | None:
    """A type whose class no public certificate may have on the as-of date (`limit`)."""
    if not class_impossible(ctype.validity, limit):
        return None
    return Finding(
        FindingCode.IMPOSSIBLE_VALIDITY, Severity.WARNING, "Validity class impossible",
        f"{ctype.name} is {ctype.validity.value}, but {limit.reason}: no {ctype.validity.value}"
        f" certificate can be issued on {limit.on.isoformat()}, so it is evaluated as "
        f"{evaluated.value}.",
        f"Reclassify {ctype.name} as {evaluated.value} and plan its renewals at that "
        "cadence; or, if its relying parties can trust a private CA, move it there "
        "(private CAs keep their own caps).",
        (ctype.id,))


def meets_cliff(decision: Decision, last: ValidityLimit) -> bool:
    """An admin-mediated public TLS type (`last`: its limit on the last rule date)."""
    return decision.workflow is Workflow.ADMIN_MEDIATED and _public_tls(last)


def cliff_finding(project: Project, rows: list[int],
                  limits: Sequence[DatedLimits]) -> Finding | None:
    """The rows `meets_cliff` holds for: their tickets per certificate at the cliff
    (`limits`: every type's on the rule dates)."""
    if not rows:
        return None

    def renewals(r: int, limit: ValidityLimit) -> str:
        notice_days = project.types[r].admin.notice_days
        return f"{renewal_cadence(notice_days, limit.days)[1]:.1f}"

    def line(r: int) -> str:
        first, last = limits[r][0], limits[r][-1]
        now = "" if first is last else f" (on {first.on.isoformat()}: {renewals(r, first)})"
        return (f"{project.types[r].name}: {renewals(r, last)} tickets per certificate a "
                f"year at {last.days} days from {last.on.isoformat()}{now}")

    detail = "; ".join(line(r) for r in rows[:5])
    return Finding(
        FindingCode.TICKET_CLIFF, Severity.WARNING, "Admin-mediated public TLS meets the cliff",
        f"Every renewal of an admin-mediated certificate is a ticket. {detail}.",
        "Keep the human approval where it is a control (EV vetting is reusable for 398 days) "
        "and automate the renewal itself — ACME with the approval bound to the account — or "
        "route the type combined with documented controls.",
        type_ids(project, rows))


def validated_by_person(ctype: CertificateType, decision: Decision,
                        last: ValidityLimit) -> bool:
    """A public TLS type whose domain validation needs a person (`last`: on the last date)."""
    return _public_tls(last) and needs_person(ctype, decision)


def manual_validation_finding(project: Project, rows: list[int],
                              limits: Sequence[DatedLimits]) -> Finding | None:
    """The rows `validated_by_person` holds for, once validations are reused for less than
    their certificates live."""
    if not rows:
        return None
    last = limits[rows[0]][-1]
    reuse = domain_reuse(last.on)
    if reuse.days > last.days:
        return None
    return Finding(
        FindingCode.MANUAL_DOMAIN_VALIDATION, Severity.WARNING,
        "Domain validation needs a person at every renewal",
        f"From {reuse.effective.isoformat()} a domain validation is reused for at most "
        f"{reuse.days} days ({reuse.source}): every renewal of "
        f"{type_names(project, rows)} proves domain control again, and its identity method "
        "needs a person each time.",
        "Move domain validation to an automated method: ACME DNS-01 (a delegated "
        "_acme-challenge CNAME keeps DNS credentials narrow) or HTTP-01; keep e-mail DCV for "
        "break-glass only.",
        type_ids(project, rows))


def approval_finding(ctype: CertificateType, decision: Decision,
                     limits: DatedLimits) -> Finding | None:
    """An admin-mediated type whose approval path outlasts its renewal lead on a rule date
    (`limits`: the type's on each rule date, as-of date first)."""
    if decision.workflow is not Workflow.ADMIN_MEDIATED:
        return None
    path = ctype.admin.approval_sla_days + ctype.admin.fulfilment_days
    for late in limits:
        lead = renewal_cadence(ctype.admin.notice_days, late.days)[0]
        if path > lead:
            break
    else:
        return None
    return Finding(
        FindingCode.APPROVAL_OUTLASTS_LEAD, Severity.EXCEPTION,
        "Approval path longer than the renewal lead",
        f"{ctype.name}: on {late.on.isoformat()} a {late.days}-day "
        f"certificate is renewed {lead:g} days before expiry, but approval "
        f"({ctype.admin.approval_sla_days:g} d) and fulfilment "
        f"({ctype.admin.fulfilment_days:g} d) take {path:g} days: the certificate expires "
        "while the ticket waits.",
        "Shorten the approval SLA or automate fulfilment so the path fits the lead, send "
        "the renewal notice earlier, or move the renewal to the combined workflow.",
        (ctype.id,))


def dated_findings(project: Project, decisions: tuple[Decision, ...],
                   classes: tuple[Validity, ...],
                   limits: Sequence[DatedLimits]) -> tuple[Finding, ...]:
    """The industry-rule findings, in the order a workshop meets them (`limits`: every type's
    on the rule dates, the as-of date first)."""
    if not project.types:
        return ()
    types = project.types
    # Candidates first, by what is cheap to read: an impossible class is evaluated as another
    # one; the cliff and manual validation bind public TLS alone; approval paths are
    # admin-mediated. Each predicate then decides, as IncrementalEvaluation's rows do.
    rows = range(len(types))
    reclassed = [r for r in rows if classes[r] is not types[r].validity]
    public_tls = [r for r in rows if _public_tls(limits[r][-1])]
    admin = [r for r in rows if decisions[r].workflow is Workflow.ADMIN_MEDIATED]
    found = (
        *(impossible_finding(types[r], limits[r][0], classes[r]) for r in reclassed),
        cliff_finding(project, [
            r for r in public_tls if meets_cliff(decisions[r], limits[r][-1])], limits),
        manual_validation_finding(project, [
            r for r in public_tls if validated_by_person(types[r], decisions[r], limits[r][-1])],
            limits),
        *(approval_finding(types[r], decisions[r], limits[r]) for r in admin),
    )
    return tuple(f for f in found if f is not None)
