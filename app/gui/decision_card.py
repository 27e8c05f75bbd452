"""DecisionCard: the selected type's decision, its workflow components and any override."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui import commands
from app.gui.labels import WrappedLabel
from app.gui.palette import OVERRIDE_TONE, WARNING_TONE, WORKFLOW_TONE
from app.gui.store import ProjectStore
from app.gui.widgets import (
    heading,
    set_badge,
    set_style_quietly,
    set_text_quietly,
    wrapped_label,
)
from models import display
from models.certificate import AdminDesign, CombinedDesign, Override
from models.enums import Workflow

# ROUTING-RULES.md "Workflow components": (field, label) in the article's order.
COMBINED_FIELDS = (
    ("policy_definition", "Policy definition"),
    ("identity_method", "Identity verification"),
    ("issuance_api", "Issuance API"),
    ("delivery", "Delivery"),
    ("renewal", "Renewal automation"),
)
ADMIN_TEXT_FIELDS = (
    ("catalogue_channel", "Service catalogue entry"),
    ("validation", "Validation and fulfilment"),
    ("delivery", "Delivery and acknowledgement"),
)


def _split(text: str, sep: str) -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


class DecisionCard(QWidget):
    """Shows one row's decision and edits its workflow design through the store."""

    _refresh_requested = Signal()  # internal: a queued refresh, see __init__

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._row: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)

        self.title = heading(level=1, cls=WrappedLabel)
        self.profile = wrapped_label(muted=True, cls=WrappedLabel)
        badge_row = QHBoxLayout()
        self.badge = QLabel()
        # Word-wrapped: long labels never widen the card.
        self.reason = heading(level=2, cls=WrappedLabel)
        badge_row.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        badge_row.addWidget(self.reason, 1)
        self.rationale = wrapped_label(cls=WrappedLabel)
        self.note = wrapped_label(muted=True, cls=WrappedLabel)
        self.controls = wrapped_label(cls=WrappedLabel)
        self.exceptions = wrapped_label(cls=WrappedLabel)
        self.exceptions.setStyleSheet(f"color: {WARNING_TONE.name()}; font-weight: 600;")
        for widget in (self.title, self.profile):
            layout.addWidget(widget)
        layout.addLayout(badge_row)
        for widget in (self.rationale, self.note, self.controls, self.exceptions):
            layout.addWidget(widget)

        self.components_box = QGroupBox()
        self._build_components()
        layout.addWidget(self.components_box)
        self.override_box = QGroupBox("Manual override")
        self._build_override()
        layout.addWidget(self.override_box)
        layout.addStretch(1)

        # One edit emits several signals; refresh once, when control returns to the loop.
        # A queued call, not a zero timer: posted calls run before the window's pending
        # paint, so the card's new layout is painted in the same pass as the table's and
        # the findings' changes instead of in a second layout-and-paint pass.
        self._refresh_pending = False
        self._refresh_requested.connect(self._on_refresh_requested,
                                        Qt.ConnectionType.QueuedConnection)
        for signal in (store.evaluation_changed, store.types_changed, store.project_replaced):
            signal.connect(self._schedule_refresh)
        self.show_row(None)

    # --- building ------------------------------------------------------------------------

    def _build_components(self) -> None:
        outer = QVBoxLayout(self.components_box)
        self.combined_form = QWidget()
        form = QFormLayout(self.combined_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.combined_edits: dict[str, QLineEdit] = {}
        for key, label in COMBINED_FIELDS:
            edit = QLineEdit()
            edit.setToolTip(CombinedDesign.model_fields[key].description or label)
            edit.editingFinished.connect(self._commit_combined)
            self.combined_edits[key] = edit
            form.addRow(label, edit)
        self.admin_form = QWidget()
        form = QFormLayout(self.admin_form)
        form.setContentsMargins(0, 0, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.admin_edits: dict[str, QLineEdit] = {}
        for key, label in ADMIN_TEXT_FIELDS[:1]:
            self.admin_edits[key] = self._admin_line(form, key, label)
        self.approver_roles = self._admin_line(form, "approver_roles", "Approver roles")
        self.approver_roles.setPlaceholderText("comma-separated, e.g. CISO, Finance")
        self.approvals_required = QSpinBox()
        self.approvals_required.setRange(1, 9)
        self.approvals_required.setToolTip(AdminDesign.model_fields["approvals_required"]
                                           .description or "")
        self.approvals_required.valueChanged.connect(self._commit_approvals_required)
        form.addRow("Approvals required", self.approvals_required)
        self.criteria = QPlainTextEdit()
        self.criteria.setPlaceholderText("One criterion per line: what the approver verifies")
        self.criteria.setFixedHeight(84)
        self.criteria_apply = QPushButton("Apply criteria")
        self.criteria_apply.clicked.connect(self._commit_admin)
        criteria_box = QVBoxLayout()
        criteria_box.addWidget(self.criteria)
        criteria_box.addWidget(self.criteria_apply, alignment=Qt.AlignmentFlag.AlignRight)
        form.addRow("Approval criteria", criteria_box)
        for key, label in ADMIN_TEXT_FIELDS[1:]:
            self.admin_edits[key] = self._admin_line(form, key, label)
        self.notice_days = self._admin_line(form, "notice_days", "Renewal notices (days)")
        outer.addWidget(self.combined_form)
        outer.addWidget(self.admin_form)

    def _admin_line(self, form: QFormLayout, key: str, label: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setToolTip(AdminDesign.model_fields[key].description or label)
        edit.editingFinished.connect(self._commit_admin)
        form.addRow(label, edit)
        return edit

    def _build_override(self) -> None:
        layout = QVBoxLayout(self.override_box)
        self.override_enabled = QCheckBox("Override the rule's decision")
        self.override_workflow = QComboBox()
        for workflow in Workflow:
            self.override_workflow.addItem(workflow.value, workflow.value)
        self.override_text = QPlainTextEdit()
        self.override_text.setPlaceholderText(
            "Written justification (required): why the rule's decision is wrong for this type")
        self.override_text.setFixedHeight(64)
        self.override_apply = QPushButton("Apply override")
        self.override_remove = QPushButton("Remove override")
        self.override_status = wrapped_label(muted=True, cls=WrappedLabel)
        row = QHBoxLayout()
        row.addWidget(QLabel("Route to"))
        row.addWidget(self.override_workflow, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.override_remove)
        buttons.addWidget(self.override_apply)
        layout.addWidget(self.override_enabled)
        layout.addLayout(row)
        layout.addWidget(self.override_text)
        layout.addLayout(buttons)
        layout.addWidget(self.override_status)
        self.override_enabled.toggled.connect(self._on_override_toggled)
        self.override_apply.clicked.connect(self.apply_override)
        self.override_remove.clicked.connect(self.remove_override)

    # --- showing -------------------------------------------------------------------------

    def _schedule_refresh(self, *_args) -> None:
        if not self._refresh_pending:
            self._refresh_pending = True
            self._refresh_requested.emit()

    def _on_refresh_requested(self) -> None:
        if self._refresh_pending:  # show_row() may have refreshed already
            self._refresh()

    def show_row(self, row: int | None) -> None:
        self._row = row
        self._refresh()

    def _refresh(self, *_args) -> None:
        self._refresh_pending = False
        types = self._store.project.types
        if self._row is not None and self._row >= len(types):
            self._row = None
        visible = self._row is not None
        for widget in (self.components_box, self.override_box, self.badge):
            widget.setVisible(visible)
        if not visible:
            if types:
                self.title.setText("No certificate type selected")
                self.profile.setText("Select a row of the inventory to see its decision.")
            else:
                self.title.setText("No certificate types yet")
                self.profile.setText("Add a type (Ctrl+Shift+N) to start the inventory: "
                                     "its workflow and the reason appear here as you edit.")
            for label in (self.reason, self.rationale, self.note, self.controls,
                          self.exceptions):
                label.setText("")
            return
        assert self._row is not None
        ctype = types[self._row]
        decision = self._store.evaluation.decisions[self._row]
        self.title.setText(ctype.name)
        self.profile.setText(display.describe(ctype))
        tone = OVERRIDE_TONE if decision.overridden else WORKFLOW_TONE[decision.workflow]
        set_badge(self.badge, decision.workflow.value.upper(), tone)
        rule = (f"rule {decision.rule} bypassed" if decision.overridden
                else f"rule {decision.rule}")
        self.reason.setText(f"{decision.label}  ·  {rule}")
        self.rationale.setText(decision.rationale)
        self.note.setText(f"Note: {decision.note}" if decision.note else "")
        self.note.setVisible(bool(decision.note))
        self.controls.setText("Controls to document:\n" + "\n".join(
            f"  •  {c}" for c in decision.controls))
        self.exceptions.setText("\n".join(f"Exception: {e}" for e in decision.exceptions))
        self.exceptions.setVisible(bool(decision.exceptions))
        self._show_components(ctype, decision.workflow)
        self._show_override(ctype, decision)

    def _show_components(self, ctype, workflow: Workflow) -> None:
        combined = workflow is Workflow.COMBINED
        self.components_box.setTitle(
            "Combined workflow — the five components" if combined
            else "Admin-mediated workflow — the five components")
        self.combined_form.setVisible(combined)
        self.admin_form.setVisible(not combined)
        for key, edit in self.combined_edits.items():
            set_text_quietly(edit, getattr(ctype.combined, key))
        admin = ctype.admin
        for key, edit in self.admin_edits.items():
            set_text_quietly(edit, getattr(admin, key))
        set_text_quietly(self.approver_roles, ", ".join(admin.approver_roles))
        set_text_quietly(self.criteria, "\n".join(admin.approval_criteria))
        set_text_quietly(self.notice_days, ", ".join(str(d) for d in admin.notice_days))
        self.approvals_required.blockSignals(True)
        self.approvals_required.setValue(admin.approvals_required)
        self.approvals_required.blockSignals(False)

    def _show_override(self, ctype, decision) -> None:
        override = ctype.override
        self.override_enabled.blockSignals(True)
        self.override_enabled.setChecked(override is not None)
        self.override_enabled.blockSignals(False)
        if override is not None:
            self.override_workflow.setCurrentIndex(
                self.override_workflow.findData(override.workflow.value))
            set_text_quietly(self.override_text, override.justification)
        else:
            other = (Workflow.ADMIN_MEDIATED if decision.rule_workflow is Workflow.COMBINED
                     else Workflow.COMBINED)
            self.override_workflow.setCurrentIndex(self.override_workflow.findData(other.value))
            set_text_quietly(self.override_text, "")
        self._on_override_toggled(override is not None)
        self.override_remove.setEnabled(override is not None)
        if decision.overridden:
            self.override_status.setText(
                f"Overridden: rule {decision.rule} would route this type "
                f"{decision.rule_workflow}. The findings flag it as workflow drift.")
            set_style_quietly(self.override_status, f"color: {OVERRIDE_TONE.name()};")
        else:
            self.override_status.setText(
                "Overrides need a written justification and are flagged by the findings.")
            set_style_quietly(self.override_status, "")

    def _on_override_toggled(self, on: bool) -> None:
        for widget in (self.override_workflow, self.override_text, self.override_apply):
            widget.setEnabled(on)

    # --- editing -------------------------------------------------------------------------

    def _ctype(self):
        return None if self._row is None else self._store.project.types[self._row]

    def _commit_combined(self) -> None:
        ctype = self._ctype()
        if ctype is None:
            return
        values = {key: edit.text() for key, edit in self.combined_edits.items()}
        if values != ctype.combined.model_dump():
            commands.edit_type(self._store, self._row, f"Edit workflow design of {ctype.name}",
                               combined=values)

    def _commit_admin(self) -> None:
        ctype = self._ctype()
        if ctype is None:
            return
        try:
            days = [int(d) for d in _split(self.notice_days.text(), ",")]
        except ValueError:
            self._store.error.emit(
                f"Renewal notices: {self.notice_days.text()!r} is not a list of whole days")
            return
        values = {
            **{key: edit.text() for key, edit in self.admin_edits.items()},
            "approver_roles": _split(self.approver_roles.text(), ","),
            "approvals_required": self.approvals_required.value(),
            "approval_criteria": _split(self.criteria.toPlainText(), "\n"),
            "notice_days": days,
        }
        try:
            unchanged = AdminDesign.model_validate(values) == ctype.admin
        except ValidationError:
            unchanged = False  # edit_type reports the problem
        if not unchanged:
            commands.edit_type(self._store, self._row, f"Edit approval design of {ctype.name}",
                               admin=values)

    def _commit_approvals_required(self, value: int) -> None:
        ctype = self._ctype()
        if ctype is not None and value != ctype.admin.approvals_required:
            commands.edit_type(self._store, self._row, f"Set approvals of {ctype.name}",
                               merge=True, admin={**ctype.admin.model_dump(),
                                                  "approvals_required": value})

    def apply_override(self) -> None:
        ctype = self._ctype()
        if ctype is None:
            return
        justification = self.override_text.toPlainText().strip()
        if len(justification) < 10:
            self._store.error.emit(
                "An override needs a written justification (at least 10 characters).")
            return
        override = Override(workflow=Workflow(self.override_workflow.currentData()),
                            justification=justification)
        commands.edit_type(self._store, self._row, f"Override routing of {ctype.name}",
                           override=override.model_dump())

    def remove_override(self) -> None:
        ctype = self._ctype()
        if ctype is not None and ctype.override is not None:
            commands.edit_type(self._store, self._row, f"Remove override of {ctype.name}",
                               override=None)

