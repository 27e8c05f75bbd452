"""SPEC.md §3 ledger: append-only hash-chained audit, tamper detection, crashes, races."""

from __future__ import annotations

import itertools
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from app.ca.errors import Refused
from app.ca.ledger import LEDGER, entry_hash
from app.ca.records import RequestState
from app.ca.service import CaService
from tests.ca import workers
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE


@pytest.fixture
def busy_ca(ca: CaService, project, make_csr) -> CaService:
    """A CA with a few audit entries: issue, request, a refused approval, an approval."""
    csr, _ = make_csr("api.internal.example")
    ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    csr, _ = make_csr("mf.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", now=NOW)
    with pytest.raises(Refused):
        ca.admin.approve(request.id, approver="alice", role="Team lead", now=NOW)
    ca.admin.approve(request.id, approver="bob", role="Team lead", confirmed=["1", "2"],
                     now=NOW)
    assert [e.action for e in ca.ledger.audit()] == [
        "init", "issue", "request", "refused:approve", "approve"]
    return ca


def tamper(folder: Path, *statements: str) -> None:
    """What someone with the sqlite3 shell could do: drop the guards, edit, re-add them."""
    conn = sqlite3.connect(folder / LEDGER)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.execute("CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
                 "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    conn.execute("CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                 "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    conn.commit()
    conn.close()


def test_intact_chain_verifies_and_links_every_entry(busy_ca: CaService):
    report = busy_ca.verify()
    assert report.ok, report.problems
    assert report.entries == 5
    entries = busy_ca.ledger.audit()
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert report.head == f"5:{entries[-1].hash}"


def test_audit_rows_cannot_be_updated_or_deleted(busy_ca: CaService):
    conn = sqlite3.connect(busy_ca.folder / LEDGER)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 4")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("DELETE FROM audit WHERE seq = 4")
    conn.close()


def test_verify_catches_an_edited_entry(busy_ca: CaService):
    # Hide the refused self-approval: rewrite it as an ordinary approval.
    tamper(busy_ca.folder, "UPDATE audit SET action = 'approve', detail = '{}' WHERE seq = 4")
    report = busy_ca.verify()
    assert not report.ok
    assert "audit entry 4 was edited: its hash does not match" in report.problems


def test_verify_catches_an_edit_with_a_recomputed_hash(busy_ca: CaService):
    row = busy_ca.ledger.audit()[3]
    forged = entry_hash(row.seq, row.at, "bob", row.action, row.subject, "{}", row.prev_hash)
    tamper(busy_ca.folder, f"UPDATE audit SET actor = 'bob', detail = '{{}}', "
           f"hash = '{forged}' WHERE seq = 4")
    assert "audit entry 5 does not link to the entry before it" in busy_ca.verify().problems


def test_verify_catches_a_deleted_entry(busy_ca: CaService):
    tamper(busy_ca.folder, "DELETE FROM audit WHERE seq = 4")
    problems = busy_ca.verify().problems
    assert "audit entries 4–4 are missing (deleted)" in problems
    assert "audit entry 5 does not link to the entry before it" in problems


def test_verify_catches_a_deleted_newest_entry(busy_ca: CaService):
    tamper(busy_ca.folder, "DELETE FROM audit WHERE seq = 5")
    problems = busy_ca.verify().problems
    assert "audit entries 5–5 are missing (deleted)" in problems
    assert "approval 1: its audit entry 5 is missing" in problems


def test_verify_catches_removed_triggers(busy_ca: CaService):
    conn = sqlite3.connect(busy_ca.folder / LEDGER)
    conn.execute("DROP TRIGGER audit_no_delete")
    conn.commit()
    conn.close()
    assert busy_ca.verify().problems == ("the append-only trigger audit_no_delete was removed",)


def test_verify_against_a_head_noted_elsewhere(busy_ca: CaService):
    head = busy_ca.verify().head
    assert busy_ca.verify(expect_head=head).ok
    assert not busy_ca.verify(expect_head="5:" + "f" * 64).ok


def test_verify_catches_a_forged_certificate_row(busy_ca: CaService):
    serial = busy_ca.ledger.certificates()[0].serial
    conn = sqlite3.connect(busy_ca.folder / LEDGER)
    conn.execute("UPDATE certificates SET serial = 'abc' WHERE serial = ?", (serial,))
    conn.commit()
    conn.close()
    assert "certificate abc does not verify against the issuing CA" in busy_ca.verify().problems


def _spawn(target, *args) -> int:
    process = multiprocessing.get_context("spawn").Process(target=target, args=args)
    process.start()
    process.join(timeout=60)
    return process.exitcode


def test_crash_between_approval_and_fulfilment_loses_nothing(ca: CaService, project,
                                                             make_csr):
    csr, _ = make_csr("mf.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", now=NOW)
    assert _spawn(workers.approve_then_crash, str(ca.folder), request.id) == \
        workers.CRASH_STATUS
    reopened = CaService.open(ca.folder)
    survived = reopened.ledger.request(request.id)
    assert survived.state is RequestState.APPROVED
    assert [(a.approver, a.state) for a in survived.approvals] == [("Bob", "active")]
    assert reopened.verify().ok
    reopened.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    assert reopened.admin.fulfil(request.id, operator="ops", now=NOW).record.request_id == \
        request.id
    reopened.close()


def test_crash_inside_fulfilment_rolls_back_the_certificate(ca: CaService, project, make_csr):
    csr, _ = make_csr("mf.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", now=NOW)
    ca.admin.approve(request.id, approver="bob", role="Team lead", confirmed=["1", "2"],
                     now=NOW)
    assert _spawn(workers.crash_inside_fulfil, str(ca.folder), request.id) == \
        workers.CRASH_STATUS
    assert ca.ledger.request(request.id).state is RequestState.APPROVED
    assert ca.ledger.certificates() == []
    assert ca.verify().ok
    issued = ca.admin.fulfil(request.id, operator="ops", now=NOW)
    assert [c.serial for c in ca.ledger.certificates()] == [issued.record.serial]


def test_in_process_failure_inside_fulfilment_rolls_back(ca: CaService, project, make_csr,
                                                         monkeypatch):
    csr, _ = make_csr("mf.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", now=NOW)
    ca.admin.approve(request.id, approver="bob", role="Team lead", confirmed=["1", "2"],
                     now=NOW)

    def disk_full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ca.ledger, "record", disk_full)
    with pytest.raises(sqlite3.OperationalError):
        ca.admin.fulfil(request.id, operator="ops", now=NOW)
    monkeypatch.undo()
    assert ca.ledger.certificates() == []
    assert ca.ledger.request(request.id).state is RequestState.APPROVED
    assert [e.action for e in ca.ledger.audit()][-1] == "approve"
    assert ca.admin.fulfil(request.id, operator="ops", now=NOW)


def test_two_processes_racing_give_one_approval_and_one_certificate(ca: CaService, project,
                                                                    make_csr):
    csr, _ = make_csr("mf.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", now=NOW)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    processes = [context.Process(target=workers.approve_and_fulfil,
                                 args=(str(ca.folder), request.id, name, barrier, results))
                 for name in ("bob", "carol")]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=60) for _ in processes]
    for process in processes:
        process.join(timeout=60)
        assert process.exitcode == 0
    approvals = [o for o in outcomes if o["approve"] == "ok"]
    fulfilments = [o for o in outcomes if not o["fulfil"].startswith("refused")]
    assert len(approvals) == 1, outcomes
    assert len(fulfilments) == 1, outcomes
    final = ca.ledger.request(request.id)
    assert final.state is RequestState.FULFILLED
    assert len(final.approvals) == 1
    assert [c.serial for c in ca.ledger.certificates()] == [fulfilments[0]["fulfil"]]
    assert ca.verify().ok
