"""TypeFilterProxy: find/filter, workflow and reason chips, and a view-only sort over the table."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from app.gui.store import ProjectStore
from app.gui.type_table import CertTypeTableModel
from models.certificate import CertificateType
from models.columns import COLUMNS
from models.enums import ReasonCode, Workflow
from models.routing import Decision

Index = QModelIndex | QPersistentModelIndex

# Find looks in the name, the owner and every enumerated column (inputs and the decision).
SEARCHED = tuple(c for c in COLUMNS if c.key in ("name", "owner", "workflow", "reason")
                 or c.kind == "enum")
SAVED_ORDER = -1  # sort column meaning "the order the project file keeps"


class TypeFilterProxy(QSortFilterProxyModel):
    """The table's rows as the user filters them (find words, workflow and reason chips).

    Edits pass through to the source model (QSortFilterProxyModel maps them), so undo,
    validation and the store work as without the proxy. Sorting is forwarded to the source
    model, which orders its rows for the view in one Python sort (see CertTypeTableModel).
    """

    def __init__(self, source: CertTypeTableModel, store: ProjectStore, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._source = source
        self._words: list[str] = []
        self._workflows: frozenset[Workflow] = frozenset()
        self._reasons: frozenset[ReasonCode] = frozenset()
        # What find searches, per type: rebuilt only when the type or its decision changed.
        self._haystacks: dict[str, tuple[CertificateType, Decision, str]] = {}
        self._active = False  # any find word or chip chosen
        self._accepted: list[bool] = []  # per project row, for the document state below
        self._accepted_for: tuple[object, object] = (None, None)
        self.setSourceModel(source)
        self.setDynamicSortFilter(True)
    # --- what the user chose ------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Every word must appear in the name, the owner or an enumerated column."""
        words = text.casefold().split()
        if words != self._words:
            self._refilter(words, self._workflows, self._reasons)

    def set_workflows(self, workflows: frozenset[Workflow]) -> None:
        if workflows != self._workflows:
            self._refilter(self._words, workflows, self._reasons)

    def set_reasons(self, reasons: frozenset[ReasonCode]) -> None:
        if reasons != self._reasons:
            self._refilter(self._words, self._workflows, reasons)

    def clear_filter(self) -> None:
        if self.filtering:
            self._refilter([], frozenset(), frozenset())

    def _refilter(self, words: list[str], workflows: frozenset[Workflow],
                  reasons: frozenset[ReasonCode]) -> None:
        def choose() -> None:
            self._words, self._workflows, self._reasons = words, workflows, reasons
            self._active = bool(words or workflows or reasons)
            self._accepted_for = (None, None)

        if hasattr(self, "beginFilterChange"):  # Qt 6.9+; invalidateFilter is deprecated
            self.beginFilterChange()
            choose()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            choose()
            self.invalidateFilter()

    @property
    def filtering(self) -> bool:
        return self._active

    @property
    def sorted_view(self) -> bool:
        return self._source.sort_column != SAVED_ORDER

    def count_text(self) -> str:
        """"12 of 340 types" while filtering, "340 types" otherwise."""
        total = self.sourceModel().rowCount()
        noun = "type" if total == 1 else "types"
        if not self.filtering:
            return f"{total:,} {noun}"
        return f"{self.rowCount():,} of {total:,} {noun}"

    # --- QSortFilterProxyModel ----------------------------------------------------------

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._active:
            return True
        accepted = self._accepted_rows()
        row = self._source.project_row(source_row)
        return 0 <= row < len(accepted) and accepted[row]

    def _accepted_rows(self) -> list[bool]:
        """Which project rows pass, worked out in one pass per document state: Qt asks row
        by row, and a Python call per row for the whole test cost more than the test."""
        project, evaluation = self._store.project, self._store.evaluation
        if self._accepted_for[0] is project and self._accepted_for[1] is evaluation:
            return self._accepted
        workflows, reasons, words = self._workflows, self._reasons, self._words
        accepted = []
        for ctype, decision in zip(project.types, evaluation.decisions, strict=True):
            ok = ((not workflows or decision.workflow in workflows)
                  and (not reasons or decision.reason in reasons))
            if ok and words:
                haystack = self._haystack(ctype, decision)
                ok = all(word in haystack for word in words)
            accepted.append(ok)
        self._accepted, self._accepted_for = accepted, (project, evaluation)
        return accepted

    def _haystack(self, ctype: CertificateType, decision: Decision) -> str:
        cached = self._haystacks.get(ctype.id)
        if cached is not None and cached[0] is ctype and (
                cached[1] is decision or cached[1] == decision):
            return cached[2]
        text = " ".join(c.text(ctype, decision) for c in SEARCHED).casefold()
        self._haystacks[ctype.id] = (ctype, decision, text)
        return text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._source.sort(column, order)  # the proxy itself keeps the source's order

    def source_row(self, proxy_row: int) -> int | None:
        """The project row shown in `proxy_row` (None: no such row)."""
        index = self.mapToSource(self.index(proxy_row, 0))
        return self._source.project_row(index.row()) if index.isValid() else None

    def proxy_row(self, project_row: int) -> int | None:
        """Where the type in `project_row` is shown (None: filtered out)."""
        if not 0 <= project_row < self._source.rowCount():
            return None
        index = self.mapFromSource(self._source.index(self._source.view_row(project_row), 0))
        return index.row() if index.isValid() else None
