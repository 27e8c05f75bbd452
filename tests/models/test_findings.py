"""ROUTING-RULES.md failure modes: each detector fires on its case and not on the example."""

from __future__ import annotations

import datetime as dt

from models.certificate import Override
from models.cost import CostInputs
from models.enums import Identity, Tolerance, Validity, Workflow
from models.evaluation import evaluate
from models.findings import INDUSTRY_RULE_CODES, FindingCode
from models.project import CostSettings
from tests.conftest import TODAY

# The industry-rule findings have their own tests (tests/models/test_dated_findings.py).
DATED = INDUSTRY_RULE_CODES


def codes(project, today=TODAY):
    """The article's failure modes and exceptions the project shows."""
    return [f.code for f in evaluate(project, today=today).findings if f.code not in DATED]


def with_type(project, row, **update):
    types = list(project.types)
    types[row] = types[row].model_copy(update=update)
    return project.model_copy(update={"types": tuple(types)})


def test_findings_worked_example_is_clean(worked_example):
    """Clean of the article's failure modes; its EV TLS meets today's rules (see
    test_dated_findings.py)."""
    assert codes(worked_example) == []


def test_findings_one_size_fits_all(worked_example):
    combined_only = worked_example.model_copy(update={"types": tuple(
        t for t in worked_example.types if t.purpose.value in ("mtls", "tls-internal")
        and t.identity is Identity.STRONG)})
    assert codes(combined_only) == [FindingCode.ONE_SIZE_FITS_ALL]


def test_findings_workflow_drift_when_review_is_stale(worked_example):
    reviewed = worked_example.organisation.policy_last_reviewed
    assert reviewed == dt.date(2026, 9, 15)
    assert FindingCode.WORKFLOW_DRIFT not in codes(worked_example, dt.date(2027, 9, 14))
    assert FindingCode.WORKFLOW_DRIFT in codes(worked_example, dt.date(2027, 9, 15))


def test_findings_workflow_drift_when_never_reviewed(worked_example):
    org = worked_example.organisation.model_copy(update={"policy_last_reviewed": None})
    assert FindingCode.WORKFLOW_DRIFT in codes(
        worked_example.model_copy(update={"organisation": org}))


def test_findings_override_is_flagged_and_weak_identity_on_combined(worked_example):
    project = with_type(worked_example, 5, override=Override(
        workflow=Workflow.COMBINED, justification="Mainframe team promises to be careful"))
    found = evaluate(project, today=TODAY).findings
    by_code = {f.code: f for f in found}
    assert by_code[FindingCode.MANUAL_OVERRIDE].type_ids == ("mainframe-tls",)
    assert by_code[FindingCode.WEAK_IDENTITY].type_ids == ("mainframe-tls",)


def test_findings_rubber_stamp(worked_example):
    admin = worked_example.types[1].admin.model_copy(update={"approval_criteria": ()})
    project = with_type(worked_example, 1, admin=admin)
    found = {f.code: f for f in evaluate(project, today=TODAY).findings}
    assert found[FindingCode.RUBBER_STAMP].type_ids == ("ev-tls",)


def test_findings_identity_weaker_than_certificate(worked_example):
    project = with_type(worked_example, 0, identity=Identity.MEDIUM)
    found = {f.code: f for f in evaluate(project, today=TODAY).findings}
    assert found[FindingCode.WEAK_IDENTITY].type_ids == ("customer-tls",)


def test_findings_untracked_rework(worked_example):
    cost = CostSettings(inputs=CostInputs(reopen_rate=0))
    project = worked_example.model_copy(update={"cost": cost})
    assert codes(project) == [FindingCode.UNTRACKED_REWORK]


def test_findings_short_lived_on_admin_mediated(worked_example):
    project = with_type(worked_example, 5, validity=Validity.SHORT)
    assert FindingCode.SHORT_LIVED_ADMIN in codes(project)


def test_findings_every_finding_has_a_fix(worked_example):
    org = worked_example.organisation.model_copy(
        update={"policy_last_reviewed": None, "tolerance": Tolerance.LOW})
    project = worked_example.model_copy(update={"organisation": org})
    for finding in evaluate(project, today=TODAY).findings:
        assert finding.fix.strip()
        assert finding.detail.strip()
