"""Main window: save/open/revert, the title asterisk, prompts, recent files, presentation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtWidgets import QMessageBox

from app.gui import commands
from app.gui import settings as keys
from app.gui.style import presentation_scale
from models.project_file import load_project


def make_dirty(store):
    commands.edit_organisation(store, "Rename", name="Acme Bank")


def test_title_shows_unsaved_changes(window):
    assert not window.isWindowModified()
    make_dirty(window.store)
    assert window.isWindowModified()
    assert window.windowTitle().endswith("[*] — Certroute")
    window.store.undo_stack.undo()
    assert not window.isWindowModified()


def test_save_then_reopen_round_trips(window, tmp_path):
    make_dirty(window.store)
    path = tmp_path / "acme.certroute.json"
    window._ask_save_path = lambda: str(path)
    assert window.save()
    assert not window.isWindowModified()
    assert window.store.path == path
    assert load_project(path) == window.store.project
    saved = window.store.project
    window.store.replace_document(load_project(path), None)
    assert window.open_path(path)
    assert window.store.project == saved
    assert window.windowTitle().startswith("acme.certroute.json")
    assert keys.recent_files(window.settings)[0] == str(path.resolve())


def test_save_as_adds_the_suffix(window, tmp_path):
    window._ask_save_path = lambda: str(tmp_path / "plain")
    assert window.save_as()
    assert (tmp_path / "plain.certroute.json").exists()


def test_broken_file_keeps_the_current_document(window, tmp_path):
    make_dirty(window.store)
    before = window.store.project
    bad = tmp_path / "broken.certroute.json"
    raw = json.loads(window.store.project.model_dump_json())
    raw["types"][0]["purpose"] = "banana"
    bad.write_text(json.dumps(raw))
    assert not window.open_path(bad, confirmed=True)
    assert window.store.project == before
    assert window.isWindowModified()  # the unsaved edit is still there
    title, message = window.warnings[-1]
    assert title == "Cannot open project"
    assert "types[0].purpose" in message
    assert "banana" in message


def test_save_failure_keeps_document_dirty(window, tmp_path, monkeypatch):
    make_dirty(window.store)
    window._ask_save_path = lambda: str(tmp_path / "no-such-folder" / "x.certroute.json")
    assert not window.save()
    assert window.isWindowModified()
    assert window.store.path is None
    assert window.warnings[-1][0] == "Cannot save project"


def test_prompt_before_losing_changes(window):
    make_dirty(window.store)
    window._ask_save_changes = lambda: QMessageBox.StandardButton.Cancel
    window.new_document()
    assert window.store.project.organisation.name == "Acme Bank"
    window._ask_save_changes = lambda: QMessageBox.StandardButton.Discard
    window.new_document()
    assert window.store.project.types == ()
    assert not window.isWindowModified()


def test_revert_discards_changes_since_save(window, tmp_path):
    path = tmp_path / "r.certroute.json"
    window._ask_save_path = lambda: str(path)
    window.save()
    make_dirty(window.store)
    window._auto_confirm = True
    window.revert()
    assert window.store.project.organisation.name == "Mid-size financial services firm"
    assert not window.isWindowModified()


def test_undo_redo_shortcuts(window):
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert next(s.toString() for s in window.redo_action.shortcuts()) == "Ctrl+Shift+Z"


def test_presentation_mode_scales_type(window, qapp):
    size = qapp.font().pointSizeF()
    window.toggle_presentation()
    assert window.presenting
    assert qapp.font().pointSizeF() > size
    window.toggle_presentation()
    assert qapp.font().pointSizeF() == pytest.approx(size)


PRESENT_AT_1080P = textwrap.dedent("""
    import json
    from app.gui.application import _application, build_window
    from app.gui.type_table import REASON_COLUMN
    app = _application()
    window = build_window(None)
    window.show()
    window.toggle_presentation()
    for _ in range(10):
        app.processEvents()
    table = window.tab_widgets["route"].table
    header = table.horizontalHeader()
    routing = range(REASON_COLUMN + 1)
    print(json.dumps({
        "window": [window.width(), window.height()],
        "point_size": app.font().pointSizeF(),
        "routing_right": table.columnViewportPosition(REASON_COLUMN)
                         + table.columnWidth(REASON_COLUMN),
        "viewport": table.viewport().width(),
        "narrower_than_contents": [
            c for c in routing
            if table.columnWidth(c) < max(table.sizeHintForColumn(c), header.sectionSizeHint(c))],
    }))
    window.store.undo_stack.setClean()
    window.close()
