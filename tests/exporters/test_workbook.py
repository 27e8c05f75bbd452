"""The workbook (WORKBOOK.md): read back by openpyxl, values recalculated by LibreOffice."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, RadarChart, ScatterChart

from exporters.routing_table import HEADERS
from exporters.workbook import write_workbook
from exporters.workbook_layout import GATE_NAMES, INPUT_NAMES, LISTS, SHEETS, camel
from exporters.workbook_routing import COST_HEADERS, SHEET_HEADERS
from models import display
from models.assessment import GATES
from models.columns import COLUMNS
from models.cost import compute_costs
from models.evaluation import Evaluation, evaluate
from models.project import Project
from tests.conftest import TODAY
from tests.exporters.conftest import recalculate

ERRORS = ("#REF!", "#NAME?", "#VALUE!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")


@pytest.fixture(scope="module")
def book(workbook_path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(workbook_path)


@pytest.fixture(scope="module")
def recalculated(workbook_path: Path, tmp_path_factory: pytest.TempPathFactory):
    copy = recalculate(workbook_path, tmp_path_factory.mktemp("recalc"))
    return openpyxl.load_workbook(copy, data_only=True)


def test_workbook_sheets_in_documented_order(book):
    assert book.sheetnames == list(SHEETS)


def test_workbook_routing_is_a_table_with_headers_from_columns(book, example):
    ws = book["Routing"]
    table = ws.tables["RoutingTable"]
    assert table.ref == f"A1:{openpyxl.utils.get_column_letter(len(SHEET_HEADERS))}" \
                        f"{len(example.types) + 1}"
    header = [c.value for c in ws[1]]
    assert header == list(SHEET_HEADERS)
    assert all(c.header in HEADERS for c in COLUMNS)
    assert ws.cell(2, HEADERS.index("Certificate type") + 1).value == example.types[0].name


def test_workbook_routing_shows_the_maxima_on_the_as_of_date(book, example):
    """Issue 14: the exported maxima are the dated ones (200-day public TLS, 460-day code
    signing on the pinned day), with the rule that capped each."""
    ws = book["Routing"]
    days = SHEET_HEADERS.index("Max validity (days)") + 1
    assert [ws.cell(r, days).value for r in range(2, 8)] == [200, 200, 7, 397, 460, 825]
    assert [ws.cell(r, days + 1).value for r in range(2, 8)] == [
        "public cap from 2026-03-15", "public cap from 2026-03-15", "profile edit",
        "validity class", "public cap from 2026-03-01", "validity class"]
    readme = {r[0].value: r[1].value for r in book["README"].iter_rows(max_col=2) if r[0].value}
    assert readme["Public rules as of"] == TODAY.isoformat()


def test_workbook_routing_drop_downs_use_named_lists_and_reject_other_values(book):
    validations = {dv.formula1: dv for dv in book["Routing"].data_validations.dataValidation}
    for name in ("PurposeList", "CaList", "ValidityList", "IdentityList", "BlastRadiusList",
                 "WorkflowList", "YesNoList"):
        assert validations[name].type == "list"
        assert validations[name].showErrorMessage is True
        assert not validations[name].showDropDown  # True would hide the arrow
    assert str(validations["PurposeList"].sqref) == "C2:C7"


def test_workbook_lists_are_named_ranges_on_the_lists_sheet(book):
    for name, _header, values in LISTS:
        sheet, ref = next(iter(book.defined_names[name].destinations))
        assert sheet == "Lists"
        cells = [c.value for row in book["Lists"][ref.replace("$", "")] for c in row]
        assert cells == list(values)


def test_workbook_routing_is_coloured_by_workflow(book):
    rules = [(str(cf.sqref), r.formula[0]) for cf in book["Routing"].conditional_formatting
             for r in cf.rules]
    wf = openpyxl.utils.get_column_letter(HEADERS.index("Workflow") + 1)
    assert ("A2:T7", f'${wf}2="combined"') in rules
    assert ("A2:T7", f'${wf}2="admin-mediated"') in rules


def test_workbook_every_cost_input_and_gate_is_a_named_cell(book, example):
    def value(name):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        return book[sheet][ref.replace("$", "")].value

    for key, name in INPUT_NAMES.items():
        assert value(name) == getattr(example.cost.inputs, key)
    minimums = {(g.level, i): m for g in GATES for i, m in g.minimums}
    for level, index, name in GATE_NAMES:
        assert value(name) == minimums[level, index]
    assert value("Tolerance") == "medium"


def test_workbook_has_native_radar_and_bar_charts(book):
    radar = book["Radar"]._charts
    assert [type(c) for c in radar] == [RadarChart]
    assert (radar[0].y_axis.scaling.min, radar[0].y_axis.scaling.max) == (0, 5)
    assert len(radar[0].series) == 2  # current and target
    assert [type(c) for c in book["Cost"]._charts] == [BarChart, ScatterChart]  # + payback


def test_workbook_headers_frozen_and_printable(book):
    for name in SHEETS[1:]:
        ws = book[name]
        assert ws.freeze_panes is not None, name
        assert ws.print_title_rows == "$1:$1", name
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.fitToWidth in (None, 1), name  # 1 is the default
        assert ws.page_setup.fitToHeight == 0, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_area, name
        assert "Mid-size financial services firm" in ws.oddHeader.left.text, name
        assert ws.oddFooter.center.text == "Page &P of &N", name
    assert book["Routing"].freeze_panes == "C2"


def test_workbook_formulas_never_use_at_references(book):
    formulas = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) > 30
    assert not [f for f in formulas if "[@" in f]


def test_workbook_cost_formulas_use_the_named_inputs(book):
    total = book.defined_names["TotalCost"]
    sheet, ref = next(iter(total.destinations))
    assert book[sheet][ref.replace("$", "")].value == "=AnalystCost+HiddenCost+BlockedCost"
    analyst = book["Cost"]["B6"].value
    assert analyst == "=TicketsPerYear*BaseHours*HourlyRate"


def test_workbook_shows_the_apps_displayed_figures(book, example_evaluation):
    shown = {row[0].value: row[3].value for row in book["Cost"].iter_rows(min_row=2, max_row=15)}
    costs = example_evaluation.costs
    assert shown["Total annual cost"] == display.money(costs.total_cost) == "£3.37M"
    assert shown["Hidden — rework + reopens"] == "£487k"
    assert shown["Payback period"] == display.months(costs.payback_months) == "9 months"


def test_workbook_keeps_version_metadata(book):
    assert {"Certroute version", "Workbook version"} <= set(book.custom_doc_props.names)


# --- recalculated by LibreOffice -----------------------------------------------------------

def _named(wb, name):
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "")].value


def test_recalculated_total_cost_is_3_367_296(recalculated):
    assert _named(recalculated, "TotalCost") == pytest.approx(3_367_296, abs=0.005)


@pytest.mark.parametrize("key", ["rework_hours", "reopen_hours", "ticket_hours", "hidden_of_base",
                                 "analyst_cost", "hidden_cost", "blocked_cost", "total_cost",
                                 "hidden_share", "projected_cost", "annual_savings",
                                 "payback_months", "migration_share"])
def test_recalculated_cost_equals_the_app(recalculated, example_evaluation, key):
    name = "MigrationShareUsed" if key == "migration_share" else camel(key)
    expected = getattr(example_evaluation.costs, key)
    assert _named(recalculated, name) == pytest.approx(expected, rel=1e-12, abs=0.005)


def test_recalculated_design_share_equals_the_app(recalculated, example_evaluation):
    design = example_evaluation.migration.design_value
    assert _named(recalculated, "DesignMigrationShare") == pytest.approx(design)


def test_recalculated_maturity_equals_the_app(recalculated, example_evaluation):
    rows = {r[0]: r[1:3] for r in recalculated["Maturity"].iter_rows(values_only=True)}
    result = example_evaluation.assessment
    assert rows["Level"] == (result.current_level.level, result.target_level.level)
    assert rows["Level name"] == (result.current_level.name, result.target_level.name)


def test_recalculated_per_type_cost_equals_the_app(recalculated, example, example_evaluation):
    ws = recalculated["Routing"]
    col = SHEET_HEADERS.index(COST_HEADERS[0]) + 1
    rate = example.cost.inputs.hourly_rate
    for row, ctype in enumerate(example.types, start=2):
        expected = ctype.annual_volume * example_evaluation.costs.ticket_hours * rate
        assert ws.cell(row, col).value == pytest.approx(expected)


def test_recalculated_checks_pass_and_no_cell_is_an_error(recalculated):
    # LibreOffice has no boolean type: TRUE under the pass/fail number format comes back as 1.
    checks = recalculated["Checks"]
    assert [checks.cell(r, 2).value for r in range(2, 11)] == [1] * 9
    bad = [(ws.title, c.coordinate, c.value) for ws in recalculated.worksheets
           for row in ws.iter_rows() for c in row
           if isinstance(c.value, str) and c.value.startswith(ERRORS)]
    assert bad == []


def test_recalculated_edited_inputs_move_the_cost(workbook_path, tmp_path, example):
    """An input changed in the workbook recalculates to the app's figure for that input."""
    wb = openpyxl.load_workbook(workbook_path)
    inputs = wb["Inputs"]
    edits = {"tickets_per_year": 600, "rework_rate": 0.5, "migration_share_source": "design"}
    for row in inputs.iter_rows(min_row=2):
        if row[3].value in edits:
            row[1].value = edits[row[3].value]
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)  # openpyxl drops cached values: LibreOffice must compute every formula
    copy = openpyxl.load_workbook(recalculate(edited, tmp_path), data_only=True)
    data = example.model_dump(mode="json")
    data["cost"]["migration_share_source"] = "design"
    data["cost"]["inputs"].update(tickets_per_year=600, rework_rate=0.5)
    project = Project.model_validate(data)
    expected: Evaluation = evaluate(project, today=TODAY)
    assert expected.costs == compute_costs(project.cost.inputs, migration_share=5 / 6)
    for key in ("total_cost", "projected_cost", "annual_savings", "payback_months"):
        assert _named(copy, camel(key)) == pytest.approx(getattr(expected.costs, key),
                                                         abs=0.005), key


