"""A block of rows written as XML reads back exactly as xlsxwriter's own per-cell writes do."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from exporters.workbook_book import LINE_HEIGHT, Book, wrapped_height
from exporters.workbook_rows import EXCEL_STRING_MAX, BlockSheet, Cell, Formula

HEADER = ["Text", "Number", "Flag", "Cost"]
AWKWARD_TEXT = ('<b>&amp; "quoted"</b>', "tab\tand\x01control", "_x0041_ literal", " padded ",
                "=SUM(A1)", "007", "ünïcödé ✓ 🔒", "line\nbreak")


def _rows(book: Book) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for i, text in enumerate(AWKWARD_TEXT, start=2):
        rows.append([text, i * 1.5 if i % 3 else None, i % 2 == 0,
                     Formula(f"=IF(ISNUMBER(B{i}),B{i}*2,\"\")", i * 3.0 if i % 3 else "",
                             book.money)])
    rows.append([None, 10**15 + 1, None, Formula("=B10&\"<x>\"", "1E+15<x>")])
    return rows


def _write(path: Path, *, block: bool) -> None:
    buffer = io.BytesIO()
    book = Book(buffer)
    ws = book.sheet("Data", BlockSheet)
    ws.set_column(1, 1, 12, book.number)  # a column format the plain cells inherit
    book.headers(ws, HEADER)
    rows = _rows(book)
    if block:
        ws.write_block(1, rows)
    else:
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, Formula):
                    ws.write_formula(r, c, value.text, value.format, value.value)
                elif value is not None:
                    ws.write(r, c, value)
    book.close()
    path.write_bytes(buffer.getvalue())


def _cells(path: Path, *, data_only: bool) -> list[list[tuple[object, str]]]:
    sheet = load_workbook(path, data_only=data_only)["Data"]
    return [[(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows()]


def test_block_reads_back_as_xlsxwriter_per_cell_writes(tmp_path: Path) -> None:
    plain, fast = tmp_path / "plain.xlsx", tmp_path / "block.xlsx"
    _write(plain, block=False)
    _write(fast, block=True)
    for data_only in (False, True):  # formulas, then the cached values a viewer shows
        assert _cells(fast, data_only=data_only) == _cells(plain, data_only=data_only)
    # The importer's reader (calamine) sees the same text, including the awkward characters.
    read = CalamineWorkbook.from_path(str(fast)).get_sheet_by_name("Data").to_python()
    assert [row[0] for row in read[1:-1]] == list(AWKWARD_TEXT)
    assert read == CalamineWorkbook.from_path(str(plain)).get_sheet_by_name("Data").to_python()


def test_block_cells_keep_their_formats(tmp_path: Path) -> None:
    path = tmp_path / "block.xlsx"
    _write(path, block=True)
    sheet = load_workbook(path)["Data"]
    assert sheet["B2"].number_format == "#,##0"  # inherited from the column
    assert sheet["D2"].number_format == '"£"#,##0'  # the formula's own format wins
    assert sheet["D10"].number_format == "General"
    assert sheet.dimensions == "A1:D10"


def test_overlong_text_is_cut_at_excels_limit_like_xlsxwriter(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    book = Book(buffer)
    ws = book.sheet("Data", BlockSheet)
    ws.write_block(0, [["🔒" * EXCEL_STRING_MAX]])  # two UTF-16 units per character
    book.close()
    path = tmp_path / "long.xlsx"
    path.write_bytes(buffer.getvalue())
    assert load_workbook(path)["Data"]["A1"].value == "🔒" * (EXCEL_STRING_MAX // 2)


@pytest.mark.parametrize("misuse", ["second block", "cell below", "late format", "infinity",
                                    "cell after"])
def test_misuse_is_refused_not_written_wrongly(misuse: str) -> None:
    book = Book(io.BytesIO())
    ws = book.sheet("Data", BlockSheet)
    book.headers(ws, HEADER)
    if misuse == "infinity":
        with pytest.raises(ValueError, match="cannot hold inf"):
            ws.write_block(1, [["x", float("inf")]])
        return
    if misuse == "cell below":
        ws.write(5, 0, "xlsxwriter's own cell")
        with pytest.raises(ValueError, match="above the block"):
            ws.write_block(1, [["x"]])
        return
    ws.write_block(1, [["x", 1]])
    if misuse == "second block":
        with pytest.raises(ValueError, match="one block"):
            ws.write_block(3, [["y"]])
    elif misuse == "cell after":
        ws.write(10, 0, "written after the block")
        with pytest.raises(ValueError, match="below the block after it"):
            book.close()
    else:
        ws.set_column(1, 1, 10, book.money)
        with pytest.raises(ValueError, match="column format was set after"):
            book.close()


def test_a_formula_whose_cached_value_is_not_finite_is_left_for_the_viewer(tmp_path):
    buffer = io.BytesIO()
    book = Book(buffer)
    ws = book.sheet("Data", BlockSheet)
    ws.write_block(0, [[Formula("=1/0", float("inf"))]])
    book.close()
    path = tmp_path / "inf.xlsx"
    path.write_bytes(buffer.getvalue())
    assert load_workbook(path)["Data"]["A1"].value == "=1/0"


def test_block_rows_carry_their_heights(tmp_path):
    buffer = io.BytesIO()
    book = Book(buffer)
    ws = book.sheet("Data", BlockSheet)
    ws.write_block(1, [["one line"], ["three\nlines\nhere"]], [None, 45.0])
    book.close()
    path = tmp_path / "heights.xlsx"
    path.write_bytes(buffer.getvalue())
    sheet = load_workbook(path)["Data"]
    assert sheet.row_dimensions[2].height is None
    assert sheet.row_dimensions[3].height == 45.0


def test_wrapped_height_counts_the_lines_of_the_tallest_cell():
    assert wrapped_height(["short", 5], (10, 10)) is None
    assert wrapped_height(["x" * 25, "a\nb\nc"], (10, 10)) == 3 * LINE_HEIGHT
