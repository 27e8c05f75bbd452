"""The payback line and the stacked-bar components derived from COST-MODEL.md's breakdown."""

from __future__ import annotations

import pytest

from models.cost import CostInputs, compute_costs, cost_components, payback_curve

MID = compute_costs(CostInputs())


def test_payback_curve_mid_starts_at_minus_migration_cost():
    curve = payback_curve(MID, 1_700_000)
    assert curve.months == tuple(range(37))
    assert curve.net[0] == -1_700_000


def test_payback_curve_mid_adds_one_twelfth_of_savings_a_month():
    curve = payback_curve(MID, 1_700_000)
    assert curve.net[12] == pytest.approx(2_357_107.2 - 1_700_000)
    assert curve.net[36] == pytest.approx(3 * 2_357_107.2 - 1_700_000)


def test_payback_curve_mid_crosses_zero_at_the_payback_month():
    curve = payback_curve(MID, 1_700_000)
    assert curve.break_even_month == MID.payback_months
    assert curve.net[8] < 0 < curve.net[9]


def test_payback_curve_never_when_savings_are_not_positive():
    flat = compute_costs(CostInputs(migration_share=0))
    curve = payback_curve(flat, 1_700_000)
    assert curve.break_even_month is None
    assert set(curve.net) == {-1_700_000}


def test_payback_curve_break_even_beyond_the_horizon_is_not_marked():
    slow = compute_costs(CostInputs(migration_cost=10_000_000))
    assert slow.payback_months is not None
    assert slow.payback_months > 36
    assert payback_curve(slow, 10_000_000).break_even_month is None
    assert payback_curve(slow, 10_000_000, months=60).break_even_month == slow.payback_months


def test_cost_components_sum_to_today_and_projected_totals():
    inputs = CostInputs(combined_run_cost=50_000)
    costs = compute_costs(inputs)
    parts = cost_components(costs, combined_run_cost=inputs.combined_run_cost)
    assert sum(p.today for p in parts) == pytest.approx(costs.total_cost)
    assert sum(p.projected for p in parts) == pytest.approx(costs.projected_cost)


def test_cost_components_mid_are_the_articles_rows():
    parts = {p.key: p for p in cost_components(MID, combined_run_cost=0)}
    assert parts["analyst_cost"].today == 2_592_000
    assert parts["hidden_cost"].today == 487_296
    assert parts["blocked_cost"].today == 288_000
    assert parts["analyst_cost"].projected == pytest.approx(2_592_000 * 0.3)
    assert parts["combined_run_cost"].today == 0
