"""File ▸ Discover from certificates…: scan an estate, shape the proposals, accept them.

The dialog holds the scan and the architect's choices (names, accept, merge, split, add to an
existing type); nothing reaches the project until Accept, which is one undoable edit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.discovery.cli import verdicts_csv
from app.discovery.files import PasswordSource
from app.discovery.scan import ScanResult, Sources, scan
from app.discovery.trust import TrustStore
from app.gui import file_dialogs
from app.gui.store import ProjectStore
from app.gui.transfer_actions import run_with_progress
from exporters.text_export import write_text
from models.certificate import TypeId
from models.discovery import (
    Choice,
    Proposal,
    accept,
    merge,
    plural,
    propose,
    split_by_domain,
)
from models.discovery_replay import Verdict, replay, summary
from models.enums import Purpose
from models.evaluation import evaluate

Index = QModelIndex | QPersistentModelIndex
NEW_TYPE = "New type"
COLUMNS = ("Accept", "Name", "Add to", "Certificates", "Live", "Per year", "Lifetime",
           "Why")


@dataclasses.dataclass
class Row:
    """One proposal and what the architect chose for it."""

    proposal: Proposal
    name: str
    accepted: bool = True
    into: TypeId | None = None


class ProposalTable(QAbstractTableModel):
    """The proposals, with the accept box, the editable name and the "add to" choice."""

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.rows: list[Row] = []

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def type_names(self) -> dict[TypeId, str]:
        return {t.id: t.name for t in self._store.project.types}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], COLUMNS[index.column()]
        p = row.proposal
        if role == Qt.ItemDataRole.CheckStateRole and column == "Accept":
            return Qt.CheckState.Checked if row.accepted else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join((p.explanation, *p.assumptions, "Issuers: " + ", ".join(
                f"{name} ({n})" for name, n in p.issuers[:5])))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
                "Certificates", "Live", "Per year", "Lifetime"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return None
        values: dict[str, Any] = {
            "Accept": "", "Name": row.name,
            "Add to": self.type_names().get(row.into, NEW_TYPE) if row.into else NEW_TYPE,
            "Certificates": f"{len(p.members):,}", "Live": f"{p.population:,}",
            "Per year": f"{p.annual_volume:,}",
            "Lifetime": f"{p.lifetime_days} d" if p.lifetime_days is not None else "—",
            "Why": p.explanation,
        }
        return values[column]

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        column = COLUMNS[index.column()]
        if column == "Accept":
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if column in ("Name", "Add to"):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        row, column = self.rows[index.row()], COLUMNS[index.column()]
        if column == "Accept" and role == Qt.ItemDataRole.CheckStateRole:
            row.accepted = Qt.CheckState(value) == Qt.CheckState.Checked
        elif column == "Name" and role == Qt.ItemDataRole.EditRole:
            text = " ".join(str(value).split())[:200]
            if not text:
                return False
            row.name = text
        elif column == "Add to" and role == Qt.ItemDataRole.EditRole:
            row.into = value or None
        else:
            return False
        self.dataChanged.emit(index, index)
        return True


class AddToDelegate(QStyledItemDelegate):
    """A drop-down of "New type" and the project's types for the "Add to" column."""

    def __init__(self, table: ProposalTable) -> None:
        super().__init__(table)
        self._table = table

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItem(NEW_TYPE, None)
        for type_id, name in self._table.type_names().items():
            combo.addItem(name, type_id)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        current = self._table.rows[index.row()].into
        editor.setCurrentIndex(max(0, editor.findData(current)) if current else 0)

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class DiscoverDialog(QDialog):
    """Sources → scan → proposals (accept, rename, merge, split, add to) → replay → accept."""

    def __init__(self, store: ProjectStore, parent: QWidget | None = None, *,
                 today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Discover certificate types from existing certificates")
        self._store = store
        self._today = today or dt.date.today()
        self.sources = Sources()
        self.scanned: ScanResult | None = None
        self.verdicts: tuple[Verdict, ...] = ()
        self.password: PasswordSource | None = None
        self.trust: TrustStore | None = None  # None: Mozilla's roots (certifi)

        self.sources_label = QLabel("No sources yet: add certificate files or folders, a CLM "
                                    "inventory (CSV) or a crt.sh export.")
        self.sources_label.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, slot in (("Add folder…", self.add_folder), ("Add files…", self.add_files),
                           ("Inventory CSV…", self.choose_csv),
                           ("crt.sh export…", self.choose_crtsh)):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.scan_button = QPushButton("Scan")
        self.scan_button.setDefault(True)
        self.scan_button.clicked.connect(self.run_scan)
        buttons.addWidget(self.scan_button)

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.problems = QPlainTextEdit()
        self.problems.setReadOnly(True)
        self.problems.setMaximumHeight(70)
        self.problems.hide()

        self.table = ProposalTable(store, self)
        self.view = QTableView()
        self.view.setModel(self.table)
        self.view.setItemDelegateForColumn(COLUMNS.index("Add to"), AddToDelegate(self.table))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Name"), QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(COLUMNS.index("Name"), 330)

        shape = QHBoxLayout()
        self.merge_button = QPushButton("Merge selected")
        self.merge_button.clicked.connect(self.merge_selected)
        self.split_button = QPushButton("Split by domain")
        self.split_button.clicked.connect(self.split_selected)
        self.replay_button = QPushButton("Replay against the design")
        self.replay_button.clicked.connect(self.run_replay)
        self.verdicts_button = QPushButton("Export verdicts…")
        self.verdicts_button.clicked.connect(self.export_verdicts)
        for button in (self.merge_button, self.split_button, self.replay_button,
                       self.verdicts_button):
            shape.addWidget(button)
        shape.addStretch(1)
        self.replay_label = QLabel("")
        self.replay_label.setWordWrap(True)

        self.box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.accept_button = self.box.addButton("Add to project",
                                                QDialogButtonBox.ButtonRole.AcceptRole)
        self.box.accepted.connect(self.add_to_project)
        self.box.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.sources_label)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(self.view, 1)
        layout.addLayout(shape)
        layout.addWidget(self.replay_label)
        layout.addWidget(self.box)
        self.resize(1100, 640)
        self._update_buttons()

    # --- sources (file dialogs are replaced in tests) -------------------------------------

    def _pick_folder(self) -> str:
        return file_dialogs.existing_folder(self, "Folder of certificates")

    def _pick_files(self, title: str, file_filter: str) -> list[str]:
        return file_dialogs.open_files(self, title, file_filter)

    def add_folder(self) -> None:
        if chosen := self._pick_folder():
            self.set_sources(dataclasses.replace(
                self.sources, paths=(*self.sources.paths, Path(chosen))))

    def add_files(self) -> None:
        chosen = self._pick_files("Certificate files", "Certificates (*.pem *.crt *.cer *.der "
                                  "*.p7b *.p7c *.p12 *.pfx);;All files (*)")
        if chosen:
            self.set_sources(dataclasses.replace(
                self.sources, paths=(*self.sources.paths, *map(Path, chosen))))

    def choose_csv(self) -> None:
        if chosen := self._pick_files("CLM inventory export", "CSV files (*.csv)"):
            self.set_sources(dataclasses.replace(self.sources, csv=Path(chosen[0])))

    def choose_crtsh(self) -> None:
        if chosen := self._pick_files("crt.sh export", "JSON files (*.json)"):
            self.set_sources(dataclasses.replace(self.sources, crtsh=Path(chosen[0])))

    def set_sources(self, sources: Sources) -> None:
        self.sources = sources
        named = [*map(str, sources.paths),
                 *(f"inventory {p}" for p in (sources.csv,) if p),
                 *(f"crt.sh {p}" for p in (sources.crtsh,) if p)]
        self.sources_label.setText("Sources: " + "; ".join(named) if named else "")
        self._update_buttons()

    # --- scan, shape, replay --------------------------------------------------------------

    def run_scan(self) -> None:
        sources, password, today = self.sources, self.password, self._today
        trust = TrustStore(roots=dict(self.trust.roots)) if self.trust else None

        def work() -> tuple[ScanResult, tuple[Proposal, ...]]:
            result = scan(sources, password=password, store=trust)
            return result, propose(result.certificates, today=today)

        self.scanned, proposals = run_with_progress(self, "Reading certificates…", work)
        self.verdicts = ()
        self.replay_label.clear()
        # CA certificates found beside the leaves are chain material: offered, not ticked.
        self.table.set_rows([Row(p, p.name, accepted=p.key.purpose is not Purpose.CA_SIGNING)
                             for p in proposals])
        result = self.scanned
        self.summary.setText(
            f"{plural(len(result.certificates), 'certificate')} "
            f"({plural(result.duplicates, 'duplicate')} counted once) from "
            f"{plural(result.files_read, 'file')} · "
            f"{plural(len(proposals), 'proposed type')} · "
            f"{plural(len(result.problems), 'source')} not read")
        self.problems.setVisible(bool(result.problems))
        self.problems.setPlainText("\n".join(str(p) for p in result.problems[:500]))
        self._update_buttons()

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.view.selectionModel().selectedRows()})

    def merge_selected(self) -> None:
        rows = self.selected_rows()
        if len(rows) < 2 or self.scanned is None:
            return
        merged = merge([self.table.rows[r].proposal for r in rows],
                       self.scanned.certificates, today=self._today)
        kept = [r for i, r in enumerate(self.table.rows) if i not in rows]
        self.table.set_rows([*kept[:rows[0]], Row(merged, merged.name), *kept[rows[0]:]])
        self._stale_replay()

    def split_selected(self) -> None:
        if self.scanned is None:
            return
        rows: list[Row] = []
        for index, row in enumerate(self.table.rows):
            if index in self.selected_rows():
                rows += [Row(p, p.name) for p in split_by_domain(
                    row.proposal, self.scanned.certificates, today=self._today)]
            else:
                rows.append(row)
        self.table.set_rows(rows)
        self._stale_replay()

    def choices(self) -> list[Choice]:
        return [Choice(r.proposal, r.name, r.into) for r in self.table.rows if r.accepted]

    def run_replay(self) -> None:
        if self.scanned is None:
            return
        project, mapping = accept(self._store.project, self.choices())
        self.verdicts = replay(self.scanned.certificates, mapping, project, evaluate(project))
        self.replay_label.setText(f"Replay: {summary(self.verdicts)}" if self.verdicts
                                  else "Replay: no accepted certificates to replay")
        self._update_buttons()

    def _stale_replay(self) -> None:
        self.verdicts = ()
        self.replay_label.setText("")
        self._update_buttons()

    def _save_path(self) -> str:
        return file_dialogs.save_file(self, "Export verdicts", "verdicts.csv",
                                      "CSV files (*.csv)")

    def export_verdicts(self) -> None:
        if self.verdicts and (path := self._save_path()):
            try:
                write_text(path, verdicts_csv(self.verdicts))
            except OSError as exc:
                self.replay_label.setText(f"Cannot write {path}: {exc.strerror or exc}")

    def add_to_project(self) -> None:
        """The accepted proposals into the project as one undoable edit."""
        choices = self.choices()
        if not choices:
            self.reject()
            return
        project, _ = accept(self._store.project, choices)
        self._store.edit(project, f"Discover {len(choices)} certificate types", rows=None)
        self.accept()

    def _update_buttons(self) -> None:
        has = self.scanned is not None and bool(self.table.rows)
        self.scan_button.setEnabled(bool(self.sources.paths or self.sources.csv
                                         or self.sources.crtsh))
        for button in (self.merge_button, self.split_button, self.replay_button,
                       self.accept_button):
            button.setEnabled(has)
        self.verdicts_button.setEnabled(bool(self.verdicts))
