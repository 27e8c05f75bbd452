"""File ▸ Export and File ▸ Import: files written, partial imports confirmed, undo restores."""

from __future__ import annotations

import csv
import io

import pytest

from app.gui.transfer_actions import EXPORTS, run_with_progress
from exporters.routing_table import HEADERS
from exporters.text_export import routing_csv
from tests.gui.conftest import TODAY


def _menu_texts(menu):
    return [a.text() for a in menu.actions()]


def test_file_menu_has_export_and_import_before_quit(window):
    texts = _menu_texts(window.file_menu)
    assert texts.index("&Export") < texts.index("&Quit")
    assert texts.index("&Import routing matrix…") < texts.index("&Quit")
    assert _menu_texts(window.transfer.export_menu) == [e[0] for e in EXPORTS]


@pytest.mark.parametrize(("index", "name"), [(0, "routing.xlsx"), (1, "routing.csv"),
                                             (2, "routing.md"), (3, "routing.json")])
def test_export_writes_the_chosen_file(window, tmp_path, index, name):
    target = tmp_path / name
    window.transfer._ask_save_path = lambda *_args: str(target)
    window.transfer.export_actions[index].trigger()
    assert target.stat().st_size > 0
    assert window._status.text() == f"Exported {target}"


def test_export_policy_writes_every_target(window, tmp_path):
    window.transfer._ask_save_path = lambda *_args: str(tmp_path)
    window.transfer.export_actions[4].trigger()
    for folder in ("cert-manager", "vault", "step-ca"):
        assert (tmp_path / folder / "LOST-IN-TRANSLATION.md").exists()


def test_export_failure_is_shown_and_writes_nothing(window, tmp_path):
    target = tmp_path / "missing" / "routing.xlsx"
    window.transfer._ask_save_path = lambda *_args: str(target)
    window.transfer.export_actions[0].trigger()
    assert window.warnings[0][0] == "Export failed"
    assert not target.exists()


def _bad_csv(store, path):
    rows = list(csv.reader(io.StringIO(routing_csv(store.project, store.evaluation))))
    rows[6][HEADERS.index("Identity")] = "wobbly"  # Legacy mainframe TLS: a bad cell
    rows[4][HEADERS.index("Identity")] = "weak"  # Internal services TLS: a good edit
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def test_import_with_bad_rows_asks_then_applies_as_one_undoable_edit(window, store, tmp_path):
    source = tmp_path / "edited.csv"
    _bad_csv(store, source)
    before = store.project.types
    asked = []
    window.transfer._ask_open_path = lambda: str(source)
    window.transfer._confirm_partial = lambda result, _src: asked.append(result) or True
    window.transfer.import_action.trigger()
    assert [str(p) for p in asked[0].problems] == [
        "row 7, column 'Identity': 'wobbly' is not one of strong, medium, weak"]
    # The bad row keeps its type as it was; the good edit re-routes Internal services TLS.
    assert len(store.project.types) == 6
    assert store.project.types[3].identity.value == "weak"
    assert store.project.types[5] == before[5]
    assert store.evaluation.summary == "2 combined · 4 admin-mediated"
    store.undo_stack.undo()
    assert store.evaluation.summary == "3 combined · 3 admin-mediated"


def test_import_declined_changes_nothing(window, store, tmp_path):
    source = tmp_path / "edited.csv"
    _bad_csv(store, source)
    window.transfer._ask_open_path = lambda: str(source)
    window.transfer._confirm_partial = lambda *_args: False
    window.transfer.import_action.trigger()
    assert len(store.project.types) == 6
    assert store.undo_stack.count() == 0


def test_import_of_an_unreadable_file_warns(window, tmp_path):
    source = tmp_path / "notes.xlsx"
    source.write_text("not a workbook", "utf-8")
    window.transfer._ask_open_path = lambda: str(source)
    window.transfer.import_action.trigger()
    assert window.warnings[0][0] == "Cannot import"
    assert "notes.xlsx" in window.warnings[0][1]


def test_run_with_progress_returns_and_reraises(window):
    assert run_with_progress(window, "Working…", lambda: TODAY.year) == 2026
    with pytest.raises(ValueError, match="boom"):
        run_with_progress(window, "Working…", lambda: (_ for _ in ()).throw(ValueError("boom")))
