"""Starting the GUI: QApplication, the first document, the window; and offscreen screenshots."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QMessageBox

from app.gui import settings as keys
from app.gui.main_window import MainWindow
from app.gui.store import ProjectStore
from app.gui.style import apply_style
from app.loading import loading
from app.recovery import find_recoverable
from models.file_write import write_file
from models.project import Project
from models.project_file import ProjectFileError, load_example, load_project


def _application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Certroute")
    app.setOrganizationName("Certroute")
    apply_style(app)
    return app


def build_window(file: str | None) -> MainWindow:
    """A window on `file`, or on the built-in example; raises ProjectFileError."""
    path = Path(file) if file else None
    with loading():
        project = load_project(path) if path else load_example()
        return MainWindow(ProjectStore(project, path))


def _read_or_report(file: str | None) -> Project | None:
    """The project in `file` (the example without one), or None after printing why not."""
    try:
        return load_project(file) if file else load_example()
    except ProjectFileError as exc:
        print(f"certroute: error: {exc}", file=sys.stderr)
        return None


def _window_or_report(file: str | None) -> MainWindow | None:
    """The window, or None after printing why the file cannot be opened."""
    project = _read_or_report(file)
    return MainWindow(ProjectStore(project, Path(file) if file else None)) if project else None


def run(project: Project, path: Path | None = None) -> int:
    """Show `project` (read by the caller before Qt starts, so a bad file is a one-line error
    even with no display) in the app's window and run the event loop."""
    app = _application()
    with loading():  # the window's evaluation of the document, as build_window does
        window = MainWindow(ProjectStore(project, path))
    window.show()
    offer_recovery(window)
    return app.exec()


def offer_recovery(window: MainWindow) -> None:
    """After a crash, offer the newest unsaved work left in a recovery file."""
    found, problems = find_recoverable(keys.config_dir(window.settings))
    for problem in problems:
        window.show_error(problem)
    if not found:
        return
    newest = found[0]
    where = newest.original.name if newest.original else "an unsaved project"
    answer = QMessageBox.question(
        window, "Restore unsaved work?",
        f"Certroute closed without saving changes to {where} "
        f"({newest.project.organisation.name}), last autosaved "
        f"{newest.saved_at.astimezone():%Y-%m-%d %H:%M}.\n\nRestore them?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes)
    if answer == QMessageBox.StandardButton.Yes:
        window.restore_recovered(newest)
    elif answer == QMessageBox.StandardButton.Discard:
        newest.file.unlink(missing_ok=True)


OFFSCREEN_HINTS = "This plugin does not support propagateSizeHints()"
_hints_quieted = False


def _quiet_offscreen_hints() -> None:
    """Drop the offscreen platform's one note per shown window (it has no window manager to
    give size hints to), which `certroute screenshot` printed twice on every run."""
    global _hints_quieted  # once a process, however many screenshots
    if _hints_quieted:
        return
    _hints_quieted = True
    previous = None

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message == OFFSCREEN_HINTS:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def screenshot(out: str, *, file: str | None = None, tab: str = "route", width: int = 1600,
               height: int = 1000, presentation: bool = False) -> int:
    """Render the main window offscreen to a PNG; `presentation` as on a W×H projector."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = _application()
    if QApplication.platformName() == "offscreen":
        _quiet_offscreen_hints()
    if presentation:
        apply_style(app, presentation=True, screen_height=height)
    window = _window_or_report(file)
    if window is None:
        return 2
    names = list(window.tab_widgets)
    if tab.lower() not in names:
        print(f"certroute: error: --tab {tab!r}: choose from {', '.join(names)}",
              file=sys.stderr)
        return 2
    # The first tab adapts to the size while shown, as it does when F5 is pressed on it:
    # a hidden tab's wide layout would otherwise hold the window wider than the screen.
    window.resize(width, height)
    window.show()
    for _ in range(5):
        app.processEvents()
    window.tab_widgets.show(tab.lower())
    # A layout that adapts to the width may have needed the first pass to shrink: ask again,
    # as a window manager does for a full-screen window.
    window.resize(width, height)
    for _ in range(5):
        app.processEvents()
    png = QByteArray()
    buffer = QBuffer(png)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    try:
        if not window.grab().save(buffer, "PNG"):
            raise OSError("the window could not be rendered as PNG")
        write_file(out, bytes(png.data()), dash_is_stdout=True)  # the one writer, like exports
    except OSError as exc:
        print(f"certroute: error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    window.store.undo_stack.setClean()
    window.close()
    return 0
