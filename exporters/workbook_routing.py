"""The Routing sheet: the matrix as an Excel table with drop-downs and colours by workflow."""

from __future__ import annotations

from typing import cast

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from exporters.routing_table import (
    HEADERS,
    INDEX,
    MATRIX_COLUMNS,
    VALIDITY_HEADERS,
    raw_rows,
    validity_cells,
)
from exporters.workbook_book import Book, fit_widths, wrapped_height
from exporters.workbook_layout import LIST_FOR_KEY, ROUTING_TABLE
from exporters.workbook_rows import BlockSheet, Cell, Formula
from models.enums import Workflow
from models.evaluation import Evaluation
from models.project import Project

SHEET = "Routing"
# Per-type cost as live formulas beside the matrix (WORKBOOK.md Cost: per-type manual cost and
# break-even); the importer ignores them.
COST_HEADERS = ("Manual cost / yr", "Break-even (years)")
SHEET_HEADERS = (*HEADERS, *COST_HEADERS, *VALIDITY_HEADERS)
PRINT_CAP = 11  # characters: enumerations and numbers, headers wrap onto two lines
PROSE_WIDTHS = {"name": 20, "reason": 14, "owner": 12, "rationale": 30}
CAPPED_BY_WIDTH = 11  # "public cap from 2026-03-15" on two lines


def column_letter(key: str) -> str:
    """Letter of a matrix column on the Routing sheet (`workflow` -> `M`)."""
    return str(xl_col_to_name(INDEX[key]))


def write_routing(book: Book, project: Project, evaluation: Evaluation) -> int:
    """Write the Routing sheet; returns the number of data rows."""
    ws = cast(BlockSheet, book.sheet(SHEET, BlockSheet))
    rows = raw_rows(project, evaluation)
    n = len(rows)
    last_row = max(n, 1)  # an Excel table needs one data row, even an empty one
    costs = _cost_cells(book, project, evaluation)
    # The rule in a few words (the full reason is on the decision card and in the report):
    # short enough that the sheet still prints one page wide at a readable size.
    limits: list[list[Cell]] = validity_cells(evaluation)
    cells = [row + cost + limit for row, cost, limit in zip(rows, costs, limits, strict=True)]
    # Printable widths: short codes stay narrow, prose wraps (top-aligned) in a capped column,
    # so the columns fit one landscape page wide at a readable size. Column formats are set
    # before the block, which takes them as its cells' style.
    widths = fit_widths(ws, SHEET_HEADERS, cells, minimum=6, cap=PRINT_CAP)
    for key, width in PROSE_WIDTHS.items():
        widths[INDEX[key]] = width
    widths[len(SHEET_HEADERS) - 1] = CAPPED_BY_WIDTH
    for col, width in enumerate(widths[:len(HEADERS)]):
        ws.set_column(col, col, width, book.wrap)
    # Manual cost (up to £999,999,999), break-even years, max validity, the capping rule.
    for col, width in enumerate((13, 9, 9, CAPPED_BY_WIDTH), start=len(HEADERS)):
        ws.set_column(col, col, width, book.wrap)
    # The data rows as one block: per-cell writes were most of a 10,000-type export's time.
    ws.write_block(1, cells, [wrapped_height(row, widths) for row in cells])
    # WORKBOOK.md: a Table (ListObject) with filters; header cells are strings by construction.
    ws.add_table(0, 0, last_row, len(SHEET_HEADERS) - 1, {
        "name": ROUTING_TABLE,
        "style": "Table Style Medium 2",
        "columns": [{"header": h, "header_format": book.wrap} for h in SHEET_HEADERS],
    })
    _validations(ws, last_row)
    # Conditional formatting by workflow: `$col` anchored, row relative (WORKBOOK.md C.3).
    wf = column_letter("workflow")
    for workflow, fmt in ((Workflow.COMBINED, book.combined),
                          (Workflow.ADMIN_MEDIATED, book.admin)):
        ws.conditional_format(1, 0, last_row, len(SHEET_HEADERS) - 1, {
            "type": "formula", "criteria": f'=${wf}2="{workflow.value}"', "format": fmt,
        })
    ws.set_row(0, 30)  # two lines of header
    ws.freeze_panes(1, 2)  # header row and the ID + name columns stay in view
    book.print_setup(ws, title_cols=2)
    return n


def _validations(ws: Worksheet, last_row: int) -> None:
    """Drop-downs bound to the Lists sheet's named ranges; Excel rejects anything else."""
    for column in MATRIX_COLUMNS:
        if not column.is_input:
            continue
        col = INDEX[column.key]
        options: dict[str, object]
        if column.key in LIST_FOR_KEY:
            options = {"validate": "list", "source": f"={LIST_FOR_KEY[column.key]}",
                       "error_title": column.header,
                       "error_message": f"Pick a {column.header.lower()} from the list."}
            if column.key == "as_is_workflow":
                options["ignore_blank"] = True
        elif column.kind == "int":
            options = {"validate": "integer", "criteria": ">=", "value": 0,
                       "error_message": f"{column.header}: a whole number ≥ 0, or blank."}
        elif column.kind == "float":
            options = {"validate": "decimal", "criteria": ">=", "value": 0,
                       "error_message": f"{column.header}: a number ≥ 0, or blank."}
        else:
            continue
        # showErrorMessage must be on or Excel accepts anything (WORKBOOK.md C.3).
        options["show_error"] = True
        ws.data_validation(1, col, last_row, col, options)


def _cost_cells(book: Book, project: Project, evaluation: Evaluation) -> list[list[Cell]]:
    """Per row: manual cost a year (volume × effective ticket hours × rate), break-even years.

    Plain A1 references, never `[@Col]` (WORKBOOK.md finding 3); cached values from the app so
    a viewer that does not recalculate still shows the right figures.
    """
    vol, hours = column_letter("annual_volume"), column_letter("integration_hours")
    manual_col = xl_col_to_name(len(HEADERS))
    ticket, rate = evaluation.costs.ticket_hours, project.cost.inputs.hourly_rate
    cells: list[list[Cell]] = []
    for x, ctype in enumerate(project.types, start=2):
        manual = None if ctype.annual_volume is None else ctype.annual_volume * ticket * rate
        years: float | str = ""
        if manual and ctype.integration_hours is not None:
            years = ctype.integration_hours * rate / manual
        cells.append([
            Formula(f'=IF(ISNUMBER(${vol}{x}),${vol}{x}*TicketHours*HourlyRate,"")',
                    "" if manual is None else manual, book.money),
            # ROUTING-RULES.md rule 5: integration effort against years of manual tickets.
            Formula(f"=IF(AND(ISNUMBER(${hours}{x}),N({manual_col}{x})>0),"
                    f'${hours}{x}*HourlyRate/{manual_col}{x},"")', years, book.months),
        ])
    return cells
