"""File ▸ Export and File ▸ Import: the exporters of SPEC.md §4 behind menus, with progress."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.gui import file_dialogs
from exporters.routing_import import ImportResult, RoutingImportError, import_file
from exporters.text_export import project_json, routing_csv, routing_markdown, write_text
from models.evaluation import Evaluation
from models.project import Project

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

T = TypeVar("T")
# Work shorter than this never shows the dialog (Qt's own minimumDuration rule).
PROGRESS_AFTER_MS = 400
PROBLEMS_SHOWN = 12


def run_with_progress(parent: QWidget, label: str, work: Callable[[], T]) -> T:
    """Run `work` on a worker thread behind a window-modal busy dialog; return its result.

    The project and evaluation are frozen values, so the worker reads a snapshot while the
    window stays responsive (repaints, the dialog's busy bar). Exceptions are re-raised here.
    """
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed back to the GUI thread below
            outcome["error"] = exc

    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setCancelButton(None)  # exports are atomic and short: nothing half-done to cancel
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(PROGRESS_AFTER_MS)
    dialog.setAutoClose(False)
    worker = threading.Thread(target=target, name="certroute-transfer", daemon=True)
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(25)
    poll.timeout.connect(lambda: None if worker.is_alive() else loop.quit())
    worker.start()
    poll.start()
    loop.exec()
    poll.stop()
    dialog.reset()
    dialog.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def show_write_failure(window: MainWindow, title: str, status: str, path: Path,
                       exc: OSError) -> None:
    """A file that could not be written: a dialog, and the reason kept in the status bar."""
    reason = exc.strerror or str(exc)
    window.warn(title, f"{path}: {reason}")
    window.show_error(f"{status}: {path}: {reason}")


def _write_workbook(project: Project, evaluation: Evaluation, path: Path) -> None:
    from exporters.workbook import write_workbook  # lazy: xlsxwriter only when exporting

    write_workbook(project, evaluation, path)


def _write_policy(project: Project, evaluation: Evaluation, path: Path) -> None:
    from exporters.policy.export import write_policy

    write_policy(project, evaluation, path)


# (menu text, file filter or None for a folder, suffix, writer)
EXPORTS: tuple[tuple[str, str | None, str, Callable[[Project, Evaluation, Path], None]], ...] = (
    ("&Workbook (Excel)…", "Excel workbooks (*.xlsx)", ".xlsx", _write_workbook),
    ("Routing matrix as &CSV…", "CSV files (*.csv)", ".csv",
     lambda p, e, path: write_text(path, routing_csv(p, e))),
    ("Routing matrix as &Markdown…", "Markdown files (*.md)", ".md",
     lambda p, e, path: write_text(path, routing_markdown(p, e))),
    ("Project and evaluation as &JSON…", "JSON files (*.json)", ".json",
     lambda p, e, path: write_text(path, project_json(p, e))),
    ("&Policy as code…", None, "", _write_policy),
)


class TransferActions(QObject):
    """The Export submenu and the Import action of one window's File menu."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        menu = window.file_menu
        before = window.transfer_separator
        self.export_menu = menu.addMenu("&Export")
        menu.insertMenu(before, self.export_menu)
        self.export_actions = []
        for text, file_filter, suffix, writer in EXPORTS:
            action = self.export_menu.addAction(text)
            action.triggered.connect(
                lambda _checked=False, t=text, f=file_filter, s=suffix, w=writer:
                self.export(t, f, s, w))
            self.export_actions.append(action)
        self.import_action = menu.addAction("&Import routing matrix…")
        menu.insertAction(before, self.import_action)
        self.import_action.triggered.connect(self.import_matrix)

    # --- dialogs (replaced in tests) ------------------------------------------------------

    def _ask_save_path(self, title: str, file_filter: str | None, suffix: str) -> str:
        stem = self.window.store.path.name.split(".")[0] if self.window.store.path else "routing"
        if file_filter is None:
            return file_dialogs.existing_folder(self.window, title)
        chosen = file_dialogs.save_file(self.window, title, stem + suffix, file_filter)
        if chosen and not chosen.lower().endswith(suffix):
            chosen += suffix
        return chosen

    def _ask_open_path(self) -> str:
        return file_dialogs.open_file(
            self.window, "Import routing matrix",
            "Workbooks and CSV (*.xlsx *.csv);;Excel workbooks (*.xlsx);;CSV files (*.csv)")

    def _confirm_partial(self, result: ImportResult, source: Path) -> bool:
        lines = [str(p) for p in result.problems[:PROBLEMS_SHOWN]]
        if result.problem_count > PROBLEMS_SHOWN:
            lines.append(f"… and {result.problem_count - PROBLEMS_SHOWN:,} more")
        box = QMessageBox(QMessageBox.Icon.Warning, "Import routing matrix",
                          f"{source.name}: {result.problem_count:,} problem(s); "
                          f"{result.rows_kept} of {result.rows_read} rows are good"
                          + (f"; {len(result.unchanged)} type(s) with bad rows keep their "
                             "current version" if result.unchanged else "")
                          + ". Import the good rows?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self.window)
        box.setDetailedText("\n".join(lines))
        return box.exec() == QMessageBox.StandardButton.Yes

    # --- commands -------------------------------------------------------------------------

    def export(self, title: str, file_filter: str | None, suffix: str,
               writer: Callable[[Project, Evaluation, Path], None]) -> bool:
        """Ask where, then write; failures are shown and leave nothing half-written."""
        self.window.finish_editing()
        chosen = self._ask_save_path(title.replace("&", "").rstrip("…"), file_filter, suffix)
        if not chosen:
            return False
        path = Path(chosen)
        project, evaluation = self.window.store.project, self.window.store.evaluation
        try:
            run_with_progress(self.window, f"Exporting {path.name}…",
                              lambda: writer(project, evaluation, path))
        except OSError as exc:
            show_write_failure(self.window, "Export failed", "Not exported", path, exc)
            return False
        self.window.show_message(f"Exported {path}")
        return True

    def import_matrix(self) -> bool:
        """Read an edited matrix; the good rows replace the types as one undoable edit."""
        chosen = self._ask_open_path()
        if not chosen:
            return False
        source = Path(chosen)
        base = self.window.store.project
        try:
            result = run_with_progress(self.window, f"Importing {source.name}…",
                                       lambda: import_file(source, base=base))
        except RoutingImportError as exc:
            self.window.warn("Cannot import", str(exc))
            self.window.show_error(f"Not imported: {exc}")
            return False
        if result.problems and not self._confirm_partial(result, source):
            return False
        changed = self.window.store.edit(result.project, f"Import {source.name}", rows=None)
        kept = f"{result.rows_kept} of {result.rows_read} rows"
        self.window.show_message(f"Imported {kept} from {source.name}" if changed
                                 else f"{source.name}: nothing changed ({kept})")
        return True
