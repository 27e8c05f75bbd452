"""Workbook export (target ≤ 1.5 s) and import (≤ 2 s) of 10,000 types, against openpyxl."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from benchmarks.bench_evaluate import synthetic_project
from benchmarks.timing import median_seconds, report
from exporters.routing_import import import_workbook
from exporters.routing_table import HEADERS, raw_rows
from exporters.workbook import write_workbook
from models.evaluation import evaluate

NOW = dt.datetime(2026, 11, 26, 9, 0)


def _openpyxl_plain(rows: list[list[object]], path: Path) -> None:
    """The peer SPEC.md quotes: openpyxl in normal mode writing the same plain cells."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(list(HEADERS))
    for row in rows:
        ws.append(row)
    wb.save(path)


def _xlsxwriter_plain(rows: list[list[object]], path: Path) -> None:
    """xlsxwriter's per-cell writes of the same cells, with no table, formulas or other sheets."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, list(HEADERS))
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    wb.close()


def _openpyxl_read(path: Path) -> None:
    """The peer for import: openpyxl's read-only mode reading the Routing sheet's values."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    for _row in wb["Routing"].iter_rows(values_only=True):
        pass
    wb.close()


def main(*, smoke: bool = False) -> None:
    n = 200 if smoke else 10_000
    repeat = 1 if smoke else 3
    project = synthetic_project(n)
    evaluation = evaluate(project, today=NOW.date())
    rows = raw_rows(project, evaluation)
    with tempfile.TemporaryDirectory() as tmp:
        ours, peer = Path(tmp) / "certroute.xlsx", Path(tmp) / "openpyxl.xlsx"
        export = median_seconds(lambda: write_workbook(project, evaluation, ours, now=NOW),
                                repeat=repeat)
        plain = median_seconds(lambda: _openpyxl_plain(rows, peer), repeat=repeat)
        floor = median_seconds(lambda: _xlsxwriter_plain(rows, peer), repeat=repeat)
        report(f"workbook export of {n:,} types", export, "s", target="≤ 1.5 s for 10,000",
               peer=("openpyxl plain cells", plain))
        report("  same cells, plain xlsxwriter per-cell writes", floor, "s",
               peer=("the full workbook", export))
        result = import_workbook(ours, base=project)
        if result.rows_kept != n or result.problems:
            raise RuntimeError(f"import kept {result.rows_kept} of {n} rows")
        imported = median_seconds(lambda: import_workbook(ours, base=project), repeat=repeat)
        read = median_seconds(lambda: _openpyxl_read(ours), repeat=repeat)
        report(f"workbook import of {n:,} types", imported, "s", target="≤ 2 s for 10,000",
               peer=("openpyxl read-only read", read))


if __name__ == "__main__":
    main()
