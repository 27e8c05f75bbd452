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
# Cost chart layers: visible analyst time calm, hidden cost amber, blocked services red,
# the combined workflow's running cost in the combined tone.
COST_COMPONENT_TONE = {
    "analyst_cost": QColor("#6b8fb8"),
    "hidden_cost": QColor("#d9962f"),
    "blocked_cost": QColor("#b5544c"),
    "combined_run_cost": QColor("#1f7a68"),
}
SAVING_TONE = QColor("#1f7a68")
SAVING_TINT = QColor(31, 122, 104, 55)
SPENDING_TINT = QColor(179, 38, 30, 40)
