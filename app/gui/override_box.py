"""OverrideBox: the decision card's manual override, whose typed text is never silently lost."""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui import commands
from app.gui.labels import WrappedLabel
from app.gui.palette import OVERRIDE_TONE, WARNING_TONE
from app.gui.plain_text_field import PlainTextField
from app.gui.store import ProjectStore
from app.gui.widgets import set_style_quietly, set_text_quietly, wrapped_label
from models.certificate import CertificateType, Override, TypeId
from models.enums import Workflow
from models.routing import Decision

MIN_JUSTIFICATION = 10  # models.certificate.Override: justification min_length


@dataclass(frozen=True, slots=True)
class OverrideDraft:
    """What the override form holds for one type: ticked, the workflow, the justification."""

    checked: bool
    workflow: Workflow
    justification: str

    @property
    def complete(self) -> bool:
        return self.checked and len(self.justification) >= MIN_JUSTIFICATION


class OverrideBox(QGroupBox):
    """The manual override of the type the decision card shows, edited through the store.

    Leaving the justification, or the type, applies a complete override (ticked, with a
    justification of at least ten characters) as one undoable edit, as the card's other
    fields apply when left. Anything else typed is kept as that type's draft, shown again
    and marked "not applied" when the type is, until it is applied or removed. Drafts
    belong to the document: a new or opened document starts without any.
    """

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__("Manual override", parent)
        self._store = store
        self._type_id: TypeId | None = None
        self._drafts: dict[str, OverrideDraft] = {}
        self.enabled = QCheckBox("Override the rule's decision")
        self.workflow = QComboBox()
        for workflow in Workflow:
            self.workflow.addItem(workflow.value, workflow.value)
        self.text = PlainTextField()
        self.text.setPlaceholderText(
            "Written justification (required): why the rule's decision is wrong for this type")
        self.text.setFixedHeight(64)
        self.apply_button = QPushButton("Apply override")
        self.remove_button = QPushButton("Remove override")
        self.status = wrapped_label(muted=True, cls=WrappedLabel)
        self._lay_out()
        self.enabled.toggled.connect(self._on_enabled_toggled)
        self.text.editingFinished.connect(self.leave)
        self.apply_button.clicked.connect(self.apply)
        self.remove_button.clicked.connect(self.remove)

    def _lay_out(self) -> None:
        row = QHBoxLayout()
        row.addWidget(QLabel("Route to"))
        row.addWidget(self.workflow, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.enabled)
        layout.addLayout(row)
        layout.addWidget(self.text)
        layout.addLayout(buttons)
        layout.addWidget(self.status)

    # --- showing -------------------------------------------------------------------------

    def show_type(self, ctype: CertificateType, decision: Decision) -> None:
        """Show the type's override, or the draft typed for it."""
        self._type_id = ctype.id
        draft = self._drafts.get(ctype.id)
        shown = draft or _saved(ctype, decision)
        self.enabled.blockSignals(True)
        self.enabled.setChecked(shown.checked)
        self.enabled.blockSignals(False)
        self.workflow.setCurrentIndex(self.workflow.findData(shown.workflow.value))
        set_text_quietly(self.text, shown.justification)
        self._on_enabled_toggled(shown.checked)
        self._show_status(ctype, decision)

    def forget(self) -> None:
        """No type shown, and no drafts: the document they were typed for is gone."""
        self._type_id = None
        self._drafts.clear()

    def has_draft(self, type_id: str) -> bool:
        return type_id in self._drafts

    def _show_status(self, ctype: CertificateType, decision: Decision) -> None:
        draft = self._drafts.get(ctype.id)
        self.remove_button.setEnabled(ctype.override is not None or draft is not None)
        if draft is not None:
            why = (f"a justification needs at least {MIN_JUSTIFICATION} characters"
                   if draft.checked else "“Override the rule's decision” is not ticked")
            text = (f"Draft, not applied: {why}. It stays with this type until you apply "
                    "or remove it.")
            sheet = f"color: {WARNING_TONE.name()}; font-weight: 600;"
        elif decision.overridden:
            text = (f"Overridden: rule {decision.rule} would route this type "
                    f"{decision.rule_workflow}. The findings flag it as workflow drift.")
            sheet = f"color: {OVERRIDE_TONE.name()};"
        else:
            text = "Overrides need a written justification and are flagged by the findings."
            sheet = ""
        self.status.setText(text)
        set_style_quietly(self.status, sheet)

    def _on_enabled_toggled(self, on: bool) -> None:
        for widget in (self.workflow, self.text, self.apply_button):
            widget.setEnabled(on)

    # --- editing -------------------------------------------------------------------------

    def leave(self) -> None:
        """Apply a complete override typed for the shown type, else keep it as its draft."""
        shown = self._shown()
        if shown is None:
            return
        row, ctype = shown
        typed = self._typed()
        if _holds_nothing_new(typed, ctype):
            self._drafts.pop(ctype.id, None)
        elif typed.complete:
            self._apply(row, ctype, typed)
            return
        else:
            self._drafts[ctype.id] = typed
        self._show_status(ctype, self._store.evaluation.decisions[row])

    def apply(self) -> None:
        """The Apply button: apply the override, or say why it cannot be."""
        shown = self._shown()
        if shown is None:
            return
        row, ctype = shown
        typed = replace(self._typed(), checked=True)
        if typed.complete:
            self._apply(row, ctype, typed)
            return
        self._store.error.emit("An override needs a written justification "
                               f"(at least {MIN_JUSTIFICATION} characters).")
        self.leave()  # keeps the text as the type's draft

    def remove(self) -> None:
        """The Remove button: remove the override and any draft of it."""
        shown = self._shown()
        if shown is None:
            return
        row, ctype = shown
        self._drafts.pop(ctype.id, None)
        if ctype.override is not None:
            commands.edit_type(self._store, row, f"Remove override of {ctype.name}",
                               override=None)
        else:
            self.show_type(ctype, self._store.evaluation.decisions[row])

    def _apply(self, row: int, ctype: CertificateType, typed: OverrideDraft) -> None:
        self._drafts.pop(ctype.id, None)
        override = Override(workflow=typed.workflow, justification=typed.justification)
        commands.edit_type(self._store, row, f"Override routing of {ctype.name}",
                           override=override.model_dump())

    def _typed(self) -> OverrideDraft:
        return OverrideDraft(self.enabled.isChecked(), Workflow(self.workflow.currentData()),
                             self.text.toPlainText().strip())

    def _shown(self) -> tuple[int, CertificateType] | None:
        return self._store.project.find(self._type_id)


def _saved(ctype: CertificateType, decision: Decision) -> OverrideDraft:
    """The form for the type's own override; without one, unticked, offering the other way."""
    if ctype.override is not None:
        return OverrideDraft(True, ctype.override.workflow, ctype.override.justification)
    other = (Workflow.ADMIN_MEDIATED if decision.rule_workflow is Workflow.COMBINED
             else Workflow.COMBINED)
    return OverrideDraft(False, other, "")


def _holds_nothing_new(typed: OverrideDraft, ctype: CertificateType) -> bool:
    """Whether the form holds nothing the document lacks (a mere tick is not a draft)."""
    override = ctype.override
    if override is None:
        return not typed.justification
    if not typed.checked:
        return typed.justification in ("", override.justification)
    return (typed.workflow, typed.justification) == (override.workflow, override.justification)
