"""The xlsxwriter workbook wrapper: one set of cell styles, column widths, print setup, names."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Sequence
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet, re_dynamic_function

# WORKBOOK.md colour legend: inputs (yellow, blue text), formulas (white), headers (dark).
COMBINED_FILL = "#D9EAD3"
ADMIN_FILL = "#FCE5CD"
INPUT_FILL = "#FFF2CC"
MAX_WIDTH = 60


class Sheet(Worksheet):  # type: ignore[misc]  # xlsxwriter ships no type information
    """A worksheet whose formula preparation skips xlsxwriter's 29 no-op substitutions.

    xlsxwriter runs a regex per dynamic-array function over every formula to add `_xlfn.`
    prefixes; our formulas use none of them (its own `re_dynamic_function` says so), and those
    passes were two thirds of the time of a 10,000-type export (benchmarks/bench_workbook.py).
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if (self.use_future_functions or expand_future_functions
                or re_dynamic_function.search(formula)):
            return str(super()._prepare_formula(formula, expand_future_functions))
        return formula.removeprefix("{").removeprefix("=").removesuffix("}")


class Book:
    """An xlsxwriter workbook with Certroute's styles and helpers shared by every sheet."""

    def __init__(self, target: io.BytesIO, organisation: str = "", *,
                 currency_prefix: str = "£") -> None:
        self.organisation = organisation
        # Text typed by users ("=cmd", "007", "http://…") must stay text: no conversions.
        self.wb = xlsxwriter.Workbook(target, {
            "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "in_memory": True,
        })
        add = self.wb.add_format
        # Money cells in the project's currency: "£"#,##0, "€"#,##0, "CHF "#,##0.
        self.currency_prefix = currency_prefix
        self.money_format = f'"{currency_prefix}"#,##0'
        self.header = add({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F3864",
                           "text_wrap": True, "valign": "top", "border": 1})
        self.title = add({"bold": True, "font_size": 16})
        self.bold = add({"bold": True})
        self.wrap = add({"text_wrap": True, "valign": "top"})
        self.input = add({"bg_color": INPUT_FILL, "font_color": "#0000FF", "locked": False,
                          "border": 1, "valign": "top"})
        self.input_share = add({"bg_color": INPUT_FILL, "font_color": "#0000FF",
                                "locked": False, "border": 1, "num_format": "0%", "valign": "top"})
        self.input_money = add({"bg_color": INPUT_FILL, "font_color": "#0000FF",
                                "locked": False, "border": 1,
                                "num_format": self.money_format, "valign": "top"})
        self.money = add({"num_format": self.money_format, "valign": "top"})
        self.hours = add({"num_format": "0.0##", "valign": "top"})
        self.share = add({"num_format": "0.0%", "valign": "top"})
        self.months = add({"num_format": "0.0", "valign": "top"})
        self.score = add({"num_format": "0.0", "valign": "top"})  # the app's "2.1 / 5"
        self.number = add({"num_format": "#,##0"})
        self.combined = add({"bg_color": COMBINED_FILL})
        self.admin = add({"bg_color": ADMIN_FILL})
        self.ok = add({"bg_color": "#C6EFCE", "font_color": "#006100"})
        self.bad = add({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.link = add({"font_color": "#0563C1", "underline": 1})

    def sheet(self, name: str, worksheet_class: type[Sheet] = Sheet) -> Worksheet:
        return self.wb.add_worksheet(name, worksheet_class=worksheet_class)

    def name_cell(self, name: str, sheet: str, row: int, col: int) -> str:
        """Define `name` for one absolute cell (WORKBOOK.md: sheet-qualified, absolute)."""
        ref = f"={quote_sheetname(sheet)}!{xl_rowcol_to_cell(row, col, True, True)}"
        self.wb.define_name(name, ref)
        return ref

    def headers(self, ws: Worksheet, headers: Sequence[str], row: int = 0) -> None:
        ws.write_row(row, 0, list(headers), self.header)

    def print_setup(self, ws: Worksheet, *, title_rows: bool = True, title_cols: int = 0,
                    through: tuple[int, int] = (0, 0)) -> None:
        """Landscape A4, one page wide, header row repeated, organisation and page numbers.

        The print area is the used range, extended to `through` (last row, last column) to
        take in charts, which do not count as used cells.
        """
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        if title_rows:
            ws.repeat_rows(0)
        if title_cols:
            ws.repeat_columns(0, title_cols - 1)
        ws.print_area(0, 0, max(ws.dim_rowmax or 0, through[0]),
                      max(ws.dim_colmax or 0, through[1]))
        ws.set_header(f"&L{header_text(self.organisation)}&C&A&RCertroute")
        ws.set_footer("&LRouting policy workbook&CPage &P of &N&R&D")

    def close(self) -> None:
        self.wb.close()


def fit_widths(ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]],
               *, minimum: int = 6, cap: int = MAX_WIDTH) -> list[int]:
    """Set each column to its longest text (header or cell), capped so prose wraps instead."""
    widths = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            if not isinstance(value, str | int | float):
                continue  # empty, or a formula: its width is its column's business
            n = len(value) if isinstance(value, str) else len(f"{value:,}") + 1
            if n > widths[i]:
                widths[i] = n
    widths = [min(max(w + 2, minimum), cap) for w in widths]
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    return widths


LINE_HEIGHT = 15.0  # points: one line of the default 11 pt font


def wrapped_height(cells: Sequence[Any], widths: Sequence[float]) -> float | None:
    """Row height (points) for `cells` wrapped in columns of `widths` characters, or None.

    Viewers do not re-measure rows on load (LibreOffice draws wrapped text over the next
    row), so a row whose text wraps is given its height; None keeps the default one line.
    """
    lines = 1
    for value, width in zip(cells, widths, strict=False):
        if not isinstance(value, str) or (len(value) < width and "\n" not in value):
            continue
        per_line = max(1.0, width * 1.2)  # proportional glyphs: ~1.2 characters a width unit
        lines = max(lines, sum(math.ceil(max(1, len(part)) / per_line)
                               for part in value.split("\n")))
    return None if lines == 1 else lines * LINE_HEIGHT


def header_text(text: str) -> str:
    """`text` for an Excel page header or footer: `&` doubled so it is not a control code."""
    return text.replace("&", "&&")
