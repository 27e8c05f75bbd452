"""The Issue tab's input forms: the CSR, the combined and admin-mediated requests, delivery."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.ca_records_model import VIOLATION_COLUMNS, RecordsTableModel, records_view
from app.gui.widgets import wrapped_label
from models.enums import Workflow
from models.issuance_policy import IssuanceProfile, Violation

CSR_SOURCES = ("Generate a key and CSR here", "Load a PEM CSR file")
KEY_CHOICES: dict[str, tuple[str, int | None]] = {
    "EC P-256": ("ec", 256), "EC P-384": ("ec", 384), "RSA-2048": ("rsa", 2048),
    "RSA-3072": ("rsa", 3072), "Ed25519": ("ed25519", None)}
DELIVERY_MODES = ("Folder (cert, chain, key)", "PKCS#12 bundle", "Kubernetes TLS Secret")
DELIVERY_TARGETS = ("folder to write cert.pem, chain.pem, fullchain.pem, privkey.pem",
                    "bundle.p12 to write", "secret.yaml to write")
SECRET_MODE = 2


CHECK_TEXT = "Check against the profile"


def wrap_long_rows(form: QFormLayout, narrow: bool) -> None:
    """Narrow: a field that does not fit beside its label goes under it (no sideways scroll)."""
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows if narrow
                          else QFormLayout.RowWrapPolicy.DontWrapRows)


def _combo(items: Sequence[str]) -> QComboBox:
    """A drop-down that may shrink below its longest item (the popup still shows it all)."""
    combo = QComboBox()
    combo.addItems(list(items))
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


@dataclass(frozen=True, slots=True)
class CsrSource:
    """Where the CSR comes from: a PEM file, or a key and CSR generated for these names."""

    pem_path: str | None  # None: generate
    # DNS names, then email addresses: `app.ca.csr.build_csr` tells them apart by their `@`.
    names: tuple[str, ...] = ()
    common_name: str | None = None
    key: tuple[str, int | None] = ("ec", 256)  # (kind, size) for app.ca.csr.generate_key


class CsrForm(QGroupBox):
    """Where the CSR comes from, the validity asked for, and the profile check's findings.

    Signals:
        browse_requested(): the user wants to pick a PEM CSR file.
    """

    browse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("CSR", parent)
        box = QVBoxLayout(self)
        form = self._form = QFormLayout()
        self.source_combo = _combo(CSR_SOURCES)
        self.dns_edit = QLineEdit()
        self.dns_edit.setPlaceholderText("api.internal.example, www.internal.example")
        self.email_edit = QLineEdit()  # shown when the type's profile allows email SANs
        self._emails_allowed = False
        self.cn_edit = QLineEdit()
        self.cn_edit.setPlaceholderText("subject name (types without DNS names)")
        self.key_combo = _combo(list(KEY_CHOICES))
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("request.csr (PEM)")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse_requested)
        path_row = self._path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.validity_spin = QSpinBox()
        self.validity_spin.setSuffix(" days")
        self.check_button = QPushButton(CHECK_TEXT)
        self.check_result = QLabel()  # one line: no height-for-width to inflate the scroller
        self.violations_model = RecordsTableModel(VIOLATION_COLUMNS, self)
        self.violations = records_view(self.violations_model)
        self.violations.setWordWrap(True)  # a violation is a sentence: show all of it
        self.violations.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.violations.setMinimumHeight(80)
        self.violations.hide()  # shown when a check or a refusal has something to list
        form.addRow("Source", self.source_combo)
        form.addRow("DNS names", self.dns_edit)
        form.addRow("Email addresses", self.email_edit)
        form.addRow("Common name", self.cn_edit)
        form.addRow("Key", self.key_combo)
        form.addRow("PEM file", path_row)
        form.addRow("Validity", self.validity_spin)
        form.addRow(self.check_button, self.check_result)
        box.addLayout(form)
        box.addWidget(self.violations, 1)  # the room left in the box, scrolling inside
        box.addStretch(0)
        self.source_combo.currentIndexChanged.connect(self._on_source_changed)
        self._on_source_changed()
        # A verdict is about the CSR it checked: any change to what is asked clears it.
        for edit in (self.dns_edit, self.email_edit, self.cn_edit, self.path_edit):
            edit.textChanged.connect(self.clear_verdict)
        for combo in (self.source_combo, self.key_combo):
            combo.currentIndexChanged.connect(self.clear_verdict)
        self.validity_spin.valueChanged.connect(self.clear_verdict)

    def from_file(self) -> bool:
        return self.source_combo.currentIndex() == 1

    def set_narrow(self, narrow: bool) -> None:
        """Narrow pane (presentation type on a projector): a short check button, so the
        label column leaves the fields their room; a field too wide goes under its label."""
        self.check_button.setText("Check CSR" if narrow else CHECK_TEXT)
        self.check_button.setToolTip(CHECK_TEXT if narrow else "")
        wrap_long_rows(self._form, narrow)

    def source(self) -> CsrSource:
        """What the form asks for, as a value the CA session acts on."""
        if self.from_file():
            return CsrSource(self.path_edit.text().strip())
        emails = self.emails() if self._emails_allowed else []
        return CsrSource(None, (*self.names(), *emails), self.common_name(), self.key_choice())

    def set_pem_path(self, path: str) -> None:
        self.path_edit.setText(path)
        self.source_combo.setCurrentIndex(1)

    def names(self) -> list[str]:
        """The DNS names typed, split on commas or semicolons."""
        return _split(self.dns_edit.text())

    def emails(self) -> list[str]:
        """The email addresses typed, split on commas or semicolons."""
        return _split(self.email_edit.text())

    def common_name(self) -> str | None:
        return self.cn_edit.text().strip() or None

    def key_choice(self) -> tuple[str, int | None]:
        """(kind, size) of the key to generate, as `app.ca.csr.generate_key` takes them."""
        return KEY_CHOICES[self.key_combo.currentText()]

    def set_max_validity(self, days: int) -> None:
        self.validity_spin.setRange(1, days)
        self.validity_spin.setValue(days)

    def fit_profile(self, profile: IssuanceProfile) -> None:
        """Offer what the chosen type's profile can issue: its validity, email addresses."""
        self.set_max_validity(profile.max_validity_days)
        # A subordinate CA's email patterns are name constraints, not addresses to request.
        self._emails_allowed = bool(profile.email_patterns) and not profile.issues_ca
        example = next(iter(profile.email_patterns), "")
        # `*@domain` -> `alice@domain`; a `*` in the domain stays, so it is plainly a pattern.
        self.email_edit.setPlaceholderText(example.replace("*@", "alice@", 1))
        self._on_source_changed()

    def show_violations(self, violations: Sequence[Violation]) -> None:
        self.violations_model.set_records(violations)
        self.violations.setVisible(bool(violations))
        self.check_result.setText(
            f"{len(violations)} violation(s) of the profile:" if violations
            else "No violation: the profile allows this CSR")

    def clear_verdict(self, *_args: object) -> None:
        """Forget the last check's result (the CSR or the type it was about changed)."""
        if self.check_result.text() or self.violations.isVisibleTo(self):
            self.violations_model.set_records([])
            self.violations.hide()
            self.check_result.clear()

    def _on_source_changed(self, *_args: object) -> None:
        # Only the rows the chosen source reads are shown.
        generate = not self.from_file()
        for field in (self.dns_edit, self.cn_edit, self.key_combo):
            self._form.setRowVisible(field, generate)
        self._form.setRowVisible(self.email_edit, generate and self._emails_allowed)
        self._form.setRowVisible(self._path_row, not generate)


