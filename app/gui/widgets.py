"""Small display helpers shared by the panels: labels, badges, guarded setters, scrolling."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QWidget,
)


def wrapped_label(text: str = "", *, muted: bool = False, selectable: bool = True,
                  cls: type[QLabel] = QLabel) -> QLabel:
    label = cls(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setProperty("role", "muted")
    return label


def problem_label() -> QLabel:
    """A dialog's one-line reason for refusing its input, hidden until there is one."""
    label = wrapped_label()
    label.setProperty("role", "error")
    label.hide()
    return label


def heading(text: str = "", *, level: int = 1, cls: type[QLabel] = QLabel) -> QLabel:
    label = cls(text)
    label.setWordWrap(True)
    label.setProperty("role", f"h{level}")
    return label


def leave_focused_field(container: QWidget) -> None:
    """Take the cursor out of the field inside `container` that has it, if any.

    Fields apply what was typed as they are left, so this applies it (before a save, or
    before a form turns to another item) without the user pressing Enter.
    """
    focused = QApplication.focusWidget()
    if focused is not None and container.isAncestorOf(focused):
        focused.clearFocus()


def set_style_quietly(widget: QWidget, sheet: str) -> None:
    """Set a widget's style sheet only when it changes: re-polishing is the slow part."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def set_badge(label: QLabel, text: str, colour: QColor) -> None:
    """A rounded coloured pill, e.g. the workflow of a decision."""
    label.setText(text)
    set_style_quietly(label,
        f"QLabel {{ background: {colour.name()}; color: white; border-radius: 10px;"
        " padding: 3px 12px; font-weight: 600; }"
    )


def set_text_quietly(widget: QWidget, text: str) -> None:
    """Show `text` in an editor without emitting edits, and never under the user's cursor."""
    if widget.hasFocus():
        return
    if isinstance(widget, QLineEdit) and widget.text() != text:
        widget.blockSignals(True)
        widget.setText(text)
        widget.setCursorPosition(0)
        widget.blockSignals(False)
    elif isinstance(widget, QPlainTextEdit) and widget.toPlainText() != text:
        widget.blockSignals(True)
        widget.setPlainText(text)
        widget.blockSignals(False)


class FittingScrollArea(QScrollArea):
    """Scrolls vertically only, and is never narrower than its content needs.

    A plain QScrollArea with the horizontal bar off clips its content when a larger font
    (presentation mode) widens it; this one asks its layout for the room instead.
    """

    def __init__(self, content: QWidget, name: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setStyleSheet(f"QScrollArea#{name} {{ background: white; border: 1px solid "
                           "#dde2e7; border-radius: 6px; }")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(content)
        self._content = content

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        needed = (self._content.minimumSizeHint().width() + 2 * self.frameWidth()
                  + self.verticalScrollBar().sizeHint().width())
        return QSize(max(hint.width(), needed), hint.height())

    def sizeHint(self) -> QSize:
        return QSize(self.minimumSizeHint().width(), super().sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
        super().changeEvent(event)


def narrower_than(widget: QWidget, chars: int) -> bool:
    """Whether `widget` is narrower than `chars` average characters of its font.

    Layouts switch on characters, not pixels: presentation mode's larger type switches them
    at a wider window, as it should.
    """
    return widget.width() < chars * widget.fontMetrics().averageCharWidth()
