"""DecisionCard: the selected type's decision, its workflow components and any override."""

from __future__ import annotations

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui import commands
from app.gui.labels import WrappedLabel
from app.gui.override_box import OverrideBox
from app.gui.palette import OVERRIDE_TONE, WARNING_TONE, WORKFLOW_TONE
from app.gui.plain_text_field import PlainTextField
from app.gui.store import ProjectStore
from app.gui.widgets import (
    heading,
    leave_focused_field,
    set_badge,
    set_text_quietly,
    wrapped_label,
)
from models import display
from models.certificate import (
    AdminDesign,
    CertificateType,
    CombinedDesign,
    TypeId,
    notice_schedule,
)
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


def parse_notice_days(text: str) -> tuple[int, ...]:
    """"90, 30, 7" -> (90, 30, 7); ValueError with the reason for anything else."""
    try:
        days = [int(part) for part in _split(text, ",")]
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not a list of whole days") from None
    return notice_schedule(days)  # the model's own rule, so the field and a file agree


class DecisionCard(QWidget):
    """Shows one row's decision and edits its workflow design through the store.

    What the user types is applied when they leave the field (as one undoable edit), or
    the type: selecting another row first applies, or keeps as a draft (see OverrideBox),
    what was typed for the type shown until then.
    """

    _refresh_requested = Signal()  # internal: a queued refresh, see __init__

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._row: int | None = None
        self._type_id: TypeId | None = None  # the type the fields show and edit
        self._notice_draft: tuple[str | None, str] | None = None  # (type id, rejected text)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)

        self.title = heading(level=1, cls=WrappedLabel)
        self.profile = wrapped_label(muted=True, cls=WrappedLabel)
        # The effective maximum validity on the as-of date and the rule that capped it.
        self.validity = wrapped_label(cls=WrappedLabel)
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
        for widget in (self.title, self.profile, self.validity):
            layout.addWidget(widget)
        layout.addLayout(badge_row)
        for widget in (self.rationale, self.note, self.controls, self.exceptions):
            layout.addWidget(widget)

        self.components_box = QGroupBox()
        self._build_components()
        layout.addWidget(self.components_box)
        self.override_box = OverrideBox(store)
        layout.addWidget(self.override_box)
        layout.addStretch(1)

        # One edit emits several signals; refresh once, when control returns to the loop.
        # A queued call, not a zero timer: posted calls run before the window's pending
        # paint, so the card's new layout is painted in the same pass as the table's and
        # the findings' changes instead of in a second layout-and-paint pass.
        self._refresh_pending = False
        self._refresh_requested.connect(self._on_refresh_requested,
                                        Qt.ConnectionType.QueuedConnection)
        store.project_replaced.connect(self._on_store_project_replaced)
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
        self.criteria = PlainTextField()
        self.criteria.setPlaceholderText("One criterion per line: what the approver verifies")
        self.criteria.setFixedHeight(84)
        self.criteria.editingFinished.connect(self._commit_criteria)
        self.criteria_apply = QPushButton("Apply criteria")
        self.criteria_apply.setToolTip("The criteria also apply when you leave the field.")
        self.criteria_apply.clicked.connect(self._commit_criteria)
        criteria_box = QVBoxLayout()
        criteria_box.addWidget(self.criteria)
        criteria_box.addWidget(self.criteria_apply, alignment=Qt.AlignmentFlag.AlignRight)
        form.addRow("Approval criteria", criteria_box)
        for key, label in ADMIN_TEXT_FIELDS[1:]:
            self.admin_edits[key] = self._admin_line(form, key, label)
        self.notice_days = self._admin_line(form, "notice_days", "Renewal notices (days)")
        self.path_days: dict[str, QDoubleSpinBox] = {}
        for key, label in (("approval_sla_days", "Approval SLA (days)"),
                           ("fulfilment_days", "Fulfilment (days)")):
            spin = QDoubleSpinBox()
            spin.setRange(0, 365)
            spin.setDecimals(1)
            spin.setToolTip(AdminDesign.model_fields[key].description or label)
            spin.valueChanged.connect(lambda value, key=key: self._commit_path_days(key, value))
            self.path_days[key] = spin
            form.addRow(label, spin)
        outer.addWidget(self.combined_form)
        outer.addWidget(self.admin_form)

    def _admin_line(self, form: QFormLayout, key: str, label: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setToolTip(AdminDesign.model_fields[key].description or label)
        edit.editingFinished.connect(self._commit_admin)
        form.addRow(label, edit)
        return edit

    # --- showing -------------------------------------------------------------------------

    def _schedule_refresh(self, *_args) -> None:
        if not self._refresh_pending:
            self._refresh_pending = True
            self._refresh_requested.emit()

    def _on_refresh_requested(self) -> None:
        if self._refresh_pending:  # show_row() may have refreshed already
            self._refresh()

    compact = False

    def set_compact(self, compact: bool) -> None:
        """Compact (stacked under the table on a projector): the type's name, workflow,
        reason, rationale and controls fit without scrolling; the profile line (the table's
        columns say it), the validity cap and the note wait for the normal layout."""
        self.compact = compact
        self.validity.setVisible(not compact)
        self.profile.setVisible(not (compact and self._row is not None))
        self.note.setVisible(bool(self.note.text()) and not compact)

    def show_row(self, row: int | None) -> None:
        self._row = row
        self._refresh()

    def _refresh(self, *_args) -> None:
        self._refresh_pending = False
        if self._row is not None and self._row >= len(self._store.project.types):
            self._row = None
        shown_id = None if self._row is None else self._store.project.types[self._row].id
        if shown_id != self._type_id:
            self._leave()  # may apply an edit: read the project after it
            self._type_id = shown_id
        types = self._store.project.types
        visible = self._row is not None
        for widget in (self.components_box, self.override_box, self.badge):
            widget.setVisible(visible)
        self.profile.setVisible(not (visible and self.compact))  # or it says what to do
        if not visible:
            if types:
                self.title.setText("No certificate type selected")
                self.profile.setText("Select a row of the inventory to see its decision.")
            else:
                self.title.setText("No certificate types yet")
                self.profile.setText("Add a type (Ctrl+Shift+N) to start the inventory: "
                                     "its workflow and the reason appear here as you edit.")
            for label in (self.reason, self.rationale, self.note, self.controls,
                          self.exceptions, self.validity):
                label.setText("")
            return
        assert self._row is not None
        ctype = types[self._row]
        decision = self._store.evaluation.decisions[self._row]
        self.title.setText(ctype.name)
        self.profile.setText(display.describe(ctype))
        self._show_validity(ctype)
        tone = OVERRIDE_TONE if decision.overridden else WORKFLOW_TONE[decision.workflow]
        set_badge(self.badge, decision.workflow.value.upper(), tone)
        rule = (f"rule {decision.rule} bypassed" if decision.overridden
                else f"rule {decision.rule}")
        self.reason.setText(f"{decision.label}  ·  {rule}")
        self.rationale.setText(decision.rationale)
        self.note.setText(f"Note: {decision.note}" if decision.note else "")
        self.note.setVisible(bool(decision.note) and not self.compact)
        self.controls.setText("Controls to document:\n" + "\n".join(
            f"  •  {c}" for c in decision.controls))
        self.exceptions.setText("\n".join(f"Exception: {e}" for e in decision.exceptions))
        self.exceptions.setVisible(bool(decision.exceptions))
        self._show_components(ctype, decision.workflow)
        self.override_box.show_type(ctype, decision)

    def _show_validity(self, ctype: CertificateType) -> None:
        assert self._row is not None
        evaluation = self._store.evaluation
        limit = evaluation.limits[self._row]
        evaluated = evaluation.validity_classes[self._row]
        text = (f"Maximum validity on {limit.on.isoformat()}: {limit.days} days "
                f"({limit.kind.value}) — {limit.reason}.")
        if evaluated is not ctype.validity:
            text += f" Its {ctype.validity.value} class cannot exist then: evaluated as " \
                    f"{evaluated.value}."
        self.validity.setText(text)
        self.validity.setStyleSheet(f"color: {WARNING_TONE.name()};"
                                    if evaluated is not ctype.validity else "")

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
        draft = self._notice_draft
        if draft is not None and draft[0] == ctype.id:
            set_text_quietly(self.notice_days, draft[1])  # still being corrected
        else:
            if draft is not None:
                self._show_notice_error("")
            set_text_quietly(self.notice_days, ", ".join(str(d) for d in admin.notice_days))
        self.approvals_required.blockSignals(True)
        self.approvals_required.setValue(admin.approvals_required)
        self.approvals_required.blockSignals(False)
        for key, spin in self.path_days.items():
            spin.blockSignals(True)
            spin.setValue(getattr(admin, key))
            spin.blockSignals(False)

    # --- editing -------------------------------------------------------------------------

    def _on_store_project_replaced(self) -> None:
        # What was typed for a type of the old document must not land in the new one.
        self._type_id = None
        self._show_notice_error("")
        self.override_box.forget()
        self._drop_focus()

    def _leave(self) -> None:
        """Apply, or keep as a draft, what was typed for the type shown until now."""
        self._drop_focus()  # the focused field applies itself as it loses focus
        self._commit_combined()
        self._commit_admin()
        self.override_box.leave()

    def _drop_focus(self) -> None:
        # Fields never show a new text under the cursor (set_text_quietly): take the
        # cursor out when the card turns to another type.
        leave_focused_field(self)

    def _shown(self) -> tuple[int, CertificateType] | None:
        """Row and type the card's fields edit, looked up by id: rows move."""
        return self._store.project.find(self._type_id)

    def _commit_combined(self) -> None:
        shown = self._shown()
        if shown is None:
            return
        row, ctype = shown
        values = {key: edit.text() for key, edit in self.combined_edits.items()}
        if values != ctype.combined.model_dump():
            commands.edit_type(self._store, row, f"Edit workflow design of {ctype.name}",
                               combined=values)

    def _commit_criteria(self) -> None:
        shown = self._shown()
        if shown is None:
            return
        row, ctype = shown
        criteria = tuple(_split(self.criteria.toPlainText(), "\n"))
        if criteria != ctype.admin.approval_criteria:
            commands.edit_type(self._store, row, f"Edit approval criteria of {ctype.name}",
                               admin={**ctype.admin.model_dump(),
                                      "approval_criteria": criteria})

    def _commit_admin(self) -> None:
        shown = self._shown()
        if shown is None:
            return
        row, ctype = shown
        try:
            days = parse_notice_days(self.notice_days.text())
        except ValueError as exc:
            # The other fields still apply; the bad text stays in its field, marked, until
            # it is corrected or the card turns to another type.
            self._show_notice_error(f"Renewal notices not applied: {exc}")
            days = ctype.admin.notice_days
        else:
            self._show_notice_error("")
        values = {
            **{key: edit.text() for key, edit in self.admin_edits.items()},
            "approver_roles": _split(self.approver_roles.text(), ","),
            "approvals_required": self.approvals_required.value(),
            "approval_criteria": _split(self.criteria.toPlainText(), "\n"),
            "notice_days": days,
            **{key: spin.value() for key, spin in self.path_days.items()},
        }
        try:
            unchanged = AdminDesign.model_validate(values) == ctype.admin
        except ValidationError:
            unchanged = False  # edit_type reports the problem
        if not unchanged:
            commands.edit_type(self._store, row, f"Edit approval design of {ctype.name}",
                               admin=values)

    def _show_notice_error(self, message: str) -> None:
        edit = self.notice_days
        edit.setStyleSheet(f"border: 2px solid {WARNING_TONE.name()};" if message else "")
        edit.setToolTip(message or AdminDesign.model_fields["notice_days"].description or "")
        self._notice_draft = (self._type_id, edit.text()) if message else None
        if message:
            self._store.error.emit(message)

    def _commit_approvals_required(self, value: int) -> None:
        shown = self._shown()
        if shown is not None and value != shown[1].admin.approvals_required:
            row, ctype = shown
            commands.edit_type(self._store, row, f"Set approvals of {ctype.name}",
                               merge=True, admin={**ctype.admin.model_dump(),
                                                  "approvals_required": value})

    def _commit_path_days(self, key: str, value: float) -> None:
        """Approval SLA or fulfilment time: what must fit in the renewal lead time."""
        shown = self._shown()
        if shown is not None and value != getattr(shown[1].admin, key):
            row, ctype = shown
            commands.edit_type(self._store, row, f"Set approval path of {ctype.name}",
                               merge=True, admin={**ctype.admin.model_dump(), key: value})
