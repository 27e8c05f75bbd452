"""Cost tab wiring: the article's figures on screen, inputs and presets, validation, the design
share following the Route tab, and the charts fed from the Evaluation."""

from __future__ import annotations

import pytest

from app.gui.cost_tab import CostTab
from models import display
from models.columns import COLUMNS
from models.cost import SCALE_PRESETS, CostInputs, MigrationShareSource, Scale, compute_costs
from models.project import Project

MAINFRAME = 5
IDENTITY = next(n for n, c in enumerate(COLUMNS) if c.key == "identity")

# The article's "Cost analysis — Mid scale" table, as printed.
ARTICLE = {
    "base_hours": "12.0",
    "rework_hours": "1.2",
    "reopen_hours": "1.1",
    "ticket_hours": "14.3",
    "hidden_of_base": "19%",
    "analyst_cost": "£2.59M",
    "hidden_cost": "£487k",
    "blocked_cost": "£288k",
    "total_cost": "£3.37M",
    "hidden_share": "14%",
    "projected_cost": "£1.01M",
    "annual_savings": "£2.36M",
    "payback_months": "9 months",
    "migration_cost": "£1.70M",
}


@pytest.fixture
def tab(qtbot, store):
    widget = CostTab(store)
    qtbot.addWidget(widget)
    return widget


def type_into(tab, key, text):
    """Type `text` into an input and leave the field, as a user does."""
    editor = tab.editors[key]
    editor.setText(text)
    editor.editingFinished.emit()


def test_mid_preset_shows_exactly_the_articles_figures(tab):
    assert {key: tab.figures[key].text() for key in ARTICLE} == ARTICLE
    assert tab.tiles["total_cost"].text() == "£3.37M"
    assert tab.tiles["payback_months"].text() == "9 months"
    assert tab.migration_intro.text().startswith("If 70% of admin-mediated volume migrates")
    assert tab.migration_source.text() == "Source: preset input."
    assert tab.preset_buttons[Scale.MID].isChecked()


def test_every_input_is_shown_with_its_unit(tab):
    assert set(tab.editors) == set(CostInputs.model_fields)
    assert tab.editors["tickets_per_year"].text() == "3,000"
    assert tab.editors["rework_rate"].text() == "0.25"
    assert tab.editors["migration_cost"].text() == "1,700,000"


def test_editing_an_input_leaves_the_preset_and_undo_restores_it(tab, store):
    type_into(tab, "tickets_per_year", "4,000")
    assert store.project.cost.inputs.tickets_per_year == 4000
    assert store.project.cost.scale is None
    assert tab.figures["total_cost"].text() == display.money(store.evaluation.costs.total_cost)
    assert tab.figures["total_cost"].text() != "£3.37M"
    assert not any(button.isChecked() for button in tab.preset_buttons.values())

    store.undo_stack.undo()
    assert store.project.cost.scale is Scale.MID
    assert tab.editors["tickets_per_year"].text() == "3,000"
    assert tab.figures["total_cost"].text() == "£3.37M"
    assert tab.preset_buttons[Scale.MID].isChecked()


def test_percent_typed_into_a_share_means_that_share(tab, store):
    type_into(tab, "reopen_rate", "25%")
    assert store.project.cost.inputs.reopen_rate == 0.25
    assert tab.editors["reopen_rate"].text() == "0.25"


@pytest.mark.parametrize(("key", "text", "message"), [
    ("base_hours", "-2", "Cannot be negative."),
    ("rework_rate", "1.5", "A share is between 0 and 1: type 0.25 or 25%."),
    ("blocking_share", "-0.1", "A share is between 0 and 1: type 0.25 or 25%."),
    ("hourly_rate", "lots", "“lots” is not a number."),
    ("migration_cost", "inf", "Enter a finite number."),
    ("blocked_days", "  ", "Enter a number."),
])
def test_invalid_input_shows_the_message_and_changes_nothing(tab, store, key, text, message):
    before = store.project
    type_into(tab, key, text)
    assert tab.errors[key].text() == message
    assert tab.errors[key].isVisibleTo(tab)
    assert tab.editors[key].property("invalid") is True
    assert store.project is before
    assert store.undo_stack.count() == 0
    assert tab.figures["total_cost"].text() == "£3.37M"


def test_a_valid_value_clears_the_message(tab, store):
    type_into(tab, "base_hours", "-2")
    type_into(tab, "base_hours", "10")
    assert not tab.errors["base_hours"].isVisibleTo(tab)
    assert tab.editors["base_hours"].property("invalid") is False
    assert store.project.cost.inputs.base_hours == 10


def test_presets_apply_their_inputs_and_are_undoable(tab, store):
    tab.preset_buttons[Scale.LARGE].click()
    assert store.project.cost.inputs == SCALE_PRESETS[Scale.LARGE]
    assert store.project.cost.scale is Scale.LARGE
    assert tab.preset_buttons[Scale.LARGE].isChecked()
    assert not tab.preset_buttons[Scale.MID].isChecked()
    assert tab.figures["migration_cost"].text() == "£6.50M"
    store.undo_stack.undo()
    assert tab.figures["migration_cost"].text() == "£1.70M"
    assert tab.preset_buttons[Scale.MID].isChecked()


def test_clicking_the_current_preset_keeps_it_checked(tab, store):
    tab.preset_buttons[Scale.MID].click()
    assert tab.preset_buttons[Scale.MID].isChecked()
    assert store.undo_stack.count() == 0


