"""Import of an edited Routing sheet or CSV: bad cells by row and column, good rows kept."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from exporters.routing_import import (
    RoutingImportError,
    import_csv,
    import_file,
    import_rows,
    import_workbook,
)
from exporters.routing_table import HEADERS
from exporters.text_export import routing_csv, write_text
from tests.conftest import TODAY

ROUTING_FIELDS = ("id", "name", "purpose", "ca", "validity", "identity", "blast_radius",
                  "policy_implications", "annual_volume", "integration_hours", "as_is_workflow",
                  "owner")


def _edit(path: Path, out: Path, edit) -> Path:
    wb = openpyxl.load_workbook(path)
    edit(wb["Routing"])
    wb.save(out)
    return out


def test_round_trip_workbook_gives_the_same_routing_fields(workbook_path, example):
    result = import_workbook(workbook_path)
    assert result.problems == ()
    got = [tuple(getattr(t, f) for f in ROUTING_FIELDS) for t in result.project.types]
    assert got == [tuple(getattr(t, f) for f in ROUTING_FIELDS) for t in example.types]
    # The Inputs and Radar sheets carry the organisation, cost inputs and assessment.
    assert result.project.organisation == example.organisation
    assert result.project.cost == example.cost
    assert result.project.assessment == example.assessment


def test_round_trip_onto_the_base_project_is_the_same_project(workbook_path, example):
    assert import_workbook(workbook_path, base=example).project == example


def test_round_trip_csv_onto_the_base_project_is_the_same_project(tmp_path, example,
                                                                  example_evaluation):
    path = tmp_path / "matrix.csv"
    write_text(path, routing_csv(example, example_evaluation))
    result = import_file(path, base=example)
    assert result.problems == ()
    assert result.project == example


def test_bad_enum_value_is_reported_by_row_and_column(workbook_path, tmp_path):
    col = HEADERS.index("Purpose") + 1
    bad = _edit(workbook_path, tmp_path / "bad.xlsx",
                lambda ws: ws.cell(4, col, "tls-externall"))
    result = import_workbook(bad)
    assert [(p.row, p.column) for p in result.problems] == [(4, "Purpose")]
    assert "'tls-externall' is not one of tls-external, tls-internal" in result.problems[0].message
    assert result.rows_kept == 5
    assert "row 4, column 'Purpose'" in str(result.problems[0])


def test_missing_column_is_reported_precisely(workbook_path, tmp_path):
    bad = _edit(workbook_path, tmp_path / "missing.xlsx",
                lambda ws: ws.delete_cols(HEADERS.index("Blast radius") + 1))
    with pytest.raises(RoutingImportError, match=r"missing column\(s\) 'Blast radius'"):
        import_workbook(bad)


def test_edited_row_is_re_routed_on_import(workbook_path, tmp_path, example):
    col = HEADERS.index("Identity") + 1
    edited = _edit(workbook_path, tmp_path / "edited.xlsx", lambda ws: ws.cell(7, col, "strong"))
    project = import_workbook(edited, base=example).project
    assert project.types[5].identity.value == "strong"
    assert project.types[5].admin == example.types[5].admin  # the design is kept by id


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def test_csv_with_bad_rows_keeps_the_good_rows(tmp_path, example, example_evaluation):
    rows = list(csv.reader(routing_csv(example, example_evaluation).splitlines()))
    rows[2][HEADERS.index("Annual volume")] = "lots"
    rows[3][HEADERS.index("Blast radius")] = "huge"
    rows[3][HEADERS.index("Policy implications")] = "maybe"
    rows[4][HEADERS.index("ID")] = ""  # a new row without id gets a fresh one
    rows[5][HEADERS.index("ID")] = rows[1][HEADERS.index("ID")]  # duplicate id
    result = import_csv(_write_csv(tmp_path / "bad.csv", rows))
    assert [(p.row, p.column) for p in result.problems] == [
        (3, "Annual volume"), (4, "Blast radius"), (4, "Policy implications"), (6, "ID")]
    assert "'lots' is not a number" in result.problems[0].message
    assert result.rows_read == 6
    assert [t.name for t in result.project.types] == [
        example.types[0].name, example.types[3].name, example.types[5].name]
    assert result.project.types[1].id not in {t.id for t in example.types}


def test_csv_without_a_required_column_names_it(tmp_path, example, example_evaluation):
    rows = list(csv.reader(routing_csv(example, example_evaluation).splitlines()))
    index = HEADERS.index("Validity")
    rows = [r[:index] + r[index + 1:] for r in rows]
    with pytest.raises(RoutingImportError, match="'Validity'"):
        import_csv(_write_csv(tmp_path / "missing.csv", rows))


def test_not_a_workbook_is_one_clear_error(tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_text("not a zip", "utf-8")
    with pytest.raises(RoutingImportError, match=r"notes\.xlsx: not a readable \.xlsx workbook"):
        import_workbook(path)


CELL = st.one_of(st.none(), st.text(max_size=12), st.integers(-5, 10**6),
                 st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
                 st.sampled_from(["tls-external", "strong", "yes", "no", "", "1e3", "-1"]))


@given(rows=st.lists(st.lists(CELL, min_size=0, max_size=len(HEADERS) + 2), max_size=8))
def test_import_of_arbitrary_cells_reports_problems_never_crashes(rows):
    """SPEC.md §7: malformed input is rejected with messages, whatever the cells hold."""
    result = import_rows([list(HEADERS), *rows])
    bad_rows = {p.row for p in result.problems}
    assert result.rows_kept + len(bad_rows) == result.rows_read
    assert all(p.column in HEADERS for p in result.problems)


def test_non_finite_numbers_are_rejected(example, example_evaluation):
    rows = list(csv.reader(routing_csv(example, example_evaluation).splitlines()))
    rows[1][HEADERS.index("Integration hours")] = "inf"
    result = import_rows(rows)
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (2, "Integration hours", "'inf' is not a finite number")]


def test_empty_project_exports_and_imports_with_no_types(tmp_path):
    from exporters.workbook import write_workbook
    from models.evaluation import evaluate
    from models.project import Project

    empty = Project()
    path = tmp_path / "empty.xlsx"
    write_workbook(empty, evaluate(empty, today=TODAY), path)
    # Matrix, two cost columns, then the dated maximum validity and its rule (issue 14).
    assert openpyxl.load_workbook(path)["Routing"].tables["RoutingTable"].ref == "A1:T2"
    result = import_workbook(path)
    assert (result.rows_read, result.problems, result.project) == (0, (), empty)


def test_bad_row_of_a_known_type_keeps_that_type(example, example_evaluation):
    """A typo in one cell refuses that row's edit; the type and its design stay."""
    rows = list(csv.reader(routing_csv(example, example_evaluation).splitlines()))
    rows[2][HEADERS.index("Purpose")] = "EV TLS"
    result = import_rows(rows, base=example)
    assert [(p.row, p.column) for p in result.problems] == [(3, "Purpose")]
    assert result.project.types == example.types
    assert result.unchanged == ("ev-tls",)
    assert result.rows_kept == len(example.types) - 1


