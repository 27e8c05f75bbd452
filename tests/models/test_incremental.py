"""IncrementalEvaluation against a full evaluate() over random edit sequences."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from models.certificate import CertificateType
from models.cost import MigrationShareSource, TicketsSource
from models.enums import BlastRadius, CaKind, Identity, Purpose, Tolerance, Validity, Workflow
from models.evaluation import evaluate
from models.incremental import IncrementalEvaluation
from models.project import Project
from models.project_file import load_example
from tests.conftest import TODAY

AS_OF_DATES = (dt.date(2025, 6, 1), dt.date(2026, 3, 15), dt.date(2026, 11, 26),
               dt.date(2027, 6, 1), dt.date(2029, 4, 1))

# One type field edit: (dotted field, value). Every field a rule, cap, cliff row or finding
# reads, and one (owner) that none does.
TYPE_EDITS = st.one_of(
    st.tuples(st.just("purpose"), st.sampled_from(Purpose)),
    st.tuples(st.just("ca"), st.sampled_from(CaKind)),
    st.tuples(st.just("validity"), st.sampled_from(Validity)),
    st.tuples(st.just("identity"), st.sampled_from(Identity)),
    st.tuples(st.just("blast_radius"), st.sampled_from(BlastRadius)),
    st.tuples(st.just("annual_volume"), st.none() | st.integers(0, 5_000)),
    st.tuples(st.just("live_certificates"), st.none() | st.integers(0, 5_000)),
    st.tuples(st.just("integration_hours"), st.none() | st.floats(0, 50_000)),
    st.tuples(st.just("policy_implications"), st.booleans()),
    st.tuples(st.just("as_is_workflow"), st.none() | st.sampled_from(Workflow)),
    st.tuples(st.just("name"), st.sampled_from(("Alpha", "Beta", "Gamma TLS"))),
    st.tuples(st.just("owner"), st.sampled_from(("Team A", "Team B"))),
    st.tuples(st.just("override"), st.none() | st.builds(
        lambda w: {"workflow": w, "justification": "Agreed at the policy review."},
        st.sampled_from(Workflow))),
    st.tuples(st.just("profile"), st.none() | st.builds(
        lambda days: {"max_validity_days": days}, st.integers(1, 825))),
    st.tuples(st.just("admin.approval_criteria"), st.sampled_from(((), ("Named domain",)))),
    st.tuples(st.just("admin.approval_sla_days"), st.sampled_from((0.5, 3.0, 40.0))),
    st.tuples(st.just("admin.notice_days"), st.sampled_from(((90, 30, 7), (14,), (60, 5)))),
    st.tuples(st.just("combined.identity_method"),
              st.sampled_from(("ACME DNS-01", "E-mail approval"))),
)

EDITS = st.one_of(
    st.tuples(st.just("type"), st.integers(0, 10_000), TYPE_EDITS),
    st.tuples(st.just("add"), st.integers(0, 10_000), TYPE_EDITS),
    st.tuples(st.just("delete"), st.integers(0, 10_000)),
    st.tuples(st.just("move"), st.integers(0, 10_000), st.integers(0, 10_000)),
    st.tuples(st.just("tolerance"), st.sampled_from(Tolerance)),
    st.tuples(st.just("reviewed"), st.none() | st.sampled_from(AS_OF_DATES)),
    st.tuples(st.just("as_of"), st.sampled_from(AS_OF_DATES)),
    st.tuples(st.just("cost"), st.sampled_from(("hourly_rate", "base_hours", "tickets_per_year")),
              st.sampled_from((0.5, 3.0, 80.0))),
    st.tuples(st.just("cost"), st.sampled_from(("rework_rate", "reopen_rate")),
              st.sampled_from((0.0, 0.2))),
    st.tuples(st.just("tickets_source"), st.sampled_from(TicketsSource)),
    st.tuples(st.just("share_source"), st.sampled_from(MigrationShareSource)),
    st.tuples(st.just("undo"), st.integers(0, 10_000)),
)


def _edit_type(ctype: CertificateType, field: str, value: Any) -> CertificateType:
    data = ctype.model_dump()
    if "." in field:
        section, key = field.split(".")
        data[section] = {**data[section], key: value}
    else:
        data[field] = value
    return CertificateType.model_validate(data)


def _apply(project: Project, history: list[Project], edit: tuple[Any, ...]) -> Project:
    """The edit as the GUI's commands make it: unchanged types stay the same objects."""
    types = list(project.types)
    kind, *args = edit
    if kind in ("type", "delete", "move") and not types:
        return project
    if kind == "type":
        row = args[0] % len(types)
        types[row] = _edit_type(types[row], *args[1])
    elif kind == "add":
        new_id = project.new_type_id()
        base = types[args[0] % len(types)] if types else load_example().types[0]
        added = _edit_type(base.model_copy(update={"id": new_id}), *args[1])
        types.insert(args[0] % (len(types) + 1), added)
    elif kind == "delete":
        del types[args[0] % len(types)]
    elif kind == "move":
        moved = types.pop(args[0] % len(types))
        types.insert(args[1] % (len(types) + 1), moved)
    elif kind == "undo":
        return history[args[0] % len(history)]
    else:
        return _apply_project_edit(project, kind, args)
    return project.model_copy(update={"types": tuple(types)})


