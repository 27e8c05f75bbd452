"""The Excel workbook teams keep (WORKBOOK.md): live formulas, named inputs, tables and charts."""

from __future__ import annotations

import datetime as dt
import io
import os
from importlib import metadata

from xlsxwriter.utility import xl_col_to_name

from exporters.workbook_book import Book, fit_widths, wrapped_height
from exporters.workbook_cliff import write_cliff
from exporters.workbook_cost import write_cost
from exporters.workbook_inputs import write_inputs, write_maturity, write_radar
from exporters.workbook_layout import LISTS, SHEETS, WORKBOOK_VERSION
from exporters.workbook_routing import column_letter, write_routing
from models import display
from models.evaluation import Evaluation
from models.file_write import write_file
from models.project import SCHEMA_VERSION, Project

SOURCES = (
    ("1", "Certificate issuance workflows: combined vs admin-mediated (the article this "
          "workbook's routing rules and cost model are built from)", ""),
    ("2", "COST-MODEL.md — hidden rework cost of admin-mediated issuance", ""),
    ("3", "ROUTING-RULES.md — routing rules, first match wins", ""),
    ("4", "ASSESSMENT.md — PKI Health Radar and maturity gates", ""),
    ("5", "PKI Consortium maturity model (PKIMM), MIT-licensed", "https://github.com/pkic/pkimm"),
)
# TRUE (1) reads "✔ pass", FALSE (0) "✘ fail" where a viewer formats booleans as numbers.
PASS_FAIL = '"✔ pass";"✔ pass";"✘ fail"'
SHEET_MAP = {
    "README": "This page.",
    "Inputs": "Every input as a named cell (yellow): edit here and the Cost sheet moves.",
    "Radar": "Eight dimensions, current and target scores 0–5, radar chart.",
    "Maturity": "The derived maturity level with its gate checks, as formulas.",
    "Routing": "The routing matrix: edit the inputs, then import the workbook to re-route.",
    "Cost": "The cost model as live formulas on the named inputs; per-type cost and chart.",
    "Cliff": "Tickets and their cost on each public-rule date to the 47-day cliff, per type.",
    "Findings": "Failure modes and exceptions Certroute found at export.",
    "Lists": "The allowed values behind every drop-down.",
    "Checks": "Master check: every row routed, totals reconcile, no error values.",
    "Sources": "Numbered sources cited on the Inputs sheet.",
    "Change log": "Who changed what, when and why — add a row per change.",
}


def app_version() -> str:
    """The installed Certroute version, for the README and the document properties."""
    try:
        return metadata.version("certroute")
    except metadata.PackageNotFoundError:
        return "unknown"


def write_workbook(project: Project, evaluation: Evaluation, path: str | os.PathLike[str], *,
                   now: dt.datetime | None = None, dash_is_stdout: bool = False) -> None:
    """Write the workbook of WORKBOOK.md C.2 to `path`.

    Args:
        project: the document.
        evaluation: `evaluate(project)`; every displayed figure comes from it.
        path: the .xlsx file to write (`models.file_write`; OSError if it cannot be written).
        now: the export time shown in the README and change log (defaults to the clock).
        dash_is_stdout: `-` means standard output (the command line).
    """
    now = now or dt.datetime.now().replace(microsecond=0)
    buffer = io.BytesIO()
    book = Book(buffer, project.organisation.name,
                currency_prefix=display.currency_prefix(project.currency))
    book.wb.set_properties({
        "title": f"Routing policy — {project.organisation.name}",
        "subject": "Certificate-issuance routing policy", "author": "Certroute",
        "company": project.organisation.name, "created": now,
        "comments": "Exported by Certroute",
    })
    for name, value in (("Certroute version", app_version()),
                        ("Workbook version", WORKBOOK_VERSION),
                        ("Project schema version", SCHEMA_VERSION)):
        book.wb.set_custom_property(name, value)
    _readme(book, project, evaluation, now)
    write_inputs(book, project)
    write_radar(book, project)
    write_maturity(book, project, evaluation)
    write_routing(book, project, evaluation)
    cost_lines = write_cost(book, project, evaluation)
    write_cliff(book, project, evaluation)
    _findings(book, evaluation)
    _lists(book)
    _checks(book, cost_lines)
    _sources(book)
    _change_log(book, now)
    book.close()
    # Through the one writer, like project saves: a failed export never leaves half a workbook.
    write_file(path, buffer.getvalue(), dash_is_stdout=dash_is_stdout)


