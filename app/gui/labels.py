"""WrappedLabel: a word-wrapped label that measures and draws its changing text cheaply."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QLabel, QWidget

Interaction = Qt.TextInteractionFlag


class WrappedLabel(QLabel):
    """A word-wrapped QLabel for text that changes with every edit (decision card, findings).

    Measuring: layouts ask a wrapped label its height at a width many times for one change
    (~115 times for the card and the findings on a re-routing edit) and QLabel lays the
    text out afresh for each answer. The answers depend only on the text, the font and the
    width, so the label keeps them for the texts it showed recently.

    Selecting: QLabel lays selectable text out and draws it through a QTextDocument, several
    times slower than plain text, again after every resize, and asks for a second paint when
    that happens during a paint. Both draw the same pixels, so the label keeps its text plain
    and becomes selectable when the pointer comes over it; it turns plain again at its next
    new text unless it is in use (under the pointer, focused or with a selection).
    """

    _LIMIT = 64  # answers kept per label; a label shows a handful of texts in turn

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._heights: dict[tuple[str, int], int] = {}
        self._hints: dict[str, tuple[QSize, QSize]] = {}
        self._plain = super().textInteractionFlags()
        self._wanted = self._plain  # the interaction asked for, given while in use

    # --- selecting -----------------------------------------------------------------------

    def setTextInteractionFlags(self, flags: Interaction) -> None:
        self._wanted = flags
        if flags != self._plain:  # plain text drawn where QLabel draws selectable text
            self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if self.underMouse() or self.hasFocus():
            super().setTextInteractionFlags(flags)

    def setText(self, text: str) -> None:
        if text == self.text():
            return
        if super().textInteractionFlags() != self._plain and not (
                self.underMouse() or self.hasFocus() or self.hasSelectedText()):
            super().setTextInteractionFlags(self._plain)
        super().setText(text)

    def enterEvent(self, event: QEnterEvent) -> None:
        if super().textInteractionFlags() != self._wanted:
            super().setTextInteractionFlags(self._wanted)
        super().enterEvent(event)

    # --- measuring -----------------------------------------------------------------------

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
