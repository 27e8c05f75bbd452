"""FindBar: the Route tab's find field, its count, the workflow and reason chips, saved order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.flow_layout import FlowLayout
from app.gui.store import ProjectStore
from app.gui.type_filter import SAVED_ORDER, TypeFilterProxy
from models.enums import ReasonCode, Workflow
from models.identity_diff import replaced
from models.routing import Decision

# Typing in a 5,000-type inventory re-filters once the typing pauses this long.
FILTER_DELAY_MS = 120


class FindBar(QWidget):
    """Find (Ctrl+F) over name, owner and the enumerated columns, with "12 of 340 types";
    chips narrow to a workflow or a reason; "Saved order" undoes a header sort."""

    def __init__(self, store: ProjectStore, proxy: TypeFilterProxy,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._proxy = proxy
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find: name, owner, purpose, CA, workflow, reason …")
        self.field.setClearButtonEnabled(True)
        self.field.setToolTip("Ctrl+F. Every word must appear in the type's name, owner or an "
                              "enumerated column; Esc clears.")
        self.field.setMinimumWidth(260)
        self.count = QLabel()
        self.count.setProperty("role", "muted")
        self.saved_order = QToolButton()
        self.saved_order.setText("Saved order")
        self.saved_order.setToolTip("Sorting by a column header changes only the view; this "
                                    "shows the types in the order the project keeps again")
        self.saved_order.clicked.connect(self.show_saved_order)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FILTER_DELAY_MS)
        self._timer.timeout.connect(self._apply_text)
        self.field.textChanged.connect(self._timer.start)
        self.field.returnPressed.connect(self._apply_text)

        self.workflow_chips: dict[Workflow, QToolButton] = {}
        self.reason_chips: dict[ReasonCode, QToolButton] = {}
        chips = QWidget()
        self._chip_row = FlowLayout(chips)
        self._show_label = show = QLabel("Show")
        show.setProperty("role", "muted")
        self._chip_row.addWidget(show)
        for workflow in Workflow:
            self.workflow_chips[workflow] = self._chip(workflow.value)
        for reason in ReasonCode:
            self.reason_chips[reason] = self._chip("")
        show.setMinimumHeight(self.workflow_chips[Workflow.COMBINED].sizeHint().height())

        top = QHBoxLayout()
        top.setSpacing(8)
        top.addWidget(self.field, 1)
        top.addWidget(self.count)
        top.addWidget(self.saved_order)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(chips)

        for signal in (proxy.rowsInserted, proxy.rowsRemoved, proxy.modelReset,
                       proxy.layoutChanged):
            signal.connect(self._refresh_count)
        self._counted: object = None  # the decisions the chips count
        self._workflows: Counter[Workflow] = Counter()
        self._reasons: Counter[ReasonCode] = Counter()
        self._labels: dict[ReasonCode, str] = {}
        store.evaluation_changed.connect(self._refresh_chips)
        store.project_replaced.connect(self._refresh_chips)
        self._refresh_chips()
        self._refresh_count()

    def _chip(self, text: str) -> QToolButton:
        chip = QToolButton()
        chip.setText(text)
        chip.setCheckable(True)
        chip.setProperty("role", "chip")
        chip.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        chip.toggled.connect(self._apply_chips)
        self._chip_row.addWidget(chip)
        return chip

    def set_compact(self, compact: bool) -> None:
        """Narrow (presentation type on a projector): tighter chips without the "Show" label,
        so a workshop's chips stay on one line above the table."""
        self._show_label.setVisible(not compact)
        for chip in (*self.workflow_chips.values(), *self.reason_chips.values()):
            chip.setProperty("compact", compact)
            chip.style().unpolish(chip)
            chip.style().polish(chip)

    # --- user actions ------------------------------------------------------------------

    def focus_find(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.field.hasFocus():
            self.clear()
            return
        super().keyPressEvent(event)

    def clear(self) -> None:
        """Show every type again (text and chips cleared)."""
        self._timer.stop()
        self.field.clear()
        for chip in (*self.workflow_chips.values(), *self.reason_chips.values()):
            chip.blockSignals(True)
            chip.setChecked(False)
            chip.blockSignals(False)
        self._proxy.clear_filter()
        self._refresh_count()

    def show_saved_order(self) -> None:
        self._proxy.sort(SAVED_ORDER)
        self._refresh_count()

    def _apply_text(self) -> None:
        self._timer.stop()
        self._proxy.set_text(self.field.text())
        self._refresh_count()

    def _apply_chips(self) -> None:
        self._proxy.set_workflows(frozenset(w for w, c in self.workflow_chips.items()
                                            if c.isChecked()))
        self._proxy.set_reasons(frozenset(r for r, c in self.reason_chips.items()
                                          if c.isChecked()))
        self._refresh_count()

    # --- display -------------------------------------------------------------------------

    def _refresh_count(self, *_args) -> None:
        self.count.setText(self._proxy.count_text())
        self.saved_order.setEnabled(self._proxy.sorted_view)

    def _tally(self, decisions: Iterable[Decision], count: int) -> None:
        for decision in decisions:
            self._workflows[decision.workflow] += count
            self._reasons[decision.reason] += count
            self._labels[decision.reason] = decision.label

    def _refresh_chips(self, *_args) -> None:
        """Chips for the reasons the design uses, with how many types each has."""
        decisions, counted = self._store.evaluation.decisions, self._counted
        if decisions is counted:
            return  # the same decisions object: no type re-routed (a cost or score edit)
        self._counted = decisions
        if isinstance(counted, tuple) and len(counted) == len(decisions):
            # An edit re-routes a few types: move their counts (the rest are the same objects).
            moved = replaced(counted, decisions)
            self._tally((counted[r] for r in moved), -1)
            self._tally((decisions[r] for r in moved), +1)
        else:
            self._workflows.clear()
            self._reasons.clear()
            # Decisions are shared per rule (a few objects for 5,000 types): count objects
            # by identity in C, then add up their workflows and reasons.
            objects = dict(zip(map(id, decisions), decisions, strict=True))
            for key, count in Counter(map(id, decisions)).items():
                self._tally((objects[key],), count)
        workflows, reasons, labels = self._workflows, self._reasons, self._labels
        for workflow, chip in self.workflow_chips.items():
            chip.setText(f"{workflow.value} {workflows[workflow]:,}")
        for reason, chip in self.reason_chips.items():
            present = reasons[reason] > 0 or chip.isChecked()
            chip.setVisible(present)
            if present:
                chip.setText(f"{labels.get(reason, reason.value)} {reasons[reason]:,}")
        self._refresh_count()
