"""Edits as pure functions Project -> Project, pushed to the store as one undo step each."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ValidationError

from app.gui.store import ProjectStore
from models.certificate import CertificateType
from models.enums import BlastRadius, CaKind, Identity, Purpose, Validity
from models.project import Project
from models.project_file import describe_validation_error
from models.spreadsheet_text import PastedRow


def _validated(model: type[BaseModel], old: BaseModel, **changes: Any) -> Any:
    # model_validate, not model_copy(update=...): pydantic does not validate `update` data.
    return model.model_validate({**old.model_dump(), **changes})


def _with_types(project: Project, types: list[CertificateType]) -> Project:
    return project.model_copy(update={"types": tuple(types)})


def edit_type(store: ProjectStore, row: int, text: str, *, merge: bool = False,
              **changes: Any) -> bool:
    """Change fields of the type in `row`; invalid values are reported, nothing is pushed."""
    project = store.project
    try:
        new = _validated(CertificateType, project.types[row], **changes)
    except ValidationError as exc:
        store.error.emit(f"{project.types[row].name}: {describe_validation_error(exc)}")
        return False
    types = list(project.types)
    types[row] = new
    key = f"type:{new.id}:{','.join(sorted(changes))}" if merge else None
    return store.edit(_with_types(project, types), text, rows=(row,), merge_key=key)


def edit_organisation(store: ProjectStore, text: str, *, merge: bool = False,
                      **changes: Any) -> bool:
    project = store.project
    try:
        org = _validated(type(project.organisation), project.organisation, **changes)
    except ValidationError as exc:
        store.error.emit(f"Organisation: {describe_validation_error(exc)}")
        return False
    return store.edit(project.model_copy(update={"organisation": org}), text,
                      merge_key=f"org:{','.join(sorted(changes))}" if merge else None)


def set_as_of(store: ProjectStore, as_of: dt.date) -> bool:
    """Judge the design against the public rules of another date (one undo step)."""
    return store.edit(store.project.model_copy(update={"as_of": as_of}),
                      f"Set rules as of {as_of.isoformat()}")


def edit_section(store: ProjectStore, section: str, value: BaseModel, text: str, *,
                 merge_key: str | None = None) -> bool:
    """Replace a whole validated section (assessment, cost) of the project."""
    return store.edit(store.project.model_copy(update={section: value}), text,
                      merge_key=merge_key)


NEW_TYPE_FIELDS: dict[str, Any] = {
    "name": "New certificate type", "purpose": Purpose.TLS_INTERNAL, "ca": CaKind.PRIVATE,
    "validity": Validity.MEDIUM, "identity": Identity.STRONG, "blast_radius": BlastRadius.LOW}

Marks = dict[tuple[str, str], str]  # (type id, field) -> why the pasted cell was not read


def add_type(store: ProjectStore, after_row: int | None = None) -> int:
    """Insert a new standard type after `after_row` (or at the end); returns its row."""
    project = store.project
    new = CertificateType.model_validate({**NEW_TYPE_FIELDS, "id": project.new_type_id()})
    row = len(project.types) if after_row is None else after_row + 1
    types = list(project.types)
    types.insert(row, new)
    store.edit(_with_types(project, types), "Add certificate type", rows=None)
    return row


def duplicate_type(store: ProjectStore, row: int) -> int:
    project = store.project
    source = project.types[row]
    # A fresh short id (not source id + suffix, which grew past the 64-character limit on
    # repeated duplication), and a validated copy.
    copy = _validated(CertificateType, source, id=project.new_type_id(),
                      name=f"{source.name} (copy)"[:200])
    types = list(project.types)
    types.insert(row + 1, copy)
    store.edit(_with_types(project, types), f"Duplicate {source.name}", rows=None)
    return row + 1


def remove_types(store: ProjectStore, rows: list[int]) -> None:
    project = store.project
    gone = set(rows)
    types = [t for r, t in enumerate(project.types) if r not in gone]
    names = ", ".join(project.types[r].name for r in sorted(gone))
    store.edit(_with_types(project, types), f"Delete {names}", rows=None)


def move_type(store: ProjectStore, row: int, delta: int) -> int:
    """Move the type in `row` up (-1) or down (+1); returns its new row."""
    project = store.project
    target = row + delta
    if not 0 <= target < len(project.types):
        return row
    types = list(project.types)
    types[row], types[target] = types[target], types[row]
    store.edit(_with_types(project, types), f"Move {types[target].name}", rows=None)
    return target



def _pasted_type(base: dict[str, Any], pasted: PastedRow, marks: Marks) -> CertificateType:
    """`base` with the pasted fields that validate; the rest are marked and keep `base`."""
    unread = dict(pasted.unreadable)
    fields = {**base, **pasted.values}
    try:
        ctype = CertificateType.model_validate(fields)
    except ValidationError:  # find the fields at fault, one by one
        fields = dict(base)
        for key, value in pasted.values.items():
            try:
                CertificateType.model_validate({**fields, key: value})
            except ValidationError as exc:
                unread[key] = f"{value!r}: {describe_validation_error(exc)}"
            else:
                fields[key] = value
        ctype = CertificateType.model_validate(fields)
    for key, reason in unread.items():
        marks[(ctype.id, key)] = reason
    return ctype


def paste_types(store: ProjectStore, overwrite: list[tuple[int, PastedRow]],
                append: list[PastedRow]) -> tuple[list[int], Marks] | None:
    """Write pasted rows over the types in their rows and append the others as new types,
    all as ONE undo step. Returns the appended rows and the cells that could not be read
    (they keep the type's value, or the new-type default); None when nothing changed."""
    project = store.project
    types = list(project.types)
    marks: Marks = {}
    for row, pasted in overwrite:
        types[row] = _pasted_type(types[row].model_dump(), pasted, marks)
    appended = []
    for n, pasted in enumerate(append, start=1):
        type_id = _with_types(project, types).new_type_id()
        base = {**NEW_TYPE_FIELDS, "id": type_id, "name": f"Pasted type {n}"}
        appended.append(len(types))
        types.append(_pasted_type(base, pasted, marks))
    if overwrite and append:
        text = f"Paste over {len(overwrite)} and add {len(append)} certificate types"
    elif append:
        text = f"Paste {len(append)} certificate type" + ("s" if len(append) > 1 else "")
    else:
        text = "Paste into " + ", ".join(dict.fromkeys(types[r].name for r, _ in overwrite))
    rows = None if append else tuple(sorted({r for r, _ in overwrite}))
    if not store.edit(_with_types(project, types), text[:120], rows=rows):
        return None if not marks else ([], marks)
    return appended, marks
