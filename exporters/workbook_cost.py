"""Cost and Checks sheets: COST-MODEL.md as live formulas on the named inputs, and the checks."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.format import Format

from exporters.workbook_book import Book, print_setup
from exporters.workbook_layout import INPUT_NAMES, camel
from exporters.workbook_routing import column_letter
from models import display
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
        book.name_cell(camel(line.key), "Cost", r, 1)
    # A native bar chart: today's annual cost against the projection (WORKBOOK.md C.2).
    chart_row = len(lines) + 2
    ws.write(chart_row, 0, "Chart data", book.bold)
    for i, (label, name) in enumerate((("Today", "TotalCost"), ("Projected", "ProjectedCost"),
                                       ("Savings", "AnnualSavings")), start=1):
        value = {"TotalCost": evaluation.costs.total_cost,
                 "ProjectedCost": evaluation.costs.projected_cost,
                 "AnnualSavings": evaluation.costs.annual_savings}[name]
        ws.write(chart_row + i, 0, label)
        ws.write_formula(chart_row + i, 1, f"={name}", book.money, value)
    chart = book.wb.add_chart({"type": "column"})
    chart.add_series({
        "name": "Annual cost",
        "categories": f"=Cost!$A${chart_row + 2}:$A${chart_row + 4}",
        "values": f"=Cost!$B${chart_row + 2}:$B${chart_row + 4}",
        "points": [{"fill": {"color": "#C00000"}}, {"fill": {"color": "#2E75B6"}},
                   {"fill": {"color": "#70AD47"}}],
        "data_labels": {"value": True, "num_format": book.money_format},
    })
    chart.set_title({"name": "Annual cost of admin-mediated issuance"})
    chart.set_legend({"none": True})
    chart.set_y_axis({"num_format": book.money_format, "min": 0})
    ws.insert_chart(chart_row + 6, 0, chart, {"x_scale": 1.2, "y_scale": 1.1})
    ws.write(chart_row + 5, 0, "Per-type manual cost and break-even: Routing sheet, last two "
             "columns (live formulas on these figures).")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 3, 14)
    ws.set_column(4, 4, 56)
    ws.freeze_panes(1, 1)
    print_setup(ws)
    return len(lines)
