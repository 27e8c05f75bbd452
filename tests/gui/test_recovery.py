"""Autosave and crash recovery: a killed app's unsaved work is offered back (SPEC.md §7)."""

from __future__ import annotations

import json
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
from app.recovery import RecoveryWriter, find_recoverable, lock_path, recovery_dir
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
    assert not win.recovery.lock_file.exists()


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
            assert find_recoverable(config) == ([], [])  # still running: not offered
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


WRITER = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from app.recovery import RecoveryWriter
    from models.project_file import load_example
    writer = RecoveryWriter(Path(sys.argv[1]))
    writer.write(load_example(), None)
    print(writer.file, flush=True)
    if sys.argv[2] == "crash":
        os._exit(0)  # no clean-up, as after a crash or a power cut
    sys.stdin.read()  # a live instance: runs until the test closes its stdin
""")


def _writer_process(config: Path, mode: str) -> tuple[subprocess.Popen, Path]:
    """Another Certroute process that wrote a recovery file, and that file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(config), mode], env=env,
                               cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True)
    return process, Path(process.stdout.readline().strip())


def test_recovery_file_naming_a_reused_pid_is_offered(tmp_path):
    process, file = _writer_process(tmp_path, "crash")
    process.communicate(timeout=30)
    assert lock_path(file).exists()  # a crash leaves the lock file behind
    # After a reboot the dead writer's PID belongs to some live, unrelated process.
    envelope = json.loads(file.read_text("utf-8"))
    envelope["pid"] = os.getppid()
    file.write_text(json.dumps(envelope), "utf-8")
    os.kill(os.getppid(), 0)  # alive: a PID check would have kept this work hidden

    found, problems = find_recoverable(tmp_path)
    assert problems == []
    assert [r.file for r in found] == [file]
    found[0].file.unlink()
    assert find_recoverable(tmp_path) == ([], [])
    assert not lock_path(file).exists()  # a stale lock goes with its recovery file


def test_live_instance_recovery_file_is_not_offered_until_it_dies(tmp_path):
    process, file = _writer_process(tmp_path, "live")
    try:
        assert file.exists()
        assert find_recoverable(tmp_path) == ([], [])
        assert lock_path(file).exists()  # the scan left a held lock alone
    finally:
        process.kill()
        process.communicate(timeout=30)
    found, _problems = find_recoverable(tmp_path)
    assert [r.file for r in found] == [file]


def test_another_window_in_this_process_is_not_offered(tmp_path):
    writer = RecoveryWriter(tmp_path)
    writer.write(load_example(), None)
    assert find_recoverable(tmp_path) == ([], [])
    writer.close()
    assert list(recovery_dir(tmp_path).iterdir()) == []
