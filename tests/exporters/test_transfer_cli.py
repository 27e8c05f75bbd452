"""`certroute export` and `certroute import`: files written, one-line errors, exit statuses."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

from app.cli import main
from exporters.routing_table import HEADERS
from models.project_file import load_project


def test_export_writes_every_requested_file(tmp_path, capsys):
    out = {k: tmp_path / f"routing.{k}" for k in ("xlsx", "csv", "md", "json")}
    argv = ["export", *[a for k, p in out.items() for a in (f"--{k}", str(p))],
            "--policy", str(tmp_path / "policy")]
    assert main(argv) == 0
    assert all(p.stat().st_size > 0 for p in out.values())
    assert json.loads(out["json"].read_text())["evaluation"]["summary"].startswith("3 combined")
    assert (tmp_path / "policy" / "vault" / "LOST-IN-TRANSLATION.md").exists()
    assert capsys.readouterr().out.count("wrote ") == 5


def test_export_without_outputs_is_a_one_line_error(capsys):
    assert main(["export"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "name at least one output" in err


def test_export_to_a_missing_folder_names_the_file(tmp_path, capsys):
    target = tmp_path / "missing" / "out.xlsx"
    assert main(["export", "--xlsx", str(target)]) == 2
    assert f"cannot write {target}" in capsys.readouterr().err


def test_import_round_trip_writes_a_loadable_project(tmp_path, example):
    workbook = tmp_path / "routing.xlsx"
    assert main(["export", "--xlsx", str(workbook)]) == 0
    project_path = tmp_path / "back.certroute.json"
    assert main(["import", str(workbook), "-o", str(project_path)]) == 0
    project = load_project(project_path)
    assert [t.name for t in project.types] == [t.name for t in example.types]


def test_import_with_bad_rows_keeps_the_good_ones_and_exits_1(tmp_path, capsys):
    matrix = tmp_path / "routing.csv"
    assert main(["export", "--csv", str(matrix)]) == 0
    with matrix.open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][HEADERS.index("Validity")] = "forever"
    with matrix.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    capsys.readouterr()
    output = tmp_path / "p.certroute.json"
    assert main(["import", str(matrix), "-o", str(output)]) == 1
    captured = capsys.readouterr()
    assert "row 2, column 'Validity': 'forever' is not one of short, medium, long" in captured.err
    assert "imported 5 of 6 row(s)" in captured.out
    assert len(load_project(output).types) == 5


def test_import_of_an_unknown_format_is_a_one_line_error(tmp_path, capsys):
    source = tmp_path / "routing.txt"
    source.write_text("x", "utf-8")
    assert main(["import", str(source), "-o", str(tmp_path / "p.json")]) == 2
    assert "expected a .xlsx workbook or a .csv file" in capsys.readouterr().err


def test_transfer_cli_is_cheap_to_import():
    code = ("import sys, app.transfer_cli; "
            "print(sorted(m for m in ('openpyxl', 'xlsxwriter', 'python_calamine', "
            "'exporters.workbook') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
