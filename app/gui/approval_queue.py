"""ApprovalQueuePanel: the admin-mediated requests and the review of the selected one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.ca_records_model import QUEUE_COLUMNS, RecordsTableModel, records_view
from app.gui.widgets import wrapped_label

if TYPE_CHECKING:
    from app.ca.records import Request


class ApprovalQueuePanel(QGroupBox):
    """The queue as a table and, for the selected request, who reviews it and how.

    Approve is offered only once an approver is named and every one of the type's approval
    criteria is ticked; the buttons follow the request's state. The tab connects the buttons
    to the CA service and hands back the ledger's requests with `set_requests`.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        # A group box's title is never wrapped nor counted in its minimum width: the short
        # title stays whole, the steps wrap underneath (presentation mode, small screens).
        super().__init__("Approval queue", parent)
        self.queue_model = RecordsTableModel(QUEUE_COLUMNS, self)
        self.queue = records_view(self.queue_model)
        self.queue.selectionModel().selectionChanged.connect(self._on_queue_selection_changed)
        self.criteria: list[QCheckBox] = []
        layout = QVBoxLayout(self)
        layout.addWidget(wrapped_label("request → approve → fulfil → acknowledge", muted=True,
                                       selectable=False))
        layout.addWidget(self.queue, 1)
        layout.addWidget(self._build_review())
        self._on_queue_selection_changed()

    def _build_review(self) -> QWidget:
        review = QWidget()
        grid = QGridLayout(review)
        grid.setContentsMargins(0, 4, 0, 0)
        self.request_detail = wrapped_label(muted=True)
        self.approver_edit = QLineEdit()
        self.approver_edit.setPlaceholderText("approver name")
        self.role_combo = QComboBox()
        self.role_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.criteria_box = QVBoxLayout()
        self.criteria_box.setContentsMargins(0, 0, 0, 0)
        self.approve_button = QPushButton("Approve")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("reason for rejecting")
        self.reject_button = QPushButton("Reject")
        self.operator_edit = QLineEdit()
        self.operator_edit.setPlaceholderText("operator")
        self.fulfil_button = QPushButton("Fulfil and deliver")
        self.acknowledge_button = QPushButton("Acknowledge (requester)")
        self.approver_edit.textChanged.connect(self.update_buttons)
        self.reason_edit.textChanged.connect(self.update_buttons)
        who = QHBoxLayout()
        who.addWidget(self.approver_edit, 1)
        who.addWidget(QLabel("as"))
        who.addWidget(self.role_combo)
        receipt = wrapped_label("By the requester named in the request form", muted=True)
        # Label, input, button: each step of the review on one line, its button on the right.
        rows = (("Request", self.request_detail, None), ("Approver", who, None),
                ("Criteria", self.criteria_box, self.approve_button),
                ("Reject", self.reason_edit, self.reject_button),
                ("Fulfil", self.operator_edit, self.fulfil_button),
                ("Receipt", receipt, self.acknowledge_button))
        for row, (label, middle, button) in enumerate(rows):
            grid.addWidget(QLabel(label), row, 0)
            span = 2 if button is None else 1  # rows without a button use its column too
            if isinstance(middle, QWidget):
                grid.addWidget(middle, row, 1, 1, span)
            elif isinstance(middle, QLayout):
                grid.addLayout(middle, row, 1, 1, span)
            if button is not None:
                grid.addWidget(button, row, 2)
        grid.setColumnStretch(1, 1)
        return review

    # --- what the tab reads and sets -------------------------------------------------------

    def set_requests(self, requests: Sequence[Request]) -> None:
        """Show the ledger's requests, keeping the selected one selected."""
        selected = self.selected_request()
        with QSignalBlocker(self.queue.selectionModel()):
            self.queue_model.set_records(requests)
            if selected is not None:
                self._select_row(self.queue_model.row_of(lambda r: r.id == selected.id))
        self._on_queue_selection_changed()

    def selected_request(self) -> Request | None:
        """The selected request as of the last `set_requests`."""
        rows = self.queue.selectionModel().selectedRows()
        return self.queue_model.record(rows[0].row()) if rows else None

    def select_request(self, request_id: int) -> None:
        self._select_row(self.queue_model.row_of(lambda r: r.id == request_id))

    def confirmed(self) -> list[str]:
        """The approval criteria the approver has ticked."""
        return [box.text() for box in self.criteria if box.isChecked()]

    def _select_row(self, row: int) -> None:
        if row >= 0:
            self.queue.selectRow(row)

    # --- display ---------------------------------------------------------------------------

    def _on_queue_selection_changed(self, *_args: object) -> None:
        request = self.selected_request()
        for box in self.criteria:
            self.criteria_box.removeWidget(box)
            box.hide()  # deleted later: never drawn again meanwhile
            box.deleteLater()
        self.criteria = []
        self.role_combo.clear()
        if request is None:
            self.request_detail.setText("Select a request in the queue.")
            self.update_buttons()
            return
        waiting = request.waiting_for()
        self.request_detail.setText(
            f"#{request.id} {request.type_name} · requested by {request.requester}: "
            f"{request.justification} · {request.state.value}"
            + (f" — waiting for {waiting}" if waiting else "")
            + (f" · {request.closed_reason}" if request.closed_reason else ""))
        self.role_combo.addItems(list(request.policy.approver_roles))
        for criterion in request.policy.criteria:
            box = QCheckBox(criterion)
            box.toggled.connect(self.update_buttons)
            self.criteria_box.addWidget(box)
            self.criteria.append(box)
        self.update_buttons()

    def update_buttons(self, *_args: object) -> None:
        request = self.selected_request()
        state = request.state.value if request is not None else ""
        named = bool(self.approver_edit.text().strip())
        # No rubber stamp: Approve is offered only once every criterion is ticked.
        ticked = all(box.isChecked() for box in self.criteria)
        self.approve_button.setEnabled(state == "pending" and named and ticked)
        self.reject_button.setEnabled(state in ("pending", "approved") and named
                                      and bool(self.reason_edit.text().strip()))
        self.fulfil_button.setEnabled(state == "approved")
        self.acknowledge_button.setEnabled(state == "fulfilled")
