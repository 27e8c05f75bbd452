"""The routing matrix alone as CSV and as a Markdown table, and the project + evaluation as JSON."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
from enum import Enum
from typing import Any

from exporters.routing_table import TEXT_HEADERS, text_rows
from models import display
from models.cliff import CliffDate
from models.evaluation import Evaluation
from models.excerpt import printable
from models.file_write import write_text as write_file_text
from models.project import Project

# A spreadsheet runs a CSV cell that starts with one of these as a formula (CSV injection):
# such text is written with a leading apostrophe, which the import removes again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """`'=cmd|…` instead of `=cmd|…`: shown as text by Excel and LibreOffice, never run.

    Text that already starts with apostrophes before a formula start (`'=x`) gets one more,
    so the import, which removes exactly one, gives back what was exported.
    """
    return f"'{cell}" if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def routing_csv(project: Project, evaluation: Evaluation) -> str:
    """The matrix as CSV (RFC 4180, CRLF line ends, as Excel writes it), headers from columns."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEXT_HEADERS)
    writer.writerows([neutralise(printable(cell)) for cell in row]
                     for row in text_rows(project, evaluation))
    return buffer.getvalue()


def _md_cell(text: str) -> str:
    # A pipe ends a Markdown cell and a newline ends the row: escape one, fold the other.
    folded = text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
    return printable(folded)  # any other control character (ESC, U+2028) shown escaped


def routing_markdown(project: Project, evaluation: Evaluation) -> str:
    """The matrix as a GitHub-flavoured Markdown table under a one-line summary."""
    lines = [
        f"# Routing policy — {_md_cell(project.organisation.name)}",
        "",
        f"Tolerance: {project.organisation.tolerance.value} · {evaluation.summary} · "
        f"annual cost today {display.money(evaluation.costs.total_cost, project.currency)}",
        "",
        "| " + " | ".join(TEXT_HEADERS) + " |",
        "|" + "|".join("---" for _ in TEXT_HEADERS) + "|",
    ]
    lines += ["| " + " | ".join(_md_cell(v) for v in row) + " |"
              for row in text_rows(project, evaluation)]
    return "\n".join(lines) + "\n"


def _plain(value: Any) -> Any:
    """Dataclasses, named tuples, enums and tuples of the evaluation as JSON-ready values."""
    if isinstance(value, CliffDate):  # its rows by name, not the columns they are kept in
        return {"date": _plain(value.date), "types": _plain(value.types),
                **{name: getattr(value, name) for name in _CLIFF_TOTALS}}
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # TypeOnDate
        return {name: _plain(v) for name, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.date):  # the as-of date and the rules' effective dates
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


_CLIFF_TOTALS = ("as_is_tickets", "designed_tickets", "as_is_cost", "designed_cost")


def evaluation_data(evaluation: Evaluation) -> dict[str, Any]:
    """Every derived figure of the evaluation, plus its summary line."""
    data: dict[str, Any] = _plain(evaluation)
    data["summary"] = evaluation.summary
    return data


def project_json(project: Project, evaluation: Evaluation) -> str:
    """`{"project": …, "evaluation": …}`: the document as saved, and everything derived from it."""
    document = {
        "project": json.loads(project.model_dump_json()),
        "evaluation": evaluation_data(evaluation),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_text(path: str | os.PathLike[str], text: str, *, dash_is_stdout: bool = False) -> None:
    """Write an export through `models.file_write`: never half a file, never a device replaced."""
    write_file_text(path, text, dash_is_stdout=dash_is_stdout)
