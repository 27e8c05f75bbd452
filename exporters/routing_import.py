"""Import an edited routing matrix (the workbook's Routing sheet, or a CSV) back into a project.

Every bad cell is reported by row number and column header; the good rows are kept.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from exporters.routing_table import ID_HEADER, MATRIX_COLUMNS, MatrixColumn
from exporters.workbook_layout import INPUT_NAMES, LEGAL_NAMES, ORGANISATION_FIELDS
from models.assessment import N_DIMENSIONS, AssessmentScores
from models.certificate import CertificateType, TypeId
from models.cost import CostInputs
from models.project import CostSettings, Organisation, Project

# Columns the import needs; the ID is optional (rows without one get a new id), and the
# derived columns (Workflow, Reason, Rule, Rationale, costs) are recomputed, never read.
INPUTS: tuple[MatrixColumn, ...] = tuple(c for c in MATRIX_COLUMNS if c.is_input)
REQUIRED: tuple[MatrixColumn, ...] = tuple(c for c in INPUTS if c.header != ID_HEADER)
ALLOWED: dict[str, tuple[str, ...]] = {
    c.key: tuple(v.value for v in c.spec.choices)
    for c in INPUTS if c.spec is not None and c.spec.choices is not None
}
TRUE_WORDS = {"yes", "y", "true", "1"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


class RoutingImportError(ValueError):
    """The file cannot be imported at all (unreadable, no Routing sheet, a missing column).

    The message is one line: reader and validation errors quoted in it (calamine's XML
    errors, pydantic's) may span several, and a dialog or the CLI shows one sentence.
    """

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One bad cell: the sheet's row number (as Excel and a text editor count), column, problem."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column!r}: {self.message}"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The project with the good rows, and every problem found in the others."""

    project: Project
    problems: tuple[RowProblem, ...]
    rows_read: int
    # Ids of bad rows whose type the base project already had: that type is kept as it was,
    # so a typo in one cell never deletes a type (and its approval design) from the project.
    unchanged: tuple[str, ...] = ()

    @property
    def rows_kept(self) -> int:
        """Good rows imported (bad rows kept at their previous version are not counted)."""
        return len(self.project.types) - len(self.unchanged)


def _cell(column: MatrixColumn, value: Any) -> Any:
    """Convert one cell to the field's value; raises ValueError with the user-facing problem."""
    if column.kind == "text" and isinstance(value, str):
        text = value.strip()
        # Undo the CSV export's guard against formula injection (text_export.neutralise).
        if text.startswith("'") and text[1:].startswith(("=", "+", "-", "@")):
            text = text[1:]
        return text
    text = "" if value is None else str(value).strip()
    if column.kind == "bool":
        if isinstance(value, bool):
            return value
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(f"{text!r} is not yes or no")
    if column.kind in ("int", "float"):
        if text == "":
            return None
        try:
            number = float(text.replace(",", "")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{text!r} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{text!r} is not a finite number")
        if column.kind == "int":
            if not number.is_integer():
                raise ValueError(f"{text!r} is not a whole number")
            return int(number)
        return number
    if column.kind == "enum":
        if text == "":
            return None
        allowed = ALLOWED[column.key]
        if text.lower() not in allowed:
            raise ValueError(f"{text!r} is not one of {', '.join(allowed)}")
        return text.lower()
    return text


def _header_map(header: Sequence[Any], source: str) -> dict[str, int]:
    """Column index per header; a missing required column stops the import, precisely."""
    found = {str(h).strip(): i for i, h in enumerate(header) if h is not None and str(h).strip()}
    missing = [c.header for c in REQUIRED if c.header not in found]
    if missing:
        raise RoutingImportError(
            f"{source}: missing column(s) {', '.join(repr(m) for m in missing)} in the header "
            f"row (found: {', '.join(repr(h) for h in found) or 'none'})"
        )
    return {c.header: found[c.header] for c in INPUTS if c.header in found}


def import_rows(rows: Iterable[Sequence[Any]], *, base: Project | None = None,
                source: str = "Routing", first_row: int = 1) -> ImportResult:
    """Build a project from a header row and data rows.

    Args:
        rows: the header row, then one row per type (values as read from the file).
        base: the project the matrix came from: its organisation, costs and assessment are
            kept, and a row whose ID names one of its types keeps that type's workflow design.
        source: the file or sheet name used in messages.
        first_row: the file's row number of the header row.
    """
    base = base or Project()
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        raise RoutingImportError(f"{source}: no header row") from None
    columns = _header_map(header, source)
    known: dict[str, CertificateType] = {t.id: t for t in base.types}
    types: list[CertificateType] = []
    used: set[str] = set()
    problems: list[RowProblem] = []
    unchanged: list[str] = []
    read = 0
    for row_number, row in enumerate(iterator, start=first_row + 1):
        if all(v is None or str(v).strip() == "" for v in row):
            continue  # blank rows (an Excel table's empty last row) are not types
        read += 1
        ctype, row_problems = _row_type(row, row_number, columns, known, used, len(types))
        problems += row_problems
        if ctype is not None:
            used.add(ctype.id)
            types.append(ctype)
            if row_problems:
                unchanged.append(ctype.id)
    # model_validate, not model_copy(update=…): the project's own checks (unique ids) run; the
    # already-validated types pass through without being validated twice.
    project = Project.model_validate({**dict(base), "types": tuple(types)})
    return ImportResult(project, tuple(problems), read, tuple(unchanged))


def _row_type(row: Sequence[Any], row_number: int, columns: dict[str, int],
              known: dict[str, CertificateType], used: set[str],
              position: int) -> tuple[CertificateType | None, list[RowProblem]]:
    """One row -> a validated type, or the problems that keep it out.

    A bad row whose id names a type of the base project returns that type unchanged, with
    the problems: the edit is refused, the type is not lost.
    """
    problems: list[RowProblem] = []
    fields: dict[str, Any] = {}
    for column in INPUTS:
        index = columns.get(column.header)
        if index is None:
            continue
        try:
            fields[column.key] = _cell(column, row[index] if index < len(row) else None)
        except ValueError as exc:
            problems.append(RowProblem(row_number, column.header, str(exc)))
    type_id = fields.pop("id", "") or ""
    if type_id in used:
        problems.append(RowProblem(row_number, ID_HEADER, f"duplicate id {type_id!r}"))
        return None, problems
    if problems:
        return known.get(type_id), problems
    if not type_id:
        type_id = _fresh_id(used | set(known), position)
    old = known.get(type_id)
    if old is not None and all(getattr(old, k) == v for k, v in fields.items()):
        return old, []  # unchanged row: the base's type, already valid
    data = {**(old.model_dump() if old else {}), **fields, "id": type_id}
    try:
        return CertificateType.model_validate(data), []
    except ValidationError as exc:
        by_key = {c.key: c.header for c in MATRIX_COLUMNS}
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else ""
            problems.append(RowProblem(row_number, by_key.get(key, key), error["msg"]))
        return old, problems


def _fresh_id(taken: set[str], position: int) -> TypeId:
    n = position + 1
    while f"type-{n}" in taken:
        n += 1
    return TypeId(f"type-{n}")


def import_csv(path: str | os.PathLike[str], *, base: Project | None = None) -> ImportResult:
    """Import a routing matrix CSV (as `certroute export --csv` writes it, or Excel saves it)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return import_rows(list(csv.reader(handle)), base=base, source=path.name)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RoutingImportError(f"{path.name}: cannot read ({exc})") from None


def import_workbook(path: str | os.PathLike[str], *,
                    base: Project | None = None) -> ImportResult:
    """Import the Routing sheet of a workbook, with the organisation, costs and radar it carries.

    Read with python-calamine (a Rust reader): 10,000 rows in ≈ 0.3 s where openpyxl's
    read-only mode took ≈ 1.6 s here, which alone broke SPEC.md's 2 s import target.
    """
    from python_calamine import CalamineError, CalamineWorkbook  # lazy: only imports need it

    path = Path(path)
    try:
        wb = CalamineWorkbook.from_path(os.fspath(path))
        sheets = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names
                  if name in ("Routing", "Inputs", "Radar")}
    except (CalamineError, OSError, ValueError) as exc:
        raise RoutingImportError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    if "Routing" not in sheets:
        raise RoutingImportError(f"{path.name}: no sheet named 'Routing'")
    base = _settings(sheets, base or Project(), path.name)
    return import_rows(sheets["Routing"], base=base, source=f"{path.name}, sheet Routing")


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _settings(sheets: dict[str, list[list[Any]]], base: Project, source: str) -> Project:
    """Organisation, cost inputs (by the Inputs sheet's Key column) and radar scores, if present."""
    update: dict[str, Any] = {}
    if "Inputs" in sheets:
        values = {str(r[3]): r[1] for r in sheets["Inputs"][1:]
                  if len(r) > 3 and not _blank(r[3]) and not _blank(r[1])}
        try:
            org = base.organisation.model_dump()
            for key, field in ORGANISATION_FIELDS.items():
                if key in values:
                    org[field] = values[key]
            if any(key in LEGAL_NAMES for key in values):  # blank cells: fields not set
                legal = {key.removeprefix("legal."): values.get(key) for key in LEGAL_NAMES}
                org["legal"] = legal if legal["legal_name"] else None
            update["organisation"] = Organisation.model_validate(org)
            cost = base.cost.model_dump()
            cost["inputs"] = CostInputs.model_validate(
                {**cost["inputs"], **{k: values[k] for k in INPUT_NAMES if k in values}})
            if "migration_share_source" in values:
                cost["migration_share_source"] = values["migration_share_source"]
            update["cost"] = CostSettings.model_validate(cost)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise RoutingImportError(
                f"{source}, sheet Inputs, key {'.'.join(map(str, first['loc']))}: "
                f"{first['msg']} (got {first.get('input')!r})") from None
    if "Radar" in sheets:
        rows = sheets["Radar"][1:N_DIMENSIONS + 1]
        try:
            update["assessment"] = AssessmentScores(current=tuple(int(r[1]) for r in rows),
                                                    target=tuple(int(r[2]) for r in rows))
        except (TypeError, ValueError, IndexError, ValidationError) as exc:
            raise RoutingImportError(f"{source}, sheet Radar: scores must be whole numbers "
                                     f"0–5 ({exc})") from None
    return Project.model_validate({**dict(base), **update})


def import_file(path: str | os.PathLike[str], *, base: Project | None = None) -> ImportResult:
    """Import a .xlsx workbook or a .csv matrix, chosen by the file's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return import_workbook(path, base=base)
    if suffix == ".csv":
        return import_csv(path, base=base)
    raise RoutingImportError(f"{Path(path).name}: expected a .xlsx workbook or a .csv file")

