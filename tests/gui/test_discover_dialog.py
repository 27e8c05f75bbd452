"""The Discover dialog: scan, rename, merge, split, add to a type, replay, accept as one undo."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.discovery.scan import Sources
from app.discovery.trust import TrustStore
from app.gui.discover_dialog import COLUMNS, DiscoverDialog
from tests.discovery.estate import P12_PASSWORD, TODAY, Estate, build_estate


@pytest.fixture(scope="module")
def estate(tmp_path_factory) -> Estate:
    return build_estate(tmp_path_factory.mktemp("gui-estate"))


@pytest.fixture
def estate_folder(estate) -> Path:
    return estate.folder


@pytest.fixture
def dialog(qtbot, store, estate):
    dlg = DiscoverDialog(store, today=TODAY)
    qtbot.addWidget(dlg)
    dlg.password = lambda _path: P12_PASSWORD
    dlg.trust = TrustStore.of([estate.public_root.cert])  # as if in Mozilla's program
    estate_folder = estate.folder
    dlg._pick_folder = lambda: str(estate_folder)
    dlg.add_folder()
    dlg.run_scan()
    return dlg


def _row(dlg: DiscoverDialog, name_start: str) -> int:
    return next(i for i, r in enumerate(dlg.table.rows) if r.name.startswith(name_start))


def test_scan_lists_proposals_and_the_files_it_could_not_read(dialog):
    assert dialog.summary.text().startswith("1,515 certificates (10 duplicates counted once)")
    assert "3 sources not read" in dialog.summary.text()
    assert dialog.problems.isVisible() or not dialog.isVisible()
    assert "corrupt PEM" in dialog.problems.toPlainText()
    names = [r.name for r in dialog.table.rows]
    assert names[0] == "External-facing TLS (public DV, short validity)" or names[0].startswith(
        "External-facing TLS (public DV")
    assert any(n.startswith("mTLS (service-to-service) (private") for n in names)


def test_rename_untick_and_accept_is_one_undo_step(dialog, store):
    before = len(store.project.types)
    model = dialog.table
    row = _row(dialog, "mTLS")
    model.setData(model.index(row, COLUMNS.index("Name")), "  Service mesh  identities ")
    ca_rows = [i for i, r in enumerate(model.rows) if r.proposal.key.purpose.value ==
               "ca-signing"]
    assert [model.rows[i].accepted for i in ca_rows] == [False, False]  # chain material
    model.setData(model.index(ca_rows[0], 0), Qt.CheckState.Checked.value,
                  Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(row, 0), Qt.CheckState.Unchecked.value,
                  Qt.ItemDataRole.CheckStateRole)
    model.setData(model.index(row, 0), Qt.CheckState.Checked.value,
                  Qt.ItemDataRole.CheckStateRole)
    accepted = len(model.rows) - len(ca_rows) + 1
    dialog.add_to_project()
    assert len(store.project.types) == before + accepted
    assert "Service mesh identities" in [t.name for t in store.project.types]
    store.undo_stack.undo()
    assert len(store.project.types) == before


def test_merge_and_split_reshape_the_proposals(dialog):
    model = dialog.table
    count = len(model.rows)
    rows = [_row(dialog, "Internal TLS"), _row(dialog, "EV TLS")]
    selection = dialog.view.selectionModel()
    for r in rows:
        selection.select(model.index(r, 0), selection.SelectionFlag.Select
                         | selection.SelectionFlag.Rows)
    dialog.merge_selected()
    assert len(model.rows) == count - 1
    merged = next(r for r in model.rows if len(r.proposal.members) == 303)
    selection.clearSelection()
    selection.select(model.index(model.rows.index(merged), 0),
                     selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    dialog.split_selected()
    assert len(model.rows) == count
    assert sorted(len(r.proposal.members) for r in model.rows
                  if " · " in r.name) == [3, 300]


def test_replay_reports_the_refusals_and_adding_to_an_existing_type(dialog, store, tmp_path):
    model = dialog.table
    internal = _row(dialog, "Internal TLS")
    target = next(t for t in store.project.types if t.name == "Internal services TLS")
    model.setData(model.index(internal, COLUMNS.index("Add to")), target.id)
    assert model.data(model.index(internal, COLUMNS.index("Add to"))) == target.name
    dialog.run_replay()
    text = dialog.replay_label.text()
    assert text.startswith("Replay: 39 of ")
    assert "25 RSA-1024, 12 wildcard, 2 lifetime over the maximum" in text
    out = tmp_path / "verdicts.csv"
    dialog._save_path = lambda: str(out)
    dialog.export_verdicts()
    assert out.read_text().count("\n") == 1 + len(dialog.verdicts)
    before = len(store.project.types)
    dialog.add_to_project()
    # The internal TLS proposal went into an existing type; the CA ones were not ticked.
    assert len(store.project.types) == before + len(model.rows) - 1 - 2


def test_nothing_is_written_to_the_project_until_accept(qtbot, store, estate_folder):
    dlg = DiscoverDialog(store, today=TODAY)
    qtbot.addWidget(dlg)
    dlg.set_sources(Sources(paths=(estate_folder / "tls",)))
    dlg.run_scan()
    assert store.undo_stack.count() == 0
    dlg.reject()
    assert store.undo_stack.count() == 0


def test_the_dialog_renders(dialog, tmp_path):
    dialog.resize(1200, 620)
    dialog.show()
    image = dialog.grab()
    assert image.width() == 1200
    image.save(str(tmp_path / "discover.png"))
