"""Cliff tab wiring: charts and tiles fed from the Evaluation's cliff, populations edited
through the store (undoable), and the as-of date set on the Route tab moving the view."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt

from app.gui.cliff.cliff_tab import CliffTab
from app.gui.cliff.cliff_table import POPULATION, CliffTableModel
from app.gui.route_tab import RouteTab
from models import display
from models.project import Project


@pytest.fixture
def tab(qtbot, store):
    widget = CliffTab(store)
    qtbot.addWidget(widget)
    return widget


def test_table_model_passes_qtmodeltester(qtmodeltester, store):
    qtmodeltester.check(CliffTableModel(store))


def test_charts_show_the_evaluations_cliff(tab, store):
    cliff = store.evaluation.cliff
    assert tab.tickets_chart.heights("as_is") == [d.as_is_tickets for d in cliff.dates]
    assert tab.tickets_chart.heights("designed") == [d.designed_tickets for d in cliff.dates]
    assert tab.cost_chart.heights("as_is") == [d.as_is_cost for d in cliff.dates]
    as_is = tab.tickets_chart.heights("as_is")
    assert as_is == sorted(as_is)
    assert len(set(as_is)) == len(as_is)
    assert all(d < a for d, a in zip(tab.tickets_chart.heights("designed"), as_is,
                                     strict=True))
    last = cliff.dates[-1]
    assert tab.tiles["as_is_cost"].text() == display.money(last.as_is_cost)
    assert tab.tiles["designed_tickets"].text() == f"{last.designed_tickets:,.0f}"
    assert "2029-03-15" in tab.headline.text()


def test_population_edit_is_one_undoable_step(qtbot, tab, store):
    model = tab.model
    index = model.index(0, POPULATION)
    before = tab.tickets_chart.heights("as_is")
    with qtbot.waitSignal(store.evaluation_changed):
        assert model.setData(index, "1,000")
    assert store.project.types[0].live_certificates == 1000
    assert tab.tickets_chart.heights("as_is")[-1] > before[-1]
    store.undo_stack.undo()
    assert store.project.types[0].live_certificates == 500
    assert tab.tickets_chart.heights("as_is") == before


def test_bad_population_is_one_line_and_nothing_changes(qtbot, tab, store):
    with qtbot.waitSignal(store.error) as blocker:
        assert not tab.model.setData(tab.model.index(0, POPULATION), "lots")
    assert "live certificates must be a whole number" in blocker.args[0]
    assert store.project.types[0].live_certificates == 500
    assert store.undo_stack.count() == 0


def test_clearing_the_population_lets_the_annual_volume_stand(tab, store):
    assert tab.model.setData(tab.model.index(0, POPULATION), "")
    assert {d.types[0].as_is_tickets for d in store.evaluation.cliff.dates} == {600}
    assert tab.model.flags(tab.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable == \
        Qt.ItemFlag.NoItemFlags


def test_as_of_date_on_the_route_tab_moves_the_cliff(qtbot, tab, store):
    route = RouteTab(store)
    qtbot.addWidget(route)
    assert route.as_of.date().toPython() == store.project.as_of
    route.as_of.setDate(QDate(2029, 4, 1))
    route.as_of.editingFinished.emit()
    assert store.project.as_of == dt.date(2029, 4, 1)
    assert tab.tickets_chart.heights("as_is") == [store.evaluation.cliff.dates[0].as_is_tickets]
    assert tab.model.columnCount() == 3 + 3
    assert tab.model.data(tab.model.index(0, 3)) == "47 d"
    store.undo_stack.undo()
    assert store.project.as_of != dt.date(2029, 4, 1)
    assert route.as_of.date().toPython() == store.project.as_of
    assert tab.model.columnCount() == 3 + 3 * 3


def test_empty_project_shows_zero_tickets(tab, store):
    store.replace_document(Project(as_of=dt.date(2026, 11, 26)), None)
    assert tab.model.rowCount() == 0
    assert tab.tiles["as_is_tickets"].text() == "0"
    assert tab.tickets_chart.heights("as_is") == [0.0, 0.0, 0.0]


def test_the_project_currency_labels_the_cliffs_amounts(tab, store):
    from app.gui import commands
    from models.currency import Currency

    last = store.evaluation.cliff.dates[-1]
    assert tab.tiles["as_is_cost"].text().startswith("£")
    commands.edit_section(store, "currency", Currency(symbol="€", code="EUR"), "Set EUR")
    assert tab.tiles["as_is_cost"].text() == display.money(last.as_is_cost,
                                                           store.project.currency)
    assert tab.tiles["as_is_cost"].text().startswith("€")
    assert "€" in tab.headline.text()
    assert "£" not in tab.headline.text()
    assert tab.cost_chart.labels["as_is"][0].textItem.toPlainText().startswith("€")


def test_a_type_edit_announces_its_row_only(qtbot, store):
    """A population edit changes one type's rows: only that row is announced (a whole-table
    announcement re-measured every cell of 5,000 types); a tolerance edit announces all."""
    from app.gui import commands
    from models.enums import Tolerance

    model = CliffTableModel(store)
    announced: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, *_: announced.append((top.row(), bottom.row())))
    commands.edit_type(store, 0, "Population", live_certificates=1234)
    assert announced == [(0, 0)]
    assert model.data(model.index(0, POPULATION)) == "1,234"
    announced.clear()
    before = store.evaluation.cliff
    commands.edit_organisation(store, "Tolerance", tolerance=Tolerance.LOW)
    after = store.evaluation.cliff
    expected = {r for b, a in zip(before.dates, after.dates, strict=True)
                for r, (x, y) in enumerate(zip(b.types, a.types, strict=True)) if x != y}
    assert expected  # customer TLS routes admin-mediated at low tolerance: its tickets move
    assert {r for top, bottom in announced for r in range(top, bottom + 1)} == expected