def _readme(book: Book, project: Project, evaluation: Evaluation, now: dt.datetime) -> None:
    ws = book.sheet("README")
    ws.write(0, 0, "Certroute — certificate-issuance routing policy", book.title)
    facts = (
        ("Organisation", project.organisation.name),
        ("Exported", now.strftime("%Y-%m-%d %H:%M")),
        ("Routing", evaluation.summary),
        ("Public rules as of", evaluation.as_of.isoformat()),
        ("Annual cost today", display.money(evaluation.costs.total_cost, project.currency)),
        ("Payback of migration", display.months(evaluation.costs.payback_months)),
        ("Certroute version", app_version()),
        ("Workbook version", WORKBOOK_VERSION),
    )
    for r, (label, value) in enumerate(facts, start=2):
        ws.write(r, 0, label, book.bold)
        ws.write(r, 1, value)
    r = len(facts) + 3
    ws.write(r, 0, "How to use", book.bold)
    for line in (
        "Change an input on the Inputs sheet (yellow cells): the Cost and Maturity sheets "
        "recalculate.",
        "Edit the routing matrix on the Routing sheet with its drop-downs, then bring it back "
        "with `certroute import` or File ▸ Import: Certroute re-routes every type.",
        "Workflow, Reason, Rule and Rationale are Certroute's decisions at export; they change "
        "only on re-import.",
    ):
        r += 1
        ws.write(r, 1, line)
    r += 2
    ws.write(r, 0, "Colour legend", book.bold)
    for fmt, text in ((book.input, "Input cell — edit me"),
                      (book.combined, "Combined workflow"), (book.admin, "Admin-mediated workflow"),
                      (book.ok, "Check passes"), (book.bad, "Check fails")):
        r += 1
        ws.write(r, 1, text, fmt)
    r += 2
    ws.write(r, 0, "Sheet map", book.bold)
    for sheet in SHEETS:
        r += 1
        ws.write_url(r, 1, f"internal:'{sheet}'!A1", book.link, sheet)
        ws.write(r, 2, SHEET_MAP[sheet])
    r += 2
    ws.write(r, 0, "Disclaimer", book.bold)
    ws.write(r, 1, "A design aid: figures are estimates from the inputs shown, not advice. "
                   "Check them against your own data before you rely on them.")
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 44)
    ws.set_column(2, 2, 80)
    book.print_setup(ws, title_rows=False)


def _findings(book: Book, evaluation: Evaluation) -> None:
    ws = book.sheet("Findings")
    headers = ("Severity", "Finding", "Detail", "Fix", "Types")
    rows = [[f.severity.value, f.title, f.detail, f.fix, ", ".join(f.type_ids)]
            for f in evaluation.findings] or [["", "No findings", "", "", ""]]
    widths = (10, 30, 50, 50, 24)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row, book.wrap)
        height = wrapped_height(row, widths)
        if height:
            ws.set_row(r, height)
    ws.add_table(0, 0, len(rows), len(headers) - 1, {
        "name": "FindingsTable", "style": "Table Style Light 9",
        "columns": [{"header": h} for h in headers],
    })
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)
    book.print_setup(ws)


def _lists(book: Book) -> None:
    """One column per enumeration, each a named range the drop-downs point at."""
    ws = book.sheet("Lists")
    for col, (name, header, values) in enumerate(LISTS):
        ws.write(0, col, header, book.header)
        ws.write_column(1, col, list(values))
        letter = xl_col_to_name(col)
        book.wb.define_name(name, f"=Lists!${letter}$2:${letter}${len(values) + 1}")
        ws.set_column(col, col, max(len(header), *(len(v) for v in values)) + 2)
    ws.freeze_panes(1, 0)
    book.print_setup(ws)


