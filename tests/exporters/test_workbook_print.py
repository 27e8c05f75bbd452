"""The workbook prints: LibreOffice converts it to PDF, one page wide, readable, numbered."""

from __future__ import annotations

import re
import statistics
import subprocess
from pathlib import Path

import pytest

from models.project import Project
from tests.exporters.conftest import convert

MIN_TEXT_HEIGHT = 6.0  # points: the Routing sheet's body text on paper


@pytest.fixture(scope="module")
def pdf(workbook_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(workbook_path, tmp_path_factory.mktemp("pdf"), "pdf")


def page_texts(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    return text.split("\f")[:-1]


def test_libreoffice_converts_the_workbook_to_pdf(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages >= 11  # one page or more per sheet
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height  # landscape


def test_every_page_has_the_organisation_and_its_number(pdf, example: Project):
    texts = page_texts(pdf)
    for n, text in enumerate(texts, start=1):
        assert example.organisation.name in text, n
        assert f"Page {n} of {len(texts)}" in text, n


def test_routing_prints_one_page_wide_and_readable(pdf, example: Project):
    texts = page_texts(pdf)
    routing = [n for n, text in enumerate(texts, start=1)
               if "Break-even" in text and "Owner" in text]
    assert len(routing) == 1  # six types: one page, every column on it
    page = texts[routing[0] - 1]
    for header in ("ID", "Certificate type", "Workflow", "Reason", "Owner", "Break-even"):
        assert header in page
    for ctype in example.types:
        assert ctype.id in page
    words = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(routing[0]), "-l", str(routing[0]), str(pdf), "-"],
        capture_output=True, text=True, check=True).stdout
    heights = [float(y1) - float(y0) for y0, y1 in re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', words)]
    assert statistics.median(heights) >= MIN_TEXT_HEIGHT


def test_checks_print_pass_not_a_bare_number(pdf):
    checks = next(text for text in page_texts(pdf) if "What it verifies" in text)
    assert checks.count("✔ pass") == 9


def test_radar_means_print_as_the_app_shows_them(pdf, example: Project, example_evaluation):
    # The Assess tab and the report say "2.1 / 5"; the workbook printed 2.125 beside them.
    radar = next(text for text in page_texts(pdf) if "Overall (mean)" in text)
    line = next(line for line in radar.splitlines() if "Overall (mean)" in line)
    result = example_evaluation.assessment
    assert line.split()[-2:] == [f"{result.current_overall:.1f}",
                                 f"{result.target_overall:.1f}"]


def test_cliff_prints_the_tickets_by_rule_date(pdf, example_evaluation):
    cliff = next(text for text in page_texts(pdf) if "Rule date" in text)
    for date in example_evaluation.cliff.dates:
        line = next(line for line in cliff.splitlines() if line.startswith(date.date.isoformat()))
        assert f"{date.as_is_tickets:,.0f}" in line
        assert f"{date.designed_tickets:,.0f}" in line