def _apply_project_edit(project: Project, kind: str, args: list[Any]) -> Project:
    org, cost = project.organisation, project.cost
    if kind == "tolerance":
        return project.model_copy(update={"organisation": org.model_copy(
            update={"tolerance": args[0]})})
    if kind == "reviewed":
        return project.model_copy(update={"organisation": org.model_copy(
            update={"policy_last_reviewed": args[0]})})
    if kind == "as_of":
        return project.model_copy(update={"as_of": args[0]})
    if kind == "cost":
        inputs = cost.inputs.model_validate({**cost.inputs.model_dump(), args[0]: args[1]})
        return project.model_copy(update={"cost": cost.model_copy(update={"inputs": inputs})})
    field = {"tickets_source": "tickets_source", "share_source": "migration_share_source"}[kind]
    return project.model_copy(update={"cost": cost.model_copy(update={field: args[0]})})


@settings(max_examples=150)
@given(edits=st.lists(EDITS, max_size=25), reviewed=st.sampled_from(AS_OF_DATES))
def test_incremental_equals_full_evaluate_over_random_edits(edits, reviewed):
    example = load_example()
    project = example.model_copy(update={"as_of": TODAY, "organisation": (
        example.organisation.model_copy(update={"policy_last_reviewed": reviewed}))})
    incremental = IncrementalEvaluation(project, today=TODAY)
    assert incremental.evaluation == evaluate(project, today=TODAY)
    history = [project]
    for edit in edits:
        project = _apply(project, history, edit)
        history.append(project)
        assert incremental.update(project) == evaluate(project, today=TODAY), edit


def test_type_edit_reevaluates_only_that_type(worked_example):
    """An owner edit keeps every other row's derived objects: nothing else was recomputed."""
    incremental = IncrementalEvaluation(worked_example, today=TODAY)
    before = incremental.evaluation
    types = list(worked_example.types)
    types[2] = types[2].model_copy(update={"identity": Identity.WEAK})
    after = incremental.update(worked_example.model_copy(update={"types": tuple(types)}))
    kept = [r for r in range(len(types))
            if after.cliff.dates[0].types[r] is before.cliff.dates[0].types[r]]
    assert kept == [0, 1, 3, 4, 5]
    assert after.decisions[2].rule == 4  # weak identity: rule 4, admin-mediated
    assert after == evaluate(worked_example.model_copy(update={"types": tuple(types)}),
                             today=TODAY)


def test_tolerance_edit_reevaluates_every_type(worked_example):
    incremental = IncrementalEvaluation(worked_example, today=TODAY)
    before = incremental.evaluation
    org = worked_example.organisation.model_copy(update={"tolerance": Tolerance.LOW})
    edited = worked_example.model_copy(update={"organisation": org})
    after = incremental.update(edited)
    assert not any(a is b for a, b in zip(after.cliff.dates[0].types,
                                          before.cliff.dates[0].types, strict=True))
    assert after == evaluate(edited, today=TODAY)
    assert after != before  # medium blast radius types move to admin-mediated at low tolerance
