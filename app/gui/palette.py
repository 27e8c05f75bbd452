"""The app's calm colours, declared once: workflows, severities, text."""

from __future__ import annotations

from PySide6.QtGui import QColor

from models.enums import Workflow

# Light tints for table cells, strong tones for badges and chart series.
WORKFLOW_TINT = {
    Workflow.COMBINED: QColor("#dcefe9"),
    Workflow.ADMIN_MEDIATED: QColor("#f8e7cf"),
}
WORKFLOW_TONE = {
    Workflow.COMBINED: QColor("#1f7a68"),
    Workflow.ADMIN_MEDIATED: QColor("#b06a10"),
}
OVERRIDE_TONE = QColor("#8a3ffc")
WARNING_TONE = QColor("#b3261e")
MUTED_TEXT = QColor("#5f6b76")
ACCENT = QColor("#2b5d9b")
TARGET = QColor("#8a8f98")
CHART_GRID = QColor("#d5dae0")
CHART_TEXT = QColor("#1d2733")
