"""RevokeDialog: confirm a revocation, with its reason (as `ca revoke --reason`) and actor."""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.gui.widgets import wrapped_label

# The CLI's spellings (app/ca/revocation.py REVOCATION_REASONS), with what each means.
REASONS: tuple[tuple[str, str], ...] = (
    ("unspecified", "Unspecified"),
    ("key-compromise", "Key compromise — the private key may be known to someone else"),
    ("superseded", "Superseded — replaced by a new certificate"),
    ("cessation-of-operation", "Cessation of operation — the service is gone"),
    ("affiliation-changed", "Affiliation changed — the subject's organisation changed"),
    ("privilege-withdrawn", "Privilege withdrawn — no longer entitled to it"),
)


def default_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "certroute-gui"


class RevokeDialog(QDialog):
    """Asks before anything is revoked; the reason goes into the CRL entry and the audit log."""

    def __init__(self, serial: str, subject: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Revoke certificate")
        self.reason = QComboBox()
        for value, label in REASONS:
            self.reason.addItem(label, value)
        self.actor = QLineEdit(default_actor())
        form = QFormLayout()
        form.addRow("Reason", self.reason)
        form.addRow("Revoked by", self.actor)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.revoke_button = buttons.addButton("Revoke and publish CRL",
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label(
            f"Revoke {subject} (serial {serial})? A revocation cannot be undone: the "
            "certificate goes on the CRL published next, and the audit log records it."))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.reason.setFocus()

    def choice(self) -> tuple[str, str]:
        """(reason, actor) as chosen."""
        return str(self.reason.currentData()), self.actor.text().strip() or default_actor()
