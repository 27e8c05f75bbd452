"""SteadyScrollArea: the content keeps its width when the scroll bar comes and goes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.gui.steady_scroll_area import SteadyScrollArea


def test_content_keeps_its_width_as_the_scroll_bar_comes_and_goes(qtbot, qapp):
    content = QWidget()
    layout = QVBoxLayout(content)
    label = QLabel("row")
    layout.addWidget(label)
    area = SteadyScrollArea(content)
    qtbot.addWidget(area)
    area.resize(300, 200)
    area.show()
    qtbot.waitExposed(area)
    bar = area.verticalScrollBar()
    assert not bar.isVisible()
    width = content.width()
    assert width < area.viewport().width()  # room kept for the bar

    label.setMinimumHeight(600)  # too tall: the bar appears
    qtbot.waitUntil(bar.isVisible)
    assert content.width() == width == area.viewport().width()

    label.setMinimumHeight(0)  # fits again: the bar goes
    qtbot.waitUntil(lambda: not bar.isVisible())
    assert content.width() == width
