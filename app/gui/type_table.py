"""CertTypeTableModel: the inventory as a table model over the store, and its columns' fit."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QTableView

from app.gui import commands
from app.gui.palette import OVERRIDE_TONE, WORKFLOW_TINT, WORKFLOW_TONE
from app.gui.store import ProjectStore
from models.certificate import CertificateType
from models.columns import COLUMNS, DERIVED_COLUMNS, ROUTING_COLUMNS, Column
from models.identity_diff import replaced
from models.routing import Decision

Index = QModelIndex | QPersistentModelIndex
Role = Qt.ItemDataRole

WORKFLOW_COLUMN = len(ROUTING_COLUMNS)
REASON_COLUMN = WORKFLOW_COLUMN + 1
DERIVED = range(WORKFLOW_COLUMN, WORKFLOW_COLUMN + len(DERIVED_COLUMNS))
REASON_MIN_CHARS = 12  # an elided reason keeps about this many characters
UNREAD_TINT = QColor(252, 222, 220)  # a pasted cell that could not be read


def _tooltip(column: Column) -> str:
    field = CertificateType.model_fields.get(column.key)
    return field.description or column.header if field else column.header


def sort_key(column: Column, ctype: CertificateType, decision: Decision) -> tuple[Any, ...]:
    """How a column sorts: enumerations in their declared order (short < medium < long),
    numbers as numbers, text ignoring case, Reason by rule; blanks last."""
    if column.key == "reason":
        return (0, decision.rule, decision.label)
    value = column.getter(ctype, decision)
    if value is None or value == "":
        return (1,)
    if isinstance(value, StrEnum):
        return (0, list(type(value)).index(value))
    if isinstance(value, bool | int | float):
        return (0, float(value))
    return (0, str(value).casefold())


class CertTypeTableModel(QAbstractTableModel):
    """Rows are the project's types; input columns edit them, derived columns show routing.

    `sort()` orders the rows for the view only (the project keeps its order; the row header
    shows each type's place in it). Sorting here, as one Python sort, instead of in a
    QSortFilterProxyModel, whose comparisons each call back into Python: 5,000 types took
    over a second to sort there. `project_row()` / `view_row()` translate.
    """

    def __init__(self, store: ProjectStore, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        store.project_replaced.connect(self._on_store_project_replaced)
        store.types_changed.connect(self._on_store_types_changed)
        store.evaluation_changed.connect(self._on_store_evaluation_changed)
        self._bold = QFont()
        self._bold.setBold(True)
        self._italic_bold = QFont(self._bold)
        self._italic_bold.setItalic(True)
        self._decisions = store.evaluation.decisions  # what the view shows now
        self._types = store.project.types
        # Pasted cells that could not be read: (type id, field) -> why; cleared by an edit.
        self._unread: dict[tuple[str, str], str] = {}
        self.sort_column = -1  # -1: the project's (saved) order
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._order: list[int] | None = None  # view row -> project row (None: same)
        self._position: list[int] = []  # project row -> view row

    # --- view order ----------------------------------------------------------------------

    def project_row(self, view_row: int) -> int:
        return view_row if self._order is None else self._order[view_row]

    def view_row(self, project_row: int) -> int:
        return project_row if self._order is None else self._position[project_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Show the rows sorted by `column` (-1: in the project's order).

        Like a spreadsheet's sort, it is applied when asked (and when rows are added or
        removed): an edited row stays where it is rather than jumping away mid-edit.
        """
        self.sort_column, self._sort_order = column, order
        self._reorder(announce=True)

    def _sorted_order(self) -> list[int] | None:
        if not 0 <= self.sort_column < len(COLUMNS):
            return None
        column = COLUMNS[self.sort_column]
        types, decisions = self._store.project.types, self._store.evaluation.decisions
        keys = [sort_key(column, t, d) for t, d in zip(types, decisions, strict=True)]
        # Stable either way: equal keys keep the saved order, as Qt's own sort does.
        return sorted(range(len(keys)), key=keys.__getitem__,
                      reverse=self._sort_order == Qt.SortOrder.DescendingOrder)

    def _reorder(self, *, announce: bool) -> None:
        """Recompute the view order; `announce` it as a layout change (else the caller is
        inside a model reset)."""
        order = self._sorted_order()
        if order == self._order:
            return
        if not announce:
            self._set_order(order)
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        rows = [self.project_row(i.row()) if i.isValid() else -1 for i in persistent]
        self._set_order(order)
        self.changePersistentIndexList(
            persistent, [self.index(self.view_row(r), i.column()) if r >= 0 else QModelIndex()
                         for i, r in zip(persistent, rows, strict=True)])
        self.layoutChanged.emit()

    def _set_order(self, order: list[int] | None) -> None:
        self._order = order
        self._position = [] if order is None else [0] * len(order)
        if order is not None:
            for view, project in enumerate(order):
                self._position[project] = view

    # --- read ----------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._store.project.types)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Role.DisplayRole):
        if orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(COLUMNS):
                return None
            column = COLUMNS[section]
            if role == Role.DisplayRole:
                return column.header
            if role == Role.ToolTipRole:
                return _tooltip(column)
        elif role == Role.DisplayRole:
            return str(self.project_row(section) + 1)  # the type's place in the project
        return None

    def data(self, index: Index, role: int = Role.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.project_row(index.row()), index.column()
        ctype = self._store.project.types[row]
        decision = self._store.evaluation.decisions[row]
        column = COLUMNS[col]
        if role == Role.DisplayRole:
            if column.kind == "bool":
                return None
            text = column.text(ctype, decision)
            if col == REASON_COLUMN and decision.overridden:
                return f"⚑ {text}"
            return text
        if role == Role.EditRole:
            value = column.getter(ctype, decision)
            return "" if value is None else (value.value if hasattr(value, "value") else value)
        if role == Role.CheckStateRole and column.kind == "bool":
            checked = column.getter(ctype, decision)
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if col in DERIVED:
            return self._derived_role(decision, col, role)
        unread = self._unread.get((ctype.id, column.key)) if self._unread else None
        if unread is not None:
            if role == Role.BackgroundRole:
                return UNREAD_TINT
            if role == Role.ToolTipRole:
                return (f"Not read from the paste — {unread}. The cell keeps this value; "
                        "edit it to clear the mark.")
        if role == Role.ToolTipRole:
            return _tooltip(column)
        return None

    # --- marks ---------------------------------------------------------------------------

    def mark_unread(self, marks: dict[tuple[str, str], str]) -> None:
        """Tint the pasted cells that could not be read, with the reason in their tooltip."""
        self._unread.update(marks)
        rows: dict[str, int] = {t.id: r for r, t in enumerate(self._store.project.types)}
        for type_id, key in marks:
            if type_id in rows and key in _COLUMN_OF:
                index = self.index(self.view_row(rows[type_id]), _COLUMN_OF[key])
                self.dataChanged.emit(index, index)

    def unread_cells(self) -> dict[tuple[str, str], str]:
        """The marked cells of types still in the project."""
        ids = {t.id for t in self._store.project.types}
        return {k: v for k, v in self._unread.items() if k[0] in ids}

    def _derived_role(self, decision, col: int, role: int) -> Any:
        if role == Role.BackgroundRole:
            return WORKFLOW_TINT[decision.workflow]
        if role == Role.ForegroundRole:
            return OVERRIDE_TONE if decision.overridden else WORKFLOW_TONE[decision.workflow]
        if role == Role.FontRole and col == WORKFLOW_COLUMN:
            return self._italic_bold if decision.overridden else self._bold
        if role == Role.ToolTipRole:
            lines = [decision.rationale]
            if col == REASON_COLUMN:  # the full reason, when the column is too narrow for it
                lines.insert(0, f"{decision.label} · rule {decision.rule}")
            if decision.overridden:
                lines.insert(0, "Manual override — " + decision.note)
            lines += [f"Exception: {e}" for e in decision.exceptions]
            return "\n\n".join(lines)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Called for every painted cell: combining enum flags each time is measurably slow.
        return _COLUMN_FLAGS[index.column()] if index.isValid() else Qt.ItemFlag.NoItemFlags

    # --- write ---------------------------------------------------------------------------

    def setData(self, index: Index, value: Any, role: int = Role.EditRole) -> bool:
        if not index.isValid() or not COLUMNS[index.column()].editable:
            return False
        column = COLUMNS[index.column()]
        if role == Role.CheckStateRole and column.kind == "bool":
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Role.EditRole:
            return False
        parsed = self._parse(column, value)
        if parsed is _INVALID:
            self._store.error.emit(f"{column.header}: {value!r} is not a valid value")
            return False
        row = self.project_row(index.row())
        ctype = self._store.project.types[row]
        if self._unread.pop((ctype.id, column.key), None) is not None:
            self.dataChanged.emit(index, index)  # confirmed as it is: no longer marked
        return commands.edit_type(self._store, row,
                                  f"Set {column.header} of {ctype.name}", **{column.key: parsed})

    @staticmethod
    def _parse(column: Column, value: Any) -> Any:
        if column.kind in ("int", "float"):
            text = str(value).strip().replace(",", "").replace("_", "")
            if text == "":
                return None
            try:
                number = float(text)
            except ValueError:
                return _INVALID
            if column.kind == "int":
                return int(number) if number.is_integer() else _INVALID
            return number
        if column.kind == "enum" and value == "" and column.key == "as_is_workflow":
            return None
        return value

    # --- store signals -------------------------------------------------------------------

    def _on_store_project_replaced(self) -> None:
        self.beginResetModel()
        self._decisions = self._store.evaluation.decisions
        self._types = self._store.project.types
        self._order = None  # rows added or removed: sorted again from scratch
        self._reorder(announce=False)
        self.endResetModel()

    def _on_store_types_changed(self, rows: list[int] | None) -> None:
        old, new = self._types, self._store.project.types
        if rows is None or len(old) != len(new):  # rows added, removed or moved
            self._on_store_project_replaced()
            return
        self._types = new
        # Only the cells whose value changed: each repainted cell is a Python paint call.
        for row in rows:
            for col, key in _INPUT_FIELDS:
                if getattr(old[row], key) != getattr(new[row], key):
                    self._unread.pop((new[row].id, key), None)  # edited: no longer unread
                    index = self.index(self.view_row(row), col)
                    self.dataChanged.emit(index, index)

    def _on_store_evaluation_changed(self, evaluation) -> None:
        # Any row can re-route (a tolerance or cost edit): refresh the rows whose decision
        # differs. Frozen decisions shared per rule make the comparison mostly `is` checks.
        old, new = self._decisions, evaluation.decisions
        self._decisions = new
        if len(old) != len(new):
            rows: Sequence[int] = range(len(new))
        else:
            rows = [] if old is new else [r for r in replaced(old, new) if old[r] != new[r]]
        if self._order is not None:
            rows = [self._position[r] for r in rows]
        self._cells_changed(rows, DERIVED)

    def _cells_changed(self, rows, columns: range) -> None:
        """Announce changed cells so the view repaints only them.

        QAbstractItemView repaints just the cell for a one-cell dataChanged but the whole
        viewport for a range, so a few changed rows are announced cell by cell.
        """
        if len(rows) * len(columns) > _CELL_BY_CELL_LIMIT:
            self.dataChanged.emit(self.index(min(rows), columns.start),
                                  self.index(max(rows), columns.stop - 1))
            return
        for row in rows:
            for col in columns:
                index = self.index(row, col)
                self.dataChanged.emit(index, index)


def fit_routing_widths(wanted: Sequence[int], contents: Sequence[int], available: int, *,
                       floor: int) -> list[int]:
    """Widths for the columns up to Reason so that they end inside `available` pixels.

    The overflow comes first out of each column's room beyond its contents, from Reason
    leftwards, then out of Reason itself, which elides down to `floor` (its tooltip has it
    all). Beyond that the view scrolls.
    """
    widths = list(wanted)
    over = sum(widths) - available
    for col in reversed(range(len(widths))):
        take = min(max(over, 0), max(widths[col] - contents[col], 0))
        widths[col] -= take
        over -= take
    if over > 0 and widths[REASON_COLUMN] > floor:
        widths[REASON_COLUMN] = max(floor, widths[REASON_COLUMN] - over)
    return widths


class RoutingColumnsFit(QObject):
    """Keeps a type table's routing columns, name to Reason, in view as the view resizes.

    In presentation mode the larger type must not push the decision off a 1920×1080 screen.
    """

    def __init__(self, table: QTableView) -> None:
        super().__init__(table)
        self._table = table
        self._wanted: list[int] = []
        self._contents: list[int] = []
        self._fitting = False
        table.viewport().installEventFilter(self)
        table.horizontalHeader().sectionResized.connect(self._on_header_section_resized)

    def refit(self, contents: Sequence[int]) -> None:
        """Fit the view from the columns' current (wanted) widths and `contents`, each
        column's width fitted to its contents; both are kept for later resizes."""
        self._wanted = [self._table.columnWidth(c) for c in range(REASON_COLUMN + 1)]
        self._contents = list(contents[:REASON_COLUMN + 1])
        self._fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self._wanted:
            self._fit()
        return False

    def _on_header_section_resized(self, col: int, _old: int, new: int) -> None:
        if not self._fitting and col < len(self._wanted):
            self._wanted[col] = new  # the user dragged it: keep that width while it fits

    def _fit(self) -> None:
        table = self._table
        floor = table.fontMetrics().averageCharWidth() * REASON_MIN_CHARS
        widths = fit_routing_widths(self._wanted, self._contents, table.viewport().width(),
                                    floor=floor)
        self._fitting = True
        try:
            for col, width in enumerate(widths):
                if table.columnWidth(col) != width:
                    table.setColumnWidth(col, width)
        finally:
            self._fitting = False


def _column_flags(column: Column) -> Qt.ItemFlag:
    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    if column.editable:
        flags |= (Qt.ItemFlag.ItemIsUserCheckable if column.kind == "bool"
                  else Qt.ItemFlag.ItemIsEditable)
    return flags


_COLUMN_FLAGS = tuple(_column_flags(c) for c in COLUMNS)
_COLUMN_OF = {c.key: n for n, c in enumerate(COLUMNS)}
_INPUT_FIELDS = tuple((n, c.key) for n, c in enumerate(COLUMNS) if c.editable)  # type field
_CELL_BY_CELL_LIMIT = 200  # beyond this many cells one range signal (a full repaint) is cheaper
_INVALID = object()
