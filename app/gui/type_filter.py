"""TypeFilterProxy: find/filter, workflow and reason chips, and a view-only sort over the table."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.gui.store import ProjectStore
from app.gui.type_table import CertTypeTableModel
from models.certificate import CertificateType
from models.columns import COLUMNS, Column
from models.enums import ReasonCode, Workflow
from models.routing import Decision

Index = QModelIndex | QPersistentModelIndex

# Find looks in the name, the owner and every enumerated column (inputs and the decision).
SEARCHED = tuple(c for c in COLUMNS if c.key in ("name", "owner", "workflow", "reason")
                 or c.kind == "enum")
SAVED_ORDER = -1  # sort column meaning "the order the project file keeps"


def _sort_key(column: Column, ctype: CertificateType, decision: Decision) -> tuple[Any, ...]:
    """Enumerations sort in their declared order (short < medium < long), numbers as
    numbers, text ignoring case; blanks last."""
    value = column.getter(ctype, decision)
    if column.key == "reason":
        return (0, decision.rule, decision.label)
    if value is None or value == "":
        return (1,)
    if isinstance(value, StrEnum):
        return (0, list(type(value)).index(value))
    if isinstance(value, bool | int | float):
        return (0, float(value))
    return (0, str(value).casefold())


class TypeFilterProxy(QSortFilterProxyModel):
    """The table's rows as the user filters and sorts them; the project keeps its order.

    Edits pass through to the source model (QSortFilterProxyModel maps them), so undo,
    validation and the store work as without the proxy.
    """

    def __init__(self, source: CertTypeTableModel, store: ProjectStore, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._words: list[str] = []
        self._workflows: frozenset[Workflow] = frozenset()
        self._reasons: frozenset[ReasonCode] = frozenset()
        # (type, decision, key) per source row: a key is computed again only when its type
        # or decision object changed, so a re-sort after an edit costs comparisons only.
        self._keys: dict[int, tuple[CertificateType, Decision, tuple[Any, ...]]] = {}
        self.setSourceModel(source)
        self.setDynamicSortFilter(True)
        self.sort(SAVED_ORDER)

    # --- what the user chose ------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Every word must appear in the name, the owner or an enumerated column."""
        words = text.casefold().split()
        if words != self._words:
            self._words = words
            self.invalidateFilter()

    def set_workflows(self, workflows: frozenset[Workflow]) -> None:
        if workflows != self._workflows:
            self._workflows = workflows
            self.invalidateFilter()

    def set_reasons(self, reasons: frozenset[ReasonCode]) -> None:
        if reasons != self._reasons:
            self._reasons = reasons
            self.invalidateFilter()

    def clear_filter(self) -> None:
        self._words, self._workflows, self._reasons = [], frozenset(), frozenset()
        self.invalidateFilter()

    @property
    def filtering(self) -> bool:
        return bool(self._words or self._workflows or self._reasons)

    @property
    def sorted_view(self) -> bool:
        return self.sortColumn() != SAVED_ORDER

    def count_text(self) -> str:
        """"12 of 340 types" while filtering, "340 types" otherwise."""
        total = self.sourceModel().rowCount()
        noun = "type" if total == 1 else "types"
        if not self.filtering:
            return f"{total:,} {noun}"
        return f"{self.rowCount():,} of {total:,} {noun}"

    # --- QSortFilterProxyModel ----------------------------------------------------------

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.filtering:
            return True
        project, evaluation = self._store.project, self._store.evaluation
        if not 0 <= source_row < len(project.types):
            return False
        ctype, decision = project.types[source_row], evaluation.decisions[source_row]
        if self._workflows and decision.workflow not in self._workflows:
            return False
        if self._reasons and decision.reason not in self._reasons:
            return False
        if not self._words:
            return True
        haystack = " ".join(c.text(ctype, decision) for c in SEARCHED).casefold()
        return all(word in haystack for word in self._words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._keys.clear()
        super().sort(column, order)

    def lessThan(self, left: Index, right: Index) -> bool:
        column = COLUMNS[left.column()]
        return self._key(column, left.row()) < self._key(column, right.row())

    def _key(self, column: Column, row: int) -> tuple[Any, ...]:
        ctype = self._store.project.types[row]
        decision = self._store.evaluation.decisions[row]
        cached = self._keys.get(row)
        if cached is not None and cached[0] is ctype and cached[1] is decision:
            return cached[2]
        key = (*_sort_key(column, ctype, decision), row)  # ties keep the saved order
        self._keys[row] = (ctype, decision, key)
        return key

    def source_row(self, proxy_row: int) -> int | None:
        index = self.mapToSource(self.index(proxy_row, 0))
        return index.row() if index.isValid() else None

    def proxy_row(self, source_row: int) -> int | None:
        index = self.mapFromSource(self.sourceModel().index(source_row, 0))
        return index.row() if index.isValid() else None
