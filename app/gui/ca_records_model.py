"""RecordsTableModel: read-only tables over frozen CA records, one column spec per column."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_RESET_ABOVE = 500  # rows removed and inserted beyond which `set_records` resets instead
_SCROLL_LIMIT = 16  # new rows on top that `set_records` announces as such


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _day(value: str | None) -> str:
    """An ISO timestamp shown as its date (the tooltip keeps the full time)."""
    return value[:10] if value else ""


@dataclass(frozen=True, slots=True)
class RecordColumn:
    """One column: header, how to read a record, how to show it, and its optional tooltip."""

    header: str
    getter: Callable[[Any], Any]
    formatter: Callable[[Any], str] = _text
    tooltip: Callable[[Any], str | None] | None = None
    numeric: bool = False  # right-aligned
    stretch: bool = False  # takes the width the other columns leave


class RecordsTableModel(QAbstractTableModel):
    """Rows are a tuple of frozen records, replaced as a whole by `set_records`."""

    def __init__(self, columns: tuple[RecordColumn, ...], parent=None) -> None:
        super().__init__(parent)
        self.columns = columns
        self._records: tuple[Any, ...] = ()

    def set_records(self, records: Iterable[Any]) -> None:
        """Show `records`. Only the rows that differ are announced: a reset of 10,000 rows
        costs the view a frame or more, and an action changes a few rows."""
        old, new = self._records, tuple(records)
        start = 0
        for start, (a, b) in enumerate(zip(old, new, strict=False)):  # noqa: B007
            if a is not b and a != b:
                break
        else:
            start = min(len(old), len(new))
        end_old, end_new = len(old), len(new)
        while end_old > start and end_new > start and (
                old[end_old - 1] is new[end_new - 1] or old[end_old - 1] == new[end_new - 1]):
            end_old, end_new = end_old - 1, end_new - 1
        if old and new and start == 0 and end_old == len(old) and self._scrolled(old, new):
            return  # newest first: a few rows came on top, as many left at the bottom
        if (end_old - start) + (end_new - start) > _RESET_ABOVE or not old:
            self.beginResetModel()
            self._records = new
            self.endResetModel()
            return
        if end_old - start == end_new - start:
            self._records = new
            if end_new > start:
                self.dataChanged.emit(self.index(start, 0),
                                      self.index(end_new - 1, len(self.columns) - 1))
            return
        if end_old > start:
            self.beginRemoveRows(QModelIndex(), start, end_old - 1)
            self._records = old[:start] + old[end_old:]
            self.endRemoveRows()
        if end_new > start:
            self.beginInsertRows(QModelIndex(), start, end_new - 1)
            self._records = new
            self.endInsertRows()
        self._records = new

    def _scrolled(self, old: tuple[Any, ...], new: tuple[Any, ...]) -> bool:
        """Announce `new` as rows inserted on top of `old` and rows removed from its end, if
        that is what it is (the audit log's newest entries)."""
        top = next((k for k, row in enumerate(new[:_SCROLL_LIMIT]) if row == old[0]), None)
        if not top:
            return False
        kept = min(len(old), len(new) - top)
        if new[top:top + kept] != old[:kept]:
            return False
        if kept < len(old):
            self.beginRemoveRows(QModelIndex(), kept, len(old) - 1)
            self._records = old[:kept]
            self.endRemoveRows()
        self.beginInsertRows(QModelIndex(), 0, top - 1)
        self._records = new[:top] + old[:kept]
        self.endInsertRows()
        self._records = new
        return True

    def record(self, row: int) -> Any:
        return self._records[row]

    def row_of(self, predicate: Callable[[Any], bool]) -> int:
        """The first row whose record satisfies `predicate`, or -1."""
        return next((r for r, rec in enumerate(self._records) if predicate(rec)), -1)

    def text(self, row: int, column: int) -> str:
        """What the cell shows."""
        spec = self.columns[column]
        return spec.formatter(spec.getter(self._records[row]))

    # --- Qt overrides --------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        row, column = index.row(), index.column()  # an invalid index has row -1
        if not (0 <= row < len(self._records) and 0 <= column < len(self.columns)):
            return None
        spec = self.columns[column]
        if role == Role.DisplayRole:
            return spec.formatter(spec.getter(self._records[row]))
        if role == Role.ToolTipRole and spec.tooltip is not None:
            return spec.tooltip(self._records[row]) or None
        if role == Role.TextAlignmentRole and spec.numeric:
            return RIGHT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole):
        if role != Role.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].header if 0 <= section < len(self.columns) else None
        return str(section + 1) if 0 <= section < len(self._records) else None


