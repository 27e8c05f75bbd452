"""Hostile files for import: damaged workbooks and arbitrary CSV text give clear errors."""

from __future__ import annotations

import datetime as dt
import functools
import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporters.routing_import import ImportResult, RoutingImportError, import_csv, import_workbook
from exporters.workbook import write_workbook
from models.evaluation import evaluate
from models.project_file import load_example


@functools.cache
def exported_workbook() -> bytes:
    """The built-in example's workbook, written once per test run."""
    project = load_example()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        # A fixed export time: the same bytes every run, so a failure can be replayed.
        write_workbook(project, evaluate(project, today=dt.date(2026, 11, 26)), path,
                       now=dt.datetime(2026, 11, 26, 9, 30))
        return path.read_bytes()


def _outcome(call) -> ImportResult | None:
    """The result, or None after checking the error is one clear line."""
    try:
        return call()
    except RoutingImportError as exc:
        message = str(exc)
    assert message
    assert "\n" not in message
    return None


HYPOTHESIS = settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])


@HYPOTHESIS
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), min_size=1,
                max_size=8), st.integers(0, 100))
def test_damaged_workbooks_are_read_or_refused(tmp_path, flips, cut_percent):
    data = bytearray(exported_workbook())
    for position, value in flips:
        data[position % len(data)] = value
    data = data[: max(1, len(data) * (100 - cut_percent // 4) // 100)]
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    result = _outcome(lambda: import_workbook(path))
    if result is not None:
        assert result.rows_kept + len({p.row for p in result.problems}) == result.rows_read


@HYPOTHESIS
@given(st.text(max_size=400))
def test_arbitrary_csv_text_is_read_or_refused(tmp_path, text):
    path = tmp_path / "matrix.csv"
    path.write_text(text, "utf-8")
    result = _outcome(lambda: import_csv(path))
    if result is not None:
        assert result.rows_kept <= result.rows_read


def test_workbook_with_a_member_removed_is_refused(tmp_path):
    source = zipfile.ZipFile(io.BytesIO(exported_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            if not item.filename.startswith("xl/worksheets/"):
                target.writestr(item, source.read(item))
    path = tmp_path / "hollow.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(RoutingImportError, match=r"hollow\.xlsx"):
        import_workbook(path)


def test_a_validation_error_spanning_lines_is_reported_on_one_line(tmp_path):
    """The fuzz test above found a reader error with a newline; pydantic's errors have them too."""
    from openpyxl import load_workbook

    source = tmp_path / "book.xlsx"
    source.write_bytes(exported_workbook())
    book = load_workbook(source)
    book["Radar"]["B2"] = 9  # a score outside 0–5
    book.save(source)
    with pytest.raises(RoutingImportError) as caught:
        import_workbook(source)
    assert "sheet Radar: scores must be whole numbers 0–5" in str(caught.value)
    assert "\n" not in str(caught.value)
