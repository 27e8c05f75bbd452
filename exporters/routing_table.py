"""The routing matrix as rows of cells: one layout for the Routing sheet, CSV, Markdown, import."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from models.certificate import CertificateType
from models.columns import COLUMNS, INPUT_COLUMNS, Column
from models.evaluation import Evaluation
from models.industry_rules import LimitKind, ValidityLimit
from models.project import Project
from models.routing import Decision

ID_HEADER = "ID"
RULE_HEADER = "Rule"
RATIONALE_HEADER = "Rationale"


@dataclass(frozen=True, slots=True)
class MatrixColumn:
    """A column of the exported matrix: a `models.columns` spec or one of the extra columns."""

    header: str
    key: str
    kind: str  # text | enum | int | float | bool
    is_input: bool
    spec: Column | None = None

    def raw(self, ctype: CertificateType, decision: Decision) -> Any:
        """The value for a spreadsheet cell: numbers stay numbers, enums become their spelling."""
        if self.spec is None:
            return {"id": ctype.id, "rule": decision.rule,
                    "rationale": decision.rationale}[self.key]
        value = self.spec.getter(ctype, decision)
        if value is None or self.kind in ("int", "float"):
            return value
        if self.kind == "text":
            return str(value)
        return self.spec.text(ctype, decision)

    def text(self, ctype: CertificateType, decision: Decision) -> str:
        """The value as text (CSV, Markdown): `models.columns` spells it, so every export agrees."""
        if self.spec is None:
            return str(self.raw(ctype, decision))
        return self.spec.text(ctype, decision)


# The type's id first, so an edited matrix finds its type again on import; then the input and
# derived columns of models.columns; then WORKBOOK.md's "rule fired, rationale".
MATRIX_COLUMNS: tuple[MatrixColumn, ...] = (
    MatrixColumn(ID_HEADER, "id", "text", True),
    *(MatrixColumn(c.header, c.key, c.kind if c.choices is None else "enum", c.editable, c)
      for c in COLUMNS),
    MatrixColumn(RULE_HEADER, "rule", "int", False),
    MatrixColumn(RATIONALE_HEADER, "rationale", "text", False),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in MATRIX_COLUMNS)
INPUT_HEADERS: tuple[str, ...] = tuple(c.header for c in INPUT_COLUMNS)
INDEX: dict[str, int] = {c.key: i for i, c in enumerate(MATRIX_COLUMNS)}


def pairs(project: Project, evaluation: Evaluation) -> Iterator[tuple[CertificateType, Decision]]:
    """Each type with its decision, in inventory order."""
    return zip(project.types, evaluation.decisions, strict=True)


def _cell_function(column: MatrixColumn) -> Callable[[CertificateType, Decision], Any]:
    """`column.raw` specialised once per export: 160,000 cells make the dispatch count."""
    spec = column.spec
    if spec is None:
        return column.raw
    get = spec.getter
    if column.kind in ("int", "float"):
        return get
    if column.kind == "bool":
        return lambda t, d: "yes" if get(t, d) else "no"
    if column.kind == "enum":
        return lambda t, d: None if (v := get(t, d)) is None else v.value
    return lambda t, d: None if (v := get(t, d)) is None else str(v)


def raw_rows(project: Project, evaluation: Evaluation) -> list[list[Any]]:
    """Spreadsheet rows (numbers as numbers, blanks as None), header excluded."""
    cells = [_cell_function(c) for c in MATRIX_COLUMNS]
    return [[cell(t, d) for cell in cells] for t, d in pairs(project, evaluation)]


def text_rows(project: Project, evaluation: Evaluation) -> list[list[str]]:
    """Text rows of the matrix and its validity columns (`TEXT_HEADERS`), header excluded."""
    return [[*(c.text(t, d) for c in MATRIX_COLUMNS), *map(str, validity)]
            for (t, d), validity in zip(pairs(project, evaluation),
                                        validity_cells(evaluation), strict=True)]


# The effective maximum validity on the project's as-of date and the rule that set it
# (INDUSTRY-RULES.md): derived like Workflow and Reason, so ignored on import. Without them
# an export showed EV TLS as "long" beside a finding that no long certificate can be issued.
VALIDITY_HEADERS = ("Max validity (days)", "Validity capped by")
TEXT_HEADERS: tuple[str, ...] = (*HEADERS, *VALIDITY_HEADERS)  # CSV and Markdown


def capped_by(limit: ValidityLimit) -> str:
    """"public cap from 2026-03-15", "validity class", "profile edit"."""
    if limit.kind is LimitKind.PUBLIC_CAP and limit.cap is not None:
        return f"{limit.kind.value} {limit.cap.since}"
    return limit.kind.value


def validity_cells(evaluation: Evaluation) -> list[list[Any]]:
    """Per type its `VALIDITY_HEADERS` cells: the days (a number) and the rule."""
    return [[limit.days, capped_by(limit)] for limit in evaluation.limits]
