"""Findings from the rules by date (models.dated_findings), each with its fix."""

from __future__ import annotations

import datetime as dt

from models.certificate import AdminDesign, CombinedDesign
from models.evaluation import evaluate
from models.findings import INDUSTRY_RULE_CODES, FindingCode, Severity
from tests.conftest import TODAY

DATED = INDUSTRY_RULE_CODES


def dated(project):
    return [f for f in evaluate(project, today=TODAY).findings if f.code in DATED]


def with_type(project, row, **update):
    types = list(project.types)
    types[row] = types[row].model_copy(update=update)
    return project.model_copy(update={"types": tuple(types)})


def test_example_today_shows_the_ev_tls_findings(worked_example):
    found = dated(worked_example)
    assert [(f.code, f.type_ids) for f in found] == [
        (FindingCode.IMPOSSIBLE_VALIDITY, ("ev-tls",)),
        (FindingCode.TICKET_CLIFF, ("ev-tls",)),
        (FindingCode.MANUAL_DOMAIN_VALIDATION, ("ev-tls",)),
    ]
    assert all(f.fix for f in found)
    impossible, cliff, manual = found
    assert "evaluated as medium" in impossible.detail
    assert "9.1 tickets per certificate a year at 47 days from 2029-03-15" in cliff.detail
    assert "(on 2026-11-26: 2.1)" in cliff.detail
    assert "reused for at most 10 days" in manual.detail


def test_impossible_class_for_customer_tls_from_2029(worked_example):
    later = worked_example.model_copy(update={"as_of": dt.date(2029, 3, 15)})
    impossible = [f for f in dated(later) if f.code is FindingCode.IMPOSSIBLE_VALIDITY]
    assert [f.type_ids for f in impossible] == [("customer-tls",), ("ev-tls",)]
    assert "evaluated as short" in impossible[0].detail


def test_combined_type_with_email_dcv_needs_a_person(worked_example):
    emailed = with_type(worked_example, 0, combined=CombinedDesign(
        identity_method="E-mail approval to the domain contact"))
    manual = next(f for f in dated(emailed)
                  if f.code is FindingCode.MANUAL_DOMAIN_VALIDATION)
    assert manual.type_ids == ("customer-tls", "ev-tls")


def test_acme_dns01_needs_no_person(worked_example):
    manual = next(f for f in dated(worked_example)
                  if f.code is FindingCode.MANUAL_DOMAIN_VALIDATION)
    assert "customer-tls" not in manual.type_ids


def test_approval_path_longer_than_the_renewal_lead(worked_example):
    # EV TLS: 30-day lead at 200 and 100 days, 7-day lead at 47 days; 5 + 4 days of approval
    # and vetting fit until the cliff and no longer.
    slow = with_type(worked_example, 1, admin=worked_example.types[1].admin.model_copy(
        update={"approval_sla_days": 5, "fulfilment_days": 4}))
    [late] = [f for f in dated(slow) if f.code is FindingCode.APPROVAL_OUTLASTS_LEAD]
    assert late.severity is Severity.EXCEPTION
    assert late.type_ids == ("ev-tls",)
    assert late.detail.startswith("EV TLS for corporate identity: on 2029-03-15 a 47-day "
                                  "certificate is renewed 7 days before expiry")
    assert "take 9 days" in late.detail


def test_default_approval_path_fits(worked_example):
    assert AdminDesign().approval_sla_days + AdminDesign().fulfilment_days == 5
    assert FindingCode.APPROVAL_OUTLASTS_LEAD not in {f.code for f in dated(worked_example)}


def test_short_lived_fix_says_a_public_cap_cannot_be_lengthened(worked_example):
    later = worked_example.model_copy(update={"as_of": dt.date(2029, 4, 1)})
    short = next(f for f in evaluate(later, today=TODAY).findings
                 if f.code is FindingCode.SHORT_LIVED_ADMIN)
    assert short.type_ids == ("ev-tls",)
    assert "its validity cannot be lengthened: automate its renewal" in short.fix
