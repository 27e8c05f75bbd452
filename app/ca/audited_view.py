"""AuditedView: the ledger as `verify` sees it, kept current from the last verified head on.

`Ledger.inspect` walks the whole chain and reads every row (1.4 s at 10,000 certificates);
the Issue tab needs its findings after every action. The view does that full walk once (on
open, and whenever another connection has written to the file since: SQLite's
`data_version`), then on each refresh walks only the entries after the head it verified,
re-reads only the rows those entries record, and keeps the rest of what it found. Entries at
or before the verified head are not hashed again until the next full verify (`verify`, on
demand), but the verified head must still be in the chain with the same hash, and any write
by another connection — the sqlite3 shell included — makes the next refresh a full one.
"""

from __future__ import annotations

import bisect
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.ca import audit_chain, bindings, checkpoint, row_index
from app.ca.audit_chain import AuditReport, BoundRows
from app.ca.audited_state import audited_certificate
from app.ca.calendar_view import CalendarView
from app.ca.errors import CaError
from app.ca.records import CertificateRecord, RenewalNotice

if TYPE_CHECKING:
    from app.ca.ledger import Ledger

_NOUNS = {t.noun: t for t in bindings.TABLES}


def row_ref(label: str) -> bindings.RowRef:
    """The row a label (`certificate 1a2b`, `notice 1a2b/90`) names."""
    noun, _, key = label.partition(" ")
    table = _NOUNS[noun]
    parts = key.split("/")
    values = tuple(int(p) if column in ("id", "days_before") else p
                   for column, p in zip(table.key, parts, strict=True))
    return bindings.RowRef(table.table, values)


@dataclass
class _State:
    """What the last verification found, to continue from."""

    data_version: int
    head_seq: int
    head_hash: str
    chain_problems: list[str]
    hashes: dict[int, str]  # seq -> hash of every entry: what the checkpoint is held against
    bound: BoundRows
    recorded: set[tuple[str, int]]
    index_problems: list[str]
    current: dict[str, dict[str, Any]]
    row_problems: dict[str, str]  # label -> verify's line for the row
    reference_problems: dict[str, str]  # label -> its audit entry is missing
    last_crl: int
    records: list[CertificateRecord]  # the certificates table, by (issued_at, serial)
    listed: dict[str, CertificateRecord] = field(default_factory=dict)  # serial -> marked
    listed_ok: bool | None = None


def _reference_problem(label: str, image: dict[str, Any] | None, last: int) -> str | None:
    seq = None if image is None else image.get("audit_seq")
    if seq is None or 1 <= seq <= last:
        return None
    return f"{label}: its audit entry {seq} is missing"


