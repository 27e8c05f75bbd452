"""Audit entries bind the rows they change: table edits are reported, the CRL ignores them."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509

from app.ca.authority import Authority
from app.ca.csr import facts_from_csr
from app.ca.errors import CaError
from app.ca.ledger import LEDGER, LEDGER_VERSION, AuditReport, Ledger
from app.ca.records import iso
from app.ca.service import CaService
from models.enums import Workflow
from models.issuance_policy import profile_for
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE, edit
from tests.conftest import TODAY


def test_every_state_change_binds_its_rows(ca: CaService, revoked, acknowledged):
    bound = {e.action: sorted(e.detail.get("rows", {})) for e in ca.ledger.audit()}
    serial = ca.ledger.request(acknowledged).serial
    assert bound["issue"] == bound["revoke"] == [f"certificate {revoked}"]
    assert bound["request"] == ["request 1"]
    assert bound["approve"] == ["approval 1", "request 1"]
    assert bound["fulfil"] == [f"certificate {serial}", "request 1"]
    assert bound["acknowledge"] == [f"notice {serial}/{d}" for d in (30, 7, 90)] + [
        "request 1"]
    assert ca.verify().ok


def test_unrevoking_in_sqlite_is_reported_with_the_row_and_columns(ca: CaService, revoked):
    edit(ca.folder, "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    problems = ca.verify().problems
    assert problems == (
        f"certificate {revoked} was changed after audit entry 3: revocation_reason is NULL "
        f"(recorded 'superseded'); revoked_at is NULL (recorded '{iso(NOW)}')",)


def test_a_row_edit_does_not_stop_the_crl_but_is_shown_with_it(ca: CaService, revoked):
    ca.authority.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    edit(ca.folder, "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    published = ca.publish_crls(actor="ops", now=NOW)
    assert [format(r.serial_number, "x") for r in published.issuing] == [revoked]
    assert any(f"certificate {revoked} was changed" in w for w in published.warnings)
    assert ca.ledger.audit()[-2].action == "crl"
    assert not ca.verify().ok  # still reported


def test_crl_lists_what_the_audit_log_revoked_not_the_column(ca: CaService, revoked,
                                                            monkeypatch):
    edit(ca.folder, "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    # Even were verification skipped, the column is not what the CRL is built from.
    monkeypatch.setattr(ca, "verify", lambda **_: AuditReport(0, "", ()))
    crl = ca.crl(actor="ops", now=NOW)
    entry = crl.get_revoked_certificate_by_serial_number(int(revoked, 16))
    assert entry is not None
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason is x509.ReasonFlags.superseded


def test_request_and_approval_edits_are_reported(ca: CaService, project, make_csr):
    csr, _ = make_csr("mf.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", now=NOW)
    ca.admin.approve(request.id, approver="bob", role="Team lead", confirmed=["1", "2"],
                     now=NOW)
    edit(ca.folder, "UPDATE approvals SET approver = 'carol', approver_key = 'carol'")
    edit(ca.folder, "UPDATE requests SET requester = 'mallory'")
    assert ca.verify().problems == (
        "request 1 was changed after audit entry 3: requester is 'mallory' "
        "(recorded 'alice')",
        "approval 1 was changed after audit entry 3: approver is 'carol' (recorded 'bob'); "
        "approver_key is 'carol' (recorded 'bob')")


def test_a_digested_column_edit_is_named(ca: CaService, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    serial = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).record.serial
    edit(ca.folder, "UPDATE certificates SET pem = replace(pem, 'A', 'B')")
    problems = "; ".join(ca.verify().problems)
    assert f"certificate {serial} was changed after audit entry 2: pem is sha256:" in problems


def test_inserted_and_deleted_rows_are_reported(ca: CaService, acknowledged):
    serial = ca.ledger.request(acknowledged).serial
    edit(ca.folder, "DELETE FROM renewal_notices WHERE days_before = 7")
    edit(ca.folder, "INSERT INTO renewal_notices VALUES (?, 1, '2027-01-01T00:00:00+00:00')",
         serial)
    problems = ca.verify().problems
    assert f"notice {serial}/1 is in the ledger, but no audit entry records it " \
        "(inserted by hand)" in problems
    assert f"notice {serial}/7, recorded by audit entry 5, is missing from the ledger " \
        "(deleted)" in problems


# --- ledger versions -----------------------------------------------------------------------

def make_version_1_ca(folder: Path, make_csr) -> str:
    """A CA folder as Certroute wrote it before ledger version 2; returns a revoked serial.

    Version 1 wrote the same tables and chain, but its entries bound no rows and its init
    entry named no ledger version.
    """
    authority = Authority.create(folder, PASSPHRASE, root_passphrase=ROOT_PASSPHRASE, now=NOW)
    ledger = Ledger(folder / LEDGER, create=True)
    service = CaService(authority.folder, authority, ledger)
    with ledger.transaction() as conn:
        ledger.append(conn, at=iso(NOW), actor="system", action="init", subject="ca",
                      detail={})
    csr, _ = make_csr("api.internal.example")
    with ledger.transaction() as conn:
        issued = service.sign_and_record(
            conn, csr, facts_from_csr(csr), profile_for(_internal_tls(), on=TODAY),
            workflow=Workflow.COMBINED, validity_days=90, request_id=None,
            identity="asserted", now=NOW)
        seq = ledger.append(conn, at=iso(NOW), actor="svc", action="issue",
                            subject=f"certificate {issued.record.serial}", detail={})
        conn.execute("UPDATE certificates SET audit_seq = ?", (seq,))
    with ledger.transaction() as conn:
        conn.execute("UPDATE certificates SET revoked_at = ?, "
                     "revocation_reason = 'key-compromise'", (iso(NOW),))
        seq = ledger.append(conn, at=iso(NOW), actor="ops", action="revoke",
                            subject=f"certificate {issued.record.serial}",
                            detail={"reason": "key-compromise"})
        conn.execute("UPDATE certificates SET audit_seq = ?", (seq,))
    ledger.close()
    return issued.record.serial


def _internal_tls():
    from models.project_file import load_example

    return next(t for t in load_example().types if t.id == "internal-tls")


def test_a_version_1_ledger_is_upgraded_on_open_and_logged(tmp_path: Path, make_csr):
    serial = make_version_1_ca(tmp_path / "old", make_csr)
    service = CaService.open(tmp_path / "old", now=NOW)
    upgrade = service.ledger.audit()[-1]
    assert (upgrade.action, upgrade.detail["from"], upgrade.detail["to"]) == (
        "upgrade-ledger", 1, LEDGER_VERSION)
    assert list(upgrade.detail["rows"]) == [f"certificate {serial}"]
    assert service.verify().ok
    service.close()
    again = CaService.open(tmp_path / "old", now=NOW)  # upgraded once, not on every open
    assert [e.action for e in again.ledger.audit()].count("upgrade-ledger") == 1
    edit(again.folder, "UPDATE certificates SET revoked_at = NULL")
    assert f"certificate {serial} was changed after audit entry 4" in \
        again.verify().problems[0]
    again.close()


def test_an_upgraded_ledger_keeps_its_revocations_on_the_crl(tmp_path: Path, make_csr):
    serial = make_version_1_ca(tmp_path / "old", make_csr)
    service = CaService.open(tmp_path / "old", now=NOW)
    service.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    crl = service.crl(actor="ops", now=NOW)
    assert [format(r.serial_number, "x") for r in crl] == [serial]
    service.close()


def test_a_newer_ledger_is_refused_with_a_clear_message(tmp_path: Path):
    folder = tmp_path / "new"
    Authority.create(folder, PASSPHRASE, root_passphrase=ROOT_PASSPHRASE, now=NOW)
    ledger = Ledger(folder / LEDGER, create=True)
    with ledger.transaction() as conn:
        ledger.append(conn, at=iso(NOW), actor="system", action="init", subject="ca",
                      detail={"ledger_version": LEDGER_VERSION + 1})
    ledger.close()
    with pytest.raises(CaError, match=f"is ledger version {LEDGER_VERSION + 1}; this "
                       f"Certroute reads versions up to {LEDGER_VERSION}: upgrade Certroute"):
        CaService.open(folder)


def test_a_new_ledger_records_its_version(ca: CaService):
    assert ca.ledger.audit()[0].detail["ledger_version"] == LEDGER_VERSION
    assert Ledger.version(ca.ledger.conn) == LEDGER_VERSION
