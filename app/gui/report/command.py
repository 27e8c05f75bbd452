"""`certroute report`: the client report written offscreen, without a window."""

from __future__ import annotations

import datetime as dt
import os
import sys

from PySide6.QtWidgets import QApplication

from app.gui.report.pdf import Paper, write_report
from exporters.report_html import ReportMeta
from models.evaluation import evaluate
from models.project import Project


def run_report(project: Project, *, pdf: str | None, html: str | None, author: str,
               paper: str | None, as_of: dt.date | None) -> str:
    """Write the report; returns what was written, for the terminal. OSError if it cannot."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if QApplication.instance() is None:
        QApplication(sys.argv[:1])  # fonts and the PDF writer need an application object
    day = as_of or dt.date.today()
    evaluation = evaluate(project, today=day)
    write_report(project, evaluation, ReportMeta(as_of=day, author=author), pdf=pdf,
                 html=html, paper=None if paper is None else Paper(paper))
    return " and ".join(path for path in (pdf, html) if path)
