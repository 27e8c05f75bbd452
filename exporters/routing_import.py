"""Import an edited routing matrix (the workbook's Routing sheet, or a CSV) back into a project.

Every bad cell is reported by row number and column header; the good rows are kept.
"""

from __future__ import annotations

import csv
import dataclasses
import math
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from exporters.import_limits import (
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_LINE_CHARS,
    MAX_PROBLEMS,
    MAX_ROWS,
    check_workbook_archive,
)
from exporters.routing_table import ID_HEADER, MATRIX_COLUMNS, MatrixColumn
from exporters.text_export import FORMULA_STARTS
from exporters.workbook_layout import INPUT_NAMES, LEGAL_NAMES, ORGANISATION_FIELDS
from models.assessment import N_DIMENSIONS, AssessmentScores
from models.certificate import AdminDesign, CertificateType, CombinedDesign, TypeId
from models.cost import CostInputs
from models.excerpt import bounded, excerpt
from models.gc_pause import gc_paused
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
        super().__init__(bounded(" ".join(message.split())))


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
    # Problems beyond the first MAX_PROBLEMS are counted here, not kept.
    more_problems: int = 0
    # A workbook carries the organisation, cost inputs and scores; a CSV does not.
    carries_settings: bool = False

    @property
    def problem_count(self) -> int:
        """Every problem found, including those not kept."""
        return len(self.problems) + self.more_problems

    @property
    def rows_kept(self) -> int:
        """Good rows imported (bad rows kept at their previous version are not counted)."""
        return len(self.project.types) - len(self.unchanged)


def unguard(text: str) -> str:
    """Undo `text_export.neutralise`: one leading apostrophe before a (guarded) formula start.

    Only CSV cells carry the guard; a workbook's text cells are read as they are.
    """
    if text.startswith("'") and text.lstrip("'").startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _cell(column: MatrixColumn, value: Any, *, guarded: bool = False) -> Any:
    """Convert one cell to the field's value; raises ValueError with the user-facing problem."""
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        raise ValueError(f"the cell holds {len(value):,} characters (at most "
                         f"{MAX_CELL_CHARS:,}): {excerpt(value, 40)}")
    if column.kind == "text" and isinstance(value, str):
        return unguard(value.strip()) if guarded else value.strip()
    text = "" if value is None else str(value).strip()
    if column.kind == "bool":
        if isinstance(value, bool):
            return value
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise ValueError(f"{excerpt(text)} is not yes or no")
    if column.kind in ("int", "float"):
        if text == "":
            return None
        try:
            number = float(text.replace(",", "")) if isinstance(value, str) else float(value)
        except (TypeError, ValueError):
            raise ValueError(f"{excerpt(text)} is not a number") from None
        if not math.isfinite(number):
            raise ValueError(f"{excerpt(text)} is not a finite number")
        if column.kind == "int":
            if not number.is_integer():
                raise ValueError(f"{excerpt(text)} is not a whole number")
            return int(number)
        return number
    if column.kind == "enum":
        if text == "":
            return None
        allowed = ALLOWED[column.key]
        if text.lower() not in allowed:
            raise ValueError(f"{excerpt(text)} is not one of {', '.join(allowed)}")
        return text.lower()
    return text


def _header_map(header: Sequence[Any], source: str) -> dict[str, int]:
    """Column index per header; a missing required column stops the import, precisely."""
    if len(header) > MAX_COLUMNS:
        raise RoutingImportError(f"{source}: the header row has {len(header):,} columns "
                                 f"(at most {MAX_COLUMNS})")
    found = {str(h).strip(): i for i, h in enumerate(header) if h is not None and str(h).strip()}
    missing = [c.header for c in REQUIRED if c.header not in found]
    if missing:
        raise RoutingImportError(
            f"{source}: missing column(s) {', '.join(repr(m) for m in missing)} in the header "
            f"row (found: {', '.join(excerpt(h, 40) for h in found) or 'none'})"
        )
    return {c.header: found[c.header] for c in INPUTS if c.header in found}


def import_rows(rows: Iterable[Sequence[Any]], *, base: Project | None = None,
                source: str = "Routing", first_row: int = 1,
                guarded: bool = False) -> ImportResult:
    """Build a project from a header row and data rows, in time linear in the rows.

    Args:
        rows: the header row, then one row per type (values as read from the file).
        base: the project the matrix came from: its organisation, costs and assessment are
            kept, and a row whose ID names one of its types keeps that type's workflow design.
        source: the file or sheet name used in messages.
        first_row: the file's row number of the header row.
        guarded: text cells may carry the CSV export's formula guard (`'=…`): remove it.

    Raises:
        RoutingImportError: no header, a missing column, more than MAX_ROWS rows or a row
            wider than MAX_COLUMNS.
    """
    # The rows build no reference cycles, yet the cyclic collector kept walking the growing
    # list of types: 400,000 rows took 65 µs a row with it, 45 µs without (100,000: 39 and
    # 34). It is paused while they are built and runs again afterwards, as before.
    with gc_paused():
        return _import_rows(rows, base, source, first_row, guarded)


