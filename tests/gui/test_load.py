"""Load: a 5,000-type project opens, edits, undoes, saves and reopens in the real window."""

from __future__ import annotations

from app.gui import commands
from benchmarks.bench_evaluate import synthetic_project
from models.project_file import load_project, save_project

N_TYPES = 5_000


def test_five_thousand_types_open_edit_save(window, tmp_path):
    big = synthetic_project(N_TYPES)
    path = tmp_path / "big.certroute.json"
    save_project(big, path)
    assert window.open_path(path, confirmed=True)
    route = window.tab_widgets["route"]
    assert route.model.rowCount() == N_TYPES

    row = N_TYPES - 1
    before = window.store.evaluation.decisions[row]
    identity = "weak" if big.types[row].identity.value != "weak" else "strong"
    commands.edit_type(window.store, row, "Edit last type", identity=identity)
    assert window.store.project.types[row].identity.value == identity
    route.select_row(row)
    window.store.undo_stack.undo()
    assert window.store.evaluation.decisions[row] == before
    window.store.undo_stack.redo()

    assert window.save()
    reopened = load_project(path)
    assert reopened.types[row].identity.value == identity
    assert len(reopened.types) == N_TYPES
    window.autosave()  # clean: nothing to write
    assert not window.recovery.file.exists()
