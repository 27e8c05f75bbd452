"""PlainTextField: a multi-line text field that says when editing is finished, as QLineEdit does."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QPlainTextEdit


class PlainTextField(QPlainTextEdit):
    """A QPlainTextEdit whose text can be applied when the user leaves it.

    Signals:
        editingFinished(): focus left the field, other than for a popup such as its own
            context menu (the user is still editing then), as QLineEdit's signal.
    """

    editingFinished = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.editingFinished.emit()
