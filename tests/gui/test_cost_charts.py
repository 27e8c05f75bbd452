"""Cost charts: round, sticky y scales with their own grid, so an edit shows as moving bars."""

from __future__ import annotations

import pytest

from app.gui import commands
from app.gui.cost_charts import AxisScale, nice_step, sticky_scale, tick_label
from models.cost import Scale


@pytest.mark.parametrize(("span", "step"), [(3.97e6, 1e6), (8.8e6, 2e6), (1.1e6, 250e3),
                                            (5e6, 1e6), (10.0, 2.0)])
def test_nice_step_is_round(span, step):
    assert nice_step(span) == pytest.approx(step)


def test_scale_is_round_and_holds_while_the_data_fills_half_of_it():
    first = sticky_scale(0.0, 3.97e6, None)
    assert first == AxisScale(0.0, 4e6, 1e6)
    assert first.ticks == [0.0, 1e6, 2e6, 3e6, 4e6]
    assert sticky_scale(0.0, 3.6e6, first) is first  # a small edit: same scale
    assert sticky_scale(0.0, 2.0e6, first) is first  # still half full
    assert sticky_scale(0.0, 1.9e6, first) == AxisScale(0.0, 2e6, 500e3)  # shrunk away
    assert sticky_scale(0.0, 4.1e6, first) == AxisScale(0.0, 5e6, 1e6)  # outgrown
    assert sticky_scale(-2.3e6, 6.5e6, None) == AxisScale(-4e6, 8e6, 2e6)
    assert sticky_scale(0.0, 0.0, None) == AxisScale(0.0, 10.0, 2.0)  # all costs zero


def test_tick_labels_drop_trailing_zeros_only():
    assert [tick_label(v) for v in (4e6, 2.5e6, -5e5, 0.0, 1e5, 1.2e6)] == [
        "£4M", "£2.5M", "−£500k", "£0", "£100k", "£1.2M"]


def _rate(store, rate: float) -> None:
    cost = store.project.cost
    inputs = cost.inputs.model_copy(update={"hourly_rate": rate})
    commands.edit_section(store, "cost", cost.model_copy(update={"inputs": inputs}), "Rate")


def test_an_edit_moves_the_bars_against_a_still_axis(window, qapp):
    tab = window.tab_widgets.show("cost")
    chart = tab.bar_chart
    scale = chart.scale
    assert scale == AxisScale(0.0, 4e6, 1e6)  # £3.37M today, with room for its label
    axis_ticks = chart.getPlotItem().getAxis("left")._tickLevels
    assert [label for _value, label in axis_ticks[0]] == ["£0", "£1M", "£2M", "£3M", "£4M"]
    grid = [line.value() for line in chart._grid if line.isVisible()]
    assert grid == scale.ticks
    height = chart.bars["analyst_cost"].opts["height"][0]

    _rate(window.store, 65.0)
    qapp.processEvents()
    assert chart.scale is scale  # same axis, shorter bar: the change is visible as a change
    assert chart.bars["analyst_cost"].opts["height"][0] == pytest.approx(height * 65 / 72)

    tab.preset_buttons[Scale.LARGE].click()
    qapp.processEvents()
    assert chart.scale != scale  # a preset an order of magnitude away rescales
    costs = window.store.evaluation.costs
    assert chart.scale.low == 0.0
    assert max(costs.total_cost, costs.projected_cost) < chart.scale.high
    assert [line.value() for line in chart._grid if line.isVisible()] == chart.scale.ticks
