"""The app's stylesheet and fonts: calm, readable on a projector, one place to change them."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.gui.palette import ACCENT, MUTED_TEXT, WARNING_TONE

BASE_POINT_SIZE = 10
PRESENTATION_SCALE = 1.35
REFERENCE_HEIGHT = 900  # pixels: up to this tall, presentation type is 1.35 × normal


def stylesheet(point_size: float) -> str:
    big = point_size * 1.6
    medium = point_size * 1.2
    return f"""
    QMainWindow, QTabWidget::pane {{ background: #f7f8fa; }}
    QLabel[role="h1"] {{ font-size: {big:.1f}pt; font-weight: 600; color: #1d2733; }}
    QLabel[role="h2"] {{ font-size: {medium:.1f}pt; font-weight: 600; color: #1d2733; }}
    QLabel[role="summary"] {{ font-size: {medium:.1f}pt; font-weight: 600;
                              color: {ACCENT.name()}; }}
    QLabel[role="muted"] {{ color: {MUTED_TEXT.name()}; }}
    QLabel[role="value"] {{ font-size: {medium:.1f}pt; }}
    QLabel[role="figure"] {{ font-size: {big:.1f}pt; font-weight: 600; color: #1d2733; }}
    QLabel[role="error"] {{ color: {WARNING_TONE.name()}; }}
    QTableView {{ background: white; gridline-color: #e3e6ea;
                  selection-background-color: #cfe0f5; selection-color: #1d2733; }}
    QHeaderView::section {{ background: #eef1f4; padding: 6px; border: none;
                            border-bottom: 1px solid #d5dae0; font-weight: 600; }}
    QGroupBox {{ font-weight: 600; border: 1px solid #dde2e7; border-radius: 6px;
                 margin-top: 14px; padding-top: 8px; background: white; }}
    QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
    QFrame#findingCard {{ background: white; border: 1px solid #ecd3d0;
                          border-left: 4px solid {WARNING_TONE.name()}; border-radius: 4px; }}
    QToolButton[role="chip"] {{ border: 1px solid #d5dae0; border-radius: 10px;
                                padding: 2px 10px; background: white; }}
    QToolButton[role="chip"][compact="true"] {{ padding: 1px 6px;
                                                font-size: {point_size * 0.85:.1f}pt; }}
    QToolButton[role="chip"]:checked {{ background: {ACCENT.name()}; color: white;
                                        border-color: {ACCENT.name()}; }}
    QTabBar::tab {{ padding: 8px 22px; }}
    QTabBar::tab:selected {{ font-weight: 600; }}
    QScrollArea {{ background: transparent; }}
    """


def presentation_scale(screen_height: int | None) -> float:
    """How much presentation mode enlarges type on a screen `screen_height` pixels tall.

    The room sees the screen, not the pixels: a 2160-line projector gets twice the type of
    a 1080-line one, and nothing gets less than PRESENTATION_SCALE.
    """
    if not screen_height:
        return PRESENTATION_SCALE
    return PRESENTATION_SCALE * max(1.0, screen_height / REFERENCE_HEIGHT)


def apply_style(app: QApplication, *, presentation: bool = False,
                screen_height: int | None = None) -> None:
    """Apply fonts and stylesheet; presentation mode scales every size up for the screen."""
    size = BASE_POINT_SIZE * (presentation_scale(screen_height) if presentation else 1.0)
    font = QFont(app.font())
    font.setPointSizeF(size)
    app.setFont(font)
    app.setStyleSheet(stylesheet(size))
