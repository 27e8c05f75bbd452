"""CliffTableModel: per type its live population (editable) and, per rule date, the cap,
renewals per certificate and admin-mediated tickets as-is → designed (models.cliff)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from app.gui import commands
from app.gui.palette import MUTED_TEXT, WARNING_TONE
from app.gui.store import ProjectStore
from models.certificate import CertificateType
from models.cliff import TypeOnDate
from models.identity_diff import replaced

Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole
FIXED = ("Certificate type", "Live certs", "Annual volume")
PER_DATE = ("max", "renewals/yr", "as-is → designed")
POPULATION = 1
_ROW_BY_ROW_LIMIT = 50  # more changed rows than this are announced as one range
# What the table last showed: the types, the rule dates, per date the rows of every type.
_Seen = tuple[tuple[CertificateType, ...], tuple[dt.date, ...], tuple[tuple[TypeOnDate, ...], ...]]


def tickets_text(row: TypeOnDate) -> str:
    return f"{row.as_is_tickets:,.0f} → {row.designed_tickets:,.0f}"


class CliffTableModel(QAbstractTableModel):
    """Rows are the project's types; only the live-certificate column is editable."""

    def __init__(self, store: ProjectStore, parent: Any = None) -> None:
        super().__init__(parent)
        self._store = store
        self._bold = QFont()
        self._bold.setBold(True)
        self._shape = self._current_shape()
        self._seen = self._current_rows()
        store.project_replaced.connect(self._reset)
        store.types_changed.connect(self._on_store_changed)
        store.evaluation_changed.connect(self._on_store_changed)

    def _current_shape(self) -> tuple[int, int]:
        return len(self._store.project.types), len(self._store.evaluation.cliff.dates)

    def _reset(self, *_args: object) -> None:
        self.beginResetModel()
        self._shape = self._current_shape()
        self._seen = self._current_rows()
        self.endResetModel()

    def _on_store_changed(self, *_args: object) -> None:
        if self._current_shape() != self._shape:
            self._reset()  # rows added or removed, or the as-of date moved past a rule date
            return
        if not self.rowCount():
            return
        seen, self._seen = self._seen, self._current_rows()
        if seen[0] is self._seen[0] and all(
                a is b for a, b in zip(seen[2], self._seen[2], strict=True)):
            return  # the other of types_changed and evaluation_changed came first
        rows = self._changed_rows(seen, self._seen)
        last = self.columnCount() - 1
        if len(rows) > _ROW_BY_ROW_LIMIT:
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, last))
        for row in rows if len(rows) <= _ROW_BY_ROW_LIMIT else ():
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if seen[1] != self._seen[1]:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last)

    def _current_rows(self) -> _Seen:
        cliff = self._store.evaluation.cliff
        return self._store.project.types, tuple(d.date for d in cliff.dates), tuple(
            d.types for d in cliff.dates)

    @staticmethod
    def _changed_rows(old: _Seen, new: _Seen) -> list[int]:
        """Rows whose type or whose row on any rule date is a new object. The incremental
        evaluation keeps every untouched row's objects, so this is mostly `is` checks; a
        whole-table change at 5,000 types re-measured every cell (ResizeToContents)."""
        changed = set(replaced(old[0], new[0]))
        for before, after in zip(old[2], new[2], strict=True):
            if before is not after:
                changed.update(r for r in replaced(before, after) if before[r] != after[r])
        return sorted(changed)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shape[0]

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(FIXED) + len(PER_DATE) * self._shape[1]

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Role.DisplayRole) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Role.DisplayRole:
            return None
        if section < len(FIXED):
            return FIXED[section]
        date, part = divmod(section - len(FIXED), len(PER_DATE))
        return f"{self._store.evaluation.cliff.dates[date].date.isoformat()}\n{PER_DATE[part]}"

    def _cell(self, ctype: CertificateType, row: int, column: int) -> str:
        if column == 0:
            return ctype.name
        if column == POPULATION:
            return "" if ctype.live_certificates is None else f"{ctype.live_certificates:,}"
        if column == 2:
            return "" if ctype.annual_volume is None else f"{ctype.annual_volume:,}"
        date, part = divmod(column - len(FIXED), len(PER_DATE))
        on = self._store.evaluation.cliff.dates[date].types[row]
        return (f"{on.max_validity_days} d", f"{on.renewals_per_certificate:.2f}",
                tickets_text(on))[part]

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        ctype = self._store.project.types[row]
        if role in (Role.DisplayRole, Role.EditRole):
            if role == Role.EditRole and column == POPULATION:
                return "" if ctype.live_certificates is None else str(ctype.live_certificates)
            return self._cell(ctype, row, column)
        if role == Role.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Role.ForegroundRole and column >= len(FIXED):
            date, part = divmod(column - len(FIXED), len(PER_DATE))
            on = self._store.evaluation.cliff.dates[date].types[row]
            if part == 2 and on.as_is_tickets == 0 and on.designed_tickets == 0:
                return MUTED_TEXT
            if part == 0 and on.limit.kind.value == "public cap":
                return WARNING_TONE
        if role == Role.ToolTipRole:
            return self._tooltip(ctype, row, column)
        return None

    def _tooltip(self, ctype: CertificateType, row: int, column: int) -> str | None:
        if column == POPULATION:
            return CertificateType.model_fields["live_certificates"].description
        if column < len(FIXED):
            return None
        date, _part = divmod(column - len(FIXED), len(PER_DATE))
        on = self._store.evaluation.cliff.dates[date].types[row]
        volume = ("live certificates × renewals" if on.from_population
                  else "the annual volume as it stands")
        return (f"{on.limit.reason}. Renewed {on.lead_days:g} days before expiry; "
                f"volume: {volume}.")

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == POPULATION:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Role.EditRole) -> bool:
        if role != Role.EditRole or not index.isValid() or index.column() != POPULATION:
            return False
        text = str(value).replace(",", "").strip()
        ctype = self._store.project.types[index.row()]
        try:
            population = int(text) if text else None
        except ValueError:
            self._store.error.emit(f"{ctype.name}: live certificates must be a whole number "
                                   f"(got {value!r})")
            return False
        if population == ctype.live_certificates:
            return False
        return commands.edit_type(self._store, index.row(),
                                  f"Set live certificates of {ctype.name}",
                                  live_certificates=population)
