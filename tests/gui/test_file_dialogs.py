"""One remembered last folder: every file and folder dialog starts where the last one ended."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from app.gui import file_dialogs
from app.gui import settings as keys


@pytest.fixture
def dialogs(monkeypatch, tmp_path: Path):
    """Qt's static dialogs replaced: record where each starts, answer with `answers`."""
    monkeypatch.setenv(keys.CONFIG_DIR_ENV, str(tmp_path / "config"))
    started: list[str] = []
    answers: list[str] = []

    def file_dialog(_parent, _title, start, _filter=""):
        started.append(start)
        return answers.pop(0), ""

    def folder_dialog(_parent, _title, start):
        started.append(start)
        return answers.pop(0)

    def files_dialog(_parent, _title, start, _filter=""):
        started.append(start)
        return [answers.pop(0)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(file_dialog))
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(files_dialog))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(file_dialog))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(folder_dialog))
    return started, answers


def test_each_dialog_starts_in_the_folder_the_last_one_chose(qapp, dialogs, tmp_path):
    started, answers = dialogs
    projects, exports, cas = (tmp_path / n for n in ("projects", "exports", "cas"))
    for folder in (projects, exports, cas):
        folder.mkdir()
    answers += [str(projects / "bank.certroute.json"), str(exports / "radar.png"),
                str(cas), str(projects / "x.csv")]
    file_dialogs.open_file(None, "Open project")
    file_dialogs.save_file(None, "Export radar as PNG", "Bank radar.png")
    file_dialogs.existing_folder(None, "Open a CA folder")
    file_dialogs.open_file(None, "Import routing matrix")
    assert started == [str(Path.home()), str(projects / "Bank radar.png"), str(exports),
                       str(cas)]


def test_radar_export_and_workbook_export_start_in_the_same_folder(window, dialogs, tmp_path):
    started, answers = dialogs
    answers += [str(tmp_path / "radar.png"), ""]
    window.tab_widgets["assess"]._ask_export("png")
    window.transfer._ask_save_path("Export workbook", "Excel workbooks (*.xlsx)", ".xlsx")
    assert Path(started[1]) == tmp_path / "routing.xlsx"  # where the radar went


def test_the_discover_dialog_shares_the_remembered_folder(qtbot, store, dialogs, tmp_path):
    from app.gui.discover_dialog import DiscoverDialog

    started, answers = dialogs
    certs = tmp_path / "certs"
    certs.mkdir()
    answers += [str(certs / "inventory.csv"), str(tmp_path / "out.csv")]
    dialog = DiscoverDialog(store)
    qtbot.addWidget(dialog)
    dialog._pick_files("Inventory CSV", "CSV files (*.csv)")
    dialog._save_path()
    assert started == [str(Path.home()), str(certs / "verdicts.csv")]
