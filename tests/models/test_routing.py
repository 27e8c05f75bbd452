"""ROUTING-RULES.md: the worked example, one test per rule, the rule order and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.certificate import CertificateType, Override
from models.enums import (
    BlastRadius,
    CaKind,
    Identity,
    Purpose,
    ReasonCode,
    Tolerance,
    Validity,
    Workflow,
)
from models.evaluation import evaluate
from models.routing import RULES, SHORT_LIVED_EXCEPTION, RoutingContext, route
from tests.conftest import TODAY

MID = RoutingContext(Tolerance.MEDIUM, ticket_hours=14.256)

WORKED_EXAMPLE = [
    ("Customer-facing TLS", "combined", "tolerance-modulated", "Tolerance modulated"),
    ("EV TLS for corporate identity", "admin-mediated", "high-assurance-purpose",
     "High-assurance purpose"),
    ("mTLS service mesh", "combined", "standard", "Standard logic"),
    ("Internal services TLS", "combined", "standard", "Standard logic"),
    ("Code signing for production", "admin-mediated", "high-assurance-purpose",
     "High-assurance purpose"),
    ("Legacy mainframe TLS", "admin-mediated", "identity-capability", "Identity capability"),
]


def make(**fields: object) -> CertificateType:
    base: dict[str, object] = {
        "id": "t", "name": "T", "purpose": "tls-internal", "ca": "private",
        "validity": "medium", "identity": "strong", "blast_radius": "low",
    }
    return CertificateType.model_validate({**base, **fields})


@pytest.mark.parametrize(("row", "expected"), list(enumerate(WORKED_EXAMPLE)))
def test_route_worked_example_row(worked_example, row, expected):
    name, workflow, reason, label = expected
    decision = evaluate(worked_example, today=TODAY).decisions[row]
    assert worked_example.types[row].name == name
    assert (decision.workflow.value, decision.reason.value, decision.label) == (
        workflow, reason, label)


def test_route_worked_example_summary(worked_example):
    evaluation = evaluate(worked_example, today=TODAY)
    assert evaluation.summary == "3 combined · 3 admin-mediated"
    assert worked_example.organisation.name == "Mid-size financial services firm"
    assert worked_example.organisation.tolerance is Tolerance.MEDIUM


def test_route_worked_example_rationales_are_the_articles(worked_example):
    decisions = evaluate(worked_example, today=TODAY).decisions
    assert decisions[1].rationale.startswith("EV TLS certificates bind a corporate identity")
    assert decisions[4].rationale.startswith("Code-signing certificates require explicit human")
    assert decisions[5].note.startswith("Long-term, invest in stronger service identity")
    assert decisions[0].controls == (
        "Rate limits", "Anomaly monitoring", "Audit logging of every issuance")


@pytest.mark.parametrize("purpose", ["ev-tls", "code-signing", "ca-signing"])
def test_route_rule_1_high_assurance_purpose(purpose):
    decision = route(make(purpose=purpose), MID)
    assert (decision.rule, decision.workflow) == (1, Workflow.ADMIN_MEDIATED)
    assert decision.reason is ReasonCode.HIGH_ASSURANCE_PURPOSE


def test_route_rule_2_high_blast_radius_overrides():
    decision = route(make(blast_radius="high"), MID)
    assert (decision.rule, decision.label) == (2, "Blast radius override")
    assert decision.workflow is Workflow.ADMIN_MEDIATED


def test_route_rule_3_policy_implications_need_governance_review():
    decision = route(make(policy_implications=True), MID)
    assert (decision.rule, decision.reason) == (3, ReasonCode.GOVERNANCE_REVIEW)
    assert decision.workflow is Workflow.ADMIN_MEDIATED


def test_route_rule_4_weak_identity_is_admin_mediated():
    decision = route(make(identity="weak"), MID)
    assert (decision.rule, decision.label) == (4, "Identity capability")
    assert decision.workflow is Workflow.ADMIN_MEDIATED


def test_route_rule_5_below_break_even():
    # 5 years × 10 tickets × 14.256 h = 712.8 h of manual work; 713 h of integration is more.
    decision = route(make(annual_volume=10, integration_hours=713), MID)
    assert (decision.rule, decision.reason) == (5, ReasonCode.BELOW_BREAK_EVEN)
    assert decision.label == "Volume below break-even"


def test_route_rule_5_boundary_is_strictly_greater():
    assert route(make(annual_volume=10, integration_hours=712.8), MID).rule == 8


def test_route_rule_5_needs_both_volume_and_hours():
    assert route(make(annual_volume=0), MID).rule == 8
    assert route(make(integration_hours=10_000), MID).rule == 8


@pytest.mark.parametrize("tolerance", [Tolerance.MEDIUM, Tolerance.HIGH])
def test_route_rule_6_medium_blast_with_tolerance_is_combined(tolerance):
    decision = route(make(blast_radius="medium"), RoutingContext(tolerance, 14.256))
    assert (decision.rule, decision.workflow) == (6, Workflow.COMBINED)
    assert decision.label == "Tolerance modulated"


def test_route_rule_7_medium_blast_with_low_tolerance_is_admin_mediated():
    decision = route(make(blast_radius="medium"), RoutingContext(Tolerance.LOW, 14.256))
    assert (decision.rule, decision.workflow) == (7, Workflow.ADMIN_MEDIATED)
    assert decision.reason is ReasonCode.TOLERANCE_MODULATED


def test_route_rule_8_otherwise_standard_logic():
    decision = route(make(), MID)
    assert (decision.rule, decision.workflow, decision.label) == (
        8, Workflow.COMBINED, "Standard logic")


def test_route_rule_order_first_match_wins():
    everything = make(purpose="code-signing", blast_radius="high", policy_implications=True,
                      identity="weak", annual_volume=1, integration_hours=1e6)
    assert route(everything, MID).rule == 1
    assert route(everything.model_copy(update={"purpose": Purpose.TLS_INTERNAL}), MID).rule == 2
    no_blast = make(blast_radius="medium", policy_implications=True, identity="weak",
                    annual_volume=1, integration_hours=1e6)
    assert route(no_blast, MID).rule == 3
    assert route(no_blast.model_copy(update={"policy_implications": False}), MID).rule == 4
    assert route(no_blast.model_copy(
        update={"policy_implications": False, "identity": Identity.MEDIUM}), MID).rule == 5


def test_rules_are_numbered_in_order():
    assert [r.number for r in RULES] == list(range(1, 9))


def test_route_short_lived_on_admin_mediated_is_an_exception():
    decision = route(make(validity="short", identity="weak"), MID)
    assert decision.exceptions == (SHORT_LIVED_EXCEPTION,)
    assert route(make(validity="short"), MID).exceptions == ()


def test_route_override_is_marked_and_keeps_the_rule():
    ctype = make(identity="weak", override=Override(
        workflow=Workflow.COMBINED, justification="Mainframe gets a hardware attestation"))
    decision = route(ctype, MID)
    assert decision.overridden
    assert decision.workflow is Workflow.COMBINED
    assert decision.rule_workflow is Workflow.ADMIN_MEDIATED
    assert decision.reason is ReasonCode.MANUAL_OVERRIDE
    assert decision.rationale == "Mainframe gets a hardware attestation"


def test_override_lists_the_controls_of_the_workflow_it_routes_to():
    # UX review: after an override to combined the card still listed the rule's
    # admin-mediated controls (named approver, documented vetting).
    to_combined = route(make(blast_radius="high", override=Override(
        workflow=Workflow.COMBINED, justification="Short-lived, attested workload keys")), MID)
    assert to_combined.controls == (
        "Fast issuance against the encoded policy", "Automated renewal",
        "Operations focused on policy maintenance", "Rate limits", "Anomaly monitoring",
        "Audit logging of every issuance")
    assert "Named approver" not in to_combined.controls
    to_admin = route(make(override=Override(
        workflow=Workflow.ADMIN_MEDIATED, justification="Regulator asks for a named approver")),
        MID)
    assert to_admin.controls == ("Named approver", "Logging of every issuance")
    assert route(make(blast_radius="high"), MID).controls == (
        "Named approver", "Documented vetting", "Explicit logging of every issuance")


def test_override_needs_a_written_justification():
    with pytest.raises(ValueError, match="justification"):
        Override(workflow=Workflow.COMBINED, justification="")


@given(
    purpose=st.sampled_from(Purpose), ca=st.sampled_from(CaKind),
    validity=st.sampled_from(Validity), identity=st.sampled_from(Identity),
    blast=st.sampled_from(BlastRadius), tolerance=st.sampled_from(Tolerance),
    implications=st.booleans(),
    volume=st.none() | st.integers(0, 10**6),
    hours=st.none() | st.floats(0, 1e7, allow_nan=False),
)
def test_route_every_combination_gets_exactly_one_decision(
    purpose, ca, validity, identity, blast, tolerance, implications, volume, hours
):
    ctype = make(purpose=purpose, ca=ca, validity=validity, identity=identity,
                 blast_radius=blast, policy_implications=implications,
                 annual_volume=volume, integration_hours=hours)
    context = RoutingContext(tolerance, 14.256)
    matching = [r for r in RULES if r.matches(ctype, context)]
    decision = route(ctype, context)
    assert matching[0].number == decision.rule
    assert decision.workflow in (Workflow.COMBINED, Workflow.ADMIN_MEDIATED)
    assert decision.rationale.strip()
    assert decision.label.strip()
