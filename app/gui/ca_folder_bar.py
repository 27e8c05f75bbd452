"""CaFolderBar: the CA folder row of the Issue tab — path, open/new/unlock/verify, CA state."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from app.gui.widgets import heading, wrapped_label


class CaFolderBar(QWidget):
    """Shows which CA is open and whether it is unlocked; the tab wires the buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("CA folder")
        self.folder_edit.setReadOnly(True)
        self.folder_edit.setMinimumWidth(260)
        self.choose_button = QPushButton("Open CA folder…")
        self.new_button = QPushButton("New CA…")
        self.unlock_button = QPushButton("Unlock…")
        self.verify_button = QPushButton("Verify ledger")
        self.status = wrapped_label(muted=True)
        bar.addWidget(heading("Local CA", level=2))
        bar.addWidget(self.folder_edit, 2)
        for button in (self.choose_button, self.new_button, self.unlock_button,
                       self.verify_button):
            bar.addWidget(button)
        bar.addWidget(self.status, 3)

    def show_service(self, service: Any) -> None:
        """`service` is the open `app.ca.service.CaService`, or None."""
        self.unlock_button.setEnabled(service is not None and not service.authority.unlocked)
        self.verify_button.setEnabled(service is not None)
        if service is None:
            self.status.setText("No CA open: open a CA folder or create a new CA.")
            return
        folder = str(service.folder)
        self.folder_edit.setText(folder)
        self.folder_edit.setToolTip(folder)
        self.folder_edit.setCursorPosition(len(folder))  # the folder's own name stays in view
        issuing = service.authority.issuing
        state = "unlocked" if service.authority.unlocked else "locked"
        self.status.setText(f"{issuing.subject.rfc4514_string()} · valid until "
                            f"{issuing.not_valid_after_utc:%Y-%m-%d} · {state}")
        self.status.setToolTip(f"Publishes its certificates and CRLs at "
                               f"{service.publication.base_url} (certroute ca serve-files)")
