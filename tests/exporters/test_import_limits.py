"""Hostile imports: zip bombs, wide sheets, huge cells and too many rows are one-line errors."""

from __future__ import annotations

import csv
import io
import os
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from exporters import routing_import
from exporters.import_limits import MAX_CELL_CHARS, MAX_PROBLEMS
from exporters.routing_import import RoutingImportError, import_csv, import_rows, import_workbook
from exporters.routing_table import HEADERS
from models.project_file import save_project

ROOT = Path(__file__).resolve().parents[2]
ROUTING_SHEET = "xl/worksheets/sheet5.xml"  # the Routing sheet of an export
ROW = ["", "Web", "tls-internal", "private", "medium", "strong", "low", "", "", "no", "", "", "",
       "", "", ""]


def _with_entry(workbook: Path, out: Path, name: str, write) -> Path:
    """A copy of `workbook` whose entry `name` is replaced by what `write(handle)` streams."""
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == name:
                with dst.open(name, "w", force_zip64=True) as handle:
                    write(handle)
            else:
                dst.writestr(item, src.read(item))
    return out


def _bomb_rows(rows: int):
    row = b"".join(b'<c r="%s1" t="inlineStr"><is><t>x</t></is></c>' % c for c in (b"A", b"B"))

    def write(handle) -> None:
        handle.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData>')
        chunk = b"<row>" + row + b"</row>"
        block = chunk * 10_000
        for _ in range(rows // 10_000):
            handle.write(block)
        handle.write(b"</sheetData></worksheet>")
    return write


def _run_limited(args: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI with 1.5 GB of address space and 60 s of CPU: a bomb would hit either."""
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
        resource.setrlimit(resource.RLIMIT_CPU, (60, 60))

    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, text=True,
                          capture_output=True, preexec_fn=limits,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_zip_bomb_is_refused_in_one_line_within_bounded_memory(workbook_path, tmp_path, example):
    # 1,000,000 rows: about 100 MB of sheet XML in well under 1 MB of archive.
    bomb = _with_entry(workbook_path, tmp_path / "bomb.xlsx", ROUTING_SHEET, _bomb_rows(1_000_000))
    assert bomb.stat().st_size < 2_000_000
    victim = tmp_path / "victim.certroute.json"
    save_project(example, victim)
    before = victim.read_bytes()
    done = _run_limited(["import", str(bomb), "-o", str(victim), "--replace"])
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "bomb.xlsx" in lines[0]
    assert "compressed" in lines[0] or "unpacks to" in lines[0]
    assert victim.read_bytes() == before


def test_total_size_over_the_limit_is_refused(workbook_path, tmp_path, monkeypatch):
    monkeypatch.setattr("exporters.import_limits.MAX_TOTAL_BYTES", 100_000)
    with pytest.raises(RoutingImportError, match=r"unpacks to .* \(at most"):
        import_workbook(workbook_path)


def test_a_cell_beyond_the_column_limit_is_refused_before_parsing(workbook_path, tmp_path):
    def wide(handle) -> None:
        handle.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main"><sheetData><row r="1"><c r="XFD1" t="inlineStr">'
                     b'<is><t>x</t></is></c></row><row r="1048576"><c r="A1048576" t="inlineStr">'
                     b'<is><t>x</t></is></c></row></sheetData></worksheet>')

    grid = _with_entry(workbook_path, tmp_path / "grid.xlsx", ROUTING_SHEET, wide)
    with pytest.raises(RoutingImportError, match="beyond column 64 or row 99,999"):
        import_workbook(grid)


def test_a_huge_shared_string_is_refused(workbook_path, tmp_path):
    def huge(handle) -> None:
        handle.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/'
                     b'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
        block = b"A" * 1_000_000
        for _ in range(90):
            handle.write(block)
        handle.write(b"</t></si></sst>")

    big = _with_entry(workbook_path, tmp_path / "hugestr.xlsx", "xl/sharedStrings.xml", huge)
    with pytest.raises(RoutingImportError, match=r"sharedStrings\.xml unpacks to"):
        import_workbook(big)


def test_a_header_lying_about_the_size_is_caught(workbook_path, tmp_path):
    data = bytearray(workbook_path.read_bytes())
    # Central directory record: the name at 46, its length at 28, the uncompressed size at 24.
    record = data.find(b"PK\x01\x02")
    while data[record + 46:record + 46 + int.from_bytes(data[record + 28:record + 30],
                                                          "little")] != ROUTING_SHEET.encode():
        record = data.find(b"PK\x01\x02", record + 4)
        assert record > 0
    data[record + 24:record + 28] = (100).to_bytes(4, "little")
    liar = tmp_path / "liar.xlsx"
    liar.write_bytes(bytes(data))
    with pytest.raises(RoutingImportError, match=r"not a readable \.xlsx workbook \(Bad CRC-32"):
        import_workbook(liar)


def test_a_cell_longer_than_excel_allows_is_a_row_problem(tmp_path, example):
    rows = [list(HEADERS), ["", "A" * (MAX_CELL_CHARS + 1), "tls-internal", "private", "medium",
                            "strong", "low", "", "", "no", "", "", "", "", "", ""]]
    result = import_rows(rows)
    [problem] = result.problems
    assert problem.column == "Certificate type"
    assert f"{MAX_CELL_CHARS + 1:,} characters" in problem.message
    assert len(str(problem)) < 200


def test_too_many_rows_is_one_error(monkeypatch):
    monkeypatch.setattr(routing_import, "MAX_ROWS", 10)
    import_rows([list(HEADERS)] + [ROW] * 10)
    with pytest.raises(RoutingImportError, match=r"more than 10 rows \(row 12\)"):
        import_rows([list(HEADERS)] + [ROW] * 11)


def test_too_many_columns_is_one_error():
    with pytest.raises(RoutingImportError, match=r"header row has 300 columns \(at most 64\)"):
        import_rows([list(HEADERS) + [f"x{i}" for i in range(300 - len(HEADERS))]])


def test_problems_kept_are_capped_and_the_rest_counted(tmp_path):
    path = tmp_path / "bad.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for _ in range(MAX_PROBLEMS + 500):
            writer.writerow(["", "Web", "nope", *ROW[3:]])
    result = import_csv(path)
    assert len(result.problems) == MAX_PROBLEMS
    assert result.problem_count == MAX_PROBLEMS + 500


def test_fresh_ids_take_constant_time_per_row(monkeypatch):
    """Rows without an id: membership checks grow linearly (the old code rebuilt a set of
    every id for each row, which made 100,000 rows take minutes)."""
    checks = 0

    class CountingSet(set):
        def __contains__(self, item: object) -> bool:
            nonlocal checks
            checks += 1
            return super().__contains__(item)

    real_init = routing_import._Ids.__init__

    def counting_init(self, known):
        real_init(self, known)
        self._taken = CountingSet(self._taken)

    monkeypatch.setattr(routing_import._Ids, "__init__", counting_init)
    result = import_rows([list(HEADERS)] + [ROW] * 3_000)
    assert [t.id for t in result.project.types[:3]] == ["type-1", "type-2", "type-3"]
    assert checks <= 2 * 3_000


def test_fresh_ids_skip_the_base_projects_ids(example):
    base = example.model_copy(update={"types": tuple(
        t.model_copy(update={"id": f"type-{i}"}) for i, t in enumerate(example.types[:2], 1))})
    result = import_rows([list(HEADERS), ROW, ROW, ROW], base=base)
    assert [t.id for t in result.project.types] == ["type-3", "type-4", "type-5"]


def test_xlsx_import_of_a_normal_export_passes_the_checks(workbook_path, example):
    assert import_workbook(workbook_path, base=example).project == example


def test_bomb_made_in_memory_is_small():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z, z.open("s.xml", "w") as h:
        _bomb_rows(100_000)(h)
    assert len(buffer.getvalue()) < 200_000


def test_a_csv_line_of_millions_of_commas_is_refused_before_it_is_split(tmp_path):
    path = tmp_path / "commas.csv"
    path.write_text(",".join(HEADERS) + "\n" + "," * 5_000_000 + "\n")
    with pytest.raises(RoutingImportError, match=r"commas\.csv: a line longer than"):
        import_csv(path)


def test_a_workbook_saved_by_libreoffice_passes_the_checks(workbook_path, tmp_path, example):
    """The limits refuse hostile archives, not a real spreadsheet program's output."""
    from tests.exporters.conftest import recalculate

    saved = recalculate(workbook_path, tmp_path)
    result = import_workbook(saved, base=example)
    assert result.problems == ()
    assert [t.id for t in result.project.types] == [t.id for t in example.types]


def test_the_collector_runs_again_after_an_import_good_or_bad():
    import gc

    import_rows([list(HEADERS), ROW])
    assert gc.isenabled()
    with pytest.raises(RoutingImportError):
        import_rows([list(HEADERS) + [f"x{i}" for i in range(100)]])
    assert gc.isenabled()
