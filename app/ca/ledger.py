"""The CA ledger (SQLite in the CA folder): requests, approvals, certificates, hash-chained audit.

Every state change and its audit entry are written in one `BEGIN IMMEDIATE` transaction, so a
crash loses a change and its log entry together or neither (SPEC.md §3), and two processes
acting on one request are serialised by SQLite's write lock.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.ca import audit_chain, bindings, checkpoint, row_index
from app.ca.audit_chain import GENESIS, BoundRows, entry_hash
from app.ca.audit_chain import AuditReport as AuditReport  # verify()'s result, re-exported
from app.ca.audited_view import AuditedView
from app.ca.bindings import RowRef
from app.ca.errors import CaError, Refused
from app.ca.files import FILE_MODE
from app.ca.records import (
    Approval,
    ApprovalPolicy,
    AuditEntry,
    CertificateRecord,
    Request,
    RequestState,
    canonical_json,
)

_log = logging.getLogger(__name__)
LEDGER = "ledger.sqlite3"
BUSY_TIMEOUT_S = 30.0
# 1: the audit log alone was hash-chained. 2: audit entries also bind the rows they change
# (app.ca.bindings). 3: the row index (app.ca.row_index) finds each row's latest image, so
# changes check their rows first. The version lives in the chained log (the init entry, then
# upgrades), not in a mutable table. 4: every commit's head is appended to the checkpoint file
# beside the ledger (app.ca.checkpoint), which `verify` then requires.
LEDGER_VERSION = 4
CHECKPOINT_VERSION = 4
UPGRADE_ACTION = "upgrade-ledger"
# Written after each CRL for Certroutes that number CRLs from it; this one numbers them from
# the audit log (`last_crl_number`), and `verify` reports a value that differs from it.
CRL_NUMBER_KEY = "crl_number"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type_id TEXT NOT NULL, type_name TEXT NOT NULL,
    requester TEXT NOT NULL, justification TEXT NOT NULL,
    csr_pem TEXT NOT NULL, validity_days INTEGER NOT NULL CHECK (validity_days > 0),
    profile TEXT NOT NULL, policy TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN
        ('pending', 'approved', 'rejected', 'expired', 'fulfilled', 'acknowledged')),
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    closed_reason TEXT NOT NULL DEFAULT '', serial TEXT,
    audit_seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    approver TEXT NOT NULL, approver_key TEXT NOT NULL, role TEXT NOT NULL,
    decision TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
    confirmed TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'expired')),
    audit_seq INTEGER NOT NULL
);
-- Separation of duties in the schema too: one live decision per person per request.
CREATE UNIQUE INDEX IF NOT EXISTS one_live_decision
    ON approvals(request_id, approver_key) WHERE state = 'active';
CREATE TABLE IF NOT EXISTS certificates (
    serial TEXT PRIMARY KEY,
    type_id TEXT NOT NULL, workflow TEXT NOT NULL,
    request_id INTEGER REFERENCES requests(id),
    subject TEXT NOT NULL, names TEXT NOT NULL,
    not_before TEXT NOT NULL, not_after TEXT NOT NULL,
    fingerprint TEXT NOT NULL, pem TEXT NOT NULL,
    identity TEXT NOT NULL DEFAULT '', renew_at TEXT,
    issued_at TEXT NOT NULL, revoked_at TEXT, revocation_reason TEXT,
    audit_seq INTEGER NOT NULL
);
-- No double issuance: at most one certificate per request, whatever the callers do.
CREATE UNIQUE INDEX IF NOT EXISTS one_certificate_per_request
    ON certificates(request_id) WHERE request_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS renewal_notices (
    serial TEXT NOT NULL REFERENCES certificates(serial),
    days_before INTEGER NOT NULL, due_at TEXT NOT NULL,
    PRIMARY KEY (serial, days_before)
);
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""
TRIGGERS = ("audit_no_update", "audit_no_delete", *row_index.TRIGGERS)


@dataclass(frozen=True, slots=True)
class Inspection:
    """A full verify and the parts of it an incremental refresh continues from."""

    report: AuditReport
    bound: BoundRows
    current: dict[str, dict[str, Any]]
    chain_problems: list[str]
    hashes: dict[int, str]  # seq -> hash of every entry
    recorded: set[tuple[str, int]]  # (row label, seq of an entry recording it)
    index_problems: list[str]
    last_crl: int


class Ledger:
    """One SQLite connection to a CA folder's ledger; thread-safe through one lock."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        if create:
            # Created owner-only before SQLite opens it; its -wal/-shm files copy this mode.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        elif not path.is_file():
            raise CaError(f"{path.parent} has no ledger ({LEDGER})")
        self.path = path
        self.checkpoint_path = path.with_name(checkpoint.CHECKPOINT)
        self._lock = threading.RLock()
        self._head: str | None = None  # appended by this transaction, for the checkpoint
        self.view = AuditedView(self)
        self._entries: dict[tuple[Any, ...], AuditEntry] = {}  # `audit`'s parsed rows
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S,
                                    check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")  # a committed approval survives a crash
        self.conn.execute("PRAGMA foreign_keys = ON")
        if create:
            self.conn.executescript(SCHEMA + "".join(f"{s};\n" for s in row_index.SCHEMA))
            checkpoint.create(self.checkpoint_path, None)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; a `Refused` commits (its audit entry stays), others roll back.

        After a commit that appended audit entries, the new head goes to the checkpoint.
        """
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            self._head = None
            try:
                yield self.conn
            except Refused:
                self._commit()
                raise
            except BaseException:
                self._head = None
                self.conn.execute("ROLLBACK")
                raise
            self._commit()

    def _commit(self) -> None:
        self.conn.execute("COMMIT")
        head, self._head = self._head, None
        if head is None:
            return
        try:
            checkpoint.append(self.checkpoint_path, head)
        except OSError as exc:  # committed all the same; the next commit's head catches up
            _log.warning("the audit checkpoint %s was not updated (%s): the change is "
                         "committed", self.checkpoint_path, exc.strerror or exc)

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads that see one state of the file (a read transaction, unless one is open)."""
        with self._lock:
            if self.conn.in_transaction:
                yield
                return
            self.conn.execute("BEGIN")
            try:
                yield
            finally:
                self.conn.execute("COMMIT")

    # --- audit -----------------------------------------------------------------------------

    @staticmethod
    def _next(conn: sqlite3.Connection) -> tuple[int, str]:
        """(sequence number of the next entry, hash of the newest one)."""
        row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0] + 1, row[1]) if row else (1, GENESIS)

    def append(self, conn: sqlite3.Connection, *, at: str, actor: str, action: str,
               subject: str, detail: dict[str, Any]) -> int:
        """Append an audit entry inside the caller's transaction; returns its sequence number."""
        seq, prev = self._next(conn)
        text = canonical_json(detail)
        digest = entry_hash(seq, at, actor, action, subject, text, prev)
        conn.execute("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (seq, at, actor, action, subject, text, prev, digest))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('audit_head', ?)", (f"{seq}:{digest}",))
        self._head = f"{seq}:{digest}"
        return int(seq)

    def record(self, conn: sqlite3.Connection, *, at: str, actor: str, action: str,
               subject: str, detail: dict[str, Any], rows: list[RowRef],
               audited: dict[str, dict[str, Any]] | None = None) -> int:
        """Append the audit entry of a state change, binding the rows it changed.

        Call it after the rows are written: each is pointed at this entry (`audit_seq`) and
        its content, as it now stands, goes into the entry, so `verify` finds any later edit.
        Check existing rows before writing them (`row_problems`), or an edit is recorded too.
        A row in `audited` (label -> its latest audit image with this change's columns) is
        recorded as that image instead, so an SQLite edit is not taken in as the CA's own.
        """
        seq, _ = self._next(conn)
        for ref in rows:
            bindings.stamp(conn, ref, seq)
        images = {ref.label: bindings.row_image(conn, ref) for ref in rows}
        for label, image in (audited or {}).items():
            images[label] = {**image, "audit_seq": seq} if "audit_seq" in image else image
        self.append(conn, at=at, actor=actor, action=action, subject=subject,
                    detail={**detail, bindings.ROWS_KEY: images})
        row_index.add(conn, images, seq)
        return seq

    def row_problems(self, conn: sqlite3.Connection, rows: Iterable[RowRef]) -> list[str]:
        """Verify's line for each row that is not as its latest audit entry recorded it.

        One indexed lookup per row (`app.ca.row_index`), not a walk of the chain: cheap enough
        to run before every change. A row no entry records must not exist yet.

        Raises:
            CaError: the row index was dropped.
        """
        with self._lock:
            try:
                checked = [row_index.row_problem(conn, ref) for ref in rows]
            except sqlite3.OperationalError as exc:
                raise CaError(f"the ledger's row index cannot be read ({exc}): see "
                              "certroute ca verify") from None
        return [problem for problem in checked if problem]

    # --- version ---------------------------------------------------------------------------

    @staticmethod
    def version(conn: sqlite3.Connection) -> int:
        """The ledger version its audit log records: the init entry's, raised by upgrades."""
        first = conn.execute("SELECT detail FROM audit WHERE seq = 1").fetchone()
        version = int(json.loads(first[0]).get("ledger_version", 1)) if first else 1
        if version < LEDGER_VERSION:
            upgraded = conn.execute("SELECT detail FROM audit WHERE action = ? "
                                    "ORDER BY seq DESC LIMIT 1", (UPGRADE_ACTION,)).fetchone()
            if upgraded:
                version = max(version, int(json.loads(upgraded[0])["to"]))
        return version

    def upgrade(self, *, at: str) -> None:
        """Bring a ledger of an older version up to this one, in one logged transaction.

        Version 1 → 2: the `upgrade-ledger` entry binds every row as it stands; rows were not
        protected before it, and are from then on. 2 → 3: the row index is built from the
        chain (rows already bound keep their images; an edit made before stays reported).
        3 → 4: the checkpoint file starts with the chain's head as it stands (a rollback made
        before the upgrade cannot be seen; every later one can).

        Raises:
            CaError: the ledger is of a newer version than this Certroute reads.
        """
        with self._lock:
            version = self.version(self.conn)
            if version > LEDGER_VERSION:
                raise CaError(f"{self.path.name} is ledger version {version}; this Certroute "
                              f"reads versions up to {LEDGER_VERSION}: upgrade Certroute")
            if version == LEDGER_VERSION:
                return
            with self.transaction() as conn:
                if self.version(conn) == LEDGER_VERSION:  # another process was first
                    return
                detail: dict[str, Any] = {"from": version, "to": LEDGER_VERSION}
                if version < 2:
                    detail[bindings.ROWS_KEY] = dict(bindings.all_row_images(conn))
                row_index.create(conn)
                if not self.checkpoint_path.exists():  # from here on the head is kept outside
                    head, _ = audit_chain.walk_chain(
                        conn.execute("SELECT * FROM audit ORDER BY seq").fetchall())
                    checkpoint.create(self.checkpoint_path, head)
                self.append(conn, at=at, actor="system", action=UPGRADE_ACTION,
                            subject="ledger", detail=detail)
                row_index.rebuild(conn)

    def audit(self, *, limit: int | None = None) -> list[AuditEntry]:
        """The log, oldest first (the newest `limit` entries when given)."""
        with self._lock:
            rows = self.conn.execute(
                "SELECT * FROM (SELECT * FROM audit ORDER BY seq DESC LIMIT ?) ORDER BY seq",
                (-1 if limit is None else limit,)).fetchall()
        if limit is None:
            return [_audit_entry(r) for r in rows]
        # The Issue tab lists the newest 200 after every action: an entry read again as it
        # was (every column equal) is the entry parsed before, not its JSON parsed again.
        if len(self._entries) > 4 * limit:
            self._entries.clear()
        return [self._entries.get(r) or self._entries.setdefault(r, _audit_entry(r))
                for r in rows]

    def first_detail(self) -> dict[str, Any]:
        """The detail of the first (init) entry, {} in an empty log: one indexed read."""
        with self._lock:
            row = self.conn.execute("SELECT detail FROM audit WHERE seq = 1").fetchone()
        return dict(json.loads(row[0])) if row else {}

    def has_action(self, action: str) -> bool:
        """Whether any audit entry records `action`."""
        with self._lock:
            return self.conn.execute("SELECT 1 FROM audit WHERE action = ? LIMIT 1",
                                     (action,)).fetchone() is not None

    def verify(self, *, expect_head: str | None = None) -> AuditReport:
        """Walk the chain, then hold every row against the audit entry that last changed it.

        An edited entry breaks its hash, a deleted one the sequence and link; the head is also
        kept in `meta`, so deleting the newest entries shows as well, and so is the number of
        the newest CRL, which must be the one the audit log records. Every request, approval,
        certificate and renewal notice must equal the image its latest audit entry recorded
        (`app.ca.bindings`): an `UPDATE certificates SET revoked_at = NULL` is named with the
        row and the column. The row index must list exactly the rows each entry records.
        Every head the checkpoint file beside the ledger recorded must still be in the chain,
        so deleting the newest entries and resetting `meta` (a rollback) is caught by default.
        Someone who rewrites the chain and the checkpoint is caught only against a head noted
        elsewhere (`expect_head`) or a CRL already published (`CaService.verify`).
        """
        return self.inspect(expect_head=expect_head)[0]

    def inspect(self, *, expect_head: str | None = None
                ) -> tuple[AuditReport, BoundRows, dict[str, dict[str, Any]]]:
        """`verify`'s report, with what it compared: each row's latest image, every row now."""
        found = self.inspection(expect_head=expect_head)
        return found.report, found.bound, found.current

    def inspection(self, *, expect_head: str | None = None) -> Inspection:
        """`inspect`, with the parts of the report an incremental refresh continues from
        (`app.ca.audited_view`)."""
        with self.snapshot():
            rows = self.conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
            triggers = {r[0] for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
            stored_head, stored_crl = self.meta("audit_head"), self.meta(CRL_NUMBER_KEY)
            references = self.conn.execute(
                "SELECT 'request ' || id, audit_seq FROM requests UNION ALL "
                "SELECT 'approval ' || id, audit_seq FROM approvals UNION ALL "
                "SELECT 'certificate ' || serial, audit_seq FROM certificates").fetchall()
            current = dict(bindings.all_row_images(self.conn))
            indexed = row_index.pairs(self.conn)
            version = self.version(self.conn)
        problems = [f"the append-only trigger {t} was removed" for t in TRIGGERS
                    if t not in triggers]
        head, chain_problems = audit_chain.walk_chain(rows)
        problems += chain_problems
        problems += audit_chain.head_problems(head, stored_head)
        hashes = {r[0]: r[7] for r in rows}
        problems += checkpoint.problems(self.checkpoint_path, hashes,
                                        required=version >= CHECKPOINT_VERSION)
        seqs = {r[0] for r in rows}
        # The CRL number in meta is a copy the next CRL rewrites (the number comes from the
        # chain), so an edited copy is reported but, like an edited row, cannot stop a CRL.
        last_crl = audit_chain.last_crl_number((r[3], r[4]) for r in rows)
        row_level = audit_chain.crl_number_problems(stored_crl, last_crl)
        row_level += [f"{what}: its audit entry {seq} is missing" for what, seq in references
                      if seq not in seqs]
        recorded = audit_chain.recorded_images([(r[0], r[5]) for r in rows])
        bound = audit_chain.latest_images(recorded)
        row_level += audit_chain.row_problems(bound, current)
        pairs = {(label, seq) for seq, label, _ in recorded}
        index_problems = row_index.index_problems(pairs, indexed)
        row_level += index_problems
        problems += row_level
        if expect_head is not None and expect_head != head:
            problems.append(f"audit head is {head}, expected {expect_head}")
        report = AuditReport(len(rows), head, tuple(problems), tuple(row_level))
        return Inspection(report, bound, current, chain_problems, hashes, pairs,
                          index_problems, last_crl)

    def bound_rows(self, conn: sqlite3.Connection | None = None) -> BoundRows:
        """Each row's latest image in the audit log: label -> (entry seq, image)."""
        with self._lock:
            rows = (conn or self.conn).execute(
                "SELECT seq, detail FROM audit ORDER BY seq").fetchall()
        return audit_chain.bound_rows(rows)

    def last_crl_number(self, conn: sqlite3.Connection | None = None, *,
                        action: str = audit_chain.CRL_ACTION) -> int:
        """The number of the newest CRL the audit log records (0: none signed yet); the
        issuing CA's, or the root's with `action=ROOT_CRL_ACTION`."""
        with self._lock:
            rows = (conn or self.conn).execute(
                "SELECT action, subject FROM audit WHERE action = ? ORDER BY seq",
                (action,)).fetchall()
        return audit_chain.last_crl_number(rows, action)

    # --- meta ------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # --- reads -----------------------------------------------------------------------------

    def request(self, request_id: int, conn: sqlite3.Connection | None = None) -> Request:
        """The request with its approvals.

        Raises:
            CaError: no such request.
        """
        with self._lock:
            c = conn or self.conn
            row = c.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
            if row is None:
                raise CaError(f"no request {request_id}")
            approvals = c.execute("SELECT * FROM approvals WHERE request_id = ? ORDER BY id",
                                  (request_id,)).fetchall()
        return _request(row, approvals)

    def requests(self, state: RequestState | None = None) -> list[Request]:
        with self._lock:
            ids = [r[0] for r in self.conn.execute(
                "SELECT id FROM requests WHERE ?1 IS NULL OR state = ?1 ORDER BY id",
                (state.value if state else None,))]
            return [self.request(i) for i in ids]

    def certificate(self, serial: str, conn: sqlite3.Connection | None = None
                    ) -> CertificateRecord:
        with self._lock:
            row = (conn or self.conn).execute(
                "SELECT * FROM certificates WHERE serial = ?", (serial,)).fetchone()
        if row is None:
            raise CaError(f"no certificate with serial {serial}")
        return _certificate(row)

    def certificates(self) -> list[CertificateRecord]:
        """Every certificate to list, revoked as the audit log records it, marked with what
        `verify` finds (`row_problem`, `ledger_verified`): verified in full on the first call
        and after another connection wrote, else from the last verified head on
        (`app.ca.audited_view`)."""
        return self.view.certificates()


    def certificate_rows(self) -> list[CertificateRecord]:
        """The certificates table as it stands (its revocation columns are editable)."""
        with self._lock:
            rows = self.conn.execute("SELECT * FROM certificates ORDER BY issued_at, serial")
            return [_certificate(r) for r in rows.fetchall()]


def _audit_entry(row: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6],
                      row[7])


