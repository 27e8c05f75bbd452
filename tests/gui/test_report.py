"""The client report: pages, fonts, contents and figures as poppler reads the PDF; CLI and menus."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtPrintSupport import QPrinter

from app.cli import main
from app.gui.report.pdf import Paper, locale_paper, write_report
from benchmarks.bench_evaluate import synthetic_project
from exporters.report_html import ReportMeta, sections
from models import display
from models.evaluation import evaluate
from models.project import Project
from models.project_file import load_example
from tests.gui.conftest import TODAY

AUTHOR = "A. Consultant"


def poppler(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True, timeout=60).stdout


def pages(pdf: Path) -> list[str]:
    return poppler("pdftotext", "-layout", str(pdf), "-").split("\f")[:-1]


def squashed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def example() -> Project:
    return load_example()


@pytest.fixture(scope="module")
def report(qapp, example, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    pdf = folder / "report.pdf"
    write_report(example, evaluate(example, today=TODAY), ReportMeta(TODAY, AUTHOR), pdf=pdf,
                 html=folder / "report.html", paper=Paper.A4)
    return pdf


def test_pdf_is_a4_with_embedded_fonts_and_no_bitmaps(report):
    info = poppler("pdfinfo", str(report))
    assert "595 x 842 pts (A4)" in info
    assert re.search(r"Title:\s+Certificate-issuance routing — Mid-size", info)
    fonts = poppler("pdffonts", str(report)).splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts)  # the "emb" column
    assert poppler("pdfimages", "-list", str(report)).splitlines()[2:] == []  # vector charts


def test_every_page_is_numbered_and_the_title_page_names_who_and_when(report, example):
    texts = pages(report)
    for n, text in enumerate(texts, start=1):
        assert f"Page {n} of {len(texts)}" in text
    title = squashed(texts[0])
    assert example.organisation.name in title
    assert TODAY.isoformat() in title
    assert AUTHOR in title


def test_contents_lists_every_section_on_the_page_it_is_on(report, example):
    texts = [squashed(t) for t in pages(report)]
    contents = texts[1]
    assert contents.startswith(f"{example.organisation.name} Certificate-issuance routing "
                               "Contents")
    for section in sections(example):
        listed = re.search(re.escape(section.title) + r" (\d+)", contents)
        assert listed, section.title
        assert section.title in texts[int(listed.group(1)) - 1], section.title


def test_chapters_come_in_reader_order(report):
    whole = squashed(" ".join(pages(report)[2:]))
    order = ["Executive summary", "Routing matrix", "Certificate types", "Findings and fixes",
             "PKI Health Radar", "Cost model", "Appendix: policy as code"]
    positions = [whole.index(title) for title in order]
    assert positions == sorted(positions)


def test_every_type_has_its_decision_card(report, example):
    evaluation = evaluate(example, today=TODAY)
    texts = [squashed(t) for t in pages(report)]
    for ctype, decision in zip(example.types, evaluation.decisions, strict=True):
        page = next(t for t in texts if decision.rationale[:60] in t and ctype.name in t
                    and "the five components" in t)
        assert decision.workflow.value in page
        assert f"{decision.label} · rule {decision.rule}" in page
        assert all(control in page for control in decision.controls)
        assert "the five components" in page


def test_summary_figures_are_evaluates(report, example):
    evaluation = evaluate(example, today=TODAY)
    costs = evaluation.costs
    summary = squashed(next(t for t in pages(report) if "Executive summary" in t
                            and "Annual cost today" in t))
    assert (f"Of {len(example.types)} certificate type(s), {evaluation.combined_count} route "
            f"to the combined workflow and {evaluation.admin_count}") in summary
    for label, value in (("Annual cost today", display.money(costs.total_cost)),
                         ("After migration", display.money(costs.projected_cost)),
                         ("Annual saving", display.money(costs.annual_savings)),
                         ("Payback", display.months(costs.payback_months))):
        assert f"{label} {value}" in summary
    level = evaluation.assessment.current_level
    assert f"level {level.level} · {level.name}" in summary
    assert all(reason in summary for reason in level.held_by)
    # The article's example, COST-MODEL.md's golden figures.
    assert "£3.37M" in summary
    assert "9 months" in summary


def test_long_tables_break_across_pages_with_their_header_repeated(qapp, tmp_path):
    project = synthetic_project(80)
    pdf = tmp_path / "long.pdf"
    write_report(project, evaluate(project, today=TODAY), ReportMeta(TODAY), pdf=pdf,
                 paper=Paper.LETTER)
    assert "612 x 792 pts (letter)" in poppler("pdfinfo", str(pdf))
    texts = pages(pdf)
    first = next(n for n, t in enumerate(texts) if "Rules are applied in order" in t)
    after = next(n for n, t in enumerate(texts) if "One decision card per type" in t)
    matrix = texts[first:after]
    assert len(matrix) >= 3  # 80 rows do not fit one page
    assert all(f"Type {i} " in "".join(matrix) for i in range(80))
    for text in matrix:
        assert re.search(r"Certificate type\s+Profile\s+Workflow\s+Reason", text)


def test_html_report_has_the_same_chapters_and_portable_charts(report, example):
    html = (report.parent / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 3
    assert "non-scaling-stroke" not in html
    for section in sections(example):
        assert f'href="#{section.anchor}"' in html
        assert f'<a name="{section.anchor}"></a>' in html


def test_paper_follows_the_locale():
    assert locale_paper(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)) \
        is Paper.LETTER
    assert locale_paper(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)) \
        is Paper.A4
    assert locale_paper(QLocale(QLocale.Language.German, QLocale.Country.Germany)) is Paper.A4


# --- command line ----------------------------------------------------------------------------

def test_cli_writes_the_report(qapp, tmp_path, capsys):
    pdf, html = tmp_path / "r.pdf", tmp_path / "r.html"
    code = main(["report", "--pdf", str(pdf), "--html", str(html), "--author", AUTHOR,
                 "--paper", "letter", "--as-of", "2026-11-26"])
    assert code == 0
    assert capsys.readouterr().out == f"wrote {pdf} and {html}\n"
    assert "(letter)" in poppler("pdfinfo", str(pdf))
    assert "2026-11-26" in pages(pdf)[0]


def test_cli_as_of_dates_the_public_rules_too(qapp, tmp_path):
    """`report --as-of 2029-04-01` stamped that date on a report still applying the
    project's 200-day cap; like `route --as-of`, it now applies the 47-day one."""
    html = tmp_path / "r.html"
    assert main(["report", "--html", str(html), "--as-of", "2029-04-01"]) == 0
    text = html.read_text(encoding="utf-8")
    assert "issued on 2029-04-01 live at most 47 days" in text
    assert "live at most 200 days" not in text