def _checks(book: Book, cost_lines: int) -> None:
    """WORKBOOK.md Checks: a master check over checks that are formulas, coloured pass/fail."""
    ws = book.sheet("Checks")
    book.headers(ws, ("Check", "OK", "What it verifies"))
    name, wf = column_letter("name"), column_letter("workflow")
    names = f"Routing!${name}:${name}"
    flows = f"Routing!${wf}:${wf}"
    checks = (
        ("Every type has a workflow", f"=COUNTA({names})=COUNTA({flows})",
         "Routing: as many workflows as certificate types"),
        ("Workflows are combined or admin-mediated",
         f'=COUNTIF({flows},"combined")+COUNTIF({flows},"admin-mediated")=COUNTA({flows})-1',
         "no other value in the Workflow column"),
        ("Annual cost reconciles",
         "=ABS(TotalCost-(AnalystCost+HiddenCost+BlockedCost))<0.005",
         "total = analyst + hidden + blocked"),
        ("Projection reconciles", "=ABS(ProjectedCost+AnnualSavings-TotalCost)<0.005",
         "projected + savings = today"),
        ("Shares are between 0 and 1",
         "=AND(ReworkRate>=0,ReworkRate<=1,ReopenRate>=0,ReopenRate<=1,"
         "BlockingShare>=0,BlockingShare<=1,MigrationShare>=0,MigrationShare<=1)",
         "rework, reopen, blocking and migration shares"),
        ("No error values on Cost", f"=SUMPRODUCT(--ISERROR(Cost!$B$2:$B${cost_lines + 1}))=0",
         "no error value: a broken reference, an unknown name, a division by zero"),
        ("No error values on Maturity", "=SUMPRODUCT(--ISERROR(Maturity!$B$2:$C$12))=0",
         "the level derivation computes"),
        ("Radar scores are 0–5", "=AND(MIN(Radar!$B$2:$C$9)>=0,MAX(Radar!$B$2:$C$9)<=5)",
         "every current and target score"),
    )
    first, last = 3, 2 + len(checks)
    ws.write(1, 0, "Master check", book.bold)
    # Every OK cell carries a pass/fail number format: LibreOffice 7.4's PDF export aborts
    # ("Unspecified Application Error") on a boolean formula cell that has a cell style
    # without one and a conditional format (tests/exporters/test_workbook_print.py).
    verdict = book.wb.add_format({"num_format": PASS_FAIL, "align": "center"})
    master = book.wb.add_format({"num_format": PASS_FAIL, "align": "center", "bold": True})
    ws.write_formula(1, 1, f"=AND(B{first}:B{last})", master, True)
    ws.write(1, 2, "all checks below pass")
    for r, (label, formula, what) in enumerate(checks, start=first - 1):
        ws.write(r, 0, label)
        ws.write_formula(r, 1, formula, verdict, True)
        ws.write(r, 2, what)
    for value, fmt in (("TRUE", book.ok), ("FALSE", book.bad)):
        ws.conditional_format(1, 1, last - 1, 1, {"type": "cell", "criteria": "==",
                                                  "value": value, "format": fmt})
    ws.set_column(0, 0, 42)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 64)
    ws.freeze_panes(1, 0)
    book.print_setup(ws)


def _sources(book: Book) -> None:
    ws = book.sheet("Sources")
    book.headers(ws, ("#", "Source", "Link"))
    for r, (number, text, url) in enumerate(SOURCES, start=1):
        ws.write(r, 0, number)
        ws.write(r, 1, text, book.wrap)
        height = wrapped_height(["", text], (4, 90))
        if height:
            ws.set_row(r, height)
        if url:
            ws.write_url(r, 2, url, book.link, url)
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 90)
    ws.set_column(2, 2, 34)
    ws.freeze_panes(1, 0)
    book.print_setup(ws)


def _change_log(book: Book, now: dt.datetime) -> None:
    ws = book.sheet("Change log")
    headers = ("Date", "Author", "Version", "Change", "Reason")
    row = [now.strftime("%Y-%m-%d"), "Certroute", app_version(),
           "Exported from Certroute", "Routing documentation"]
    ws.write_row(1, 0, row)
    ws.add_table(0, 0, 1, len(headers) - 1, {
        "name": "ChangeLog", "style": "Table Style Light 1",
        "columns": [{"header": h} for h in headers],
    })
    fit_widths(ws, headers, [row], minimum=12)
    ws.freeze_panes(1, 0)
    book.print_setup(ws)

