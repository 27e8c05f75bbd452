"""Autosave and crash recovery: a killed app's unsaved work is offered back (SPEC.md §7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from app.gui import commands
from app.gui import settings as keys
from app.gui.main_window import MainWindow
from app.gui.store import ProjectStore
from app.recovery import find_recoverable, recovery_dir
from models.project import Project
from models.project_file import load_example, save_project

ROOT = Path(__file__).resolve().parents[2]


def test_autosave_writes_and_save_removes_the_recovery_file(window, tmp_path):
    commands.edit_organisation(window.store, "Rename", name="Acme Bank")
    assert window.autosave_timer.isActive()
    window.autosave()
    assert window.recovery.file.exists()
    window._ask_save_path = lambda: str(tmp_path / "acme.certroute.json")
    assert window.save()
    assert not window.recovery.file.exists()


def test_undo_back_to_clean_removes_the_recovery_file(window):
    commands.edit_organisation(window.store, "Rename", name="Acme Bank")
    window.autosave()
    assert window.recovery.file.exists()
    window.store.undo_stack.undo()
    assert not window.recovery.file.exists()


def test_clean_close_leaves_nothing_to_recover(qtbot, store):
    win = MainWindow(store)
    qtbot.addWidget(win)
    commands.edit_organisation(store, "Rename", name="Acme Bank")
    win.autosave()
    win._ask_save_changes = lambda: __import__("PySide6.QtWidgets").QtWidgets.QMessageBox \
        .StandardButton.Discard
    win.close()
    assert not win.recovery.file.exists()


def test_restore_recovered_is_unsaved_and_undoable(window, tmp_path):
    saved = tmp_path / "firm.certroute.json"
    save_project(load_example(), saved)
    window.open_path(saved, confirmed=True)
    commands.edit_type(window.store, 5, "Strong identity", identity="strong")
    window.autosave()
    edited = window.store.project
    # Pretend the process died: move its file aside before the window cleans up.
    window.recovery.file.rename(window.recovery.file.with_name("1-dead.json"))
    window.store.replace_document(Project(), None)

    found, problems = find_recoverable(keys.config_dir(window.settings))
    assert problems == []
    window.restore_recovered(found[0])
    assert window.store.project == edited
    assert window.store.path == saved
    assert window.isWindowModified()
    window.store.undo_stack.undo()
    assert window.store.project == load_example()


def test_unreadable_recovery_file_is_reported_and_kept(tmp_path):
    folder = recovery_dir(tmp_path)
    folder.mkdir()
    (folder / "1-x.json").write_text("{not json")
    found, problems = find_recoverable(tmp_path)
    assert found == []
    assert "unreadable recovery file" in problems[0]
    assert (folder / "1-x.json").exists()


DRIVER = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QTimer
    from app.gui.application import _application, build_window
    from app.gui import commands
    app = _application()
    window = build_window(sys.argv[1])
    window.show()
    def edit():
        commands.edit_type(window.store, 5, "Strong identity", identity="strong")
        print("edited", flush=True)
    QTimer.singleShot(100, edit)
    app.exec()
""")


def test_killed_app_offers_its_unsaved_work(qtbot, tmp_path):
    config = tmp_path / "config"
    project_file = tmp_path / "firm.certroute.json"
    save_project(load_example(), project_file)
    env = {**os.environ, "CERTROUTE_CONFIG_DIR": str(config), "PYTHONPATH": str(ROOT)}
    before = project_file.read_bytes()
    with (tmp_path / "driver.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-c", DRIVER, str(project_file)], env=env,
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 30
            while not list(recovery_dir(config).glob("*.json")):
                assert process.poll() is None, (tmp_path / "driver.log").read_text()
                assert time.monotonic() < deadline, "no recovery file written"
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
    assert process.returncode == -signal.SIGKILL
    assert project_file.read_bytes() == before  # the saved file is untouched

    found, problems = find_recoverable(config)
    assert problems == []
    assert len(found) == 1
    assert found[0].original == project_file
    assert found[0].project.types[5].identity.value == "strong"

    store = ProjectStore(load_example())
    win = MainWindow(store)
    qtbot.addWidget(win, before_close_func=lambda w: w.store.undo_stack.setClean())
    win.restore_recovered(found[0])
    assert store.evaluation.decisions[5].workflow.value == "combined"
    assert win.isWindowModified()
    assert not found[0].file.exists()
