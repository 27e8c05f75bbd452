"""Every state change first holds its rows against the audit log (the row index): a row edited
in SQLite is refused, nothing changes, the refusal is logged and `verify` still names the edit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from app.ca.authority import Authority
from app.ca.bindings import all_row_images
from app.ca.errors import CaError, Refused
from app.ca.ledger import LEDGER, LEDGER_VERSION, Ledger
from app.ca.records import RequestState, iso
from app.ca.service import CaService
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE, edit

CRITERIA = ["1", "2"]  # the mainframe type's two approval criteria, by number
EDITED = "the ledger was edited outside Certroute, so the {action} is refused"


def refused_untouched(ca: CaService, action: str, attempt: Callable[[], object],
                      problem: str) -> None:
    """`attempt` is refused naming `problem`; no row changes; the refusal is logged (binding
    no row); `verify` reports exactly what it reported before."""
    rows, reported = dict(all_row_images(ca.ledger.conn)), ca.verify().problems
    assert problem in reported
    entries = len(ca.ledger.audit())
    with pytest.raises(Refused, match=re.escape(problem)) as refusal:
        attempt()
    assert EDITED.format(action=action) in str(refusal.value)
    assert dict(all_row_images(ca.ledger.conn)) == rows
    (logged,) = ca.ledger.audit()[entries:]
    assert (logged.action, logged.detail["problems"]) == (f"refused:{action}", [problem])
    assert "rows" not in logged.detail
    assert ca.verify().problems == reported


def raise_request(ca: CaService, project, make_csr, name: str = "mf.internal.example",
                  now: dt.datetime = NOW) -> int:
    csr, _ = make_csr(name)
    return ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                            justification="needs TLS", now=now).id


def approve(ca: CaService, request_id: int, who: str = "bob", now: dt.datetime = NOW):
    return ca.admin.approve(request_id, approver=who, role="Team lead", confirmed=CRITERIA,
                            now=now)


# --- each state change --------------------------------------------------------------------

def test_revoke_of_a_certificate_edited_in_sqlite_goes_ahead_and_names_the_edit(
        ca, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    serial = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).record.serial
    edit(ca.folder, "UPDATE certificates SET names = '[\"evil.example\"]'")
    problem = (f"certificate {serial} was changed after audit entry 2: names is "
               "'[\"evil.example\"]' (recorded '[\"api.internal.example\"]')")
    record = ca.revoke(serial, reason="key-compromise", actor="ops", now=NOW)
    assert record.row_problem == problem
    logged = ca.ledger.audit()[-1]
    assert (logged.action, logged.detail["tampering"]) == ("revoke", [problem])
    image = logged.detail["rows"][f"certificate {serial}"]
    assert image["names"] == '["api.internal.example"]'  # the audited image, revoked
    assert image["revocation_reason"] == "key-compromise"
    assert any("names is '[\"evil.example\"]'" in p  # the edit is not blessed
               for p in ca.verify().problems)


def test_revoke_refuses_a_certificate_inserted_by_hand(ca, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    serial = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).record.serial
    edit(ca.folder, "INSERT INTO certificates SELECT 'abc123', type_id, workflow, NULL, "
         "subject, names, not_before, not_after, fingerprint, pem, identity, renew_at, "
         "issued_at, NULL, NULL, audit_seq FROM certificates WHERE serial = ?", serial)
    refused_untouched(ca, "revoke", lambda: ca.revoke("abc123", actor="ops", now=NOW),
                      "certificate abc123 is in the ledger, but no audit entry records it "
                      "(inserted by hand)")


def test_approve_refuses_a_request_whose_requester_was_edited(ca, project, make_csr):
    request_id = raise_request(ca, project, make_csr)
    edit(ca.folder, "UPDATE requests SET requester = 'mallory'")
    refused_untouched(ca, "approve", lambda: approve(ca, request_id),
                      "request 1 was changed after audit entry 2: requester is 'mallory' "
                      "(recorded 'alice')")


def test_approve_refuses_a_request_with_an_approval_inserted_by_hand(ca, project, make_csr):
    csr, _ = make_csr("www.example.com")
    request = ca.admin.request(project, "ev-tls", csr, requester="alice",
                               justification="the bank's public site", now=NOW)
    roles = request.policy.approver_roles
    ca.admin.approve(request.id, approver="bob", role=roles[0], confirmed=["1", "2", "3"],
                     now=NOW)
    # The second approval the EV type needs, written straight into SQLite.
    edit(ca.folder, "INSERT INTO approvals (request_id, approver, approver_key, role, "
         "decision, confirmed, created_at, expires_at, audit_seq) SELECT request_id, "
         "'carol', 'carol', ?, 'approve', confirmed, created_at, expires_at, audit_seq "
         "FROM approvals", roles[1])
    refused_untouched(ca, "approve", lambda: ca.admin.approve(
        request.id, approver="dave", role=roles[1], confirmed=["1", "2", "3"], now=NOW),
        "approval 2 is in the ledger, but no audit entry records it (inserted by hand)")


def test_reject_refuses_a_request_whose_approval_was_edited(ca, project, make_csr):
    request_id = raise_request(ca, project, make_csr)
    approve(ca, request_id)
    edit(ca.folder, "UPDATE approvals SET confirmed = '[]'")
    refused_untouched(ca, "reject", lambda: ca.admin.reject(
        request_id, approver="carol", role="Team lead", reason="not in the CMDB", now=NOW),
        "approval 1 was changed after audit entry 3: confirmed is '[]' (recorded "
        "'[\"Requester is the mainframe service owner\", \"SANs match the CMDB entry\"]')")


def test_fulfil_refuses_a_request_approved_only_in_sqlite(ca, project, make_csr):
    request_id = raise_request(ca, project, make_csr)
    edit(ca.folder, "UPDATE requests SET state = 'approved'")
    refused_untouched(ca, "fulfil", lambda: ca.admin.fulfil(request_id, operator="ops",
                                                            now=NOW),
                      "request 1 was changed after audit entry 2: state is 'approved' "
                      "(recorded 'pending')")
    assert ca.ledger.certificates() == []


def test_acknowledge_refuses_a_certificate_whose_expiry_was_edited(ca, project, make_csr):
    request_id = raise_request(ca, project, make_csr)
    approve(ca, request_id)
    serial = ca.admin.fulfil(request_id, operator="ops", now=NOW).record.serial
    edit(ca.folder, "UPDATE certificates SET not_after = '2099-01-01T00:00:00+00:00'")
    problem = next(p for p in ca.verify().problems if p.startswith(f"certificate {serial}"))
    assert "not_after is '2099-01-01T00:00:00+00:00'" in problem
    refused_untouched(ca, "acknowledge", lambda: ca.admin.acknowledge(
        request_id, requester="alice", now=NOW), problem)
    assert ca.renewals(now=NOW) == []


def test_acknowledge_refuses_a_renewal_notice_inserted_by_hand(ca, project, make_csr):
    request_id = raise_request(ca, project, make_csr)
    approve(ca, request_id)
    serial = ca.admin.fulfil(request_id, operator="ops", now=NOW).record.serial
    edit(ca.folder, "INSERT INTO renewal_notices VALUES (?, 30, '2099-01-01T00:00:00+00:00')",
         serial)
    refused_untouched(ca, "acknowledge", lambda: ca.admin.acknowledge(
        request_id, requester="alice", now=NOW),
        f"notice {serial}/30 is in the ledger, but no audit entry records it (inserted by "
        "hand)")


def test_the_expiry_sweep_leaves_an_edited_request_alone(ca, project, make_csr):
    edited = raise_request(ca, project, make_csr)
    kept = raise_request(ca, project, make_csr, "mf2.internal.example")
    edit(ca.folder, "UPDATE requests SET justification = 'whatever' WHERE id = ?", edited)
    later = NOW + dt.timedelta(days=31)  # both requests are past their deadline
    csr, _ = make_csr("api.internal.example")
    ca.issue(project, "internal-tls", csr, requester="svc", now=later)  # sweeps first
    assert ca.ledger.request(kept).state is RequestState.EXPIRED
    assert ca.ledger.request(edited).state is RequestState.PENDING  # left as it is
    assert [e.subject for e in ca.ledger.audit() if e.action == "expire"] == ["request 2"]
    refused_untouched(ca, "approve", lambda: approve(ca, edited, now=later),
                      "request 1 was changed after audit entry 2: justification is "
                      "'whatever' (recorded 'needs TLS')")


def test_the_expiry_sweep_leaves_an_edited_approval_alone(ca, project, make_csr):
    request_id = raise_request(ca, project, make_csr)
    approve(ca, request_id)
    edit(ca.folder, "UPDATE approvals SET role = 'CISO'")
    later = NOW + dt.timedelta(days=8)  # the approval has lapsed, the request has not
    raise_request(ca, project, make_csr, "mf2.internal.example", now=later)  # sweeps first
    assert ca.ledger.request(request_id).state is RequestState.APPROVED
    assert ca.ledger.request(request_id).approvals[0].state == "active"
    assert "expire-approval" not in [e.action for e in ca.ledger.audit()]
    assert "approval 1 was changed after audit entry 3: role is 'CISO' (recorded " \
        "'Team lead')" in ca.verify().problems


def test_revoking_again_after_an_unrevoke_in_sqlite_is_refused_and_named(ca, revoked):
    edit(ca.folder, "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    with pytest.raises(Refused, match=f"certificate {revoked} was already revoked"):
        ca.revoke(revoked, reason="key-compromise", actor="ops", now=NOW)
    assert any("revoked_at is NULL" in p for p in ca.verify().problems)


def test_a_change_after_a_refusal_goes_through_once_the_row_is_restored(ca, project, make_csr):
    request_id = raise_request(ca, project, make_csr)
    edit(ca.folder, "UPDATE requests SET requester = 'mallory'")
    with pytest.raises(Refused):
        approve(ca, request_id)
    edit(ca.folder, "UPDATE requests SET requester = 'alice'")
    assert approve(ca, request_id).state is RequestState.APPROVED
    assert ca.verify().ok


# --- the index itself ----------------------------------------------------------------------

def test_an_edited_audit_entry_is_refused_by_the_one_row_check(ca, revoked):
    edit(ca.folder, "DROP TRIGGER audit_no_update")
    edit(ca.folder, "UPDATE audit SET detail = replace(detail, 'superseded', 'unspecified') "
         "WHERE seq = 3")
    edit(ca.folder, "UPDATE certificates SET revocation_reason = 'unspecified'")
    with pytest.raises(Refused, match=f"audit entry 3, the latest to record certificate "
                       f"{revoked}, was edited: its hash does not match"):
        ca.revoke(revoked, actor="ops", now=NOW)


def test_verify_reports_pairs_deleted_from_or_added_to_the_index(ca, revoked):
    edit(ca.folder, "DROP TRIGGER audit_rows_no_delete")
    edit(ca.folder, "DELETE FROM audit_rows WHERE seq = 3")
    edit(ca.folder, "INSERT INTO audit_rows VALUES ('request 9', 1)")
    assert ca.verify().problems == (
        "the append-only trigger audit_rows_no_delete was removed",
        f"the row index lacks audit entry 3's record of certificate {revoked} (deleted from "
        "audit_rows)",
        "the row index names audit entry 1 for request 9, but the entry does not record it "
        "(audit_rows edited)")


def test_verify_reports_a_dropped_index_and_changes_refuse(ca, revoked):
    edit(ca.folder, "DROP TABLE audit_rows")
    assert "the row index (audit_rows) was dropped" in ca.verify().problems
    with pytest.raises(CaError, match="row index cannot be read"):
        ca.revoke(revoked, actor="ops", now=NOW)


def test_each_change_looks_up_its_rows_not_the_chain(ca, acknowledged):
    plan = ca.ledger.conn.execute(
        "EXPLAIN QUERY PLAN SELECT a.* FROM audit_rows r JOIN audit a ON a.seq = r.seq "
        "WHERE r.label = ? ORDER BY r.seq DESC LIMIT 1", ("request 1",)).fetchall()
    details = " | ".join(str(row[-1]) for row in plan)
    assert "SEARCH r USING PRIMARY KEY (label=?)" in details
    assert "SEARCH a USING INTEGER PRIMARY KEY (rowid=?)" in details
    assert "SCAN" not in details


# --- ledger version 2 → 3 ------------------------------------------------------------------

def make_version_2_ca(folder: Path, project, make_csr) -> str:
    """A CA folder as Certroute wrote it at ledger version 2 (rows bound, no row index);
    returns the serial of a revoked certificate."""
    authority = Authority.create(folder, PASSPHRASE, root_passphrase=ROOT_PASSPHRASE, now=NOW)
    ledger = Ledger(folder / LEDGER, create=True)
    service = CaService(authority.folder, authority, ledger)
    with ledger.transaction() as conn:
        ledger.append(conn, at=iso(NOW), actor="system", action="init", subject="ca",
                      detail={"ledger_version": 2})
    csr, _ = make_csr("api.internal.example")
    serial = service.issue(project, "internal-tls", csr, requester="svc",
                           now=NOW).record.serial
    service.revoke(serial, reason="superseded", actor="ops", now=NOW)
    ledger.close()
    for statement in ("DROP TRIGGER audit_rows_no_update", "DROP TRIGGER audit_rows_no_delete",
                      "DROP TABLE audit_rows"):
        edit(folder, statement)
    return serial


def test_a_version_2_ledger_gets_its_row_index_on_open(tmp_path: Path, project, make_csr):
    serial = make_version_2_ca(tmp_path / "v2", project, make_csr)
    service = CaService.open(tmp_path / "v2", now=NOW)
    upgrade = service.ledger.audit()[-1]
    assert (upgrade.action, upgrade.detail) == ("upgrade-ledger",
                                                {"from": 2, "to": LEDGER_VERSION})
    assert Ledger.version(service.ledger.conn) == LEDGER_VERSION == 4
    assert service.verify().ok
    edit(service.folder, "UPDATE certificates SET identity = 'forged'")
    # Revoked already, as the audit log (not the edited column) says.
    with pytest.raises(Refused, match=f"certificate {serial} was already revoked"):
        service.revoke(serial, actor="ops", now=NOW)
    assert any("identity is 'forged'" in p for p in service.verify().problems)
    service.close()


def test_an_edit_made_before_the_upgrade_stays_reported_and_refused(tmp_path: Path, project,
                                                                     make_csr):
    serial = make_version_2_ca(tmp_path / "v2", project, make_csr)
    edit(tmp_path / "v2", "UPDATE certificates SET identity = 'forged'")
    service = CaService.open(tmp_path / "v2", now=NOW)
    problem = f"certificate {serial} was changed after audit entry 3: identity is 'forged'"
    assert problem in service.verify().problems[0]
    with pytest.raises(Refused, match=f"certificate {serial} was already revoked"):
        service.revoke(serial, actor="ops", now=NOW)
    assert problem in service.verify().problems[0]  # still reported
    service.close()
