"""Paste from Excel / LibreOffice into the inventory, and copy out as TSV with headers."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication

from app.gui.type_table import UNREAD_TINT
from models.columns import COLUMNS
from models.spreadsheet_text import split_tsv, to_tsv

COL = {c.key: n for n, c in enumerate(COLUMNS)}
N_EXAMPLE = 6
HEADER = ["Certificate type", "Purpose", "CA", "Validity", "Identity", "Blast radius",
          "Owner", "Volume", "Notes"]
# The spellings a workshop list really has; (expected purpose, ca) per row pattern.
SPELLINGS = [
    ("EXTERNAL TLS", "Public", "tls-external", "public"),
    ("Internal TLS", "private CA", "tls-internal", "private"),
    ("mTLS", "Private", "mtls", "private"),
    ("Client authentication", "public CA", "client-auth", "public"),
    ("S/MIME", "PUBLIC", "smime", "public"),
]
BAD_ROWS = {7: ("ca", "purple"), 23: ("annual_volume", "lots"), 41: ("validity", "forever")}


def workshop_xlsx(path: Path) -> Path:
    """50 certificate types as someone keeps them in Excel, three cells unreadable."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for n in range(50):
        purpose, ca, _p, _c = SPELLINGS[n % len(SPELLINGS)]
        row = [f"Service {n + 1:02d} certificates", purpose, ca,
               ("Short", "medium", "Long validity")[n % 3], ("strong", "Medium", "weak")[n % 3],
               ("Low", "medium", "High blast radius")[n % 3], f"Team {n % 4}", 100 * (n + 1),
               "from the 2026 inventory"]
        if n in BAD_ROWS:
            key, text = BAD_ROWS[n]
            row[{"ca": 2, "annual_volume": 7, "validity": 3}[key]] = text
        sheet.append(row)
    book.save(path)
    return path


def tsv_by_libreoffice(xlsx: Path, tmp_path: Path) -> str:
    """The sheet as LibreOffice writes it tab-separated (filter options 9 = tab, 34 = quote,
    76 = UTF-8), in a private LibreOffice profile."""
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):9,34,76,1", str(xlsx),
                    "--outdir", str(tmp_path / "out")],
                   check=True, capture_output=True, timeout=180)
    return (tmp_path / "out" / f"{xlsx.stem}.csv").read_text(encoding="utf-8")


def tsv_by_openpyxl(xlsx: Path) -> str:
    """The sheet's cells as a copy from Excel carries them: tab-separated, CRLF lines."""
    sheet = openpyxl.load_workbook(xlsx).active
    return to_tsv([["" if v is None else str(v) for v in row]
                   for row in sheet.iter_rows(values_only=True)])


@pytest.fixture
def tab(route_tab):
    return route_tab  # tests/gui/conftest.py


def put_on_clipboard(text: str) -> None:
    QApplication.clipboard().setText(text)


def cell(tab, row, key, role=Qt.ItemDataRole.DisplayRole):
    return tab.model.data(tab.model.index(row, COL[key]), role)


def _check_fifty_pasted(tab, store):
    assert len(store.project.types) == N_EXAMPLE + 50
    assert store.undo_stack.count() == 1  # the whole paste is one undo step
    pasted = store.project.types[N_EXAMPLE:]
    for n, ctype in enumerate(pasted):
        _p, _c, purpose, ca = SPELLINGS[n % len(SPELLINGS)]
        assert ctype.name == f"Service {n + 1:02d} certificates"
        assert ctype.purpose.value == purpose
        assert ctype.owner == f"Team {n % 4}"
        if n not in BAD_ROWS:
            assert ctype.ca.value == ca
            assert ctype.validity.value == ("short", "medium", "long")[n % 3]
            assert ctype.blast_radius.value == ("low", "medium", "high")[n % 3]
            assert ctype.annual_volume == 100 * (n + 1)
    # Unreadable cells keep the new-type default and are tinted, with the reason on hover.
    unread = tab.model.unread_cells()
    assert {(store.project.types[N_EXAMPLE + n].id, key) for n, (key, _t) in BAD_ROWS.items()
            } == set(unread)
    for n, (key, text) in BAD_ROWS.items():
        row = N_EXAMPLE + n
        assert cell(tab, row, key, Qt.ItemDataRole.BackgroundRole) == UNREAD_TINT
        assert repr(text) in cell(tab, row, key, Qt.ItemDataRole.ToolTipRole)
    assert store.project.types[N_EXAMPLE + 7].ca.value == "private"
    assert store.project.types[N_EXAMPLE + 23].annual_volume is None
    assert cell(tab, N_EXAMPLE, "ca", Qt.ItemDataRole.BackgroundRole) is None
    assert "added 50 types" in tab.messages[-1]
    assert "3 cells could not be read" in tab.messages[-1]
    assert "Notes" in tab.messages[-1]  # a column it did not use is named
    assert tab.current_row() == N_EXAMPLE  # the first pasted type is shown


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
def test_fifty_rows_from_a_real_xlsx_via_libreoffice_become_fifty_types(tab, store, tmp_path):
    text = tsv_by_libreoffice(workshop_xlsx(tmp_path / "inventory.xlsx"), tmp_path)
    assert len(split_tsv(text)) == 51
    tab.select_row(2)
    put_on_clipboard(text)
    tab.table.setFocus()
    tab.type_actions["paste"].trigger()
    _check_fifty_pasted(tab, store)
    out = os.environ.get("CERTROUTE_SHOT_DIR")
    if out:  # for looking at: CERTROUTE_SHOT_DIR=/tmp/shots pytest …
        tab.grab().save(str(Path(out) / "paste-result.png"))


