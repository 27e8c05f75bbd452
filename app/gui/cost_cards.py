"""The Cost tab's white cards and the aligned figure rows inside them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from app.gui.widgets import heading

CARD_STYLE = ("QFrame#costCard { background: white; border: 1px solid #dde2e7; "
              "border-radius: 6px; }")


def card(title: str | None = None, *, padding: int = 12,
         spacing: int = 6) -> tuple[QFrame, QVBoxLayout]:
    """A white rounded card and its layout; the figure tiles have no title and less padding."""
    frame = QFrame()
    frame.setObjectName("costCard")
    frame.setStyleSheet(CARD_STYLE)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, padding, 16, padding)
    layout.setSpacing(spacing)
    if title is not None:
        layout.addWidget(heading(title, level=2))
    return frame, layout


def figure_grid(layout: QVBoxLayout) -> QGridLayout:
    """A caption · value · unit grid added to a card's layout."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(6)
    grid.setVerticalSpacing(5)
    grid.setColumnStretch(0, 1)
    grid.setColumnMinimumWidth(2, 42)  # the same unit column in every card aligns values
    layout.addLayout(grid)
    return grid


def figure_row(grid: QGridLayout, caption: str, unit: str, *, total: bool = False) -> QLabel:
    """Append a row to `grid`; a total gets a rule above and bolder type. Returns the value."""
    line = grid.rowCount()
    name = QLabel(caption)
    value = QLabel()
    value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    weight = "700" if total else "600"
    value.setProperty("role", "value")  # its size is the style sheet's, so it scales
    value.setStyleSheet(f"font-weight: {weight}; color: #1d2733;")
    if total:
        name.setStyleSheet("font-weight: 700;")
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #dde2e7;")
        grid.addWidget(rule, line, 0, 1, 3)
        line += 1
    unit_label = QLabel(unit)
    unit_label.setProperty("role", "muted")
    grid.addWidget(name, line, 0)
    grid.addWidget(value, line, 1)
    grid.addWidget(unit_label, line, 2)
    return value
