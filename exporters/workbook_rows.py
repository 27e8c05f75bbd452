"""Bulk rows on an xlsxwriter sheet: the cell XML of a block of rows written in one pass."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from exporters.workbook_book import Sheet

EXCEL_STRING_MAX = 32_767  # UTF-16 code units in one cell (Excel specification and limits)


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula cell: its text (with or without `=`), the value cached for viewers, a style."""

    text: str
    value: float | str = ""
    format: Format | None = None


Cell = str | int | float | Formula | None


class BlockSheet(Sheet):
    """A worksheet whose data rows are one block, serialised straight to `<row>` XML.

    xlsxwriter stores every cell as an object and serialises it through several method calls;
    for the 10,000-type Routing sheet (200,000 cells) that per-cell work was most of the
    export's time (benchmarks/bench_workbook.py: 1.57 s, now 1.0 s). A block writes each row
    as one string: strings still go to the shared-string table (so the file is what
    xlsxwriter would write, less the optional `spans`), numbers as `%.16G`, formulas with their
    cached values. Cells xlsxwriter writes itself (the header) must lie above the block, and
    column formats must be set before it: the XML is made when the block is written, because
    xlsxwriter freezes its shared-string table before it assembles the sheets.
    """

    dim_rowmax: int  # xlsxwriter's last written row, set before _write_rows runs
    _block_first: int | None = None
    _block_styles: list[str]
    _block_xml: str = ""

    def write_block(self, first_row: int, rows: Sequence[Sequence[Cell]],
                    heights: Sequence[float | None] | None = None) -> None:
        """Write `rows` from `first_row` down (zero-based); `None` leaves a cell empty.

        `heights` gives each row's height in points (None: the default height).
        """
        if self._block_first is not None:
            raise ValueError("a sheet holds one block of rows")
        if any(r >= first_row for r in self.table if self.table[r]):
            raise ValueError("cells written by xlsxwriter must lie above the block")
        width = max((len(row) for row in rows), default=0)
        if not rows or not width:
            return
        # Dimensions, so the <dimension> element and the used range cover the block.
        if self._check_dimensions(first_row, 0) or self._check_dimensions(
                first_row + len(rows) - 1, width - 1):
            raise ValueError("block outside the worksheet's bounds")
        self._block_first = first_row
        self._block_styles = [self._column_style(c) for c in range(width)]
        self._block_xml = "".join(self._rows_xml(first_row, rows, width, heights))

    def _write_rows(self) -> None:
        if self._block_first is None:
            super()._write_rows()
            return
        if any(r >= self._block_first for r in self.table if self.table[r]):
            raise ValueError("a cell was written into or below the block after it")
        last: int = self.dim_rowmax
        self.dim_rowmax = self._block_first - 1  # xlsxwriter writes only the rows above
        try:
            if self.dim_rowmax >= self.dim_rowmin:
                super()._write_rows()
        finally:
            self.dim_rowmax = last
        styles = [self._column_style(c) for c in range(len(self._block_styles))]
        if styles != self._block_styles:
            raise ValueError("a column format was set after the block was written")
        self.fh.write(self._block_xml)

    def _rows_xml(self, first_row: int, rows: Sequence[Sequence[Cell]], width: int,
                  heights: Sequence[float | None] | None) -> list[str]:
        strings = self.str_table._get_shared_string_index
        letters = [xl_col_to_name(c) for c in range(width)]
        styles = self._block_styles
        out: list[str] = []
        for r, row in enumerate(rows, start=first_row + 1):
            height = heights[r - first_row - 1] if heights else None
            cells = [f'<row r="{r}">' if height is None
                     else f'<row r="{r}" ht="{height:g}" customHeight="1">']
            for c, value in enumerate(row):
                if value is None:
                    continue
                ref = f'r="{letters[c]}{r}"'
                if isinstance(value, str):
                    index = strings(_excel_text(value))
                    cells.append(f'<c {ref}{styles[c]} t="s"><v>{index}</v></c>')
                elif isinstance(value, Formula):
                    cells.append(_formula_xml(ref, styles[c], value, self._prepare_formula))
                elif isinstance(value, bool):
                    cells.append(f'<c {ref}{styles[c]} t="b"><v>{int(value)}</v></c>')
                else:
                    cells.append(f'<c {ref}{styles[c]}><v>{_number(value)}</v></c>')
            cells.append("</row>")
            out.append("".join(cells))
        return out

    def _column_style(self, col: int) -> str:
        """The `s` attribute of a cell without its own format: its column's, as in xlsxwriter."""
        info = self.col_info.get(col)
        if info is None or info.column_format is None:
            return ""
        return f' s="{info.column_format._get_xf_index()}"'


def _formula_xml(ref: str, style: str, formula: Formula,
                 prepare: Callable[[str], str]) -> str:
    if formula.format is not None:  # the cell's own style replaces the column's
        style = f' s="{formula.format._get_xf_index()}"'
    text = escape(prepare(formula.text))
    value = formula.value
    if not isinstance(value, str) and not math.isfinite(value):
        value = ""  # no cached value: the viewer computes it (Excel shows its own #NUM!)
    if isinstance(value, str):
        kind = ' t="str"' if value else ""  # blank: viewers recalculate (as xlsxwriter)
        return f"<c {ref}{style}{kind}><f>{text}</f><v>{escape(value)}</v></c>"
    return f"<c {ref}{style}><f>{text}</f><v>{_number(value)}</v></c>"


def _number(value: float) -> str:
    if not math.isfinite(value):
        raise ValueError(f"a spreadsheet cell cannot hold {value!r}")
    return f"{value:.16G}"


def _excel_text(text: str) -> str:
    """Text cut at Excel's cell limit, as xlsxwriter does (the sheet's full text is elsewhere)."""
    if len(text) <= EXCEL_STRING_MAX // 2:
        return text
    encoded = text.encode("utf-16-le")
    if len(encoded) // 2 <= EXCEL_STRING_MAX:
        return text
    return encoded[:EXCEL_STRING_MAX * 2].decode("utf-16-le", errors="ignore")
