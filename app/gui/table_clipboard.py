"""TypeClipboard: Ctrl+C of selected cells as TSV with headers; Ctrl+V of spreadsheet rows."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QTableView

from app.gui import commands
from app.gui.store import ProjectStore
from app.gui.type_filter import TypeFilterProxy
from app.gui.type_table import CertTypeTableModel
from models.columns import COLUMNS
from models.spreadsheet_text import header_columns, read_rows, split_tsv, to_tsv


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


class TypeClipboard(QObject):
    """Copy and paste for the inventory table, through its filter proxy.

    Paste (Ctrl+V):
    - rows under a header row ("Certificate type", "Purpose", "CA", … matched by name) are
      added as new types, unless exactly that many whole rows are selected: then they are
      written over those rows;
    - rows without a header are written over the cells from the current cell on, right and
      down in the order shown, like a spreadsheet; rows below the last type become new types;
    - one value with several cells selected fills every selected cell.
    Paste as new types (Ctrl+Shift+V) always adds. Every paste is one undo step, and cells
    that could not be read are tinted with the reason in their tooltip.

    Signals:
        message(text): what the paste or copy did, for the status bar.
        appended(source_rows): new types were pasted at these rows.
    """

    message = Signal(str)
    appended = Signal(list)

    def __init__(self, store: ProjectStore, table: QTableView, proxy: TypeFilterProxy,
                 model: CertTypeTableModel) -> None:
        super().__init__(table)
        self._store = store
        self._table = table
        self._proxy = proxy
        self._model = model

    # --- copy ----------------------------------------------------------------------------

    def selected_tsv(self) -> str:
        """The selected cells, in the order shown: one cell as its text, more cells as a
        table under their column headers."""
        indexes = self._table.selectionModel().selectedIndexes()
        if not indexes and self._table.currentIndex().isValid():
            indexes = [self._table.currentIndex()]
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        project, evaluation = self._store.project, self._store.evaluation
        lines = [] if len(indexes) == 1 else [[COLUMNS[c].header for c in columns]]
        chosen = {(i.row(), i.column()) for i in indexes}
        for proxy_row in rows:
            source = self._proxy.source_row(proxy_row)
            if source is None:
                continue
            ctype, decision = project.types[source], evaluation.decisions[source]
            lines.append([COLUMNS[c].text(ctype, decision) if (proxy_row, c) in chosen else ""
                          for c in columns])
        if len(indexes) == 1:
            return lines[0][0]
        return to_tsv(lines)

    def copy(self) -> None:
        text = self.selected_tsv()
        if not text:
            return
        QApplication.clipboard().setText(text)
        cells = len(self._table.selectionModel().selectedIndexes()) or 1
        rows = len({i.row() for i in self._table.selectionModel().selectedIndexes()}) or 1
        self.message.emit(f"Copied {_plural(cells, 'cell')} of {_plural(rows, 'type')} "
                          "(tab-separated, with column headers)" if cells > 1
                          else "Copied 1 cell")

    # --- paste ---------------------------------------------------------------------------

    def paste(self, *, as_new: bool = False, text: str | None = None) -> bool:
        """Paste the clipboard's text (or `text`); False when nothing could be pasted."""
        grid = split_tsv(QApplication.clipboard().text() if text is None else text)
        if not grid:
            self.message.emit("Nothing to paste: the clipboard holds no rows")
            return False
        keys = header_columns(grid[0])
        data = grid[1:] if keys is not None else grid
        if not data:
            self.message.emit("Nothing to paste: only a header row")
            return False
        ignored = ([cell for cell, key in zip(grid[0], keys, strict=True)
                    if cell.strip() and key is None] if keys is not None else [])
        current = self._table.currentIndex()
        selected_rows = self._whole_selected_rows()
        if as_new or not current.isValid() or (
                keys is not None and len(selected_rows) != len(data)):
            overwrite: list[tuple[int, list[str]]] = []
            append = data
            keys = keys if keys is not None else tuple(c.key for c in COLUMNS)
        elif keys is not None:  # a header and as many whole rows selected: write over them
            overwrite, append = list(zip(selected_rows, data, strict=True)), []
        elif len(data) == 1 and len(data[0]) == 1 and len(self._selected()) > 1:
            return self._fill(data[0][0])
        else:
            overwrite, append, keys = self._from_current_cell(current.row(), data)
        return self._apply(overwrite, append, keys, ignored)

    def _selected(self) -> list:
        return self._table.selectionModel().selectedIndexes()

    def _whole_selected_rows(self) -> list[int]:
        """Source rows of the rows selected end to end, in the order shown."""
        proxy_rows = sorted(i.row() for i in self._table.selectionModel().selectedRows())
        rows = [self._proxy.source_row(r) for r in proxy_rows]
        return [r for r in rows if r is not None]

    def _from_current_cell(self, proxy_row: int, data: list[list[str]]
                           ) -> tuple[list[tuple[int, list[str]]], list[list[str]],
                                      tuple[str | None, ...]]:
        start = self._table.currentIndex().column()
        width = max(len(r) for r in data)
        keys = tuple(COLUMNS[start + n].key if start + n < len(COLUMNS) else None
                     for n in range(width))
        overwrite: list[tuple[int, list[str]]] = []
        for n, row in enumerate(data):
            source = self._proxy.source_row(proxy_row + n) if (
                proxy_row + n < self._proxy.rowCount()) else None
            if source is None:
                return overwrite, data[n:], keys
            overwrite.append((source, row))
        return overwrite, [], keys

    def _fill(self, value: str) -> bool:
        """One copied value into every selected cell, as a spreadsheet does."""
        keys_by_row: dict[int, list[str]] = {}
        for index in self._selected():
            source = self._proxy.source_row(index.row())
            if source is not None:
                keys_by_row.setdefault(source, []).append(COLUMNS[index.column()].key)
        overwrite = [(source, read_rows([[value] * len(keys)], keys)[0])
                     for source, keys in keys_by_row.items()]
        return self._finish(commands.paste_types(self._store, overwrite, []), [],
                            overwritten=len(overwrite))

    def _apply(self, overwrite: list[tuple[int, list[str]]], append: list[list[str]],
               keys: tuple[str | None, ...], ignored: list[str]) -> bool:
        written = read_rows([row for _source, row in overwrite], keys)
        added = read_rows(append, keys)
        result = commands.paste_types(
            self._store, [(s, p) for (s, _row), p in zip(overwrite, written, strict=True)],
            added)
        return self._finish(result, ignored, overwritten=len(overwrite))

    def _finish(self, result: tuple[list[int], commands.Marks] | None, ignored: list[str], *,
                overwritten: int) -> bool:
        if result is None:
            self.message.emit("Pasted: nothing changed")
            return False
        appended, marks = result
        self._model.mark_unread(marks)
        parts = []
        if appended:
            parts.append(f"added {_plural(len(appended), 'type')}")
        if overwritten:
            parts.append(f"wrote over {_plural(overwritten, 'type')}")
        text = "Pasted: " + " and ".join(parts) + " (Ctrl+Z undoes the whole paste)"
        if marks:
            text += (f" · {_plural(len(marks), 'cell')} could not be read: tinted red, "
                     "hover for why")
        if ignored:
            text += " · columns not used: " + ", ".join(ignored)
        self.message.emit(text)
        if appended:
            self.appended.emit(appended)
        return True