def _design_payback(share: float) -> str:
    return display.months(compute_costs(CostInputs(), migration_share=share).payback_months)


def test_design_share_follows_a_type_edited_on_the_route_tab(window, store):
    cost = window.tab_widgets["cost"]
    cost.source_buttons[MigrationShareSource.DESIGN].click()
    assert store.project.cost.migration_share_source is MigrationShareSource.DESIGN
    # Customer TLS 600 + internal TLS 1,900 of 3,000 admin-mediated issuances move.
    assert cost.migration_intro.text().startswith("If 83% of admin-mediated volume")
    assert cost.migration_source.text() == ("Source: routing design: 2,500 of 3,000 "
                                            "admin-mediated issuances a year route to combined.")
    assert cost.figures["payback_months"].text() == _design_payback(2500 / 3000)
    assert not cost.editors["migration_share"].isEnabled()  # the input share is not used

    model = window.tab_widgets["route"].model
    assert model.setData(model.index(MAINFRAME, IDENTITY), "strong")
    # The legacy mainframe's 448 issuances now route to combined as well.
    assert cost.migration_intro.text().startswith("If 98% of admin-mediated volume")
    assert "2,948 of 3,000" in cost.migration_source.text()
    assert cost.figures["payback_months"].text() == _design_payback(2948 / 3000)
    assert cost.figures["annual_savings"].text() == display.money(
        store.evaluation.costs.annual_savings)

    store.undo_stack.undo()
    assert "2,500 of 3,000" in cost.migration_source.text()


def test_design_source_is_unavailable_without_volumes(qtbot, store):
    store.replace_document(Project(), None)
    tab = CostTab(store)
    qtbot.addWidget(tab)
    assert not tab.source_buttons[MigrationShareSource.DESIGN].isEnabled()
    assert tab.source_buttons[MigrationShareSource.PRESET].isChecked()


def test_never_when_savings_are_not_positive(tab, store):
    type_into(tab, "migration_share", "0")
    assert tab.figures["annual_savings"].text() == "£0"
    assert tab.figures["payback_months"].text() == "never"
    assert tab.tiles["payback_months"].text() == "never"
    assert "never pays back" in tab.headline.text()
    assert tab.payback_chart.break_even_month() is None
    assert tab.payback_chart.break_even_label.toPlainText() == "Never breaks even"


def test_charts_are_fed_from_the_evaluation(tab, store):
    months, net = tab.payback_chart.line.getData()
    assert months[0] == 0
    assert months[-1] == 36
    assert net[0] == -1_700_000
    assert tab.payback_chart.break_even_month() == pytest.approx(
        store.evaluation.costs.payback_months)
    analyst = tab.bar_chart.bars["analyst_cost"].opts
    assert list(analyst["height"]) == pytest.approx([2_592_000, 2_592_000 * 0.3])
    blocked = tab.bar_chart.bars["blocked_cost"].opts
    assert list(blocked["y0"]) == pytest.approx([2_592_000 + 487_296, (2_592_000 + 487_296) * 0.3])
    assert [label.toPlainText() for label in tab.bar_chart.totals] == ["£3.37M", "£1.01M"]


def test_charts_redraw_after_an_input_edit(tab, store):
    type_into(tab, "migration_cost", "2,400,000")
    _, net = tab.payback_chart.line.getData()
    assert net[0] == -2_400_000
    assert tab.payback_chart.break_even_month() == pytest.approx(
        store.evaluation.costs.payback_months)


def test_tickets_per_year_from_the_inventory(tab, store):
    from models.cost import TicketsSource

    button = tab.tickets_buttons[TicketsSource.INVENTORY]
    assert button.isEnabled()
    assert button.text() == "tickets per year from the inventory (3,000 admin-mediated as-is)"
    button.click()
    assert store.project.cost.tickets_source is TicketsSource.INVENTORY
    # The example's as-is admin-mediated volumes are the article's 3,000: figures unchanged.
    assert tab.figures["total_cost"].text() == ARTICLE["total_cost"]
    assert not tab.editors["tickets_per_year"].isEnabled()
    store.undo_stack.undo()
    assert store.project.cost.tickets_source is TicketsSource.INPUT
    assert tab.editors["tickets_per_year"].isEnabled()


def test_currency_choice_relabels_every_figure_and_undoes(tab, store):
    combo = tab.currency_combo
    assert combo.currentText() == "GBP (£)"
    euro = next(i for i in range(combo.count()) if combo.itemData(i).code == "EUR")
    combo.setCurrentIndex(euro)
    combo.activated.emit(euro)
    assert store.project.currency.code == "EUR"
    assert tab.tiles["total_cost"].text() == "€3.37M"
    assert tab.figures["analyst_cost"].text() == "€2.59M"
    assert tab.units["hourly_rate"].text() == "€/hour"
    assert tab.bar_chart.totals[0].textItem.toPlainText() == "€3.37M"
    assert "€1.70M migration" in tab.preset_note.text()
    assert store.evaluation.costs.total_cost == 3_367_296  # not converted
    store.undo_stack.undo()
    assert tab.tiles["total_cost"].text() == "£3.37M"
    assert combo.currentText() == "GBP (£)"


def test_amounts_typed_with_a_currency_sign_or_code_are_read(tab, store):
    type_into(tab, "migration_cost", "€ 2,000,000")
    assert store.project.cost.inputs.migration_cost == 2_000_000
    type_into(tab, "hourly_rate", "80 CHF")
    assert store.project.cost.inputs.hourly_rate == 80
