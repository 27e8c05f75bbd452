"""Reading and writing project files: JSON with schema_version, validated, saved atomically."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from models.excerpt import bounded, excerpt, excerpt_message
from models.file_write import write_text
from models.migrations import SchemaVersionError, upgrade
from models.project import SCHEMA_VERSION, Project

SUFFIX = ".certroute.json"
EXAMPLE_NAME = "financial-services.certroute.json"


class ProjectFileError(ValueError):
    """A project file that cannot be read; the message names the field and the problem."""


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "document"


def describe_validation_error(error: ValidationError, *, limit: int = 5) -> str:
    """One line per problem: `types[2].purpose: Input should be … (got 'x')`."""
    lines = []
    for item in error.errors()[:limit]:
        loc = _location(tuple(p for p in item["loc"] if p not in ("function-after",)))
        got = item.get("input")
        shown = "" if isinstance(got, dict | list) or item["type"] == "missing" else (
            f" (got {excerpt(got)})"
        )
        message = bounded(item["msg"], 400)  # pydantic's own text: an enum's choices at most
        lines.append(f"{bounded(loc, 120)}: {message}{shown}")
    more = error.error_count() - limit
    if more > 0:
        lines.append(f"… and {more} more problem(s)")
    return "; ".join(lines)


def parse_project(text: str | bytes, *, source: str = "project") -> Project:
    """Parse, migrate and validate a project document.

    Raises:
        ProjectFileError: with a message naming the source, the field and the problem.
    """
    current = _current_document(text)
    if current is not None:
        return current
    try:
        raw = json.loads(text)
    except RecursionError:
        raise ProjectFileError(f"{source}: not a valid JSON document (nested too deeply)") \
            from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an over-long integer
        raise ProjectFileError(f"{source}: not a valid JSON document "
                               f"({excerpt_message(exc)})") from None
    if not isinstance(raw, dict):
        raise ProjectFileError(f"{source}: expected a JSON object at the top level")
    try:
        raw = upgrade(raw, current=SCHEMA_VERSION)
        return Project.model_validate(raw)
    except SchemaVersionError as exc:
        raise ProjectFileError(f"{source}: {excerpt_message(exc)}") from None
    except RecursionError:  # a validator walking a value nested too deeply
        raise ProjectFileError(f"{source}: a value is nested too deeply") from None
    except ValidationError as exc:
        raise ProjectFileError(f"{source}: {describe_validation_error(exc)}") from None


def _current_document(text: str | bytes) -> Project | None:
    """A valid document of the current schema version, read and validated in one pass by
    pydantic's own JSON reader (a third faster than `json.loads` and validating the objects:
    opening 5,000 types, docs/performance.md); None for anything else, which `parse_project`
    then reads the careful way: migrating an older version, or explaining the mistake."""
    try:
        project = Project.model_validate_json(text)
    except (ValidationError, ValueError, RecursionError):
        return None
    if "schema_version" not in project.model_fields_set or \
            project.schema_version != SCHEMA_VERSION:
        return None  # no version (an error) or another one (migrated, or an error)
    return project


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read a project file; every failure is a ProjectFileError with a one-line message."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ProjectFileError(f"{path}: cannot read ({reason})") from None
    return parse_project(data, source=path.name)


def dump_project(project: Project) -> str:
    """The document as pretty, stable JSON."""
    return project.model_dump_json(indent=2) + "\n"


def save_project(project: Project, path: str | os.PathLike[str], *,
                 dash_is_stdout: bool = False) -> None:
    """Save with `file_write.write_text` (atomic, keeps mode and owner); OSError if refused."""
    write_text(path, dump_project(project), dash_is_stdout=dash_is_stdout)


def example_text() -> str:
    """The built-in example's JSON text, installed or not."""
    return resources.files("resources.examples").joinpath(EXAMPLE_NAME).read_text("utf-8")


def load_example() -> Project:
    """The article's "Mid-size financial services firm"."""
    return parse_project(example_text(), source=EXAMPLE_NAME)
