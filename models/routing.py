"""The routing engine: ordered rules as data, first match wins (ROUTING-RULES.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

from models.certificate import CertificateType
from models.enums import BlastRadius, Identity, Purpose, ReasonCode, Tolerance, Validity, Workflow

HIGH_ASSURANCE_PURPOSES = frozenset({Purpose.EV_TLS, Purpose.CODE_SIGNING, Purpose.CA_SIGNING})
# ROUTING-RULES.md rule 5 / the article: "more time integrating … than over five years".
BREAK_EVEN_YEARS = 5


@dataclass(frozen=True, slots=True)
class RoutingContext:
    """What the rules read besides the type itself."""

    tolerance: Tolerance
    ticket_hours: float  # hours per manual ticket, base + hidden (COST-MODEL.md)


Predicate = Callable[[CertificateType, RoutingContext], bool]


@dataclass(frozen=True, slots=True)
class Rule:
    """One routing rule; `rationale` may depend on the purpose (rule 1)."""

    number: int
    condition: str
    matches: Predicate
    workflow: Workflow
    reason: ReasonCode
    label: str
    rationale: str | dict[Purpose, str]
    note: str
    controls: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decision:
    """The workflow a type is routed to and why."""

    workflow: Workflow
    reason: ReasonCode
    label: str
    rationale: str
    note: str
    controls: tuple[str, ...]
    rule: int  # number of the rule that fired
    rule_workflow: Workflow  # what the rule alone decides (differs when overridden)
    overridden: bool = False
    exceptions: tuple[str, ...] = ()


def _below_break_even(t: CertificateType, ctx: RoutingContext) -> bool:
    # ROUTING-RULES.md rule 5: integration_hours > 5 × annual_volume × hours per manual ticket.
    if t.annual_volume is None or t.integration_hours is None:
        return False
    return t.integration_hours > BREAK_EVEN_YEARS * t.annual_volume * ctx.ticket_hours


_HIGH_ASSURANCE_NOTE = (
    "Treat as a high-assurance certificate type with named approver, documented vetting, "
    "and explicit logging of every issuance."
)
_HIGH_ASSURANCE_CONTROLS = (
    "Named approver",
    "Documented vetting",
    "Explicit logging of every issuance",
)
_TOLERANCE_CONTROLS = (
    "Rate limits",
    "Anomaly monitoring",
    "Audit logging of every issuance",
)

RULES: tuple[Rule, ...] = (
    Rule(
        1, "purpose is EV TLS, code signing or CA signing",
        lambda t, _: t.purpose in HIGH_ASSURANCE_PURPOSES,
        Workflow.ADMIN_MEDIATED, ReasonCode.HIGH_ASSURANCE_PURPOSE, "High-assurance purpose",
        {
            Purpose.EV_TLS: (
                "EV TLS certificates bind a corporate identity to a service. The vetting that "
                "EV requires is itself a manual control and cannot be automated."
            ),
            Purpose.CODE_SIGNING: (
                "Code-signing certificates require explicit human approval as a structural "
                "control. Automated issuance creates a control gap that auditors will identify."
            ),
            Purpose.CA_SIGNING: (
                "A CA-signing certificate creates a new issuer: a mis-issuance is structural and "
                "reaches every certificate beneath it. Issuing one is a governance event that "
                "requires explicit human approval."
            ),
        },
        _HIGH_ASSURANCE_NOTE, _HIGH_ASSURANCE_CONTROLS,
    ),
    Rule(
        2, "blast radius is high",
        lambda t, _: t.blast_radius is BlastRadius.HIGH,
        Workflow.ADMIN_MEDIATED, ReasonCode.BLAST_RADIUS_OVERRIDE, "Blast radius override",
        "The blast radius of a mis-issuance is structural and overrides the other criteria: "
        "this type stays admin-mediated regardless of how cloud-native the rest of the estate "
        "is.",
        _HIGH_ASSURANCE_NOTE, _HIGH_ASSURANCE_CONTROLS,
    ),
    Rule(
        3, "the request has organisational policy implications",
        lambda t, _: t.policy_implications,
        Workflow.ADMIN_MEDIATED, ReasonCode.GOVERNANCE_REVIEW, "Governance review",
        "The request introduces a new domain, a new CA relationship, a new compliance scope or "
        "a new third-party trust relationship. These should not be automated; they trigger "
        "explicit governance review.",
        "Once governance has accepted the new scope, reclassify the type so that routine "
        "issuance can be routed by the standard rules.",
        ("Governance review sign-off", "Documented scope decision", "Logging of every issuance"),
    ),
    Rule(
        4, "service identity is weak",
        lambda t, _: t.identity is Identity.WEAK,
        Workflow.ADMIN_MEDIATED, ReasonCode.IDENTITY_CAPABILITY, "Identity capability",
        "Service identity verification is weak. Combined workflow with weak identity creates a "
        "false sense of security — the certificate is only as strong as the identity proof "
        "that authorised it. Admin-mediated provides the human verification step that "
        "compensates.",
        "Long-term, invest in stronger service identity (mTLS, cloud IAM, service mesh "
        "identity) so this certificate type can migrate to combined workflow.",
        ("Manual verification of the requester's identity", "Plan for stronger service identity"),
    ),
    Rule(
        5, "integration effort exceeds five years of manual tickets",
        _below_break_even,
        Workflow.ADMIN_MEDIATED, ReasonCode.BELOW_BREAK_EVEN, "Volume below break-even",
        "Issuance volume is genuinely low: integrating this type with automation would take "
        "more time than five years of manual requests. Manual issuance is correct here — "
        "tickets are cheap until volume scales.",
        "Revisit when volume grows or integration gets cheaper (a shared issuance interface "
        "across CAs lowers it).",
        ("Renewal tracking with advance notices", "Volume reviewed yearly"),
    ),
    Rule(
        6, "blast radius is medium and tolerance is medium or high",
        lambda t, c: t.blast_radius is BlastRadius.MEDIUM
        and c.tolerance in (Tolerance.MEDIUM, Tolerance.HIGH),
        Workflow.COMBINED, ReasonCode.TOLERANCE_MODULATED, "Tolerance modulated",
        "Medium-blast-radius certificate with adequate organisational tolerance. Combined "
        "workflow is appropriate provided additional controls are in place: rate limits, "
        "anomaly monitoring, and audit logging of every issuance.",
        "Document the controls as part of the issuance design. Without explicit controls, "
        "\"combined with monitoring\" becomes \"combined\" in practice.",
        _TOLERANCE_CONTROLS,
    ),
    Rule(
        7, "blast radius is medium and tolerance is low",
        lambda t, c: t.blast_radius is BlastRadius.MEDIUM and c.tolerance is Tolerance.LOW,
        Workflow.ADMIN_MEDIATED, ReasonCode.TOLERANCE_MODULATED, "Tolerance modulated",
        "Medium-blast-radius certificate and the organisation's tolerance for automated-issuance "
        "risk is low. Admin-mediated keeps a human approval on every issuance of this type.",
        "To move this type to combined, raise the tolerance together with documented controls: "
        "rate limits, anomaly monitoring and audit logging of every issuance.",
        ("Named approver", "Logging of every issuance"),
    ),
    Rule(
        8, "otherwise",
        lambda t, c: True,
        Workflow.COMBINED, ReasonCode.STANDARD, "Standard logic",
        "Low-blast-radius certificate with adequate service identity. Combined workflow is the "
        "right fit — fast issuance, automated renewal, and the operations team focused on "
        "policy maintenance rather than per-request approval.",
        "",
        ("Fast issuance against the encoded policy", "Automated renewal",
         "Operations focused on policy maintenance"),
    ),
)

# INDUSTRY-RULES.md: the validity cannot be lengthened past a public cap.
CAPPED_SHORT_EXCEPTION = (
    "The public caps make this type short-lived on the as-of date, and short-lived "
    "certificates make automation mandatory, but it routes admin-mediated: automate its "
    "renewal (keeping the approval where it is a control) or strengthen its identity."
)

# A manual override documents the controls of the workflow it routes to, not the rule's:
# combined with the monitoring a bypassed human approval calls for (rule 6), or the named
# approver and logging of an admin-mediated path (rule 7).
OVERRIDE_CONTROLS: dict[Workflow, tuple[str, ...]] = {
    Workflow.COMBINED: (*RULES[7].controls, *_TOLERANCE_CONTROLS),
    Workflow.ADMIN_MEDIATED: RULES[6].controls,
}

SHORT_LIVED_EXCEPTION = (
    "Short-lived certificates make automation mandatory, but this type routes to "
    "admin-mediated: strengthen its identity or lengthen its validity."
)


@cache
def _rule_decision(number: int, purpose: Purpose,
                   exceptions: tuple[str, ...] = ()) -> Decision:
    """The decision a rule makes, with the exceptions raised beside it; shared by every type
    it matches (no per-type allocation: evaluate() routes 100,000 types)."""
    rule = RULES[number - 1]
    rationale = rule.rationale if isinstance(rule.rationale, str) else rule.rationale[purpose]
    return Decision(
        workflow=rule.workflow, reason=rule.reason, label=rule.label, rationale=rationale,
        note=rule.note, controls=rule.controls, rule=rule.number, rule_workflow=rule.workflow,
        exceptions=exceptions,
    )


def match_rule(ctype: CertificateType, context: RoutingContext) -> Rule:
    """The first rule whose condition holds; rule 8 always holds."""
    for rule in RULES:
        if rule.matches(ctype, context):
            return rule
    raise AssertionError("rule 8 matches every type")  # pragma: no cover


def route(ctype: CertificateType, context: RoutingContext, *,
          validity: Validity | None = None) -> Decision:
    """Route one type: first matching rule, then any manual override, then exceptions.

    Args:
        validity: the class the type is evaluated as on the project's as-of date, when a
            public cap makes its own class impossible (models.industry_rules).
    """
    rule = match_rule(ctype, context)
    evaluated = ctype.validity if validity is None else validity
    capped = evaluated is not ctype.validity  # a public cap, not the type, made it short
    override = ctype.override
    if override is None or override.workflow is rule.workflow:
        return _rule_decision(rule.number, ctype.purpose,
                              _exceptions(rule.workflow, evaluated, capped=capped))
    decision = _rule_decision(rule.number, ctype.purpose)
    return replace(
        decision,
        workflow=override.workflow,
        reason=ReasonCode.MANUAL_OVERRIDE,
        label="Manual override",
        rationale=override.justification,
        note=f"Rule {decision.rule} ({decision.label}) routes this type "
        f"{decision.rule_workflow}; the override is reviewed with the policy.",
        controls=OVERRIDE_CONTROLS[override.workflow],
        overridden=True,
        exceptions=_exceptions(override.workflow, evaluated, capped=capped),
    )


def _exceptions(workflow: Workflow, evaluated: Validity, *, capped: bool) -> tuple[str, ...]:
    """ROUTING-RULES.md "Exceptions", surfaced beside the decision, never silently:
    short-lived on admin-mediated (`capped`: a public cap, not the type, made it short)."""
    if workflow is not Workflow.ADMIN_MEDIATED or evaluated is not Validity.SHORT:
        return ()
    return (CAPPED_SHORT_EXCEPTION if capped else SHORT_LIVED_EXCEPTION,)