def test_csv_neutralises_formulas_and_import_restores_the_text(example, example_evaluation):
    types = list(example.types)
    types[0] = types[0].model_copy(update={"name": '=HYPERLINK("http://x","y")',
                                           "owner": "@ops"})
    project = example.model_copy(update={"types": tuple(types)})
    from models.evaluation import evaluate

    text = routing_csv(project, evaluate(project))
    assert "'=HYPERLINK" in text
    assert "'@ops" in text
    result = import_rows(list(csv.reader(text.splitlines())), base=project, guarded=True)
    assert result.problems == ()
    assert result.project.types[0].name == '=HYPERLINK("http://x","y")'
    assert result.project.types[0].owner == "@ops"


@pytest.mark.parametrize("name", ["'=already", "''=twice", "'plain", "'", "it's", "'+1"])
def test_a_real_leading_apostrophe_survives_the_csv_round_trip(tmp_path, example, name):
    types = list(example.types)
    types[0] = types[0].model_copy(update={"name": name})
    project = example.model_copy(update={"types": tuple(types)})
    from models.evaluation import evaluate

    path = tmp_path / "m.csv"
    write_text(path, routing_csv(project, evaluate(project)))
    result = import_csv(path, base=project)
    assert result.problems == ()
    assert result.project.types[0].name == name


def test_a_workbook_text_cell_is_read_as_it_is(workbook_path, tmp_path):
    # A workbook's text cells are strings, never formulas: no guard to undo there.
    col = HEADERS.index("Certificate type") + 1
    edited = _edit(workbook_path, tmp_path / "apostrophe.xlsx",
                   lambda ws: ws.cell(2, col, "'=already"))
    assert import_workbook(edited).project.types[0].name == "'=already"


_NAME_CHARS = st.sampled_from([*"'=+-@\t\"|,; aZé€", "\u00a0"])


@given(st.text(_NAME_CHARS, min_size=1, max_size=12))
def test_any_name_survives_the_csv_round_trip(example, name):
    """Formula guard on export, exactly one apostrophe removed on import: every name the
    model accepts comes back as it was."""
    name = name.strip()
    assume(name and "\t" not in name)  # a tab is a control character: the model refuses it
    types = list(example.types)
    types[0] = types[0].model_copy(update={"name": name, "owner": name})
    project = example.model_copy(update={"types": tuple(types)})
    from models.evaluation import evaluate

    text = routing_csv(project, evaluate(project))
    result = import_rows(csv.reader(text.splitlines(keepends=True)), base=project, guarded=True)
    assert result.problems == ()
    assert (result.project.types[0].name, result.project.types[0].owner) == (name, name)