def test_fifty_rows_from_an_xlsx_read_back_become_fifty_types_and_undo_in_one_step(
        tab, store, tmp_path):
    put_on_clipboard(tsv_by_openpyxl(workshop_xlsx(tmp_path / "inventory.xlsx")))
    before = store.project
    tab.clipboard.paste()
    _check_fifty_pasted(tab, store)
    store.undo_stack.undo()
    assert store.project == before
    store.undo_stack.redo()
    assert len(store.project.types) == N_EXAMPLE + 50


def test_ctrl_v_on_the_table_pastes(tab, store, qtbot):
    tab.show()
    tab.activateWindow()
    qtbot.waitActive(tab)
    put_on_clipboard("Certificate type\tCA\r\nPartner VPN\tpublic CA\r\n")
    tab.table.setFocus()
    qtbot.waitUntil(tab.table.hasFocus)
    qtbot.keyClick(tab.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert store.project.types[-1].name == "Partner VPN", tab.messages
    assert store.project.types[-1].ca.value == "public"


def test_rows_without_header_write_over_cells_from_the_current_cell(tab, store):
    tab.select_row(1)
    tab.table.setCurrentIndex(tab.proxy.index(1, COL["validity"]))
    put_on_clipboard("short\tSTRONG\nlong\tweakish\n")
    assert tab.clipboard.paste()
    assert store.project.types[1].validity.value == "short"
    assert store.project.types[1].identity.value == "strong"
    assert store.project.types[2].validity.value == "long"
    assert store.project.types[2].identity.value == "strong"  # 'weakish' not read: kept
    assert (store.project.types[2].id, "identity") in tab.model.unread_cells()
    assert len(store.project.types) == N_EXAMPLE
    assert store.undo_stack.count() == 1
    # Editing the marked cell clears the mark, even to the value it already had.
    tab.model.setData(tab.model.index(2, COL["identity"]), "strong")  # unchanged: no step
    assert cell(tab, 2, "identity", Qt.ItemDataRole.BackgroundRole) is None


def test_rows_past_the_last_type_become_new_types(tab, store):
    tab.select_row(N_EXAMPLE - 1)
    tab.table.setCurrentIndex(tab.proxy.index(N_EXAMPLE - 1, COL["name"]))
    put_on_clipboard("Renamed last\tsmime\nBrand new\tcode signing\n")
    tab.clipboard.paste()
    assert store.project.types[N_EXAMPLE - 1].name == "Renamed last"
    assert store.project.types[N_EXAMPLE].name == "Brand new"
    assert store.project.types[N_EXAMPLE].purpose.value == "code-signing"
    assert store.undo_stack.count() == 1


def test_header_rows_write_over_as_many_selected_rows(tab, store):
    selection = QItemSelection(tab.proxy.index(0, 0), tab.proxy.index(1, len(COLUMNS) - 1))
    tab.table.selectionModel().select(selection,
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect)
    put_on_clipboard("Owner\tBlast radius\nAlice\thigh\nBob\tlow\n")
    tab.clipboard.paste()
    assert [t.owner for t in store.project.types[:2]] == ["Alice", "Bob"]
    assert store.project.types[0].blast_radius.value == "high"
    assert len(store.project.types) == N_EXAMPLE


def test_one_value_fills_every_selected_cell(tab, store):
    model = tab.table.selectionModel()
    model.clearSelection()
    for row in (0, 2, 4):
        model.select(tab.proxy.index(row, COL["owner"]), QItemSelectionModel.SelectionFlag.Select)
    put_on_clipboard("Platform team")
    tab.clipboard.paste()
    assert [store.project.types[r].owner for r in (0, 2, 4)] == ["Platform team"] * 3
    assert store.project.types[1].owner != "Platform team"
    assert store.undo_stack.count() == 1


def test_an_empty_clipboard_changes_nothing(tab, store):
    put_on_clipboard("  \n\t\n")
    assert not tab.clipboard.paste()
    assert store.undo_stack.count() == 0
    assert tab.messages[-1].startswith("Nothing to paste")


def test_copy_gives_tsv_with_headers_and_pastes_back_as_new_types(tab, store):
    selection = QItemSelection(tab.proxy.index(1, COL["name"]), tab.proxy.index(2, COL["reason"]))
    tab.table.selectionModel().select(selection,
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect)
    tab.clipboard.copy()
    rows = split_tsv(QApplication.clipboard().text())
    assert rows[0] == [c.header for c in COLUMNS[:COL["reason"] + 1]]
    assert rows[1][:3] == ["EV TLS for corporate identity", "ev-tls", "public"]
    assert rows[1][COL["reason"]] == "High-assurance purpose"
    assert len(rows) == 3
    tab.type_actions["paste_new"].trigger()
    copies = store.project.types[N_EXAMPLE:]
    assert [c.name for c in copies] == [t.name for t in store.project.types[1:3]]
    assert [c.purpose for c in copies] == [t.purpose for t in store.project.types[1:3]]
    assert tab.model.unread_cells() == {}  # Workflow and Reason are skipped, not unread


def test_one_cell_copies_as_its_text(tab):
    tab.table.setCurrentIndex(tab.proxy.index(0, COL["purpose"]))
    tab.table.selectionModel().select(tab.proxy.index(0, COL["purpose"]),
                                      QItemSelectionModel.SelectionFlag.ClearAndSelect)
    tab.clipboard.copy()
    assert QApplication.clipboard().text() == "tls-external"
