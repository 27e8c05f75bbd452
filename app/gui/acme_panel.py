"""AcmePanel: the Issue tab's ACME server — start/stop, its URL, EAB keys, orders as they arrive.

The panel only displays and forwards: the server is `app.ca.acme.front.serve` on the tab's CA
service, the keys and orders come from `app.ca.acme.store`. Orders arrive from the server's
threads as a queued signal, so the table and the approval queue refresh on the UI thread.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui.ca_records_model import RecordColumn, RecordsTableModel, records_view
from app.gui.widgets import wrapped_label


def _error_text(order: Any) -> str:
    return str(order.error.get("detail", "")) if order.error else ""


ORDER_COLUMNS = (
    RecordColumn("Order", attrgetter("id"), numeric=True),
    RecordColumn("Type", attrgetter("type_id"),
                 tooltip=lambda o: f"profile {o.profile}" if o.profile
                 else "no profile: classified by its names"),
    RecordColumn("Identifiers", lambda o: ", ".join(o.identifiers),
                 tooltip=lambda o: "\n".join(o.identifiers), stretch=True),
    RecordColumn("State", attrgetter("status"), tooltip=lambda o: _error_text(o) or None),
    RecordColumn("Request / serial", lambda o: f"request {o.request_id}" if o.request_id
                 and not o.serial else o.serial or ""),
    RecordColumn("Updated", attrgetter("updated_at"), lambda v: v[11:19] if v else "",
                 tooltip=attrgetter("updated_at")),
)
EAB_COLUMNS = (
    RecordColumn("Key id", attrgetter("kid")),
    RecordColumn("Requester", attrgetter("requester"), stretch=True),
    RecordColumn("State", lambda k: f"revoked {k.revoked_at[:10]}" if k.revoked_at
                 else "active"),
)


class AcmePanel(QWidget):
    """Start or stop the ACME server of the open CA; its keys and orders.

    Signals:
        orders_changed(): the server changed an order, account or request (any thread).
    """

    orders_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.running: Any = None  # app.ca.acme.transport.RunningServer
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(14000)
        self.http_port_spin = QSpinBox()
        self.http_port_spin.setRange(1, 65535)
        self.http_port_spin.setValue(80)
        self.resolve_edit = QLineEdit()
        self.resolve_edit.setPlaceholderText("system DNS")
        self.resolve_edit.setToolTip("http-01 validation connects to this address for every "
                                     "name (e.g. 127.0.0.1 for clients on this machine)")
        self.dns_edit = QLineEdit()
        self.dns_edit.setPlaceholderText("system resolver")
        self.dns_edit.setToolTip("dns-01 validation asks this DNS server (HOST:PORT) for the "
                                 "_acme-challenge TXT records, as `ca serve --dns-resolver`")
        self.start_button = QPushButton("Start ACME server")
        self.stop_button = QPushButton("Stop")
        self.url_label = QLabel("Not serving")
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.requester_edit = QLineEdit()
        self.requester_edit.setPlaceholderText("requester the ACME account acts as")
        self.eab_button = QPushButton("New EAB key")
        self.eab_shown = wrapped_label(muted=True)
        self.eab_model = RecordsTableModel(EAB_COLUMNS, self)
        self.eab_table = records_view(self.eab_model)
        self.orders_model = RecordsTableModel(ORDER_COLUMNS, self)
        self.orders_table = records_view(self.orders_model)
        self._lay_out()
        self.show_running(None)

    def _lay_out(self) -> None:
        ports = QFormLayout()
        ports.addRow("HTTPS port", self.port_spin)
        ports.addRow("http-01 port", self.http_port_spin)
        ports.addRow("Names resolve to", self.resolve_edit)
        ports.addRow("dns-01 resolver", self.dns_edit)
        buttons = QHBoxLayout()
        buttons.addLayout(ports)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        buttons.addWidget(self.url_label, 1)
        eab = QHBoxLayout()
        eab.addWidget(QLabel("EAB keys for"))
        eab.addWidget(self.requester_edit, 1)
        eab.addWidget(self.eab_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addLayout(eab)
        column.addWidget(self.eab_shown)
        column.addWidget(self.eab_table, 1)
        column.addWidget(QLabel("Orders as they arrive"))
        column.addWidget(self.orders_table, 3)

    def show_running(self, running: Any) -> None:
        """Show the server's state: its directory URL, or that it is stopped."""
        self.running = running
        self.start_button.setEnabled(running is None)
        self.stop_button.setEnabled(running is not None)
        self.port_spin.setEnabled(running is None)
        self.http_port_spin.setEnabled(running is None)
        self.resolve_edit.setEnabled(running is None)
        self.dns_edit.setEnabled(running is None)
        self.url_label.setText(f"Serving {running.directory_url}" if running
                               else "Not serving")

    def show_new_key(self, key: Any) -> None:
        self.eab_shown.setText(f"{key.requester}: --eab-kid {key.kid} --eab-hmac-key "
                               f"{key.hmac_key} (shown once; the list keeps the id only)")

    def set_keys(self, keys: list[Any]) -> None:
        """The EAB keys of the requester typed in (every key while it is empty)."""
        who = " ".join(self.requester_edit.text().split()).casefold()
        self.eab_model.set_records([k for k in keys if not who or k.requester.casefold() == who])

    def set_orders(self, orders: list[Any]) -> None:
        self.orders_model.set_records(reversed(orders))  # newest first
