"""The project currency: £/GBP by default (no migration), shown by display, the CLI and the
workbook; figures are never converted."""

from __future__ import annotations

import json

import openpyxl
import pytest
from pydantic import ValidationError

from app.cli import main
from exporters.text_export import routing_markdown
from exporters.workbook import write_workbook
from models import display
from models.currency import GBP, Currency
from models.evaluation import evaluate
from models.project import Project
from models.project_file import load_example, load_project, save_project

EUR = Currency(symbol="€", code="EUR")
CHF = Currency(symbol="CHF", code="CHF")


def test_money_in_another_currency_keeps_the_figures():
    assert display.money(2_592_000) == "£2.59M"
    assert display.money(2_592_000, EUR) == "€2.59M"
    assert display.money(487_296, CHF) == "CHF\u00a0487k"
    assert display.money(-500_000, EUR) == "−€500k"
    assert display.money(12, EUR) == "€12"


def test_old_files_are_in_pounds_and_a_new_currency_round_trips(tmp_path):
    example = load_example()
    assert example.currency == GBP
    raw = json.loads(example.model_dump_json())
    raw.pop("currency")
    assert Project.model_validate(raw).currency == GBP  # no migration needed
    path = tmp_path / "eur.certroute.json"
    save_project(example.model_copy(update={"currency": EUR}), path)
    assert load_project(path).currency == EUR


@pytest.mark.parametrize("fields", [{"code": "euro"}, {"symbol": ""}, {"code": "EU"}])
def test_a_bad_currency_is_refused(fields):
    with pytest.raises(ValidationError):
        Currency(**fields)


@pytest.fixture
def eur_project(tmp_path):
    path = tmp_path / "eur.certroute.json"
    save_project(load_example().model_copy(update={"currency": EUR}), path)
    return path


def test_cli_cost_shows_the_projects_currency(capsys, eur_project):
    assert main(["cost", str(eur_project)]) == 0
    out = capsys.readouterr().out
    assert "(EUR (€))" in out
    assert "€3.37M" in out
    assert "£" not in out
    assert main(["cost", str(eur_project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["currency"] == {"symbol": "€", "code": "EUR"}
    assert data["display"]["total_cost"] == "€3.37M"
    assert data["total_cost"] == 3_367_296  # the same figure


def test_workbook_and_markdown_use_the_projects_currency(tmp_path):
    project = load_example().model_copy(update={"currency": EUR})
    evaluation = evaluate(project)
    assert "annual cost today €3.37M" in routing_markdown(project, evaluation)
    path = tmp_path / "eur.xlsx"
    write_workbook(project, evaluation, path)
    book = openpyxl.load_workbook(path)
    cost = book["Cost"]
    money_rows = [row for row in cost.iter_rows(min_row=2) if row[2].value == "€/yr"]
    assert len(money_rows) == 6
    assert all(row[1].number_format == '"€"#,##0' for row in money_rows)
    assert {row[3].value for row in money_rows} >= {"€3.37M"}
    assert not any("£" in str(c.value) for row in cost.iter_rows() for c in row)
    units = {c.value for row in book["Inputs"].iter_rows() for c in row if isinstance(c.value,
                                                                                     str)}
    assert "€/hour" in units
    assert "£/hour" not in units


def test_timeline_shows_the_projects_currency(capsys, eur_project):
    assert main(["timeline", str(eur_project)]) == 0
    out = capsys.readouterr().out
    assert "(€" in out
    assert "£" not in out