def _split(text: str) -> list[str]:
    """Names typed in one field, split on commas or semicolons."""
    return [n.strip() for n in text.replace(";", ",").split(",") if n.strip()]


class CombinedForm(QGroupBox):
    """The combined path: identity evidence and the requesting service; issues at once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Combined: issue at once", parent)
        form = QFormLayout(self)
        self.identity_method = wrapped_label(muted=True)
        self.identity_edit = QLineEdit()
        self.identity_edit.setPlaceholderText("e.g. DNS-01 TXT record checked")
        self.requester_edit = QLineEdit()
        self.requester_edit.setPlaceholderText("requesting service")
        self.issue_button = QPushButton("Issue and deliver")
        form.addRow("Identity method", self.identity_method)
        form.addRow("Evidence", self.identity_edit)
        form.addRow("Requester", self.requester_edit)
        form.addRow(self.issue_button)


class AdminRequestForm(QGroupBox):
    """The admin-mediated path's first step: a request with requester and justification."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Admin-mediated: raise a request", parent)
        form = QFormLayout(self)
        self.requester_edit = QLineEdit()
        self.requester_edit.setPlaceholderText("who asks (and later acknowledges delivery)")
        self.justification_edit = QLineEdit()
        self.justification_edit.setPlaceholderText("why the certificate is needed")
        self.request_button = QPushButton("Raise request")
        form.addRow("Requester", self.requester_edit)
        form.addRow("Business justification", self.justification_edit)
        form.addRow(self.request_button)
        form.addRow(wrapped_label("Approvers review it in the approval queue below.",
                                  muted=True))