class AuditedView:
    """A ledger's verify report and audited certificate list, refreshed incrementally."""

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self._state: _State | None = None
        self._calendar = CalendarView()
        self._checkpoint = checkpoint.Reader(ledger.checkpoint_path)

    def reset(self) -> None:
        """Verify in full at the next refresh."""
        self._state = None

    def refresh(self) -> tuple[AuditReport, BoundRows]:
        """The report `Ledger.inspect()` would give (problems in its order within each kind)
        and each row's latest audited image."""
        ledger = self._ledger
        with ledger.snapshot():
            conn = ledger.conn
            version = int(conn.execute("PRAGMA data_version").fetchone()[0])
            state = self._state
            tip = None if state is None else conn.execute(
                "SELECT hash FROM audit WHERE seq = ?", (state.head_seq,)).fetchone()
            if state is None or state.data_version != version or (
                    state.head_seq and (tip is None or tip[0] != state.head_hash)):
                state = self._state = self._full(conn, version)
                self._calendar.rebuild(state.bound)
                self._checkpoint = checkpoint.Reader(ledger.checkpoint_path)
            else:
                self._advance(conn, state)
            return self._report(conn, state), state.bound

    def certificates(self) -> list[CertificateRecord]:
        """`Ledger.certificates()`: the table's rows with the audit log's revocations, each
        marked with what `verify` finds."""
        report, bound = self.refresh()
        state = self._state
        assert state is not None
        if state.listed_ok is not report.ok:
            state.listed, state.listed_ok = {}, report.ok
        listed = []
        for record in state.records:
            marked = state.listed.get(record.serial)
            if marked is None:
                marked = state.listed[record.serial] = _marked(record, bound, state, report.ok)
            listed.append(marked)
        return listed

    def renewals(self, now: str) -> list[RenewalNotice]:
        """`renewal_calendar(bound, now=now)` of the rows as refreshed."""
        self.refresh()
        return self._calendar.entries(now)

    # --- the work ------------------------------------------------------------------------

    def _full(self, conn: sqlite3.Connection, version: int) -> _State:
        found = self._ledger.inspection()
        last = max(found.hashes, default=0)
        state = _State(
            data_version=version, head_seq=last, head_hash=found.hashes.get(last, ""),
            chain_problems=list(found.chain_problems), hashes=dict(found.hashes),
            bound=found.bound, recorded=set(found.recorded),
            index_problems=list(found.index_problems), current=found.current,
            row_problems={}, reference_problems={}, last_crl=found.last_crl,
            records=self._ledger.certificate_rows())
        for label in {*found.current, *found.bound}:
            self._check_row(state, label)
        return state

    def _advance(self, conn: sqlite3.Connection, state: _State) -> bool:
        """Walk the entries after the verified head; re-read the rows they record. False:
        there were none."""
        new = conn.execute("SELECT * FROM audit WHERE seq > ? ORDER BY seq",
                           (state.head_seq,)).fetchall()
        if not new:
            return False
        _head, problems = audit_chain.walk_chain(
            new, start=(state.head_seq + 1, state.head_hash or audit_chain.GENESIS))
        state.chain_problems += problems
        recorded = audit_chain.recorded_images([(r[0], r[5]) for r in new])
        pairs = {(label, seq) for seq, label, _ in recorded}
        indexed = {(str(lb), int(s)) for lb, s in conn.execute(
            "SELECT label, seq FROM audit_rows WHERE seq > ?", (state.head_seq,))}
        state.index_problems += row_index.index_problems(pairs, indexed)
        state.recorded |= pairs
        state.last_crl = audit_chain.last_crl_number(
            [(r[3], r[4]) for r in new], start=state.last_crl)
        state.head_seq, state.head_hash = new[-1][0], new[-1][7]
        state.hashes.update((r[0], r[7]) for r in new)
        touched = {label for _seq, label, _image in recorded}
        state.bound.update(audit_chain.latest_images(recorded))
        self._calendar.update(state.bound, touched)
        serials = []
        for label in touched:
            ref = row_ref(label)
            image = bindings.row_image(conn, ref)
            if image is None:
                state.current.pop(label, None)
            else:
                state.current[label] = image
            if ref.table == "certificates":
                serials.append(ref.key[0])
            self._check_row(state, label)
        self._reread_certificates(conn, state, serials)
        return True

    def _reread_certificates(self, conn: sqlite3.Connection, state: _State,
                             serials: list[str]) -> None:
        if not serials:
            return
        wanted = set(serials)
        state.records = [r for r in state.records if r.serial not in wanted]
        for serial in serials:
            state.listed.pop(serial, None)
            try:
                record = self._ledger.certificate(serial, conn)
            except CaError:  # the row was deleted: its row problem says so
                continue
            bisect.insort(state.records, record, key=lambda r: (r.issued_at, r.serial))

    @staticmethod
    def _check_row(state: _State, label: str) -> None:
        problem = audit_chain.row_problem(label, state.bound.get(label),
                                          state.current.get(label))
        if problem:
            state.row_problems[label] = problem
        else:
            state.row_problems.pop(label, None)
        reference = _reference_problem(label, state.current.get(label), state.head_seq)
        if reference:
            state.reference_problems[label] = reference
        else:
            state.reference_problems.pop(label, None)

    def _report(self, conn: sqlite3.Connection, state: _State) -> AuditReport:
        from app.ca.ledger import CHECKPOINT_VERSION, CRL_NUMBER_KEY, TRIGGERS

        ledger = self._ledger
        triggers = {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        head = f"{state.head_seq}:{state.head_hash or audit_chain.GENESIS}"
        problems = [f"the append-only trigger {t} was removed" for t in TRIGGERS
                    if t not in triggers]
        problems += state.chain_problems
        problems += audit_chain.head_problems(head, ledger.meta("audit_head"))
        problems += self._checkpoint.problems(
            state.hashes, required=ledger.version(conn) >= CHECKPOINT_VERSION)
        row_level = audit_chain.crl_number_problems(ledger.meta(CRL_NUMBER_KEY),
                                                    state.last_crl)
        row_level += list(state.reference_problems.values())
        row_level += list(state.row_problems.values())
        row_level += state.index_problems
        problems += row_level
        return AuditReport(state.head_seq, head, tuple(problems), tuple(row_level))


def _marked(record: CertificateRecord, bound: BoundRows, state: _State,
            ok: bool) -> CertificateRecord:
    label = bindings.certificate_row(record.serial).label
    return audited_certificate(record, bound.get(label), state.current.get(label),
                               ledger_verified=ok)
