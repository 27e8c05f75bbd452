"""COST-MODEL.md: every figure of the article's mid-scale table, presets and "never"."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models import display
from models.cost import SCALE_PRESETS, CostInputs, Scale, compute_costs, ticket_hours

MID = compute_costs(CostInputs())


@pytest.mark.parametrize(("name", "exact"), [
    ("rework_hours", 1.2),
    ("reopen_hours", 1.056),
    ("ticket_hours", 14.256),
    ("hidden_of_base", 0.188),
    ("analyst_cost", 2_592_000),
    ("hidden_cost", 487_296),
    ("blocked_cost", 288_000),
    ("total_cost", 3_367_296),
    ("projected_cost", 1_010_188.8),
    ("annual_savings", 2_357_107.2),
])
def test_costs_mid_scale_exact_figure(name, exact):
    assert getattr(MID, name) == exact


def test_costs_mid_scale_total_is_3_367_296():
    assert MID.total_cost == 3_367_296


def test_costs_mid_scale_hidden_share_and_payback_unrounded():
    assert MID.hidden_share == 487_296 / 3_367_296
    assert MID.payback_months == pytest.approx(1_700_000 / 2_357_107.2 * 12, rel=1e-15)


@pytest.mark.parametrize(("value", "fmt", "shown"), [
    (CostInputs().base_hours, display.hours, "12.0"),
    (MID.rework_hours, display.hours, "1.2"),
    (MID.reopen_hours, display.hours, "1.1"),
    (MID.ticket_hours, display.hours, "14.3"),
    (MID.hidden_of_base, display.percent, "19%"),
    (MID.analyst_cost, display.money, "£2.59M"),
    (MID.hidden_cost, display.money, "£487k"),
    (MID.blocked_cost, display.money, "£288k"),
    (MID.total_cost, display.money, "£3.37M"),
    (MID.hidden_share, display.percent, "14%"),
    (MID.projected_cost, display.money, "£1.01M"),
    (MID.annual_savings, display.money, "£2.36M"),
    (MID.payback_months, display.months, "9 months"),
    (1_700_000, display.money, "£1.70M"),
    (MID.migration_share, display.percent, "70%"),
])
def test_costs_mid_scale_displayed_as_in_article(value, fmt, shown):
    assert fmt(value) == shown


def test_costs_payback_never_when_no_savings():
    costs = compute_costs(CostInputs(), migration_share=0.0)
    assert costs.annual_savings == 0
    assert costs.payback_months is None
    assert display.months(costs.payback_months) == "never"


def test_costs_payback_never_when_running_cost_exceeds_savings():
    costs = compute_costs(CostInputs(combined_run_cost=5_000_000))
    assert costs.annual_savings < 0
    assert display.months(costs.payback_months) == "never"


def test_costs_presets_scale_tickets_and_migration_cost_only():
    small, mid, large = (SCALE_PRESETS[s] for s in Scale)
    assert (small.tickets_per_year, small.migration_cost) == (600, 400_000)
    assert (large.tickets_per_year, large.migration_cost) == (15_000, 6_500_000)
    assert mid == CostInputs()
    fixed = {"tickets_per_year", "migration_cost"}
    for preset in (small, large):
        assert preset.model_dump(exclude=fixed) == mid.model_dump(exclude=fixed)


def test_ticket_hours_is_the_cost_models():
    assert ticket_hours(CostInputs()) == 14.256


@pytest.mark.parametrize(("field", "bad"), [
    ("base_hours", -1), ("rework_rate", 1.5), ("migration_share", -0.1)])
def test_cost_inputs_reject_out_of_range(field, bad):
    with pytest.raises(ValueError, match=field):
        CostInputs.model_validate({field: bad})


@pytest.mark.parametrize(("value", "shown"), [
    (999_600, "£1.00M"), (999.6, "£1.00k"), (12, "£12"), (12_345_678, "£12.3M"), (0, "£0"),
    (99_950, "£100k"), (9_995_000, "£10.0M"), (999_950, "£1.00M")])
def test_display_money_three_significant_figures(value, shown):
    assert display.money(value) == shown


@pytest.mark.parametrize(("share", "shown"), [(0.575, "58%"), (0.145, "15%"), (0.188, "19%"),
                                              (0.14471433458775232, "14%")])
def test_display_percent_rounds_half_up_in_decimal(share, shown):
    assert display.percent(share) == shown


@pytest.mark.parametrize(("key", "value"), [("hourly_rate", 1e300), ("tickets_per_year", 1e10),
                                            ("migration_cost", 1e14), ("blocked_days", 4000)])
def test_inputs_beyond_any_organisation_are_refused_before_they_overflow(key, value):
    with pytest.raises(ValidationError, match="less than or equal"):
        CostInputs(**{key: value})


def test_the_largest_inputs_still_give_finite_figures():
    import math

    largest = CostInputs(tickets_per_year=1e9, base_hours=10_000, hourly_rate=1e6,
                         rework_effort=100, reopen_effort=100, blocked_days=3_650,
                         blocked_day_cost=1e9, migration_cost=1e13, combined_run_cost=1e13,
                         rework_rate=1, reopen_rate=1, blocking_share=1)
    costs = compute_costs(largest)
    assert all(math.isfinite(v) for v in (costs.total_cost, costs.projected_cost,
                                           costs.annual_savings))
