"""File ▸ Export report… and File ▸ Print…: the client report from the open document."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit

from app.gui.report.pdf import locale_paper, print_report, write_report
from app.gui.transfer_actions import show_write_failure
from exporters.report_html import ReportMeta

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

AUTHOR_KEY = "report/author"
REPORT_FILTER = "PDF documents (*.pdf);;HTML pages (*.html)"


class ReportActions(QObject):
    """Adds Export report… and Print… to a window's File menu, before `before`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        menu, before = window.file_menu, window.transfer_separator
        self.export_action = menu.addAction("Export &report…")
        self.export_action.setShortcut("Ctrl+Shift+E")
        self.export_action.setToolTip("The client report as PDF or HTML")
        self.print_action = menu.addAction("&Print report…")
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        for action in (self.export_action, self.print_action):
            menu.insertAction(before, action)
        self.export_action.triggered.connect(self.export_report)
        self.print_action.triggered.connect(self.print_report)

    # --- dialogs (replaced in tests) ------------------------------------------------------

    def _ask_path(self) -> str:
        store = self.window.store
        stem = store.path.name.split(".")[0] if store.path else "routing"
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self.window, "Export report", f"{stem} report.pdf", REPORT_FILTER)
        suffix = ".html" if chosen_filter.startswith("HTML") else ".pdf"
        if chosen and Path(chosen).suffix.lower() not in (".pdf", ".html", ".htm"):
            chosen += suffix
        return chosen

    def _ask_author(self) -> str | None:
        previous = str(self.window.settings.value(AUTHOR_KEY, "") or "")
        author, ok = QInputDialog.getText(self.window, "Report author",
                                          "Author named on the title page:",
                                          QLineEdit.EchoMode.Normal, previous)
        if not ok:
            return None
        self.window.settings.setValue(AUTHOR_KEY, author.strip())
        return author.strip()

    def _ask_printer(self, printer: QPrinter) -> bool:
        return QPrintDialog(printer, self.window).exec() == QDialog.DialogCode.Accepted

    # --- commands -------------------------------------------------------------------------

    def _meta(self) -> ReportMeta | None:
        author = self._ask_author()
        return None if author is None else ReportMeta(as_of=self.window.store.as_of, author=author)

    def export_report(self) -> bool:
        """Ask where and who, then write the PDF or HTML report; failures are shown."""
        self.window.finish_editing()
        chosen = self._ask_path()
        if not chosen:
            return False
        meta = self._meta()
        if meta is None:
            return False
        path = Path(chosen)
        store = self.window.store
        html = path.suffix.lower() in (".html", ".htm")
        try:
            write_report(store.project, store.evaluation, meta, pdf=None if html else path,
                         html=path if html else None, paper=locale_paper())
        except OSError as exc:
            show_write_failure(self.window, "Report not exported", "Report not exported", path,
                               exc)
            return False
        self.window.show_message(f"Exported the report to {path}")
        return True

    def print_report(self) -> bool:
        """The system print dialog, then the report on the chosen printer and paper."""
        self.window.finish_editing()
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageSize(locale_paper().page_size)
        printer.setDocName(f"Routing report — {self.window.store.project.organisation.name}")
        if not self._ask_printer(printer):
            return False
        meta = self._meta()
        if meta is None:
            return False
        store = self.window.store
        try:
            print_report(store.project, store.evaluation, meta, printer)
        except OSError as exc:
            self.window.warn("Not printed", str(exc))
            self.window.show_error(f"Not printed: {exc}")
            return False
        self.window.show_message("Sent the report to the printer")
        return True