def records_view(model: RecordsTableModel) -> QTableView:
    """A read-only, single-row-selection table view sized by its column specs."""
    view = QTableView()
    view.setModel(model)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # names and serials keep both ends
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setStretchLastSection(not any(c.stretch for c in model.columns))
    # Widths from the first rows: a 10,000-certificate ledger measured every row again on
    # each refresh (the default precision is 1,000 rows a column, three tables).
    header.setResizeContentsPrecision(60)
    for section, column in enumerate(model.columns):
        header.setSectionResizeMode(section, QHeaderView.ResizeMode.Stretch if column.stretch
                                    else QHeaderView.ResizeMode.ResizeToContents)
    return view


# --- the CA's records (app.ca.records) -----------------------------------------------------

def _verification(cert: Any) -> str:
    """The Verification cell: '' when the ledger verifies, else how this row fares."""
    if cert.row_problem:
        return "inserted by hand" if "inserted by hand" in cert.row_problem else "row edited"
    return "ledger fails" if cert.ledger_verified is False else ""


def _verification_tip(cert: Any) -> str | None:
    if cert.row_problem:
        return f"{cert.row_problem}.\nRevocation is shown as the audit log records it."
    if cert.ledger_verified is False:
        return "The ledger fails verification (Verify lists why); this row matches its audit " \
            "record."
    return None


# Revocation comes from the audit log, not the editable column (`Ledger.certificates()`).
ISSUED_COLUMNS = (
    RecordColumn("Serial", attrgetter("serial"),
                 tooltip=lambda c: f"{c.serial}\n{c.subject}\nSHA-256 {c.fingerprint}",
                 stretch=True),
    RecordColumn("Type", attrgetter("type_id")),
    RecordColumn("Workflow", attrgetter("workflow")),
    RecordColumn("Names", lambda c: ", ".join(c.names), tooltip=lambda c: "\n".join(c.names),
                 stretch=True),
    RecordColumn("Not after", attrgetter("not_after"), _day, tooltip=attrgetter("not_after")),
    RecordColumn("Revoked", attrgetter("revoked_at"), _day,
                 tooltip=lambda c: c.revoked_at and f"{c.revoked_at} ({c.revocation_reason})"),
    RecordColumn("Verification", _verification, tooltip=_verification_tip),
)

QUEUE_COLUMNS = (
    RecordColumn("#", attrgetter("id"), numeric=True),
    RecordColumn("Type", attrgetter("type_name")),
    RecordColumn("Requester", attrgetter("requester")),
    RecordColumn("State", lambda r: r.state.value),
    RecordColumn("Waiting for", lambda r: r.waiting_for() or r.closed_reason,
                 tooltip=lambda r: r.justification, stretch=True),
)

RENEWAL_COLUMNS = (
    RecordColumn("Due", attrgetter("due_at"), _day, tooltip=attrgetter("due_at")),
    RecordColumn("Status", attrgetter("status")),
    RecordColumn("Kind", attrgetter("kind")),
    RecordColumn("Days before expiry", attrgetter("days_before"), numeric=True),
    RecordColumn("Expires", attrgetter("not_after"), _day, tooltip=attrgetter("not_after")),
    RecordColumn("Subject", attrgetter("subject"), tooltip=attrgetter("serial"), stretch=True),
)

AUDIT_COLUMNS = (
    RecordColumn("#", attrgetter("seq"), numeric=True),
    RecordColumn("At", attrgetter("at")),
    RecordColumn("Actor", attrgetter("actor")),
    RecordColumn("Action", attrgetter("action")),
    RecordColumn("Subject", attrgetter("subject"),
                 tooltip=lambda e: json.dumps(e.detail, indent=1, sort_keys=True), stretch=True),
)

VIOLATION_COLUMNS = (
    RecordColumn("Concerns", attrgetter("subject")),
    RecordColumn("Violation", attrgetter("message"), tooltip=lambda v: v.code.value,
                 stretch=True),
)
