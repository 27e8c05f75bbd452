"""The app's stylesheet and fonts: calm, readable on a projector, one place to change them."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from app.gui.palette import ACCENT, MUTED_TEXT, WARNING_TONE

BASE_POINT_SIZE = 10
PRESENTATION_SCALE = 1.35


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
    QToolButton[role="chip"]:checked {{ background: {ACCENT.name()}; color: white;
                                        border-color: {ACCENT.name()}; }}
    QTabBar::tab {{ padding: 8px 22px; }}
    QTabBar::tab:selected {{ font-weight: 600; }}
    QScrollArea {{ background: transparent; }}
    """


def apply_style(app: QApplication, *, presentation: bool = False) -> None:
    """Apply fonts and stylesheet; presentation mode scales every size up."""
    size = BASE_POINT_SIZE * (PRESENTATION_SCALE if presentation else 1.0)
    font = QFont(app.font())
    font.setPointSizeF(size)
    app.setFont(font)
    app.setStyleSheet(stylesheet(size))