""")


def test_presentation_at_1080p_shows_the_routing_columns_without_scrolling(tmp_path):
    # A real full-screen window needs a 1920×1080 screen: the offscreen platform's own is
    # 800×800, so the window runs in a child process with a configured screen.
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [
        {"name": "projector", "x": 0, "y": 0, "width": 1920, "height": 1080,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"}
    result = subprocess.run([sys.executable, "-c", PRESENT_AT_1080P], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    assert shown["window"] == [1920, 1080]
    assert shown["point_size"] == pytest.approx(10 * presentation_scale(1080))
    # Name to Reason end inside the view: the scroll bar is only for the secondary columns.
    assert shown["routing_right"] <= shown["viewport"]
    assert shown["narrower_than_contents"] == []  # and nothing of them is elided


def test_geometry_is_remembered(window, qtbot):
    window.resize(1234, 777)
    window.close()
    assert keys.geometry(window.settings) is not None


def test_screenshot_command_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, "-m", "app", "screenshot", str(out), "--width", "1200",
         "--height", "800"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The offscreen platform's note on every shown window is not the user's business.
    assert "propagateSizeHints" not in result.stderr


def test_screenshot_unknown_tab_is_an_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app", "screenshot", str(tmp_path / "x.png"), "--tab", "nope"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--tab 'nope'" in result.stderr


# --- text still being typed is applied before the document is saved or replaced ----------

EV_TLS = 1  # admin-mediated in the worked example
CRITERIA = "Organisation identity matches the legal entity\nDomain control verified"


def _type_criteria(window, qtbot, qapp):
    window.show()
    qtbot.waitExposed(window)
    route = window.tab_widgets["route"]
    route.select_row(EV_TLS)
    route.card.criteria.setFocus()
    qtbot.waitUntil(route.card.criteria.hasFocus)
    route.card.criteria.setPlainText(CRITERIA)  # typed; the field still has the cursor
    assert window.store.undo_stack.isClean()


def test_save_writes_the_field_being_typed(window, qtbot, qapp, tmp_path):
    _type_criteria(window, qtbot, qapp)
    path = tmp_path / "typed.certroute.json"
    window._ask_save_path = lambda: str(path)
    assert window.save()
    saved = load_project(path).types[EV_TLS].admin.approval_criteria
    assert saved == tuple(CRITERIA.split("\n"))
    assert not window.isWindowModified()


def test_open_asks_about_the_field_being_typed(window, qtbot, qapp, tmp_path):
    _type_criteria(window, qtbot, qapp)
    other = tmp_path / "other.certroute.json"
    other.write_text(window.store.project.model_dump_json())
    asked = []
    window._ask_save_changes = lambda: asked.append(True) or QMessageBox.StandardButton.Cancel
    assert not window.open_path(other)
    assert asked  # the typed criteria made the document unsaved: the user is asked
    assert window.store.project.types[EV_TLS].admin.approval_criteria == tuple(
        CRITERIA.split("\n"))


def test_export_includes_the_cost_input_being_typed(window, qtbot, qapp, tmp_path):
    window.show()
    qtbot.waitExposed(window)
    cost = window.tab_widgets.show("cost")
    editor = cost.editors["hourly_rate"]
    editor.setFocus()
    qtbot.waitUntil(editor.hasFocus)
    editor.setText("99")  # typed, Enter not pressed
    out = tmp_path / "matrix.json"
    window.transfer._ask_save_path = lambda *_args: str(out)
    assert window.transfer.export("Export JSON", None, ".json",
                                   lambda project, _evaluation, path: path.write_text(
                                       project.model_dump_json()))
    assert json.loads(out.read_text())["cost"]["inputs"]["hourly_rate"] == 99
