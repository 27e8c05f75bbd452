"""WrappedLabel: a word-wrapped label that remembers its text measurements."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QLabel, QWidget


class WrappedLabel(QLabel):
    """A word-wrapped QLabel whose size answers are cached per text and width.

    Layouts ask a wrapped label its height at a width many times for one change: a
    re-routing edit asked the decision card's and the findings' labels ~115 times, and
    QLabel measures the text afresh for each answer (a whole QTextDocument layout when the
    text is selectable), which was most of the edit's time. The answers depend only on the
    text, the font and the width, so the label keeps them for the texts it showed recently:
    an edit and its undo cost one measurement each, not dozens.
    """

    _LIMIT = 64  # answers kept per label; a label shows a handful of texts in turn

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[tuple[str, int], int] = {}
        self._hints: dict[str, tuple[QSize, QSize]] = {}

    def heightForWidth(self, width: int) -> int:
        key = (self.text(), width)
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) >= self._LIMIT:
                self._heights.clear()
            height = self._heights[key] = super().heightForWidth(width)
        return height

    def sizeHint(self) -> QSize:
        return QSize(self._size_hints()[0])

    def minimumSizeHint(self) -> QSize:
        return QSize(self._size_hints()[1])

    def _size_hints(self) -> tuple[QSize, QSize]:
        text = self.text()
        hints = self._hints.get(text)
        if hints is None:
            if len(self._hints) >= self._LIMIT:
                self._hints.clear()
            hints = self._hints[text] = (super().sizeHint(), super().minimumSizeHint())
        return hints

    def changeEvent(self, event: QEvent) -> None:
        # A new font or style sheet (presentation mode, a colour) changes every measurement.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._heights.clear()
            self._hints.clear()
        super().changeEvent(event)
