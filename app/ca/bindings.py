"""Row images: what the audit log records of each ledger row it changes, and their comparison.

Every audit entry that changes a request, approval, certificate or renewal notice carries the
row's canonical content as it stands after the change (`detail["rows"]`). The audit chain
protects those images, so `verify` can tell exactly which row was edited in SQLite behind the
CA's back, and the CRL is built from the images rather than from the mutable table.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

ROWS_KEY = "rows"  # where an audit entry's detail keeps its row images


@dataclass(frozen=True, slots=True)
class BoundTable:
    """A ledger table whose rows audit entries bind: its name in labels and its key."""

    table: str
    noun: str
    key: tuple[str, ...]
    stamped: bool  # has an audit_seq column pointing at the row's latest entry


TABLES = (
    BoundTable("requests", "request", ("id",), stamped=True),
    BoundTable("approvals", "approval", ("id",), stamped=True),
    BoundTable("certificates", "certificate", ("serial",), stamped=True),
    BoundTable("renewal_notices", "notice", ("serial", "days_before"), stamped=False),
)
_BY_NAME = {t.table: t for t in TABLES}
# Long columns go into the image as their SHA-256: the chain protects them just as well.
DIGESTED = frozenset({"pem", "csr_pem", "profile", "policy"})


@dataclass(frozen=True, slots=True)
class RowRef:
    """One row of a bound table, by its key values."""

    table: str
    key: tuple[Any, ...]

    @property
    def label(self) -> str:
        """How problems name the row: `certificate 1a2b`, `notice 1a2b/90`."""
        return f"{_BY_NAME[self.table].noun} {'/'.join(str(k) for k in self.key)}"

    def where(self) -> tuple[str, tuple[Any, ...]]:
        columns = _BY_NAME[self.table].key
        return " AND ".join(f"{c} = ?" for c in columns), self.key


def request_row(request_id: int) -> RowRef:
    return RowRef("requests", (request_id,))


def approval_row(approval_id: int) -> RowRef:
    return RowRef("approvals", (approval_id,))


def certificate_row(serial: str) -> RowRef:
    return RowRef("certificates", (serial,))


def notice_row(serial: str, days_before: int) -> RowRef:
    return RowRef("renewal_notices", (serial, days_before))


def digest(value: Any) -> str:
    """How an image holds a long column (`DIGESTED`)."""
    return "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def _image(names: Iterable[str], values: Iterable[Any]) -> dict[str, Any]:
    image: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        if name in DIGESTED and value is not None:
            value = digest(value)
        image[name] = value
    return image


def stamp(conn: sqlite3.Connection, ref: RowRef, seq: int) -> None:
    """Point the row at the audit entry of its latest change (tables with audit_seq)."""
    if _BY_NAME[ref.table].stamped:
        where, args = ref.where()
        conn.execute(f"UPDATE {ref.table} SET audit_seq = ? WHERE {where}", (seq, *args))


def row_image(conn: sqlite3.Connection, ref: RowRef) -> dict[str, Any] | None:
    """The row's canonical content (None: no such row)."""
    where, args = ref.where()
    cursor = conn.execute(f"SELECT * FROM {ref.table} WHERE {where}", args)
    row = cursor.fetchone()
    return None if row is None else _image((d[0] for d in cursor.description), row)


def all_row_images(conn: sqlite3.Connection) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, image) of every row of every bound table."""
    for table in TABLES:
        cursor = conn.execute(f"SELECT * FROM {table.table}")
        names = [d[0] for d in cursor.description]
        positions = [names.index(k) for k in table.key]
        for row in cursor:
            ref = RowRef(table.table, tuple(row[p] for p in positions))
            yield ref.label, _image(names, row)


def compare(label: str, seq: int, recorded: dict[str, Any] | None,
            actual: dict[str, Any] | None) -> str | None:
    """One line naming what differs between a row and its latest audit image, or None."""
    if recorded == actual:
        return None
    if actual is None:
        return f"{label}, recorded by audit entry {seq}, is missing from the ledger (deleted)"
    if recorded is None:
        return f"{label} is in the ledger, but audit entry {seq} recorded it as absent"
    columns = sorted(set(recorded) | set(actual))
    changes = [f"{c} is {_shown(c, actual.get(c))} (recorded {_shown(c, recorded.get(c))})"
               for c in columns if recorded.get(c) != actual.get(c)]
    return f"{label} was changed after audit entry {seq}: " + "; ".join(changes)


def _shown(column: str, value: Any) -> str:
    if value is None:
        return "NULL"
    if column in DIGESTED:
        return f"{str(value)[:19]}…"
    return repr(value)


def images_of(bound: dict[str, tuple[int, dict[str, Any] | None]], table: str
              ) -> list[dict[str, Any]]:
    """The latest recorded image of every row of `table`, from `Ledger.bound_rows()`."""
    prefix = _BY_NAME[table].noun + " "
    return [image for label, (_seq, image) in bound.items()
            if label.startswith(prefix) and image is not None]