def test_tickets_from_the_inventory_are_the_workbooks_ticket_input(tmp_path, example):
    """With the Cost tab's "tickets per year from the inventory", the workbook computes with
    the same count the app does (3,000 in the example, however the input was typed)."""
    data = example.model_dump(mode="json")
    data["cost"]["tickets_source"] = "inventory"
    data["cost"]["inputs"]["tickets_per_year"] = 600
    project = Project.model_validate(data)
    evaluation = evaluate(project, today=TODAY)
    assert evaluation.tickets.value == 3000
    assert evaluation.costs.total_cost == 3_367_296
    path = tmp_path / "inventory.xlsx"
    write_workbook(project, evaluation, path)
    row = next(r for r in openpyxl.load_workbook(path)["Inputs"].iter_rows(min_row=2)
               if r[3].value == "tickets_per_year")
    assert (row[1].value, row[6].value) == (3000, "from the inventory")


def test_cliff_sheet_holds_the_apps_cliff(book, example, example_evaluation):
    """Totals by rule date as the Cliff tab shows them, a chart of the tickets, and every
    type on every rule date."""
    ws = book["Cliff"]
    cliff = example_evaluation.cliff
    totals = [[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=1 + len(
        cliff.dates), max_col=5)]
    # Numbers as the file keeps them (xlsxwriter writes 16 significant digits).
    assert totals == [[d.date.isoformat(), *map(_stored, (
        d.as_is_tickets, d.designed_tickets, d.as_is_cost, d.designed_cost))]
        for d in cliff.dates]
    assert len(ws._charts) == 1
    header = next(r for r in range(1, ws.max_row + 1)
                  if ws.cell(r, 1).value == "Certificate type")
    for n, ctype in enumerate(example.types):
        row = [c.value for c in ws[header + 1 + n]]
        assert row[0] == ctype.name
        for d, date in enumerate(cliff.dates):
            on = date.types[n]
            assert row[3 + 4 * d: 7 + 4 * d] == [on.max_validity_days, *map(_stored, (
                on.renewals_per_certificate, on.as_is_tickets, on.designed_tickets))]


def _stored(value: float) -> float:
    return float(f"{value:.16g}")
