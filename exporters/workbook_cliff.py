"""The workbook's Cliff sheet: tickets and their cost on each rule date, per type and in total.

INDUSTRY-RULES.md "What follows for the cost of admin-mediated issuance", as the app's Cliff tab
shows it (models.cliff): values as exported on the project's as-of date, with a native chart of
the as-is and designed tickets by date.
"""

from __future__ import annotations

from typing import cast

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from exporters.workbook_book import Book
from exporters.workbook_rows import BlockSheet, Cell
from models.cliff import Cliff, cliff_headline
from models.evaluation import Evaluation
from models.project import Project

SHEET = "Cliff"
TOTAL_HEADERS = ("Rule date", "As-is tickets / yr", "Designed tickets / yr",
                 "As-is annual cost", "Designed annual cost")
PER_DATE = ("max (days)", "renewals / cert / yr", "as-is tickets", "designed tickets")
TYPE_HEADERS = ("Certificate type", "Live certificates", "Annual volume")
CHART_ROWS = 16  # rows the chart spans at the default row height
HEADER_HEIGHT = 30  # points: two lines of header text
# As-is admin-mediated load in the admin-mediated tone, the design's in the combined tone
# (app/gui/palette.py, as on the Cliff tab).
AS_IS_COLOUR, DESIGNED_COLOUR = "#B36B12", "#1F7A68"


def write_cliff(book: Book, project: Project, evaluation: Evaluation) -> None:
    """Totals by rule date, their chart, then every type on every rule date."""
    ws = cast(BlockSheet, book.sheet(SHEET, BlockSheet))
    cliff = evaluation.cliff
    first = 0  # the totals' header is the row every printed page repeats, as on every sheet
    book.headers(ws, TOTAL_HEADERS, row=first)
    ws.set_row(first, HEADER_HEIGHT)  # wrapped headers: viewers do not grow the row for them
    for r, date in enumerate(cliff.dates, start=first + 1):
        ws.write(r, 0, date.date.isoformat())
        ws.write_number(r, 1, date.as_is_tickets, book.number)
        ws.write_number(r, 2, date.designed_tickets, book.number)
        ws.write_number(r, 3, date.as_is_cost, book.money)
        ws.write_number(r, 4, date.designed_cost, book.money)
    last = first + len(cliff.dates)
    ws.merge_range(last + 2, 0, last + 2, len(TOTAL_HEADERS) - 1,
                   cliff_headline(cliff, project.currency), book.wrap)
    ws.set_row(last + 2, 48)
    _chart(book, ws, first, last, at_row=last + 4)
    types_row = last + 4 + CHART_ROWS + 1
    _per_type(book, ws, project, cliff, types_row)
    ws.freeze_panes(first + 1, 1)
    book.print_setup(ws, through=(types_row + len(project.types) + 1, 6))


def _chart(book: Book, ws: Worksheet, header_row: int, last_row: int, at_row: int) -> None:
    """The as-is and designed tickets of the dates under `header_row`, placed at `at_row`."""
    chart = book.wb.add_chart({"type": "column"})
    for col, colour in ((1, AS_IS_COLOUR), (2, DESIGNED_COLOUR)):
        chart.add_series({
            "name": [SHEET, header_row, col],
            "categories": [SHEET, header_row + 1, 0, last_row, 0],
            "values": [SHEET, header_row + 1, col, last_row, col],
            "fill": {"color": colour},
        })
    chart.set_title({"name": "Admin-mediated tickets a year, by rule date",
                     "name_font": {"size": 12}})
    chart.set_y_axis({"num_format": "#,##0", "min": 0})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 300})
    ws.insert_chart(at_row, 0, chart)


def _per_type(book: Book, ws: BlockSheet, project: Project, cliff: Cliff, row: int) -> None:
    """One row per type: its population and volume, then per rule date its cap, renewals and
    tickets as-is and as designed (one block: per-cell writes of 10,000 types × 15 cells made
    the workbook export miss its 1.5 s)."""
    headers = [*TYPE_HEADERS, *(f"{d.date.isoformat()} {part}" for d in cliff.dates
                                for part in PER_DATE)]
    ws.write_row(row, 0, headers, book.header)
    ws.set_row(row, 3 * HEADER_HEIGHT / 2)
    # Column formats, which the block's cells take (the totals above carry their own).
    ws.set_column(0, 0, 30)
    ws.set_column(1, len(TYPE_HEADERS) - 1, 14, book.number)
    for n in range(len(cliff.dates)):
        col = len(TYPE_HEADERS) + n * len(PER_DATE)
        ws.set_column(col, col, 12)
        ws.set_column(col + 1, col + 1, 12, book.hours)
        ws.set_column(col + 2, col + 3, 12, book.number)
    columns = [date.types for date in cliff.dates]
    rows: list[list[Cell]] = []
    for n, ctype in enumerate(project.types):
        cells: list[Cell] = [ctype.name, ctype.live_certificates, ctype.annual_volume]
        for column in columns:
            on = column[n]
            cells += [on.max_validity_days, on.renewals_per_certificate, on.as_is_tickets,
                      on.designed_tickets]
        rows.append(cells)
    if rows:
        ws.write_block(row + 1, rows)
        end = xl_rowcol_to_cell(row + len(rows), len(headers) - 1)
        ws.autofilter(f"{xl_rowcol_to_cell(row, 0)}:{end}")
