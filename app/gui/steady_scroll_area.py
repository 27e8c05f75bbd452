"""SteadyScrollArea: its content keeps its width as the vertical scroll bar comes and goes."""

from __future__ import annotations

from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QScrollArea, QWidget


class SteadyScrollArea(QScrollArea):
    """A vertically scrolling area whose content is always as wide as beside a scroll bar.

    A plain QScrollArea narrows its content when the scroll bar appears and widens it when
    the bar goes, so every word-wrapped label re-flows: an edit that made the decision card
    too tall to fit re-measured and re-painted each label at a second width (~3 ms), and
    the text jumped sideways. Here the content keeps the narrower width, and while the bar
    is hidden the viewport shows in its place, painted in the content's background.
    """

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setWidget(content)
        self._content = content

    def paintEvent(self, event: QPaintEvent) -> None:
        # The viewport beside the content while the bar is hidden: the content's background.
        content = self._content
        QPainter(self.viewport()).fillRect(
            event.rect(), content.palette().color(content.backgroundRole()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        bar = self.verticalScrollBar().sizeHint().width()
        self._content.setMaximumWidth(max(0, self.maximumViewportSize().width() - bar))
        super().resizeEvent(event)