@pytest.mark.parametrize(("argv", "message"), [
    (["report"], "give --pdf OUT.pdf and/or --html OUT.html"),
    (["report", "--pdf", "X", "--as-of", "26/11/2026"], "--as-of '26/11/2026': expected a date"),
    (["report", "--pdf", "/nonexistent-dir/r.pdf"],
     "report: cannot write /nonexistent-dir/r.pdf: No such file or directory"),
])
def test_cli_bad_input_is_one_line_and_writes_nothing(qapp, capsys, tmp_path, argv, message):
    code = main(argv)
    _out, err = capsys.readouterr()
    assert code == 2
    assert message in err
    assert err.count("\n") == 1
    assert not Path("X").exists()


# --- menus -----------------------------------------------------------------------------------

def test_file_menu_exports_the_report(window, tmp_path):
    texts = [a.text() for a in window.file_menu.actions()]
    assert "Export &report…" in texts
    assert "&Print report…" in texts
    target = tmp_path / "client.pdf"
    window.report._ask_path = lambda: str(target)
    window.report._ask_author = lambda: AUTHOR
    assert window.report.export_report()
    assert AUTHOR in pages(target)[0]


def test_export_report_failure_is_shown(window, tmp_path):
    target = tmp_path / "missing" / "client.pdf"
    window.report._ask_path = lambda: str(target)
    window.report._ask_author = lambda: ""
    assert not window.report.export_report()
    assert window.warnings[0][0] == "Report not exported"
    assert not target.parent.exists()


def test_print_goes_through_the_print_dialog(window, tmp_path):
    target = tmp_path / "printed.pdf"
    asked = []

    def ask(printer: QPrinter) -> bool:
        asked.append(printer)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        return True

    window.report._ask_printer = ask
    window.report._ask_author = lambda: AUTHOR
    assert window.report.print_report()
    assert asked
    texts = pages(target)
    assert len(texts) >= 10
    assert f"Page 1 of {len(texts)}" in texts[0]
    assert "Executive summary" in texts[2]


def test_the_report_speaks_the_projects_currency(qapp, example, tmp_path):
    """Issue 18's project currency reaches the report: figures, tables and chart axes."""
    from models.currency import Currency

    euros = example.model_copy(update={"currency": Currency(symbol="€", code="EUR")})
    pdf, html = tmp_path / "eur.pdf", tmp_path / "eur.html"
    write_report(euros, evaluate(euros), ReportMeta(as_of=TODAY, author="QA"), pdf=str(pdf),
                 html=str(html), paper=Paper.A4)
    text = " ".join(pages(pdf))
    total = display.money(evaluate(euros).costs.total_cost, euros.currency)
    assert total.startswith("€")
    assert total in text
    assert "£" not in text
    assert "£" not in html.read_text()


def test_the_cliff_chapter_carries_the_timeline_figures(report, example):
    """The 47-day cliff on paper: the same totals as `certroute timeline` and the Cliff tab."""
    evaluation = evaluate(example, today=TODAY)
    text = squashed(" ".join(pages(report)))
    assert "The 47-day cliff" in text
    for on in evaluation.cliff.dates:
        assert squashed(f"{on.date.isoformat()} {on.as_is_tickets:,.0f} "
                        f"{display.money(on.as_is_cost)} {on.designed_tickets:,.0f} "
                        f"{display.money(on.designed_cost)}") in text
