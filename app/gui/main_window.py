"""MainWindow: tabs, menus, document habits (new/open/save/revert, undo, title, prompts)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QFont, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from app.gui import file_dialogs
from app.gui import settings as keys
from app.gui.organisation_dialog import OrganisationDialog
from app.gui.profile_dialog import ProfileDialog
from app.gui.report.actions import ReportActions
from app.gui.route_tab import RouteTab
from app.gui.store import ProjectStore
from app.gui.style import apply_style
from app.gui.tab_pages import LazyTabs
from app.gui.transfer_actions import TransferActions
from app.gui.widgets import leave_focused_field
from app.loading import loading
from app.recovery import Recoverable, RecoveryWriter
from models.project import Project
from models.project_file import SUFFIX, ProjectFileError, load_example, load_project, save_project

# Unsaved work is written to the recovery file after this much idle time (SPEC.md §7), and
# at the latest this long after the first unsaved edit, however busy the editing.
AUTOSAVE_IDLE_MS = 2000
AUTOSAVE_MAX_WAIT_MS = 30_000
FILE_FILTER = f"Certroute projects (*{SUFFIX});;JSON files (*.json);;All files (*)"


class MainWindow(QMainWindow):
    """One document per window, held by a ProjectStore."""

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        if store.parent() is None:
            store.setParent(self)  # the document lives and dies with its window
        self.settings = keys.open_settings()
        self.presenting = False
        self._normal_look: tuple[QFont, str] | None = None
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tab_widgets = LazyTabs(self.tabs, store)
        self.tab_widgets["route"]  # the first screen; the other tabs build when opened
        self.setCentralWidget(self.tabs)
        self._status = QLabel()
        self.statusBar().addWidget(self._status, 1)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(8000)
        self._status_timer.timeout.connect(self._status.clear)
        self._build_menus()

        store.undo_stack.cleanChanged.connect(self._update_title)
        store.path_changed.connect(self._update_title)
        store.project_replaced.connect(self._update_title)
        store.error.connect(self.show_error)
        store.undo_stack.indexChanged.connect(self._show_last_action)
        self._init_autosave()
        self._update_title()
        self.resize(1500, 940)
        saved = keys.geometry(self.settings)
        if saved is not None:
            self.restoreGeometry(saved)

    # --- menus ---------------------------------------------------------------------------

    def _action(self, menu: QMenu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self._action(self.file_menu, "&New", self.new_document, QKeySequence.StandardKey.New)
        self._action(self.file_menu, "&Open…", self.open_document, QKeySequence.StandardKey.Open)
        self.recent_menu = self.file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action(self.file_menu, "Open built-in &example", self.open_example)
        self.file_menu.addSeparator()
        self._action(self.file_menu, "&Save", self.save, QKeySequence.StandardKey.Save)
        self._action(self.file_menu, "Save &As…", self.save_as, "Ctrl+Shift+S")
        self.revert_action = self._action(self.file_menu, "Re&vert", self.revert)
        self.file_menu.addSeparator()
        self.transfer_separator = self.file_menu.addSeparator()
        self.transfer = TransferActions(self)  # File ▸ Export / Import (SPEC.md §4)
        self.discover_action = QAction("&Discover from certificates…", self)
        self.discover_action.triggered.connect(self.discover)
        self.file_menu.insertAction(self.transfer_separator, self.discover_action)
        self.report = ReportActions(self)  # File ▸ Export report… / Print report…
        self._action(self.file_menu, "&Quit", self.close, "Ctrl+Q")

        self.edit_menu = bar.addMenu("&Edit")
        undo = self.store.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = self.store.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.edit_menu.addAction(undo)
        self.edit_menu.addAction(redo)
        self.undo_action, self.redo_action = undo, redo
        route = self.tab_widgets.get("route")
        if isinstance(route, RouteTab):
            self.edit_menu.addSeparator()
            for action in route.type_actions.values():
                self.edit_menu.addAction(action)
            route.message.connect(self.show_message)
        self.edit_menu.addSeparator()
        self.organisation_action = self._action(self.edit_menu, "&Organisation details…",
                                                self.edit_organisation_details)
        self.profile_action = self._action(self.edit_menu, "Issuance &profile of the type…",
                                           self.edit_issuance_profile, "Ctrl+Shift+P")

        self.view_menu = bar.addMenu("&View")
        self.presentation_action = self._action(
            self.view_menu, "&Presentation mode", self.toggle_presentation, "F5")
        self.presentation_action.setCheckable(True)
        self.view_menu.addSeparator()
        for n in range(self.tabs.count()):
            self._action(self.view_menu, f"{self.tabs.tabText(n)} tab",
                         lambda _=False, n=n: self.tabs.setCurrentIndex(n), f"Ctrl+{n + 1}")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&About Certroute", self._about)

    def discover(self) -> None:
        """File ▸ Discover: propose types from existing certificates (issue 20)."""
        from app.gui.discover_dialog import DiscoverDialog

        if DiscoverDialog(self.store, self).exec():
            self.show_message(self.store.undo_stack.undoText() + " — undo with Ctrl+Z")

    def edit_organisation_details(self) -> None:
        """The organisation's legal identity, for OV and EV subjects (one undo step)."""
        OrganisationDialog(self.store, self).exec()

    def edit_issuance_profile(self, row: int | None = None) -> None:
        """The issuance profile of a type (one undo step): `row`, else the Route tab's
        current type, else the first."""
        if not self.store.project.types:
            self.show_error("No certificate types: add one first (Ctrl+Shift+N)")
            return
        if row is None:
            route = self.tab_widgets.get("route")
            current = route.current_row() if isinstance(route, RouteTab) else None
            row = current if current is not None else 0
        ProfileDialog(self.store, row, self).exec()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = keys.recent_files(self.settings)
        if not files:
            self.recent_menu.addAction("(no recent files)").setEnabled(False)
        for path in files:
            action = self.recent_menu.addAction(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(Path(p)))

    # --- document ------------------------------------------------------------------------

    def _update_title(self, *_args) -> None:
        path = self.store.path
        name = path.name if path else f"{self.store.project.organisation.name} (unsaved)"
        self.setWindowTitle(f"{name}[*] — Certroute")
        self.setWindowModified(not self.store.undo_stack.isClean())
        self.revert_action.setEnabled(path is not None)

    def finish_editing(self) -> None:
        """Apply what is being typed before the document is saved, exported or replaced.

        Fields apply when they are left (a card field, a cell editor, a cost input); leaving
        the focused one here means Save writes it and Open or Close asks about it.
        """
        leave_focused_field(self)

    def maybe_discard(self) -> bool:
        """True when there are no unsaved changes, or the user saved or discarded them."""
        self.finish_editing()
        if self.store.undo_stack.isClean():
            return True
        answer = self._ask_save_changes()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _ask_save_changes(self) -> QMessageBox.StandardButton:
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        return QMessageBox.question(
            self, "Unsaved changes",
            f"Save the changes to “{self.store.project.organisation.name}” first?",
            buttons, QMessageBox.StandardButton.Save)

    def _ask_open_path(self) -> str:
        return file_dialogs.open_file(self, "Open project", FILE_FILTER)

    def _ask_save_path(self) -> str:
        suggested = str(self.store.path) if self.store.path else (
            self.store.project.organisation.name.replace("/", "-") + SUFFIX)
        return file_dialogs.save_file(self, "Save project as", suggested, FILE_FILTER)

    def warn(self, title: str, message: str) -> None:
        QMessageBox.warning(self, title, message)

    def new_document(self) -> None:
        if self.maybe_discard():
            self.store.replace_document(Project(), None)
            self.show_message("New project")

    def open_example(self) -> None:
        if self.maybe_discard():
            self.store.replace_document(load_example(), None)
            self.show_message("Opened the built-in example")

    def open_document(self) -> None:
        if not self.maybe_discard():
            return
        path = self._ask_open_path()
        if path:
            self.open_path(Path(path), confirmed=True)

    def open_path(self, path: Path, *, confirmed: bool = False) -> bool:
        """Open a project file; a bad file opens nothing and the current document stays."""
        if not confirmed and not self.maybe_discard():
            return False
        try:
            with loading():
                project = load_project(path)
                self.store.replace_document(project, path)
        except ProjectFileError as exc:
            self.warn("Cannot open project", str(exc))
            self.show_error(f"Not opened: {exc}")
            if not path.exists():
                keys.forget_file(self.settings, str(path))
            return False
        keys.remember_file(self.settings, path)
        self.show_message(f"Opened {path}")
        return True

    def save(self) -> bool:
        self.finish_editing()
        if self.store.path is None:
            return self.save_as()
        return self._save_to(self.store.path)

    def save_as(self) -> bool:
        self.finish_editing()
        chosen = self._ask_save_path()
        if not chosen:
            return False
        path = Path(chosen)
        if not path.name.endswith((SUFFIX, ".json")):
            path = path.with_name(path.name + SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        try:
            save_project(self.store.project, path)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            self.warn("Cannot save project",
                      f"{path}: {reason}. Your changes are still open; save elsewhere.")
            self.show_error(f"Not saved: {path}: {reason}")
            return False
        self.store.set_path(path)
        self.store.undo_stack.setClean()
        keys.remember_file(self.settings, path)
        self.show_message(f"Saved {path}")
        return True

    def revert(self) -> None:
        path = self.store.path
        if path is None or self.store.undo_stack.isClean():
            return
        answer = QMessageBox.question(self, "Revert", f"Discard every change since {path.name} "
                                      "was last saved?") if not self._auto_confirm else (
            QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            self.open_path(path, confirmed=True)

    _auto_confirm = False  # tests set this to skip the revert question

    # --- autosave and recovery -----------------------------------------------------------

    def _init_autosave(self) -> None:
        self.recovery = RecoveryWriter(keys.config_dir(self.settings))
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_IDLE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        # The idle timer restarts on every edit; this one does not, so continuous editing
        # (an edit every 1.5 s for minutes) is still written aside.
        self.autosave_deadline = QTimer(self)
        self.autosave_deadline.setSingleShot(True)
        self.autosave_deadline.setInterval(AUTOSAVE_MAX_WAIT_MS)
        self.autosave_deadline.timeout.connect(self.autosave)
        # Every edit restarts the idle timer; saving (clean) removes the recovery file.
        self.store.undo_stack.indexChanged.connect(self._on_undo_stack_index_changed)
        self.store.undo_stack.cleanChanged.connect(self._on_undo_stack_clean_changed)
        self.store.project_replaced.connect(self.recovery.remove)

    def _on_undo_stack_index_changed(self, _index: int) -> None:
        self.autosave_timer.start()
        if not self.autosave_deadline.isActive():
            self.autosave_deadline.start()

    def autosave(self) -> None:
        """Write unsaved work to the recovery file; never interrupts the user on failure."""
        self.autosave_timer.stop()
        self.autosave_deadline.stop()  # the next edit starts a new maximum wait
        if self.store.undo_stack.isClean():
            self.recovery.remove()
            return
        try:
            self.recovery.write(self.store.project, self.store.path)
        except OSError as exc:
            self.show_error(f"Autosave failed: {exc.strerror or exc}")

    def _on_undo_stack_clean_changed(self, clean: bool) -> None:
        if clean:
            self.autosave_timer.stop()
            self.autosave_deadline.stop()
            self.recovery.remove()

    def restore_recovered(self, recovered: Recoverable) -> None:
        """Open recovered work as unsaved changes on top of its saved file (undoable)."""
        base = None
        if recovered.original is not None and recovered.original.exists():
            try:
                base = load_project(recovered.original)
            except ProjectFileError:
                base = None
        self.store.replace_document(base or Project(), recovered.original if base else None)
        self.store.edit(recovered.project, "Restore unsaved work", rows=None)
        recovered.file.unlink(missing_ok=True)
        self.autosave()
        self.show_message(f"Restored unsaved work from {recovered.saved_at:%Y-%m-%d %H:%M}")

    # --- view ----------------------------------------------------------------------------

    def toggle_presentation(self) -> None:
        """Full screen with larger type for a projector; F5 or Esc leaves it."""
        self.presenting = not self.presenting
        self.presentation_action.setChecked(self.presenting)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            if self.presenting:
                self._normal_look = (app.font(), app.styleSheet())
                screen = self.screen()
                apply_style(app, presentation=True,
                            screen_height=screen.size().height() if screen else None)
            elif self._normal_look is not None:
                font, sheet = self._normal_look
                app.setFont(font)
                app.setStyleSheet(sheet)
        if self.presenting:
            self.showFullScreen()
        else:
            self.showNormal()

    def show_message(self, text: str) -> None:
        """A passing status message, cleared after a few seconds."""
        self._status.setStyleSheet("")
        self._status.setText(text)
        self._status_timer.start()

    def show_error(self, text: str) -> None:
        """An error stays in the status bar until the next message."""
        self._status_timer.stop()
        self._status.setText(text)
        self._status.setStyleSheet("color: #b3261e; font-weight: 600;")

    def _show_last_action(self, index: int) -> None:
        stack = self.store.undo_stack
        if 0 < index <= stack.count():
            self.show_message(stack.text(index - 1))

    def _about(self) -> None:
        QMessageBox.about(self, "About Certroute",
                          "Certroute — design certificate-issuance routing policy.\n"
                          "Combined vs admin-mediated workflows, cost, posture and a local CA.")

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_discard():
            event.ignore()
            return
        self.settings.setValue(keys.GEOMETRY, self.saveGeometry())
        self.settings.sync()
        self.autosave_timer.stop()
        self.autosave_deadline.stop()
        self.recovery.close()  # a clean close leaves nothing to recover
        event.accept()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape and self.presenting:
            self.toggle_presentation()
            return
        super().keyPressEvent(event)