def _approval(row: tuple[Any, ...]) -> Approval:
    (id_, request_id, approver, _key, role, decision, confirmed, reason, created, expires,
     state, _seq) = row
    return Approval(id_, request_id, approver, role, decision, tuple(json.loads(confirmed)),
                    reason, created, expires, state)


def _request(row: tuple[Any, ...], approvals: list[tuple[Any, ...]]) -> Request:
    (id_, type_id, type_name, requester, justification, csr_pem, validity_days, profile,
     policy, state, created, expires, updated, closed_reason, serial, _seq) = row
    return Request(id_, type_id, type_name, requester, justification, csr_pem, validity_days,
                   json.loads(profile), ApprovalPolicy.from_json(json.loads(policy)),
                   RequestState(state), created, expires, updated, closed_reason, serial,
                   tuple(_approval(a) for a in approvals))


def _certificate(row: tuple[Any, ...]) -> CertificateRecord:
    (serial, type_id, workflow, request_id, subject, names, not_before, not_after,
     fingerprint, pem, identity, renew_at, issued_at, revoked_at, reason, _seq) = row
    return CertificateRecord(serial, type_id, workflow, request_id, subject,
                             tuple(json.loads(names)), not_before, not_after, fingerprint, pem,
                             identity, renew_at, issued_at, revoked_at, reason)
