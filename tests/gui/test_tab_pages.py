"""The main window's tabs: an edit repaints what changed, and real layout changes still apply."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QFont

from app.gui import commands


class _PaintRecorder(QObject):
    """Records the rectangles a widget is asked to paint."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.rects: list[QRect] = []
        widget.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.rects.append(event.rect())
        return False


def _edit_hourly_rate(store, rate: float) -> None:
    cost = store.project.cost
    inputs = cost.inputs.model_copy(update={"hourly_rate": rate})
    commands.edit_section(store, "cost", cost.model_copy(update={"inputs": inputs}), "Rate")


def test_a_cost_edit_does_not_repaint_the_whole_window(window, qtbot, qapp):
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    tab = window.tab_widgets.show("cost")
    qapp.processEvents()
    recorder = _PaintRecorder(window.tabs)
    _edit_hourly_rate(window.store, 81.0)
    qapp.processEvents()
    assert tab.figures["total_cost"].text() == "£3.75M"  # the figures did change
    full = window.tabs.rect()
    assert all(rect != full for rect in recorder.rects), recorder.rects


def test_a_tab_bar_change_still_lays_the_page_out_again(window, qtbot, qapp):
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    qapp.processEvents()
    bar = window.tabs.tabBar()
    before = bar.height()
    font = QFont(window.font())
    font.setPointSizeF(font.pointSizeF() * 1.6)
    bar.setFont(font)  # the tab bar grows: the page must move down below it
    qtbot.waitUntil(lambda: bar.height() > before)
    page = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: page.mapTo(window.tabs, page.rect().topLeft()).y() >= bar.height())


def test_tabs_behind_refresh_when_they_come_to_the_front(window, qtbot, qapp):
    window.show()
    qtbot.waitExposed(window)
    cost = window.tab_widgets.show("cost")
    issue = window.tab_widgets.show("issue")
    legacy = window.store.project.types[5]  # Legacy mainframe TLS: admin-mediated, weak identity
    issue.select_type(legacy.id)
    assert issue.profile.badge.text() == "ADMIN-MEDIATED"
    window.tab_widgets.show("route")
    qapp.processEvents()

    _edit_hourly_rate(window.store, 81.0)
    commands.edit_type(window.store, 5, "Identity", identity="strong")  # now combined
    qapp.processEvents()
    assert cost.figures["total_cost"].text() == "£3.37M"  # behind the Route tab: not redrawn
    assert issue.profile.badge.text() == "ADMIN-MEDIATED"

    window.tab_widgets.show("cost")
    assert cost.figures["total_cost"].text() == "£3.75M"  # up to date as soon as it is shown
    window.tab_widgets.show("issue")
    assert issue.profile.badge.text() == "COMBINED"


def test_a_tab_built_outside_a_window_refreshes_at_once(store, qtbot):
    from app.gui.cost_tab import CostTab

    tab = CostTab(store)
    qtbot.addWidget(tab)
    _edit_hourly_rate(store, 81.0)
    assert tab.figures["total_cost"].text() == "£3.75M"
