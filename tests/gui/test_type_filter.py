"""Find/filter with a count, chips, a view-only sort, the frozen name column, keyboard edges."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from app.gui.route_tab import RouteTab
from app.gui.store import ProjectStore
from app.gui.type_filter import SAVED_ORDER
from models.columns import COLUMNS
from models.enums import ReasonCode, Workflow

COL = {c.key: n for n, c in enumerate(COLUMNS)}


@pytest.fixture
def tab(route_tab):
    return route_tab  # tests/gui/conftest.py


def shown_names(tab):
    proxy = tab.proxy
    return [proxy.data(proxy.index(r, COL["name"])) for r in range(proxy.rowCount())]


def find(tab, text):
    tab.find_bar.field.setText(text)
    tab.find_bar._apply_text()  # what the typing pause triggers


def test_find_matches_name_owner_and_enumerated_columns_with_a_count(tab, store):
    assert tab.find_bar.count.text() == "6 types"
    find(tab, "tls")  # mTLS too
    assert len(shown_names(tab)) == 5
    assert tab.find_bar.count.text() == "5 of 6 types"
    find(tab, "public high")  # every word, in any column
    assert shown_names(tab) == ["EV TLS for corporate identity", "Code signing for production"]
    find(tab, "identity capability")  # the Reason column
    assert shown_names(tab) == ["Legacy mainframe TLS"]
    find(tab, "CODE-SIGNING")  # case does not matter
    assert shown_names(tab) == ["Code signing for production"]
    find(tab, "no such type")
    assert shown_names(tab) == []
    assert tab.find_bar.count.text() == "0 of 6 types"
    tab.find_bar.clear()
    assert len(shown_names(tab)) == 6


def test_find_sees_the_owner(tab, store):
    assert tab.model.setData(tab.model.index(3, COL["owner"]), "Platform Guild")
    find(tab, "guild")
    assert shown_names(tab) == ["Internal services TLS"]


def test_chips_filter_by_workflow_and_reason(tab):
    chips = tab.find_bar
    assert chips.workflow_chips[Workflow.COMBINED].text() == "combined 3"
    chips.workflow_chips[Workflow.ADMIN_MEDIATED].setChecked(True)
    assert tab.find_bar.count.text() == "3 of 6 types"
    chips.reason_chips[ReasonCode.HIGH_ASSURANCE_PURPOSE].setChecked(True)
    assert shown_names(tab) == ["EV TLS for corporate identity", "Code signing for production"]
    assert not chips.reason_chips[ReasonCode.MANUAL_OVERRIDE].isVisibleTo(chips)  # unused


def test_an_edit_through_the_filtered_view_reaches_the_right_type(tab, store):
    find(tab, "mainframe")
    index = tab.proxy.index(0, COL["identity"])
    assert tab.proxy.setData(index, "strong")
    assert store.project.types[5].identity.value == "strong"
    assert store.project.types[0].identity.value == "strong"
    assert tab.proxy.data(tab.proxy.index(0, COL["workflow"])) == "combined"
    assert tab.current_row() in (None, 5)


def test_a_filtered_type_that_reroutes_leaves_a_workflow_chip_filter(tab, store):
    tab.find_bar.workflow_chips[Workflow.ADMIN_MEDIATED].setChecked(True)
    assert tab.proxy.setData(tab.proxy.index(2, COL["identity"]), "strong")  # mainframe
    assert "Legacy mainframe TLS" not in shown_names(tab)
    assert tab.find_bar.count.text() == "2 of 6 types"


def test_sort_changes_the_view_not_the_saved_order(tab, store):
    saved = [t.name for t in store.project.types]
    tab.table.sortByColumn(COL["validity"], Qt.SortOrder.AscendingOrder)
    validities = [tab.proxy.data(tab.proxy.index(r, COL["validity"])) for r in range(6)]
    assert validities == ["short", "medium", "medium", "long", "long", "long"]  # declared order
    assert [t.name for t in store.project.types] == saved
    assert tab.find_bar.saved_order.isEnabled()
    assert not tab.type_actions["down"].isEnabled()
    tab.table.sortByColumn(COL["name"], Qt.SortOrder.DescendingOrder)
    assert shown_names(tab)[0] == "mTLS service mesh"
    assert store.undo_stack.count() == 0
    tab.find_bar.saved_order.click()
    assert tab.model.sort_column == SAVED_ORDER
    assert tab.table.horizontalHeader().sortIndicatorSection() == -1
    assert shown_names(tab) == saved
    assert tab.type_actions["down"].isEnabled()


def test_an_edited_row_stays_put_until_sorted_again_and_the_card_follows(tab, store):
    tab.table.sortByColumn(COL["annual_volume"], Qt.SortOrder.AscendingOrder)
    tab.select_row(0)  # Customer-facing TLS, 600 a year
    view_row = tab.model.view_row(0)  # the model's rows are in the view's order
    assert view_row == 3
    assert tab.model.setData(tab.model.index(view_row, COL["annual_volume"]), "999999")
    assert shown_names(tab)[3] == "Customer-facing TLS"  # no jump away mid-edit
    tab.table.sortByColumn(COL["annual_volume"], Qt.SortOrder.AscendingOrder)
    assert shown_names(tab)[-1] == "Customer-facing TLS"
    assert tab.current_row() == 0
    assert tab.card.title.text() == "Customer-facing TLS"
    assert tab.model.headerData(5, Qt.Orientation.Vertical) == "1"  # its saved place


def test_rows_added_to_a_sorted_view_are_sorted_in(tab, store):
    tab.table.sortByColumn(COL["name"], Qt.SortOrder.DescendingOrder)
    tab.select_row(3)
    tab.add_type()
    assert shown_names(tab)[:2] == ["New certificate type", "mTLS service mesh"]
    assert store.project.types[4].name == "New certificate type"  # saved: after row 3
    assert tab.card.title.text() == "New certificate type"


def test_select_row_clears_a_filter_that_hides_the_type(tab):
    find(tab, "mainframe")
    tab.select_type("code-signing")
    assert tab.current_row() == 4
    assert tab.find_bar.field.text() == ""
    assert len(shown_names(tab)) == 6


def test_name_column_stays_in_view_when_scrolled_right(tab, qtbot):
    tab.show()
    qtbot.waitExposed(tab)
    table = tab.table
    assert not table.frozen.isVisible()
    table.scrollTo(tab.proxy.index(0, len(COLUMNS) - 1))
    qtbot.waitUntil(lambda: table.horizontalScrollBar().value() > 0)
    assert table.frozen.isVisible()
    assert table.frozen.width() == table.columnWidth(0)
    assert table.frozen.model() is tab.proxy
    assert table.frozen.selectionModel() is table.selectionModel()
    visible = [c for c in range(len(COLUMNS)) if not table.frozen.isColumnHidden(c)]
    assert visible == [COL["name"]]
    # The main view's name column is scrolled off; the frozen one shows the names.
    assert table.columnViewportPosition(0) < 0
    rect = table.frozen.visualRect(tab.proxy.index(2, 0))
    assert rect.isValid()
    assert table.frozen.indexAt(rect.center()).data() == "mTLS service mesh"
    # Scrolling down moves both views together.
    table.verticalScrollBar().setValue(table.verticalScrollBar().maximum())
    assert (table.frozen.verticalScrollBar().value()
            == table.verticalScrollBar().value())
    # Editing a name scrolls back, so the editor opens in plain sight.
    table.edit(tab.proxy.index(1, 0))
    assert table.horizontalScrollBar().value() == 0
    assert not table.frozen.isVisible()
    out = os.environ.get("CERTROUTE_SHOT_DIR")
    if out:
        table.scrollTo(tab.proxy.index(0, len(COLUMNS) - 1))
        tab.grab().save(str(Path(out) / "frozen-column.png"))


def test_alt_down_in_an_open_drop_down_opens_the_list_not_moves_the_row(tab, store, qtbot):
    tab.show()
    tab.activateWindow()
    qtbot.waitActive(tab)
    tab.select_row(2)
    index = tab.proxy.index(2, COL["purpose"])
    tab.table.setCurrentIndex(index)
    tab.table.edit(index)
    combo = tab.table.findChild(QComboBox)
    assert combo is not None
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert combo.view().isVisible()  # the list opened
    assert store.undo_stack.count() == 0  # no "Move" step
    assert store.project.types[2].name == "mTLS service mesh"
    combo.hidePopup()


def test_delete_says_it_can_be_undone(tab, store):
    tab.select_row(3)
    tab.delete_types()
    assert len(store.project.types) == 5
    assert tab.messages[-1] == ("Deleted “Internal services TLS” — Ctrl+Z (Edit ▸ Undo) "
                                "brings it back")


def test_filter_and_sort_over_five_thousand_types(qtbot):
    # benchmarks/bench_filter.py times this; here: it gives the right rows at that size.
    from benchmarks.bench_evaluate import synthetic_project

    project = synthetic_project(5_000)
    store = ProjectStore(project)
    tab = RouteTab(store)
    qtbot.addWidget(tab)
    find(tab, "code-signing public")
    expected = [t.name for t in project.types
                if t.purpose.value == "code-signing" and t.ca.value == "public"]
    assert shown_names(tab) == expected
    assert tab.find_bar.count.text() == f"{len(expected):,} of 5,000 types"
    tab.table.sortByColumn(COL["annual_volume"], Qt.SortOrder.DescendingOrder)
    volumes = [tab.proxy.data(tab.proxy.index(r, COL["annual_volume"]))
               for r in range(tab.proxy.rowCount())]
    assert [int(v) for v in volumes] == sorted((t.annual_volume for t in project.types
                                                if t.name in expected), reverse=True)
    assert store.project == project  # the saved order is untouched


def test_delete_message_reaches_the_windows_status_bar(window):
    route = window.tab_widgets["route"]
    route.select_row(0)
    route.type_actions["delete"].trigger()
    assert window._status.text() == ("Deleted “Customer-facing TLS” — Ctrl+Z (Edit ▸ Undo) "
                                     "brings it back")
    window.undo_action.trigger()
    assert window.store.project.types[0].name == "Customer-facing TLS"


def _recount(store):
    workflows = {w: 0 for w in Workflow}
    reasons: dict[ReasonCode, int] = {}
    for decision in store.evaluation.decisions:
        workflows[decision.workflow] += 1
        reasons[decision.reason] = reasons.get(decision.reason, 0) + 1
    return workflows, reasons


def test_chip_counts_follow_edits_undo_and_a_new_document(tab, store):
    """The chips move the counts of the types an edit re-routed; they must equal a recount."""
    def check():
        workflows, reasons = _recount(store)
        for workflow, chip in tab.find_bar.workflow_chips.items():
            assert chip.text() == f"{workflow.value} {workflows[workflow]:,}"
        for reason, chip in tab.find_bar.reason_chips.items():
            assert chip.isVisibleTo(tab.find_bar) == (reason in reasons)
            if reason in reasons:
                assert chip.text().endswith(f" {reasons[reason]:,}")

    check()
    assert tab.model.setData(tab.model.index(5, COL["identity"]), "strong")  # → combined
    check()
    assert tab.model.setData(tab.model.index(0, COL["identity"]), "weak")  # → admin-mediated
    check()
    store.undo_stack.undo()
    store.undo_stack.undo()
    check()
    store.replace_document(store.project.model_copy(update={"types": store.project.types[:2]}),
                           None)
    check()
