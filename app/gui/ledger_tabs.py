"""LedgerTabs: the CA ledger's issued certificates, renewal calendar and audit log as tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from app.gui.ca_records_model import (
    AUDIT_COLUMNS,
    ISSUED_COLUMNS,
    RENEWAL_COLUMNS,
    RecordsTableModel,
    records_view,
)

if TYPE_CHECKING:
    from app.ca.records import AuditEntry, CertificateRecord, RenewalNotice


class LedgerTabs(QTabWidget):
    """One tab per ledger table; the certificate and renewal tabs count their rows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issued_model = RecordsTableModel(ISSUED_COLUMNS, self)
        self.renewal_model = RecordsTableModel(RENEWAL_COLUMNS, self)
        self.audit_model = RecordsTableModel(AUDIT_COLUMNS, self)
        self.issued_table = records_view(self.issued_model)
        self.renewal_table = records_view(self.renewal_model)
        self.audit_table = records_view(self.audit_model)
        self.revoke_button = QPushButton("Revoke selected and publish a CRL")
        issued = QWidget()
        layout = QVBoxLayout(issued)
        layout.setContentsMargins(0, 0, 0, 0)
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
        self._update_titles()

    def selected_certificate(self) -> CertificateRecord | None:
        rows = self.issued_table.selectionModel().selectedRows()
        return self.issued_model.record(rows[0].row()) if rows else None

    def _update_titles(self) -> None:
        for tab, (title, model) in enumerate((("Issued certificates", self.issued_model),
                                              ("Renewal calendar", self.renewal_model))):
            rows = model.rowCount()
            self.setTabText(tab, f"{title} ({rows})" if rows else title)
