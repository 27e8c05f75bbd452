"""A revocation cannot be silently undone (review 2026-12, ca.md defect 3 and check T8).

The review's reproduction: delete the audit entries after the head noted before a revoke,
put the certificate row back as it was, reset `meta` (head and CRL number) and re-create the
append-only triggers. The chain left is whole, so `ca verify` said "intact" and the next CRL
reused the number without the revoked serial. The checkpoint file beside the ledger and the
CRLs already published now each catch it by default, and no CRL is signed after it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.ca.checkpoint import CHECKPOINT
from app.ca.errors import Refused
from app.ca.ledger import LEDGER, SCHEMA
from app.ca.revocation import CRL_FILE, ROOT_CRL_FILE
from app.ca.row_index import SCHEMA as INDEX_SCHEMA
from app.ca.service import CaService
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE


def roll_back(folder: Path, head: str, serial: str, row: tuple) -> None:
    """The attack, as the review ran it with the sqlite3 shell."""
    seq = int(head.split(":")[0])
    conn = sqlite3.connect(folder / LEDGER)
    for trigger in ("audit_no_update", "audit_no_delete", "audit_rows_no_update",
                    "audit_rows_no_delete"):
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.execute("DELETE FROM audit_rows WHERE seq > ?", (seq,))
    conn.execute("DELETE FROM audit WHERE seq > ?", (seq,))
    conn.execute("DELETE FROM certificates WHERE serial = ?", (serial,))
    conn.execute(f"INSERT INTO certificates VALUES ({', '.join('?' * len(row))})", row)
    last_crl = conn.execute("SELECT subject FROM audit WHERE action = 'crl' ORDER BY seq DESC "
                            "LIMIT 1").fetchone()[0].split()[-1]
    conn.execute("UPDATE meta SET value = ? WHERE key = 'audit_head'", (head,))
    conn.execute("UPDATE meta SET value = ? WHERE key = 'crl_number'", (last_crl,))
    conn.executescript(SCHEMA + "".join(f"{s};\n" for s in INDEX_SCHEMA))
    conn.commit()
    conn.close()


@pytest.fixture
def rolled_back(ca: CaService, project, make_csr) -> tuple[CaService, str]:
    """A CA whose key-compromise revocation (on CRL 2) was rolled back as in the review."""
    csr, _ = make_csr("api.internal.example")
    serial = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).record.serial
    ca.crl(actor="ops", now=NOW)  # CRL 1, nothing revoked
    head = ca.verify().head
    conn = sqlite3.connect(ca.folder / LEDGER)
    row = conn.execute("SELECT * FROM certificates WHERE serial = ?", (serial,)).fetchone()
    conn.close()
    ca.revoke(serial, reason="key-compromise", actor="ops", now=NOW)
    assert [format(r.serial_number, "x") for r in ca.crl(actor="ops", now=NOW)] == [serial]
    ca.close()
    roll_back(ca.folder, head, serial, row)
    return CaService.open(ca.folder, now=NOW), serial


def test_the_chain_left_after_a_rollback_is_whole(rolled_back):
    """What made the attack work: nothing inside the ledger shows it."""
    service, _ = rolled_back
    report = service.ledger.verify()
    checkpoint_lines = [p for p in report.problems if "checkpoint" in p]
    assert report.problems == tuple(checkpoint_lines)


def test_verify_catches_the_rollback_by_default(rolled_back):
    service, _ = rolled_back
    report = service.verify()
    assert not report.ok
    assert any("the checkpoint audit.checkpoint recorded entry" in p for p in report.problems)
    assert any("crl.pem is CRL number 2, but the audit log's newest issuing CRL is 1" in p
               for p in report.problems)


def test_the_checkpoint_alone_catches_it(rolled_back):
    service, _ = rolled_back
    for name in (CRL_FILE, ROOT_CRL_FILE):  # nothing published to compare with
        (service.folder / name).unlink()
    problems = service.verify().problems
    assert len(problems) == 1
    assert "newest entries were deleted" in problems[0]


def test_the_published_crl_alone_catches_it(rolled_back):
    """The attacker also cuts the checkpoint back: the CRL already published still shows it."""
    service, serial = rolled_back
    path = service.folder / CHECKPOINT
    head_seq = service.ledger.audit()[-1].seq
    kept = [line for line in path.read_text().splitlines() if int(line.split()[0]) <= head_seq]
    path.write_text("".join(f"{line}\n" for line in kept))
    problems = service.verify().problems
    assert problems == (
        "the published crl.pem is CRL number 2, but the audit log's newest issuing CRL is 1: "
        "audit entries were removed (rolled back)",
        f"the published crl.pem lists {serial} as revoked, but the audit log no longer does "
        "(a revocation was rolled back)",
        "the published root.crl.pem is CRL number 2, but the audit log's newest root CRL is 1: "
        "audit entries were removed (rolled back)")


def test_a_deleted_checkpoint_is_reported(ca: CaService):
    (ca.folder / CHECKPOINT).unlink()
    assert ca.verify().problems[0].startswith("the audit checkpoint audit.checkpoint is missing")


def test_no_crl_reuses_a_number_after_a_rollback(rolled_back):
    service, _ = rolled_back
    service.unlock(PASSPHRASE, root_passphrase=ROOT_PASSPHRASE)
    before = (service.folder / CRL_FILE).read_bytes()
    with pytest.raises(Refused, match="no CRL signed: the audit chain fails verification"):
        service.crl(actor="mallory", now=NOW)
    assert (service.folder / CRL_FILE).read_bytes() == before
    assert service.ledger.audit()[-1].action == "refused:crl"


def test_the_checkpoint_follows_every_commit_and_refusal(ca: CaService, project, make_csr):
    lines = (ca.folder / CHECKPOINT).read_text().splitlines()
    assert lines[-1] == ca.verify().head.replace(":", " ")
    csr, _ = make_csr("evil.attacker.test")
    with pytest.raises(Refused):
        ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    assert (ca.folder / CHECKPOINT).read_text().splitlines()[-1] == \
        ca.verify().head.replace(":", " ")
    assert oct((ca.folder / CHECKPOINT).stat().st_mode & 0o777) == "0o600"


def test_a_checkpoint_that_cannot_be_written_never_fails_a_committed_change(
        ca: CaService, project, make_csr, tmp_path, caplog):
    """The change is committed before the checkpoint is appended: a checkpoint replaced by a
    link is not followed, the issuance stands, and verify names the link."""
    path = ca.folder / CHECKPOINT
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere")
    csr, _ = make_csr("api.internal.example")
    issued = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
    assert ca.ledger.certificate(issued.record.serial)
    assert "was not updated" in caplog.text
    assert not (tmp_path / "elsewhere").exists()
    assert ca.verify().problems == (
        "the audit checkpoint audit.checkpoint was replaced by a symbolic link",)
