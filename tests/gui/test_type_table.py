"""The type table's routing columns: they fit the view, and a narrowed Reason tells all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from app.gui.type_table import (
    REASON_COLUMN,
    CertTypeTableModel,
    RoutingColumnsFit,
    fit_routing_widths,
)

WANTED = [230, 100, 70, 85, 85, 115, 140, 190]  # name … Workflow, Reason
CONTENTS = [200, 90, 60, 75, 75, 105, 130, 165]


def test_routing_widths_that_fit_are_kept():
    assert fit_routing_widths(WANTED, CONTENTS, sum(WANTED), floor=100) == WANTED


def test_overflow_comes_out_of_spare_room_from_reason_leftwards():
    widths = fit_routing_widths(WANTED, CONTENTS, sum(WANTED) - 40, floor=100)
    assert widths == [*WANTED[:5], 110, 130, 165]
    assert sum(widths) == sum(WANTED) - 40


def test_then_reason_narrows_down_to_its_floor():
    spare = sum(WANTED) - sum(CONTENTS)
    widths = fit_routing_widths(WANTED, CONTENTS, sum(WANTED) - spare - 30, floor=100)
    assert widths == [*CONTENTS[:REASON_COLUMN], 135]
    assert fit_routing_widths(WANTED, CONTENTS, 500, floor=100)[REASON_COLUMN] == 100


def test_narrowed_reason_cell_tooltip_has_the_full_reason(store):
    model = CertTypeTableModel(store)
    tip = model.data(model.index(0, REASON_COLUMN), Qt.ItemDataRole.ToolTipRole)
    decision = store.evaluation.decisions[0]
    assert tip.startswith(f"{decision.label} · rule {decision.rule}\n\n{decision.rationale}")


@pytest.fixture
def fitted(qtbot, store):
    """A type table whose routing columns want WANTED and hold CONTENTS, fitted to its view."""
    table = QTableView()
    qtbot.addWidget(table)
    table.setModel(CertTypeTableModel(store, table))
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    for col, width in enumerate(WANTED):
        table.setColumnWidth(col, width)
    fit = RoutingColumnsFit(table)
    table.resize(2000, 400)
    table.show()
    qtbot.waitExposed(table)
    fit.refit(CONTENTS)
    return table


def _resize_view(qtbot, table: QTableView, viewport_width: int) -> None:
    table.resize(table.width() - table.viewport().width() + viewport_width, 400)
    qtbot.waitUntil(lambda: table.viewport().width() == viewport_width)


def _widths(table: QTableView) -> list[int]:
    return [table.columnWidth(c) for c in range(REASON_COLUMN + 1)]


def test_routing_columns_follow_the_view_width_and_come_back(qtbot, fitted):
    assert _widths(fitted) == WANTED
    _resize_view(qtbot, fitted, sum(WANTED) - 40)
    assert _widths(fitted) == [*WANTED[:5], 110, 130, 165]
    _resize_view(qtbot, fitted, 1500)
    assert _widths(fitted) == WANTED


def test_a_column_the_user_widened_keeps_its_width_while_it_fits(qtbot, fitted):
    fitted.horizontalHeader().resizeSection(0, 270)  # as a drag on the header does
    _resize_view(qtbot, fitted, 1400)
    assert _widths(fitted) == [270, *WANTED[1:]]
