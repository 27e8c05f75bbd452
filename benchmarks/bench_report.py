"""The client report as PDF for the example (target ≤ 2 s) and 500 types, against LibreOffice.

The peer is the only way to paper before the report: the exported workbook converted by
`soffice --headless --convert-to pdf` (skipped where LibreOffice is not installed).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from functools import partial
from pathlib import Path

from benchmarks.bench_evaluate import synthetic_project
from benchmarks.timing import median_seconds, report
from exporters.report_html import ReportMeta
from models.evaluation import evaluate
from models.project import Project
from models.project_file import load_example

TODAY = dt.date(2026, 11, 26)


def _soffice_pdf(project: Project, folder: Path) -> float | None:
    """Seconds for LibreOffice to turn the exported workbook into a PDF, or None."""
    from exporters.workbook import write_workbook

    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    book = folder / "book.xlsx"
    write_workbook(project, evaluate(project, today=TODAY), book)
    profile = (folder / "lo-profile").as_uri()

    def convert() -> None:
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", str(folder),
                        str(book)], check=True, capture_output=True, timeout=300)

    return median_seconds(convert, repeat=1)


def main(*, smoke: bool = False) -> None:
    from benchmarks.gui_window import styled_app

    styled_app()
    from app.gui.report.pdf import Paper, write_report  # Qt only once an app exists

    repeat = 1 if smoke else 3
    cases = [("the example", load_example(), "≤ 2 s")]
    cases.append((f"{20 if smoke else 500} types", synthetic_project(20 if smoke else 500),
                  ""))
    meta = ReportMeta(TODAY, "Benchmark")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf = folder / "report.pdf"
        for name, project, target in cases:
            evaluation = evaluate(project, today=TODAY)
            seconds = median_seconds(partial(write_report, project, evaluation, meta, pdf=pdf,
                                             paper=Paper.A4), repeat=repeat)
            peer = None if smoke else _soffice_pdf(project, folder)
            report(f"report PDF of {name}", seconds, "s", target=target,
                   peer=None if peer is None else ("LibreOffice workbook → PDF", peer))


if __name__ == "__main__":
    main()
