"""The routing matrix as CSV and Markdown, and the project + evaluation as JSON."""

from __future__ import annotations

import csv
import io
import json

from exporters.routing_table import HEADERS, TEXT_HEADERS, VALIDITY_HEADERS
from exporters.text_export import project_json, routing_csv, routing_markdown
from models.columns import COLUMNS
from models.project_file import parse_project


def test_csv_headers_come_from_columns_and_cells_match_the_screen(example, example_evaluation):
    rows = list(csv.reader(io.StringIO(routing_csv(example, example_evaluation))))
    assert rows[0] == [*HEADERS, *VALIDITY_HEADERS] == list(TEXT_HEADERS)
    assert [c.header for c in COLUMNS] == [h for h in HEADERS if h in {c.header for c in COLUMNS}]
    assert len(rows) == 1 + len(example.types)
    first, decision = example.types[0], example_evaluation.decisions[0]
    for column in COLUMNS:
        assert rows[1][HEADERS.index(column.header)] == column.text(first, decision)
    assert rows[2][HEADERS.index("Workflow")] == "admin-mediated"


def test_exports_show_the_maximum_validity_on_the_as_of_date(example, example_evaluation):
    # EV TLS is declared long, but no long public TLS certificate can be issued on the as-of
    # date (a finding says so): the matrix shows the maximum that applies, and why.
    rows = list(csv.reader(io.StringIO(routing_csv(example, example_evaluation))))
    ev = next(row for row in rows[1:] if row[HEADERS.index("Purpose")] == "ev-tls")
    days, why = ev[TEXT_HEADERS.index(VALIDITY_HEADERS[0])], ev[TEXT_HEADERS.index(
        VALIDITY_HEADERS[1])]
    assert ev[HEADERS.index("Validity")] == "long"
    assert (days, why) == ("200", "public cap from 2026-03-15")
    markdown = routing_markdown(example, example_evaluation)
    assert "| 200 | public cap from 2026-03-15 |" in markdown


def test_markdown_is_one_table_row_per_type_with_pipes_escaped(example, example_evaluation):
    renamed = example.model_copy(update={"types": (
        example.types[0].model_copy(update={"name": "TLS | edge"}), *example.types[1:])})
    text = routing_markdown(renamed, example_evaluation)
    table = [line for line in text.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(example.types)
    assert table[0] == "| " + " | ".join(TEXT_HEADERS) + " |"
    assert "TLS \\| edge" in table[2]
    assert "3 combined · 3 admin-mediated" in text


def test_json_holds_the_project_and_its_evaluation(example, example_evaluation):
    data = json.loads(project_json(example, example_evaluation))
    assert parse_project(json.dumps(data["project"])) == example
    assert data["evaluation"]["summary"] == "3 combined · 3 admin-mediated"
    assert data["evaluation"]["costs"]["total_cost"] == 3_367_296
    assert [d["workflow"] for d in data["evaluation"]["decisions"]] == [
        "combined", "admin-mediated", "combined", "combined", "admin-mediated",
        "admin-mediated"]
    # The cliff's rows by name, each type on each rule date, whichever way they are kept.
    first = data["evaluation"]["cliff"]["dates"][0]
    assert first["date"] == example.as_of.isoformat()
    assert [row["type_id"] for row in first["types"]] == [t.id for t in example.types]
    assert first["as_is_tickets"] == example_evaluation.cliff.dates[0].as_is_tickets
    assert first["types"][0]["limit"]["days"] == example_evaluation.limits[0].days
