"""ProfileDialog: a type's issuance-profile edits — names, keys, validity, usages, validation."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui import commands
from app.gui.flow_layout import FlowLayout
from app.gui.profile_panel import describe_profile
from app.gui.store import ProjectStore
from app.gui.widgets import heading, problem_label, wrapped_label
from models.certificate import CertificateType
from models.issuance_policy import (
    ExtendedKeyUsage,
    IssuanceProfile,
    IssuanceProfileSettings,
    KeyKind,
    profile_for,
)
from models.key_rules import KeyRequirement
from models.project_file import describe_validation_error
from models.validation_types import ValidationType

# (field, label, tooltip), in the order the dialog shows them (IssuanceProfileSettings).
_FIELDS = (
    ("san_patterns", "DNS names", "One pattern a line: `*` is one label, a leading `**` one or "
     "more (api.example.com, *.svc.example.com, **.internal.example)."),
    ("allow_wildcards", "Wildcards", "May a certificate name `*.domain`?"),
    ("cn_patterns", "Common names", "One pattern a line: `*` is one or more characters."),
    ("email_patterns", "Email addresses", "One pattern a line: `*@domain` is any mailbox there, "
     "`name@domain` that mailbox only."),
    ("key_types", "Keys", "One algorithm a line with its smallest size in bits: rsa 3072, "
     "ec 256, ed25519 256."),
    ("max_validity_days", "Maximum validity", "Days; never beyond the validity class or the "
     "public cap in force on the issuing day."),
    ("ekus", "Extended key usages", "What the certificate may be used for."),
    ("validation", "Validation type", "CA/B Forum validation type: what the CA validated, and "
     "the policy OID the certificate asserts."),
)
_LIST_FIELDS = ("san_patterns", "cn_patterns", "email_patterns")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_keys(text: str) -> list[dict[str, Any]]:
    """`rsa 3072` lines as KeyRequirement data; a line that is not `KIND SIZE` raises ValueError
    naming it."""
    keys = []
    for line in _lines(text):
        parts = line.replace("≥", " ").split()
        kinds = {kind.value for kind in KeyKind}
        if len(parts) != 2 or parts[0].lower() not in kinds or not parts[1].isdigit():
            raise ValueError(f"keys: {line!r} is not an algorithm ({', '.join(sorted(kinds))}) "
                             "and a size in bits")
        keys.append({"kind": parts[0].lower(), "min_size": int(parts[1])})
    return keys


def keys_text(keys: tuple[KeyRequirement, ...]) -> str:
    return "\n".join(f"{k.kind.value} {k.min_size}" for k in keys)


class ProfileDialog(QDialog):
    """Edit one type's issuance profile as one undoable step.

    Each setting shows what the type's fields derive until its box is ticked; the profile it
    gives on the project's as-of date is shown below, as the Issue tab and the test CA use it.
    Bad input keeps the dialog open with a one-line reason and changes nothing.
    """

    def __init__(self, store: ProjectStore, row: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store, self._row = store, row
        ctype = store.project.types[row]
        self._type = ctype
        self.setWindowTitle(f"Issuance profile — {ctype.name}")
        edits = ctype.profile or IssuanceProfileSettings()
        derived = self._profile(None)
        intro = wrapped_label(
            "What the test CA, the policy exports and the profile check allow for this type. "
            "Unticked settings follow the type's purpose, CA and validity class; tick one to "
            "set it.", muted=True)
        self.set: dict[str, QCheckBox] = {}
        self.editors: dict[str, QWidget] = {}
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        for n, (name, label, tip) in enumerate(_FIELDS):
            box = QCheckBox(label)
            box.setToolTip(tip)
            editor = self._editor(name, ctype)
            editor.setToolTip(tip)
            self.set[name], self.editors[name] = box, editor
            grid.addWidget(box, n, 0)
            grid.addWidget(editor, n, 1)
            value = getattr(edits, name)
            self._show(name, value if value is not None else getattr(derived, name))
            box.setChecked(value is not None)
            editor.setEnabled(value is not None)
            box.toggled.connect(lambda on, name=name: self._toggled(name, on))
        self.preview = wrapped_label(muted=True)
        self.problem = problem_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(intro)
        inner.addLayout(grid)
        inner.addWidget(heading("The profile on the as-of date", level=2))
        inner.addWidget(self.preview)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(760, 720)
        for editor in self.editors.values():
            _on_change(editor, self.refresh_preview)
        self.refresh_preview()

    # --- editors -------------------------------------------------------------------------

    def _editor(self, name: str, ctype: CertificateType) -> QWidget:
        if name in (*_LIST_FIELDS, "key_types"):
            edit = QPlainTextEdit()
            edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
            return edit
        if name == "allow_wildcards":
            combo = QComboBox()
            combo.addItem("allowed", True)
            combo.addItem("not allowed", False)
            return combo
        if name == "max_validity_days":
            spin = QSpinBox()
            spin.setRange(1, 825)
            spin.setSuffix(" days")
            return spin
        if name == "ekus":
            row = QWidget()
            flow = FlowLayout(row)  # wraps on a narrow dialog or at presentation type
            for eku in ExtendedKeyUsage:
                box = QCheckBox(eku.value)
                box.setObjectName(eku.value)
                flow.addWidget(box)
            return row
        combo = QComboBox()  # validation: the types this purpose's certificates may be
        for validation in ValidationType:
            if ctype.purpose in validation.purposes:
                combo.addItem(validation.label, validation.value)
        return combo

    def _show(self, name: str, value: Any) -> None:
        editor = self.editors[name]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(keys_text(value) if name == "key_types" else "\n".join(value))
        elif isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QComboBox):
            data = value.value if isinstance(value, ValidationType) else value
            editor.setCurrentIndex(max(editor.findData(data), 0))
        else:
            for box in editor.findChildren(QCheckBox):
                box.setChecked(ExtendedKeyUsage(box.objectName()) in value)

    def _read(self, name: str) -> Any:
        editor = self.editors[name]
        if isinstance(editor, QPlainTextEdit):
            text = editor.toPlainText()
            return parse_keys(text) if name == "key_types" else _lines(text)
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        return [box.objectName() for box in editor.findChildren(QCheckBox) if box.isChecked()]

    def _toggled(self, name: str, on: bool) -> None:
        self.editors[name].setEnabled(on)
        if not on:  # back to what the type's fields give
            self._show(name, getattr(self._profile(None), name))
        self.refresh_preview()

    # --- the result ----------------------------------------------------------------------

    def settings(self) -> IssuanceProfileSettings | None:
        """The edits as entered (None: every setting derived).

        Raises:
            ValueError: a key line that cannot be read, or a value pydantic refuses.
        """
        data = {name: self._read(name) for name, box in self.set.items() if box.isChecked()}
        return IssuanceProfileSettings.model_validate(data) if data else None

    def _profile(self, settings: IssuanceProfileSettings | None) -> IssuanceProfile:
        ctype = self._type.model_copy(update={"profile": settings})
        return profile_for(ctype, on=self._store.project.as_of)

    def refresh_preview(self) -> None:
        try:
            settings = self.settings()
        except (ValidationError, ValueError) as exc:
            self._say(exc)
            return
        self.problem.hide()
        ctype = self._type.model_copy(update={"profile": settings})
        workflow = self._store.evaluation.decisions[self._row].workflow
        self.preview.setText(describe_profile(ctype, self._profile(settings), workflow))

    def _say(self, exc: Exception) -> None:
        reason = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
        self.problem.setText(f"Issuance profile: {reason}")
        self.problem.show()

    def apply(self) -> None:
        """Validate, then push one edit (nothing when unchanged) and close; on bad input show
        why and stay open."""
        try:
            settings = self.settings()
        except (ValidationError, ValueError) as exc:
            self._say(exc)
            return
        if settings != self._type.profile:
            done = commands.edit_type(
                self._store, self._row, f"Edit issuance profile of {self._type.name}",
                profile=settings.model_dump() if settings is not None else None)
            if not done:  # the store reported why (a type-level check)
                return
        self.accept()


def _on_change(editor: QWidget, slot: Any) -> None:
    """Connect whatever signal says `editor`'s value changed."""
    if isinstance(editor, QPlainTextEdit):
        editor.textChanged.connect(slot)
    elif isinstance(editor, QSpinBox):
        editor.valueChanged.connect(slot)
    elif isinstance(editor, QComboBox):
        editor.currentIndexChanged.connect(slot)
    else:
        for box in editor.findChildren(QCheckBox):
            box.toggled.connect(slot)
