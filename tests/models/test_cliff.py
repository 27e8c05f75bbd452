"""The 47-day cliff: renewals `365 / (V − L)`, tickets and cost per rule date (models.cliff)."""

from __future__ import annotations

import datetime as dt

import pytest

from models.cliff import annual_cost, renewal_lead_days, renewals_per_certificate
from models.cost import CostInputs, compute_costs
from models.enums import Validity, Workflow
from models.evaluation import evaluate
from tests.conftest import TODAY


def test_renewals_47_days_7_day_lead_is_9_1_a_year():
    """INDUSTRY-RULES.md: "At 47 days and a 7-day lead that is 9.1 tickets per certificate"."""
    lead = renewal_lead_days((90, 30, 7), 47)
    assert lead == 7
    assert round(renewals_per_certificate(47, lead), 1) == 9.1


@pytest.mark.parametrize(("days", "lead"), [(397, 90), (200, 30), (100, 30), (47, 7)])
def test_lead_is_the_earliest_notice_leaving_two_thirds_of_the_life(days, lead):
    assert renewal_lead_days((90, 30, 7), days) == lead


def test_lead_without_a_fitting_notice_is_a_third_of_the_life():
    assert renewal_lead_days((90, 30, 7), 9) == 3
    assert renewal_lead_days((), 90) == 30


def test_annual_cost_is_the_articles_model_for_the_ticket_count():
    assert annual_cost(CostInputs(), 3000) == pytest.approx(3_367_296)
    assert annual_cost(CostInputs(), 3000) == compute_costs(CostInputs()).total_cost


def test_example_cliff_rises_at_each_date_and_design_stays_below(worked_example):
    """Issue 14 "Done when": as-is admin-mediated tickets rise at each rule date; the designed
    routing's are below them at every date."""
    cliff = evaluate(worked_example).cliff
    assert [d.date for d in cliff.dates] == [TODAY, dt.date(2027, 3, 15), dt.date(2029, 3, 15)]
    as_is = [d.as_is_tickets for d in cliff.dates]
    assert as_is == sorted(as_is)
    assert len(set(as_is)) == 3
    assert all(d.designed_tickets < d.as_is_tickets for d in cliff.dates)
    assert all(d.designed_cost < d.as_is_cost for d in cliff.dates)
    customer = [d.types[0] for d in cliff.dates]
    assert [t.max_validity_days for t in customer] == [200, 100, 47]
    # 500 live certificates × 365 / (47 − 7) at the cliff.
    assert customer[-1].as_is_tickets == pytest.approx(500 * 365 / 40)
    assert customer[-1].designed_tickets == 0  # routed combined


def test_without_a_population_the_annual_volume_stands(worked_example):
    cliff = evaluate(worked_example).cliff
    internal = [d.types[3] for d in cliff.dates]
    assert {t.as_is_tickets for t in internal} == {1900}
    assert not internal[0].from_population


def test_type_not_admin_mediated_as_is_has_no_as_is_tickets(worked_example):
    mesh = evaluate(worked_example).cliff.dates[0].types[2]
    assert worked_example.types[2].as_is_workflow is Workflow.COMBINED
    assert (mesh.as_is_tickets, mesh.designed_tickets) == (0, 0)


def test_public_tls_from_2029_is_evaluated_short(worked_example):
    later = worked_example.model_copy(update={"as_of": dt.date(2029, 4, 1)})
    evaluation = evaluate(later)
    assert evaluation.limits[0].days == 47
    assert evaluation.validity_classes[:2] == (Validity.SHORT, Validity.SHORT)
    # Admin-mediated EV TLS at 47 days: the article's short-lived conflict.
    assert evaluation.decisions[1].exceptions
    assert [d.workflow for d in evaluation.decisions] == [
        d.workflow for d in evaluate(worked_example).decisions]
