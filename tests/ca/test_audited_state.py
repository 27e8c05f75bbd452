"""Revocations, renewals and CRL numbers come from the audit log, not from editable columns."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509

from app.ca.errors import CaError, Refused
from app.ca.ledger import AuditReport
from app.ca.records import iso
from app.ca.service import CaService
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE, edit


def issue(ca: CaService, project, make_csr, name: str = "api.internal.example") -> str:
    csr, _ = make_csr(name)
    return ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).record.serial


def crl_number(crl: x509.CertificateRevocationList) -> int:
    return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number


def skip_verification(ca: CaService, monkeypatch) -> None:
    """Let the CRL be signed despite an edit, to show what it is built from."""
    monkeypatch.setattr(ca, "verify", lambda **_: AuditReport(0, "", ()))


# --- renewals ------------------------------------------------------------------------------

def test_renewals_leave_out_a_certificate_unrevoked_in_sqlite(ca, project, make_csr, revoked):
    kept = issue(ca, project, make_csr, "web.internal.example")
    edit(ca.folder, "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    assert [n.serial for n in ca.renewals(now=NOW)] == [kept]


def test_renewals_keep_a_certificate_revoked_only_in_sqlite(ca, project, make_csr):
    serial = issue(ca, project, make_csr)
    edit(ca.folder, "UPDATE certificates SET revoked_at = ?, revocation_reason = 'superseded'",
         iso(NOW))
    assert [n.serial for n in ca.renewals(now=NOW)] == [serial]


def test_renewals_keep_notices_deleted_or_moved_in_sqlite(ca, acknowledged):
    before = ca.renewals(now=NOW)
    assert [n.kind for n in before] == ["notice"] * 3
    edit(ca.folder, "DELETE FROM renewal_notices WHERE days_before = 90")
    edit(ca.folder, "UPDATE renewal_notices SET due_at = '2099-01-01T00:00:00+00:00'")
    edit(ca.folder, "UPDATE certificates SET renew_at = '2099-01-01T00:00:00+00:00'")
    assert ca.renewals(now=NOW) == before


# --- revoking ------------------------------------------------------------------------------

def test_a_certificate_revoked_only_in_sqlite_is_revoked_as_the_audit_log_says(
        ca, project, make_csr):
    serial = issue(ca, project, make_csr)
    edit(ca.folder, "UPDATE certificates SET revoked_at = '2026-01-01T00:00:00+00:00', "
         "revocation_reason = 'unspecified'")
    later = NOW + dt.timedelta(hours=1)
    # The audit log says not revoked: the revocation goes ahead, recorded on its image.
    record = ca.revoke(serial, reason="key-compromise", actor="ops", now=later)
    assert f"certificate {serial} was changed after audit entry 2" in record.row_problem
    assert (record.revoked_at, record.revocation_reason) == (iso(later), "key-compromise")
    assert ca.verify().ok  # the revocation wrote the columns the edit had forged
    ca.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    entry = ca.crl(actor="ops", now=later).get_revoked_certificate_by_serial_number(
        int(serial, 16))
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason is \
        x509.ReasonFlags.key_compromise


def test_revoking_a_certificate_inserted_by_hand_is_refused(ca, project, make_csr):
    serial = issue(ca, project, make_csr)
    edit(ca.folder, "INSERT INTO certificates SELECT 'abc123', type_id, workflow, NULL, "
         "subject, names, not_before, not_after, fingerprint, pem, identity, renew_at, "
         "issued_at, NULL, NULL, audit_seq FROM certificates WHERE serial = ?", serial)
    with pytest.raises(Refused, match="no audit entry records it"):
        ca.revoke("abc123", actor="ops", now=NOW)
    # Refused, so the hand-made row is not blessed into the log: verify still names it.
    assert "certificate abc123 is in the ledger, but no audit entry records it " \
        "(inserted by hand)" in ca.verify().problems


def test_a_certificate_deleted_in_sqlite_is_revoked_from_its_audit_image(
        ca, project, make_csr, caplog):
    serial = issue(ca, project, make_csr)
    edit(ca.folder, "DELETE FROM certificates WHERE serial = ?", serial)
    deleted = f"certificate {serial}, recorded by audit entry 2, is missing from the ledger " \
        "(deleted)"
    later = NOW + dt.timedelta(hours=1)
    record = ca.revoke(serial, reason="key-compromise", actor="ops", now=later)
    assert (record.serial, record.revoked_at, record.revocation_reason) == (
        serial, iso(later), "key-compromise")
    assert record.row_problem == deleted
    assert record.subject == "CN=api.internal.example"
    assert record.pem == ""  # the image keeps only the PEM's digest
    assert deleted in caplog.text
    entry = ca.ledger.audit()[-1]
    assert (entry.action, entry.detail["tampering"]) == ("revoke", [deleted])
    image = entry.detail["rows"][f"certificate {serial}"]
    assert (image["revoked_at"], image["revocation_reason"]) == (iso(later), "key-compromise")
    assert ca.ledger.certificate_rows() == []  # the row stays deleted
    assert ca.verify().problems == (
        f"certificate {serial}, recorded by audit entry {entry.seq}, is missing from the "
        "ledger (deleted)",)
    ca.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    revoked = ca.crl(actor="ops", now=later).get_revoked_certificate_by_serial_number(
        int(serial, 16))
    assert revoked.extensions.get_extension_for_class(x509.CRLReason).value.reason is \
        x509.ReasonFlags.key_compromise
    with pytest.raises(Refused, match="already revoked"):
        ca.revoke(serial, actor="ops", now=later)


def test_revoking_a_serial_the_audit_log_never_recorded_is_no_such_certificate(
        ca, project, make_csr):
    issue(ca, project, make_csr)
    entries = len(ca.ledger.audit())
    with pytest.raises(CaError, match="no certificate with serial abc123"):
        ca.revoke("abc123", actor="ops", now=NOW)
    # Refused and logged like every refusal (review 2026-12, ca.md defect 11).
    assert len(ca.ledger.audit()) == entries + 1
    assert (ca.ledger.audit()[-1].action, ca.ledger.audit()[-1].subject) == (
        "refused:revoke", "certificate abc123")
    assert ca.verify().ok


# --- CRL numbers ---------------------------------------------------------------------------

def test_crl_number_counts_the_audit_logs_crls_not_the_meta_row(ca, monkeypatch):
    ca.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    assert crl_number(ca.crl(actor="ops", now=NOW)) == 1
    edit(ca.folder, "UPDATE meta SET value = '41' WHERE key = 'crl_number'")
    skip_verification(ca, monkeypatch)
    assert crl_number(ca.crl(actor="ops", now=NOW)) == 2
    assert [e.subject for e in ca.ledger.audit()[-2:]] == ["crl 2", "root crl 2"]


def test_an_edited_crl_number_is_reported_but_cannot_stop_the_next_crl(ca):
    """The number comes from the chain; meta's copy is rewritten by the next CRL, so editing
    it must not be a way to stop revocations from being published."""
    ca.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    ca.crl(actor="ops", now=NOW)
    edit(ca.folder, "UPDATE meta SET value = '41' WHERE key = 'crl_number'")
    problem = "the CRL number in meta is 41, but the audit log's newest CRL is number 1 " \
        "(edited in SQLite)"
    assert ca.verify().problems == (problem,)
    published = ca.publish_crls(actor="ops", now=NOW)
    assert published.warnings == (problem,)
    assert published.issuing.extensions.get_extension_for_class(
        x509.CRLNumber).value.crl_number == 2
    assert ca.verify().ok  # the copy is rewritten


@pytest.mark.parametrize(("statement", "shown"), [
    ("DELETE FROM meta WHERE key = 'crl_number'", "missing, but the audit log's newest CRL "
     "is number 1"),
    ("INSERT INTO meta VALUES ('crl_number', '7')", "7, but the audit log's newest CRL is none"),
])
def test_a_deleted_or_invented_crl_number_is_reported(ca, statement, shown):
    if statement.startswith("DELETE"):
        ca.unlock(PASSPHRASE, ROOT_PASSPHRASE)
        ca.crl(actor="ops", now=NOW)
    edit(ca.folder, statement)
    assert ca.verify().problems == (f"the CRL number in meta is {shown} (edited in SQLite)",)


# --- the certificate list ------------------------------------------------------------------

def test_the_list_shows_a_revocation_undone_in_sqlite_and_marks_the_row(ca, revoked):
    edit(ca.folder, "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    (listed,) = ca.ledger.certificates()
    assert (listed.revoked_at, listed.revocation_reason) == (iso(NOW), "superseded")
    assert listed.row_problem == ca.verify().problems[0]
    assert listed.ledger_verified is False
    assert ca.ledger.certificate_rows()[0].revoked_at is None  # the row, as it stands


def test_the_list_shows_no_revocation_made_only_in_sqlite(ca, project, make_csr):
    serial = issue(ca, project, make_csr)
    edit(ca.folder, "UPDATE certificates SET revoked_at = ?, revocation_reason = 'superseded'",
         iso(NOW))
    (listed,) = ca.ledger.certificates()
    assert (listed.serial, listed.revoked_at, listed.revocation_reason) == (serial, None, None)
    assert listed.row_problem.startswith(f"certificate {serial} was changed after audit entry")


def test_the_list_marks_every_row_when_the_ledger_fails_elsewhere(ca, project, make_csr,
                                                                  revoked):
    kept = issue(ca, project, make_csr, "web.internal.example")
    edit(ca.folder, "DROP TRIGGER audit_no_update")
    edit(ca.folder, "UPDATE audit SET actor = 'mallory' WHERE seq = 1")
    listed = {c.serial: c for c in ca.ledger.certificates()}
    assert listed[revoked].revoked_at == iso(NOW)
    assert listed[kept].revoked_at is None
    assert {(c.row_problem, c.ledger_verified) for c in listed.values()} == {("", False)}


def test_a_verified_list_says_so_and_json_keeps_plain_reads_unmarked(ca, revoked):
    (listed,) = ca.ledger.certificates()
    assert (listed.revoked_at, listed.row_problem, listed.ledger_verified) == (
        iso(NOW), "", True)
    assert {"row_problem", "ledger_verified"} <= set(listed.to_json())
    assert "ledger_verified" not in ca.ledger.certificate(revoked).to_json()
