"""LedgerTabs: the CA ledger's issued certificates, renewal calendar and audit log as tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.gui.ca_records_model import (
    AUDIT_COLUMNS,
    ISSUED_COLUMNS,
    RENEWAL_COLUMNS,
    RecordsTableModel,
    records_view,
)

if TYPE_CHECKING:
    from app.ca.records import AuditEntry, CertificateRecord, RenewalNotice


UNVERIFIED = ("The ledger fails verification (Verify lists why): revocations are shown as "
              "the audit log records them, and rows that differ from it are marked.")


class LedgerTabs(QTabWidget):
    """One tab per ledger table; the certificate and renewal tabs count their rows.

    The certificates come from `Ledger.certificates()`: revoked as the audit log records it,
    each marked with what `verify` finds. A ledger that fails verification is said above the
    table and in the tab's title, never shown as if it passed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issued_model = RecordsTableModel(ISSUED_COLUMNS, self)
        self.renewal_model = RecordsTableModel(RENEWAL_COLUMNS, self)
        self.audit_model = RecordsTableModel(AUDIT_COLUMNS, self)
        self.issued_table = records_view(self.issued_model)
        self.renewal_table = records_view(self.renewal_model)
        self.audit_table = records_view(self.audit_model)
        self._unverified = False
        self.revoke_button = QPushButton("Revoke selected and publish a CRL")
        self.unverified = QLabel(UNVERIFIED)
        self.unverified.setWordWrap(True)
        self.unverified.setStyleSheet("color: #b3261e; font-weight: 600;")  # as errors show
        self.unverified.hide()
        issued = QWidget()
        layout = QVBoxLayout(issued)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.unverified)
        layout.addWidget(self.issued_table, 1)
        layout.addWidget(self.revoke_button, 0, Qt.AlignmentFlag.AlignRight)
        self.addTab(issued, "")
        self.addTab(self.renewal_table, "")
        self.addTab(self.audit_table, "Audit log")
        self._update_titles()

    def set_records(self, *, certificates: Sequence[CertificateRecord],
                    renewals: Sequence[RenewalNotice], audit: Sequence[AuditEntry]) -> None:
        """Replace every table's rows (the audit log newest first, as given)."""
        self.issued_model.set_records(certificates)
        self.renewal_model.set_records(renewals)
        self.audit_model.set_records(audit)
        self._unverified = any(c.ledger_verified is False for c in certificates)
        self.unverified.setVisible(self._unverified)
        self._update_titles()

    def ledger_unverified(self) -> bool:
        """Whether the listed certificates say the ledger fails verification."""
        return self._unverified

    def selected_certificate(self) -> CertificateRecord | None:
        rows = self.issued_table.selectionModel().selectedRows()
        return self.issued_model.record(rows[0].row()) if rows else None

    def _update_titles(self) -> None:
        for tab, (title, model) in enumerate((("Issued certificates", self.issued_model),
                                              ("Renewal calendar", self.renewal_model))):
            rows = model.rowCount()
            self.setTabText(tab, f"{title} ({rows})" if rows else title)
        if self.ledger_unverified():
            self.setTabText(0, f"{self.tabText(0)} — fails verification")
