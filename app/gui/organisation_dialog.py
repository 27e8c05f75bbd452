"""OrganisationDialog: the organisation's legal identity that OV and EV certificates name."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.gui import commands
from app.gui.store import ProjectStore
from app.gui.widgets import problem_label, wrapped_label
from models.legal_identity import BusinessCategory, LegalIdentity
from models.project_file import describe_validation_error

# (field, label, tooltip) of each text field, in the order the form shows them.
_TEXT_FIELDS = (
    ("legal_name", "Legal name", "organizationName: the name as registered. Leave empty to "
     "remove the legal identity (OV and EV types are then refused)."),
    ("locality", "Locality", "localityName (city)"),
    ("state", "State or province", "stateOrProvinceName"),
    ("country", "Country", "countryName: two-letter ISO 3166 code, e.g. GB"),
    ("registration_number", "Registration number", "serialNumber: the company or registry "
     "number (EV; also the organizationIdentifier of organization-validated S/MIME)"),
    ("jurisdiction_country", "Jurisdiction country", "jurisdictionCountryName: where the "
     "organisation is registered (EV)"),
    ("jurisdiction_state", "Jurisdiction state", "jurisdictionStateOrProvinceName (EV, when "
     "registered at state level)"),
    ("jurisdiction_locality", "Jurisdiction locality", "jurisdictionLocalityName (EV, when "
     "registered at city level)"),
)


class OrganisationDialog(QDialog):
    """Edit `organisation.legal` as one undoable step; bad input keeps the dialog open with a
    one-line reason and changes nothing."""

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Organisation details")
        self._store = store
        legal = store.project.organisation.legal
        intro = wrapped_label(
            "The legal identity OV, EV, code-signing and organization-validated S/MIME "
            "certificates name in their subject (CA/B Forum baseline requirements). The test "
            "CA refuses those types while a field they need is empty.", muted=True)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for name, label, tip in _TEXT_FIELDS:
            edit = QLineEdit(getattr(legal, name, None) or "")
            edit.setToolTip(tip)
            self.fields[name] = edit
            form.addRow(label, edit)
            if name == "registration_number":
                self.category = QComboBox()
                self.category.addItem("(none)", None)
                for category in BusinessCategory:
                    self.category.addItem(category.value, category.value)
                current = legal.business_category.value if legal and \
                    legal.business_category else None
                self.category.setCurrentIndex(self.category.findData(current))
                self.category.setToolTip("businessCategory (EV Guidelines 7.1.4.2.3)")
                form.addRow("Business category", self.category)
        self.problem = problem_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def values(self) -> dict[str, Any] | None:
        """The legal identity as entered, or None when the legal name is empty."""
        data: dict[str, Any] = {name: edit.text().strip() or None
                                for name, edit in self.fields.items()}
        data["business_category"] = self.category.currentData()
        return data if data["legal_name"] else None

    def apply(self) -> None:
        """Validate, then push one edit (nothing when unchanged) and close; on bad input show
        why and stay open."""
        data = self.values()
        try:
            legal = LegalIdentity.model_validate(data) if data is not None else None
        except ValidationError as exc:
            self.problem.setText(f"Organisation details: {describe_validation_error(exc)}")
            self.problem.show()
            return
        if legal != self._store.project.organisation.legal:
            dumped = legal.model_dump() if legal is not None else None
            commands.edit_organisation(self._store, "Edit organisation details", legal=dumped)
        self.accept()