def _import_rows(rows: Iterable[Sequence[Any]], base: Project | None, source: str,
                 first_row: int, guarded: bool) -> ImportResult:
    base = base or Project()
    iterator = iter(rows)
    try:
        header = next(iterator)
    except StopIteration:
        raise RoutingImportError(f"{source}: no header row") from None
    columns = _header_map(header, source)
    known: dict[str, CertificateType] = {t.id: t for t in base.types}
    types: list[CertificateType] = []
    ids = _Ids(known)
    problems: list[RowProblem] = []
    more_problems = 0
    unchanged: list[str] = []
    read = 0
    for row_number, row in enumerate(iterator, start=first_row + 1):
        if all(v is None or str(v).strip() == "" for v in row):
            continue  # blank rows (an Excel table's empty last row) are not types
        read += 1
        if read > MAX_ROWS:
            raise RoutingImportError(f"{source}: more than {MAX_ROWS:,} rows (row {row_number})")
        if len(row) > MAX_COLUMNS and any(v not in (None, "") for v in row[MAX_COLUMNS:]):
            raise RoutingImportError(f"{source}: row {row_number} has {len(row):,} cells "
                                     f"(at most {MAX_COLUMNS})")
        ctype, row_problems = _row_type(row, row_number, columns, ids, len(types), guarded)
        room = MAX_PROBLEMS - len(problems)
        problems += row_problems[:max(room, 0)]
        more_problems += max(len(row_problems) - max(room, 0), 0)
        if ctype is not None:
            ids.use(ctype.id)
            types.append(ctype)
            if row_problems:
                unchanged.append(ctype.id)
    # model_validate, not model_copy(update=…): the project's own checks (unique ids) run; the
    # already-validated types pass through without being validated twice.
    project = Project.model_validate({**dict(base), "types": tuple(types)})
    return ImportResult(project, tuple(problems), read, tuple(unchanged), more_problems)


class _Ids:
    """The base's types by id, the ids this import used, and fresh ids in constant time."""

    def __init__(self, known: Mapping[str, CertificateType]) -> None:
        self.known = known
        self.used: set[str] = set()
        self._taken: set[str] = set(known)  # used | known, kept up to date, never rebuilt
        self._next = 1  # every N below it is taken: the scan never starts over

    def use(self, type_id: str) -> None:
        self.used.add(type_id)
        self._taken.add(type_id)

    def fresh(self, position: int) -> TypeId:
        """The smallest free `type-N` with N > position, in amortised constant time."""
        n = max(position + 1, self._next)
        while f"type-{n}" in self._taken:
            n += 1
        self._next = n
        return TypeId(f"type-{n}")


# Rows without a base type share these (frozen) defaults instead of a copy each: a million
# imported rows would otherwise hold a million identical designs.
_DEFAULT_DESIGNS = {"combined": CombinedDesign.model_validate({}),
                    "admin": AdminDesign.model_validate({})}


def _row_type(row: Sequence[Any], row_number: int, columns: dict[str, int], ids: _Ids,
              position: int, guarded: bool) -> tuple[CertificateType | None, list[RowProblem]]:
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
            fields[column.key] = _cell(column, row[index] if index < len(row) else None,
                                       guarded=guarded)
        except ValueError as exc:
            problems.append(RowProblem(row_number, column.header, str(exc)))
    type_id = fields.pop("id", "") or ""
    if type_id in ids.used:
        problems.append(RowProblem(row_number, ID_HEADER, f"duplicate id {excerpt(type_id)}"))
        return None, problems
    if problems:
        return ids.known.get(type_id), problems
    if not type_id:
        type_id = ids.fresh(position)
    old = ids.known.get(type_id)
    if old is not None and all(getattr(old, k) == v for k, v in fields.items()):
        return old, []  # unchanged row: the base's type, already valid
    data = {**(old.model_dump() if old else _DEFAULT_DESIGNS), **fields, "id": type_id}
    try:
        return CertificateType.model_validate(data), []
    except ValidationError as exc:
        by_key = {c.key: c.header for c in MATRIX_COLUMNS}
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else ""
            problems.append(RowProblem(row_number, by_key.get(key, key), error["msg"]))
        return old, problems


def _bounded_lines(handle: TextIO, source: str) -> Iterator[str]:
    """The file's lines, refusing one longer than MAX_LINE_CHARS before it is read whole."""
    while line := handle.readline(MAX_LINE_CHARS + 1):
        if len(line) > MAX_LINE_CHARS:
            raise RoutingImportError(f"{source}: a line longer than {MAX_LINE_CHARS:,} "
                                     "characters")
        yield line


def import_csv(path: str | os.PathLike[str], *, base: Project | None = None) -> ImportResult:
    """Import a routing matrix CSV (as `certroute export --csv` writes it, or Excel saves it)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            # Streamed: the rows are never all held as lists of strings at once.
            return import_rows(csv.reader(_bounded_lines(handle, path.name)), base=base,
                               source=path.name, guarded=True)
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
    check_workbook_archive(path, RoutingImportError)  # sizes, ratios, extent: before parsing
    try:
        wb = CalamineWorkbook.from_path(os.fspath(path))
        sheets = {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names
                  if name in ("Routing", "Inputs", "Radar")}
    except (CalamineError, OSError, ValueError) as exc:
        raise RoutingImportError(f"{path.name}: not a readable .xlsx workbook ({exc})") from None
    if "Routing" not in sheets:
        raise RoutingImportError(f"{path.name}: no sheet named 'Routing'")
    base = _settings(sheets, base or Project(), path.name)
    result = import_rows(sheets["Routing"], base=base, source=f"{path.name}, sheet Routing")
    return dataclasses.replace(result, carries_settings=True)


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
                f"{first['msg']} (got {excerpt(first.get('input'))})") from None
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

