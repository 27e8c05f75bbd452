"""The row index (`audit_rows`): which audit entries record each ledger row, by row label.

It finds a row's latest audited image with one indexed lookup instead of a walk of the chain,
so every state change can first hold the rows it touches against the audit log
(`Ledger.row_problems`): an SQLite edit made before a revoke or an approval is refused, not
recorded as if the CA had made it. The index is append-only like the log it points into, and
`verify` holds it against the chain, so a pair deleted from it or added to it is reported.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from app.ca import audit_chain
from app.ca.audit_chain import entry_hash
from app.ca.bindings import ROWS_KEY, RowRef, row_image

TABLE = "audit_rows"
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS audit_rows (label TEXT NOT NULL, "
    "seq INTEGER NOT NULL REFERENCES audit(seq), PRIMARY KEY (label, seq)) WITHOUT ROWID",
    "CREATE TRIGGER IF NOT EXISTS audit_rows_no_update BEFORE UPDATE ON audit_rows "
    "BEGIN SELECT RAISE(ABORT, 'the row index is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_rows_no_delete BEFORE DELETE ON audit_rows "
    "BEGIN SELECT RAISE(ABORT, 'the row index is append-only'); END",
)
TRIGGERS = ("audit_rows_no_update", "audit_rows_no_delete")
# The newest entry the index names for a row; the primary key makes it one index seek.
_LATEST = ("SELECT a.* FROM audit_rows r JOIN audit a ON a.seq = r.seq "
           "WHERE r.label = ? ORDER BY r.seq DESC LIMIT 1")

Pairs = set[tuple[str, int]]  # (row label, seq of an audit entry recording it)


def create(conn: sqlite3.Connection) -> None:
    """Create the table and its triggers inside the caller's transaction (no implicit COMMIT,
    unlike `executescript`)."""
    for statement in SCHEMA:
        conn.execute(statement)


def add(conn: sqlite3.Connection, labels: Iterable[str], seq: int) -> None:
    """Note that audit entry `seq` records these rows."""
    conn.executemany("INSERT INTO audit_rows VALUES (?, ?)", [(lb, seq) for lb in labels])


def rebuild(conn: sqlite3.Connection) -> None:
    """Fill the index from the whole chain: once, when a ledger is upgraded to carry it."""
    entries = conn.execute("SELECT seq, detail FROM audit ORDER BY seq").fetchall()
    conn.executemany("INSERT OR IGNORE INTO audit_rows VALUES (?, ?)",
                     [(label, seq) for seq, label, _ in audit_chain.recorded_images(entries)])


def pairs(conn: sqlite3.Connection) -> Pairs | None:
    """Every (label, seq) pair in the index; None when the table is gone."""
    try:
        return {(str(lb), int(s)) for lb, s in conn.execute("SELECT label, seq FROM audit_rows")}
    except sqlite3.OperationalError:
        return None


def row_problem(conn: sqlite3.Connection, ref: RowRef) -> str | None:
    """Verify's line for one row, from its latest entry in the index (None: as recorded).

    Raises:
        sqlite3.OperationalError: the index table was dropped (`verify` names that).
    """
    entry = conn.execute(_LATEST, (ref.label,)).fetchone()
    actual = row_image(conn, ref)
    if entry is None:
        return audit_chain.row_problem(ref.label, None, actual)
    seq, at, actor, action, subject, detail, prev_hash, digest = entry
    if entry_hash(seq, at, actor, action, subject, detail, prev_hash) != digest:
        return f"audit entry {seq}, the latest to record {ref.label}, was edited: its hash " \
            "does not match"
    images = _images(detail)
    if ref.label not in images:
        return f"the row index names audit entry {seq} for {ref.label}, but the entry does " \
            "not record it (audit_rows edited)"
    return audit_chain.row_problem(ref.label, (seq, images[ref.label]), actual)


def latest_image(conn: sqlite3.Connection, ref: RowRef) -> dict[str, Any] | None:
    """The row's image in its latest audit entry (None: no entry records it, or as absent).

    Raises:
        sqlite3.OperationalError: the index table was dropped.
        ValueError: that entry was edited (its hash does not match).
    """
    entry = conn.execute(_LATEST, (ref.label,)).fetchone()
    if entry is None:
        return None
    seq, at, actor, action, subject, detail, prev_hash, digest = entry
    if entry_hash(seq, at, actor, action, subject, detail, prev_hash) != digest:
        raise ValueError(f"audit entry {seq}, the latest to record {ref.label}, was edited")
    image: dict[str, Any] | None = _images(detail).get(ref.label)
    return image


def _images(detail: str) -> dict[str, Any]:
    try:
        images = json.loads(detail).get(ROWS_KEY)
    except (ValueError, AttributeError):
        return {}
    return images if isinstance(images, dict) else {}


def index_problems(recorded: Pairs, indexed: Pairs | None) -> list[str]:
    """The index against the chain (for `verify`): every pair one has and the other lacks."""
    if indexed is None:
        return [f"the row index ({TABLE}) was dropped"]
    missing = [f"the row index lacks audit entry {seq}'s record of {label} (deleted from "
               f"{TABLE})" for label, seq in sorted(recorded - indexed, key=_by_seq)]
    invented = [f"the row index names audit entry {seq} for {label}, but the entry does not "
                f"record it ({TABLE} edited)" for label, seq in sorted(indexed - recorded,
                                                                       key=_by_seq)]
    return missing + invented


def _by_seq(pair: tuple[str, int]) -> tuple[int, str]:
    return pair[1], pair[0]
