"""Issue 16 in the window: autosave under continuous editing, hostile files, careful saves."""

from __future__ import annotations

import json
import os
import re
import stat

from app.gui import commands
from app.gui.main_window import AUTOSAVE_IDLE_MS, AUTOSAVE_MAX_WAIT_MS
from models.project_file import example_text, load_example, load_project, save_project


def test_continuous_editing_is_still_autosaved(window, qtbot):
    # The idle timer never gets to fire: every edit restarts it. The maximum wait does not.
    assert AUTOSAVE_MAX_WAIT_MS > AUTOSAVE_IDLE_MS
    window.autosave_timer.setInterval(60_000)
    window.autosave_deadline.setInterval(400)
    for n in range(8):
        commands.edit_organisation(window.store, "Rename", name=f"Acme {n}")
        qtbot.wait(100)
        if window.recovery.file.exists():
            break
    qtbot.waitUntil(window.recovery.file.exists, timeout=5000)
    assert window.autosave_timer.isActive() or n < 7  # still editing when it was written
    saved = json.loads(window.recovery.file.read_text())
    assert saved["project"]["organisation"]["name"].startswith("Acme ")


def test_the_maximum_wait_restarts_after_an_autosave(window):
    commands.edit_organisation(window.store, "Rename", name="Acme")
    assert window.autosave_deadline.isActive()
    window.autosave()
    assert not window.autosave_deadline.isActive()
    commands.edit_organisation(window.store, "Rename", name="Acme 2")
    assert window.autosave_deadline.isActive()


def _hostile(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_open_of_hostile_files_warns_in_one_short_line(window, tmp_path):
    raw = json.loads(example_text())
    raw["types"][0]["name"] = "A" * 10_000_000
    files = [
        _hostile(tmp_path, "nested.certroute.json", "[" * 100_000 + "]" * 100_000),
        _hostile(tmp_path, "digits.certroute.json", re.sub(
            r'"schema_version": \d+', '"schema_version": ' + "9" * 5000, example_text())),
        _hostile(tmp_path, "big.certroute.json", json.dumps(raw)),
    ]
    before = window.store.project
    for path in files:
        assert not window.open_path(path, confirmed=True)
        title, message = window.warnings[-1]
        assert title == "Cannot open project"
        assert path.name in message
        assert "\n" not in message
        assert len(message) < 1000
    assert window.store.project is before


def test_save_through_a_symlink_keeps_the_link_and_the_mode(window, tmp_path):
    real = tmp_path / "synced" / "firm.certroute.json"
    real.parent.mkdir()
    save_project(load_example(), real)
    real.chmod(0o664)
    link = tmp_path / "firm.certroute.json"
    link.symlink_to(real)
    assert window.open_path(link, confirmed=True)
    commands.edit_organisation(window.store, "Rename", name="Acme Bank")
    assert window.save()
    assert link.is_symlink()
    assert load_project(real).organisation.name == "Acme Bank"
    assert stat.S_IMODE(real.stat().st_mode) == 0o664


def test_save_over_a_read_only_project_is_refused_and_stays_dirty(window, tmp_path):
    path = tmp_path / "firm.certroute.json"
    save_project(load_example(), path)
    path.chmod(0o444)
    before = path.read_bytes()
    assert window.open_path(path, confirmed=True)
    commands.edit_organisation(window.store, "Rename", name="Acme Bank")
    assert not window.save()
    assert "read-only" in window.warnings[-1][1]
    assert not window.store.undo_stack.isClean()
    assert path.read_bytes() == before
    os.chmod(path, 0o644)


def test_a_hostile_recovery_file_is_reported_not_raised(tmp_path):
    from app.recovery import find_recoverable, recovery_dir

    folder = recovery_dir(tmp_path)
    folder.mkdir()
    (folder / "1-deep.json").write_text("[" * 100_000 + "]" * 100_000)
    found, problems = find_recoverable(tmp_path)
    assert found == []
    assert "unreadable recovery file" in problems[0]
    assert len(problems[0]) < 1200


def test_a_killed_autosave_leaves_no_temporary_file_for_long(tmp_path):
    import time

    from app.recovery import find_recoverable, recovery_dir

    folder = recovery_dir(tmp_path)
    folder.mkdir()
    stale = folder / ".123-abcdef01.json.0123456789abcdef.tmp"
    stale.write_text('{"half": ')
    old = time.time() - 3600
    os.utime(stale, (old, old))
    find_recoverable(tmp_path)
    assert not stale.exists()


def test_a_name_with_a_terminal_escape_is_refused_in_the_table(window, qtbot):
    before = window.store.project
    with qtbot.waitSignal(window.store.error) as signal:
        assert not commands.edit_type(window.store, 0, "Rename", name="Web\x1b[31m red")
    assert "must not contain control characters" in signal.args[0]
    assert "U+001B" in signal.args[0]
    assert window.store.project is before
