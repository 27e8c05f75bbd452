"""Cost and Checks sheets: COST-MODEL.md as live formulas on the named inputs, and the checks."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from exporters.workbook_book import Book, wrapped_height
from exporters.workbook_layout import INPUT_NAMES, camel
from exporters.workbook_routing import column_letter
from models import display
from models.cost import payback_curve
from models.enums import Workflow
from models.evaluation import Evaluation
from models.project import Project


@dataclass(frozen=True, slots=True)
class Line:
    """One output row of the Cost sheet: its defined name, formula and what the app shows."""

    key: str
    label: str
    formula: str
    unit: str
    shown: str
    cached: float | str


MONEY_UNIT = "£/yr"  # the money lines' unit; written in the project's currency


def _lines(project: Project, evaluation: Evaluation) -> list[Line]:
    c = evaluation.costs
    cur = project.currency
    n = INPUT_NAMES
    vol = f"Routing!${column_letter('annual_volume')}:${column_letter('annual_volume')}"
    asis = f"Routing!${column_letter('as_is_workflow')}:${column_letter('as_is_workflow')}"
    wf = f"Routing!${column_letter('workflow')}:${column_letter('workflow')}"
    admin, combined = Workflow.ADMIN_MEDIATED.value, Workflow.COMBINED.value
    today = f'SUMIFS({vol},{asis},"{admin}")'
    design = evaluation.migration.design_value
    payback = c.payback_months
    # COST-MODEL.md "Formulas", line by line; names of earlier lines are used by later ones.
    return [
        Line("rework_hours", "Hidden — rework per ticket",
             f"={n['base_hours']}*{n['rework_rate']}*{n['rework_effort']}", "hours",
             display.hours(c.rework_hours), c.rework_hours),
        Line("reopen_hours", "Hidden — reopens per ticket",
             f"=({n['base_hours']}+ReworkHours)*{n['reopen_rate']}*{n['reopen_effort']}",
             "hours", display.hours(c.reopen_hours), c.reopen_hours),
        Line("ticket_hours", "Effective time per ticket",
             f"={n['base_hours']}+ReworkHours+ReopenHours", "hours",
             display.hours(c.ticket_hours), c.ticket_hours),
        Line("hidden_of_base", "Hidden time as a share of base time",
             f"=IF({n['base_hours']}=0,0,(ReworkHours+ReopenHours)/{n['base_hours']})", "share",
             display.percent(c.hidden_of_base), c.hidden_of_base),
        Line("analyst_cost", "Analyst time (visible)",
             f"={n['tickets_per_year']}*{n['base_hours']}*{n['hourly_rate']}", MONEY_UNIT,
             display.money(c.analyst_cost, cur), c.analyst_cost),
        Line("hidden_cost", "Hidden — rework + reopens",
             f"={n['tickets_per_year']}*(ReworkHours+ReopenHours)*{n['hourly_rate']}", MONEY_UNIT,
             display.money(c.hidden_cost, cur), c.hidden_cost),
        Line("blocked_cost", "Blocked services",
             f"={n['tickets_per_year']}*{n['blocking_share']}*{n['blocked_days']}"
             f"*{n['blocked_day_cost']}", MONEY_UNIT, display.money(c.blocked_cost, cur),
             c.blocked_cost),
        Line("total_cost", "Total annual cost", "=AnalystCost+HiddenCost+BlockedCost", MONEY_UNIT,
             display.money(c.total_cost, cur), c.total_cost),
        Line("hidden_share", "Hidden costs as a share of total",
             "=IF(TotalCost=0,0,HiddenCost/TotalCost)", "share",
             display.percent(c.hidden_share), c.hidden_share),
        # COST-MODEL.md "Link to the routing design": admin today → combined, over admin today.
        Line("design_migration_share", "Migration share from the routing design",
             f'=IF({today}=0,"n/a",SUMIFS({vol},{asis},"{admin}",{wf},"{combined}")/{today})',
             "share", "n/a" if design is None else display.percent(design),
             "n/a" if design is None else design),
        Line("migration_share_used", "Migration share used",
             '=IF(AND(MigrationShareSource="design",ISNUMBER(DesignMigrationShare)),'
             f"DesignMigrationShare,{n['migration_share']})", "share",
             display.percent(c.migration_share), c.migration_share),
        Line("projected_cost", "Projected annual cost",
             f"=TotalCost*(1-MigrationShareUsed)+{n['combined_run_cost']}", MONEY_UNIT,
             display.money(c.projected_cost, cur), c.projected_cost),
        Line("annual_savings", "Annual savings", "=TotalCost-ProjectedCost", MONEY_UNIT,
             display.money(c.annual_savings, cur), c.annual_savings),
        # "Where annual savings ≤ 0 the payback is 'never'".
        Line("payback_months", "Payback period",
             f'=IF(AnnualSavings>0,{n["migration_cost"]}/AnnualSavings*12,"never")', "months",
             display.months(payback), "never" if payback is None else payback),
    ]


COST_HEADERS = ("Figure", "Value", "Unit", "Certroute shows", "Formula (COST-MODEL.md)")
COST_WIDTHS = (38, 14, 8, 12, 60)


def _format(book: Book, unit: str) -> Format:
    return {"hours": book.hours, "share": book.share, MONEY_UNIT: book.money,
            "months": book.months}[unit]


def write_cost(book: Book, project: Project, evaluation: Evaluation) -> int:
    """Write the Cost sheet; returns the last row of the summary (for the Checks sheet)."""
    ws = book.sheet("Cost")
    book.headers(ws, COST_HEADERS)
    lines = _lines(project, evaluation)
    for r, line in enumerate(lines, start=1):
        ws.write(r, 0, line.label)
        ws.write_formula(r, 1, line.formula, _format(book, line.unit), line.cached)
        unit = f"{project.currency.symbol}/yr" if line.unit == MONEY_UNIT else line.unit
        ws.write_row(r, 2, [unit, line.shown, line.formula[1:]])
        height = wrapped_height([line.label, "", "", "", line.formula[1:]], COST_WIDTHS)
        if height:
            ws.set_row(r, height)
        book.name_cell(camel(line.key), "Cost", r, 1)
    chart_row = len(lines) + 2
    _cost_chart(book, ws, evaluation, chart_row)
    months_row = _payback_chart(book, ws, project, evaluation, chart_row)
    ws.write(chart_row + 5, 0, "Per-type manual cost and break-even: Routing sheet, last two "
             "columns (live formulas on these figures).")
    for col, width in enumerate(COST_WIDTHS):
        ws.set_column(col, col, width, book.wrap)
    ws.freeze_panes(1, 1)
    book.print_setup(ws, through=(months_row, CHART_LAST_COL))
    return len(lines)


CHART_ROWS = 18  # rows a chart spans at the default row height
CHART_LAST_COL = 8
PAYBACK_MONTHS = 36


def _cost_chart(book: Book, ws: Worksheet, evaluation: Evaluation, chart_row: int) -> None:
    """A native bar chart of today's annual cost, the projection and the savings.

    Each category carries its figure ("Today £3,367,296") instead of data labels:
    LibreOffice draws absent label flags as set, writing series and category names over
    the chart's title.
    """
    ws.write(chart_row, 0, "Chart data", book.bold)
    costs = evaluation.costs
    for i, (label, name, value) in enumerate((
            ("Today", "TotalCost", costs.total_cost),
            ("Projected", "ProjectedCost", costs.projected_cost),
            ("Savings", "AnnualSavings", costs.annual_savings)), start=1):
        prefix = book.currency_prefix
        ws.write_formula(chart_row + i, 0, f'="{label} "&TEXT({name},"{prefix}#,##0")', None,
                         f"{label} {prefix}{value:,.0f}")
        ws.write_formula(chart_row + i, 1, f"={name}", book.money, value)
    chart = book.wb.add_chart({"type": "column"})
    chart.add_series({
        "name": "Annual cost",
        "categories": f"=Cost!$A${chart_row + 2}:$A${chart_row + 4}",
        "values": f"=Cost!$B${chart_row + 2}:$B${chart_row + 4}",
        "points": [{"fill": {"color": "#C00000"}}, {"fill": {"color": "#2E75B6"}},
                   {"fill": {"color": "#70AD47"}}],
    })
    chart.set_title({"name": "Annual cost: today vs after migration",
                     "name_font": {"size": 12}})
    chart.set_legend({"none": True})
    chart.set_y_axis({"num_format": book.money_format, "min": 0})
    chart.set_size({"width": 560, "height": 330})
    ws.insert_chart(chart_row + 6, 0, chart)


def _payback_chart(book: Book, ws: Worksheet, project: Project, evaluation: Evaluation,
                   chart_row: int) -> int:
    """The app's payback line beside the cost chart: month, savings to date − migration cost.

    Returns the last row used by its data.
    """
    first = chart_row + 6 + CHART_ROWS + 1
    ws.write(first, 0, "Payback data", book.bold)
    ws.write_row(first + 1, 0, ["Months after the migration",
                                f"Net ({project.currency.symbol})"], book.header)
    curve = payback_curve(evaluation.costs, project.cost.inputs.migration_cost,
                          months=PAYBACK_MONTHS)
    for m, net in zip(curve.months, curve.net, strict=True):
        r = first + 2 + m
        ws.write_number(r, 0, m)
        ws.write_formula(r, 1, f"=AnnualSavings/12*A{r + 1}-{INPUT_NAMES['migration_cost']}",
                         book.money, net)
    last = first + 2 + PAYBACK_MONTHS
    chart = book.wb.add_chart({"type": "scatter", "subtype": "straight"})
    chart.add_series({
        "name": "Cumulative savings minus migration cost",
        "categories": f"=Cost!$A${first + 3}:$A${last + 1}",
        "values": f"=Cost!$B${first + 3}:$B${last + 1}",
        "line": {"color": "#1F7A68", "width": 2.5},
    })
    chart.set_title({"name": f"Payback: break-even after {display.months(curve.break_even_month)}"
                     if curve.break_even_month is not None else "Payback: no break-even",
                     "name_font": {"size": 12}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"name": "months after the migration", "min": 0, "max": PAYBACK_MONTHS,
                      "major_unit": 6, "label_position": "low"})
    chart.set_y_axis({"num_format": book.money_format, "major_gridlines": {"visible": True}})
    chart.set_size({"width": 560, "height": 330})
    ws.insert_chart(chart_row + 6, 4, chart, {"x_offset": 20})
    return last
