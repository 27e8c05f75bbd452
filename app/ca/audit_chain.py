"""The audit log's integrity, as pure functions: entry hashes, the chain walk, row images held
against the rows they recorded. `Ledger.verify` reads the SQLite tables and calls these.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from app.ca import bindings
from app.ca.records import canonical_json

GENESIS = "0" * 64
CRL_ACTION = "crl"  # the audit action of a signed CRL; its subject is `crl_subject(number)`
ROOT_CRL_ACTION = "root-crl"  # the same for a CRL the root signs (of subordinate CAs)
# label -> (seq of the latest entry binding the row, the row's image; None: recorded absent)
BoundRows = dict[str, tuple[int, dict[str, Any] | None]]


def entry_hash(seq: int, at: str, actor: str, action: str, subject: str, detail: str,
               prev_hash: str) -> str:
    """SHA-256 over the entry's fields and its predecessor's hash: the chain's link."""
    material = canonical_json([seq, at, actor, action, subject, detail, prev_hash])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class AuditReport:
    """The result of `verify`: how many entries, the head hash to note down, any problems."""

    entries: int
    head: str
    problems: tuple[str, ...]
    # The problems with table rows (edited, inserted, deleted, index): the CRL, read from
    # the chain alone, still holds; every other problem means the chain cannot be trusted.
    row_level: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def chain_ok(self) -> bool:
        """The chain, its head and its CRL numbers are intact (rows may still differ)."""
        return set(self.problems) <= set(self.row_level)


def walk_chain(rows: list[tuple[Any, ...]], *, start: tuple[int, str] = (1, GENESIS)
               ) -> tuple[str, list[str]]:
    """The head (`seq:hash`) the entries lead to, and every break in their chain.

    Args:
        start: the sequence number the first row must have and the hash it must link to (a
            walk that continues from a head already verified).
    """
    problems: list[str] = []
    expected, prev = start
    for seq, at, actor, action, subject, detail, prev_hash, digest in rows:
        if seq != expected:
            problems.append(f"audit entries {expected}–{seq - 1} are missing (deleted)")
        if prev_hash != prev:
            problems.append(f"audit entry {seq} does not link to the entry before it")
        if entry_hash(seq, at, actor, action, subject, detail, prev_hash) != digest:
            problems.append(f"audit entry {seq} was edited: its hash does not match")
        prev, expected = digest, seq + 1
    return (f"{expected - 1}:{prev}" if rows or start[0] > 1 else f"0:{GENESIS}"), problems


def head_problems(head: str, stored_head: str | None) -> list[str]:
    """The chain's head against the one kept in `meta`: deleting the newest entries shows."""
    if stored_head is None or stored_head == head:
        return []
    last, stored_seq = int(head.split(":")[0]), int(stored_head.split(":")[0])
    return [f"audit entries {last + 1}–{stored_seq} are missing (deleted)"
            if stored_seq > last else "the recorded audit head was altered"]


def recorded_images(entries: list[tuple[int, str]]) -> list[tuple[int, str, Any]]:
    """(seq, label, image) of every row each entry records, oldest first, from (seq, detail)."""
    recorded: list[tuple[int, str, Any]] = []
    for seq, detail in entries:
        try:
            images = json.loads(detail).get(bindings.ROWS_KEY) or {}
        except (ValueError, AttributeError):  # an edited entry; its hash already says so
            continue
        recorded += [(seq, label, image) for label, image in images.items()]
    return recorded


def latest_images(recorded: list[tuple[int, str, Any]]) -> BoundRows:
    """Label -> (seq, image) of the latest entry recording each row (`recorded_images`)."""
    return {label: (seq, image) for seq, label, image in recorded}


def bound_rows(entries: list[tuple[int, str]]) -> BoundRows:
    """Label -> (seq, image) of the latest entry binding each row, from (seq, detail) pairs."""
    return latest_images(recorded_images(entries))


def row_problem(label: str, latest: tuple[int, dict[str, Any] | None] | None,
                actual: dict[str, Any] | None) -> str | None:
    """One row against its latest audit image (None: no entry records it), or None if equal."""
    if latest is None:
        return None if actual is None else \
            f"{label} is in the ledger, but no audit entry records it (inserted by hand)"
    return bindings.compare(label, latest[0], latest[1], actual)


def row_problems(bound: BoundRows, current: dict[str, dict[str, Any]]) -> list[str]:
    """Every row that differs from its latest audit image, or that no entry recorded."""
    unrecorded = [(label, None) for label in current if label not in bound]
    checked = (row_problem(label, latest, current.get(label))
               for label, latest in [*unrecorded, *bound.items()])
    return [problem for problem in checked if problem]


def crl_subject(number: int, action: str = CRL_ACTION) -> str:
    """The audit subject of CRL `number` (`crl 3`, or `root crl 1` for the root's CRLs):
    where each CA's CRL numbers are kept, chained."""
    return f"{action.replace('-', ' ')} {number}"


def last_crl_number(entries: Iterable[tuple[str, str]], action: str = CRL_ACTION, *,
                    start: int = 0) -> int:
    """The number of the newest CRL of `action` among (action, subject) audit pairs; `start`
    (0: before the first) when they hold none."""
    last = start
    prefix = crl_subject(0, action).removesuffix("0")
    for entry_action, subject in entries:
        if entry_action == action:
            try:
                last = int(subject.removeprefix(prefix))
            except ValueError:  # an edited entry; its hash already says so
                continue
    return last


def crl_number_problems(stored: str | None, last: int) -> list[str]:
    """The CRL number `meta` keeps (for Certroutes that read it) against the audit log's."""
    if stored == (str(last) if last else None):
        return []
    recorded = f"number {last}" if last else "none"
    return [f"the CRL number in meta is {stored or 'missing'}, but the audit log's newest CRL "
            f"is {recorded} (edited in SQLite)"]