class PathForms(QStackedWidget):
    """The form of the path the chosen type's decision names: combined (0) or admin (1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combined = CombinedForm()
        self.admin = AdminRequestForm()
        self.addWidget(self.combined)
        self.addWidget(self.admin)

    def show_workflow(self, workflow: Workflow) -> None:
        self.setCurrentIndex(0 if workflow is Workflow.COMBINED else 1)


class DeliveryForm(QGroupBox):
    """Where an issued certificate goes: a folder, a PKCS#12 bundle or a Kubernetes Secret."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Delivery", parent)
        self._form = QFormLayout(self)
        self.mode_combo = _combo(DELIVERY_MODES)
        self.target_edit = QLineEdit()
        self.secret_name_edit = QLineEdit()
        self.secret_name_edit.setPlaceholderText("default: the first DNS name")
        self.namespace_edit = QLineEdit("default")
        self._form.addRow("Deliver as", self.mode_combo)
        self._form.addRow("To", self.target_edit)
        self._form.addRow("Secret name", self.secret_name_edit)
        self._form.addRow("Namespace", self.namespace_edit)
        self._form.addRow(wrapped_label("Leave “To” empty to keep the certificate in the "
                                        "ledger only.", muted=True))
        self.mode_combo.currentIndexChanged.connect(self._on_mode_changed)
        self._on_mode_changed()

    def plan(self, key: Any, ask_password: Callable[[], str]) -> Any:
        """The chosen `DeliveryPlan` for `key`; None when the PKCS#12 password is not given."""
        from app.ca.delivery import DeliveryPlan

        target = self.target_edit.text().strip()
        if not target:
            return DeliveryPlan(key=key)  # ledger only; the PEM stays in the issued list
        mode = self.mode_combo.currentIndex()
        if mode == 0:
            return DeliveryPlan(folder=Path(target), key=key)
        if mode == 1:
            password = ask_password()
            if not password:
                return None
            return DeliveryPlan(pkcs12=Path(target), pkcs12_password=password.encode("utf-8"),
                                key=key)
        return DeliveryPlan(secret=Path(target), key=key,
                            secret_name=self.secret_name_edit.text().strip() or None,
                            namespace=self.namespace_edit.text().strip() or "default")

    def _on_mode_changed(self, *_args: object) -> None:
        mode = self.mode_combo.currentIndex()
        self.target_edit.setPlaceholderText(DELIVERY_TARGETS[mode])
        for field in (self.secret_name_edit, self.namespace_edit):
            self._form.setRowVisible(field, mode == SECRET_MODE)
