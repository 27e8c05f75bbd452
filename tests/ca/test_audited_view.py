"""The incremental audited view against a full verify: same report, list and calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.ca import bindings
from app.ca.audited_state import audited_certificate, renewal_calendar
from app.ca.audited_view import row_ref
from app.ca.records import iso
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE, edit


def full(ca):
    """What a refresh showed before: a full verify, the list and calendar from it."""
    report, bound, current = ca.ledger.inspect()
    listed = [audited_certificate(r, bound.get(bindings.certificate_row(r.serial).label),
                                  current.get(bindings.certificate_row(r.serial).label),
                                  ledger_verified=report.ok)
              for r in ca.ledger.certificate_rows()]
    return report, listed, renewal_calendar(ca.ledger.bound_rows(), now=iso(NOW))


def assert_same_as_full(ca):
    report, listed, calendar = full(ca)
    view_report, _bound = ca.ledger.view.refresh()
    assert (view_report.entries, view_report.head, view_report.ok) == (
        report.entries, report.head, report.ok)
    assert sorted(view_report.problems) == sorted(report.problems)
    assert sorted(view_report.row_level) == sorted(report.row_level)
    assert ca.ledger.certificates() == listed
    assert ca.renewals(now=NOW) == calendar


def count_full_walks(ca, monkeypatch) -> list[int]:
    walks: list[int] = []
    inspection = ca.ledger.inspection

    def counted(**kwargs):
        walks.append(1)
        return inspection(**kwargs)

    monkeypatch.setattr(ca.ledger, "inspection", counted)
    return walks


@pytest.mark.parametrize("label", ["certificate 1a2b", "request 7", "approval 3",
                                   "notice 1a2b/90"])
def test_a_label_names_its_row(label):
    assert row_ref(label).label == label


ACTIONS = st.lists(st.sampled_from(["issue", "admin", "revoke", "crl"]), min_size=1,
                   max_size=6)


# project and make_csr hold no state between examples.
@settings(max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_refreshes_after_the_cas_own_actions_equal_a_full_verify(
        tmp_path_factory, project, make_csr, actions):
    from app.ca.service import CaService

    ca = CaService.init(tmp_path_factory.mktemp("ca") / "ca", PASSPHRASE,
                        root_passphrase=ROOT_PASSPHRASE, now=NOW)
    try:
        ca.unlock(PASSPHRASE, ROOT_PASSPHRASE)
        assert_same_as_full(ca)
        serials: list[str] = []
        for n, action in enumerate(actions):
            if action == "issue" or (action == "revoke" and not serials):
                csr, _ = make_csr(f"h{n}.internal.example")
                serials.append(ca.issue(project, "internal-tls", csr, requester="svc",
                                        now=NOW).record.serial)
            elif action == "revoke":
                ca.revoke(serials.pop(), reason="superseded", actor="ops", now=NOW)
            elif action == "admin":
                csr, _ = make_csr(f"mf{n}.internal.example")
                request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                                           justification="needs TLS", now=NOW)
                ca.admin.approve(request.id, approver="bob", role="Team lead",
                                 confirmed=["1", "2"], now=NOW)
                ca.admin.fulfil(request.id, operator="ops", now=NOW)
            else:
                ca.crl(actor="ops", now=NOW)
            assert_same_as_full(ca)
    finally:
        ca.close()


def test_own_actions_refresh_without_a_full_walk(ca, project, make_csr, monkeypatch):
    ca.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    ca.ledger.certificates()  # the first refresh verifies in full (on open)
    walks = count_full_walks(ca, monkeypatch)
    for n in range(3):
        csr, _ = make_csr(f"h{n}.internal.example")
        ca.issue(project, "internal-tls", csr, requester="svc", now=NOW)
        assert len(ca.ledger.certificates()) == n + 1
    assert walks == []
    assert ca.verify().ok  # on demand: a full verify, as before
    assert walks == [1]


def test_an_edit_by_another_connection_makes_the_next_refresh_full(
        ca, revoked, monkeypatch):
    (before,) = ca.ledger.certificates()
    assert before.row_problem == ""
    walks = count_full_walks(ca, monkeypatch)
    edit(ca.folder, "UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    (listed,) = ca.ledger.certificates()
    assert walks == [1]
    assert listed.ledger_verified is False
    assert listed.row_problem == ca.verify().problems[0]
    assert_same_as_full(ca)


def test_an_old_entry_rewritten_behind_the_cas_back_is_found(ca, revoked):
    ca.ledger.certificates()
    edit(ca.folder, "DROP TRIGGER audit_no_update")
    edit(ca.folder, "UPDATE audit SET actor = 'mallory' WHERE seq = 2")
    report, _ = ca.ledger.view.refresh()
    assert "audit entry 2 was edited: its hash does not match" in report.problems
    assert_same_as_full(ca)


def test_the_calendar_judges_statuses_again_when_a_due_date_passes(ca, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    record = ca.issue(project, "internal-tls", csr, requester="svc", now=NOW).record
    (entry,) = ca.renewals(now=NOW)
    assert entry.status == "upcoming"
    due = dt.datetime.fromisoformat(entry.due_at.replace("Z", "+00:00"))
    (entry,) = ca.renewals(now=due + dt.timedelta(seconds=1))
    assert entry.status == "due"
    expiry = dt.datetime.fromisoformat(record.not_after.replace("Z", "+00:00"))
    (entry,) = ca.renewals(now=expiry)
    assert entry.status == "expired"
    assert ca.renewals(now=NOW) == renewal_calendar(ca.ledger.bound_rows(), now=iso(NOW))


def test_a_bad_entry_after_the_verified_head_is_found_without_a_full_walk(
        ca, revoked, monkeypatch):
    """Even through the CA's own connection (no data_version change), the entries after
    the verified head are walked: a forged one breaks the link and the hash."""
    ca.ledger.certificates()
    walks = count_full_walks(ca, monkeypatch)
    seq = ca.ledger.audit()[-1].seq + 1
    ca.ledger.conn.execute("INSERT INTO audit VALUES (?, ?, 'mallory', 'note', 'x', '{}', ?, ?)",
                           (seq, iso(NOW), "0" * 64, "f" * 64))
    report, _ = ca.ledger.view.refresh()
    assert walks == []
    assert f"audit entry {seq} does not link to the entry before it" in report.problems
    assert f"audit entry {seq} was edited: its hash does not match" in report.problems
    assert not ca.ledger.certificates()[0].ledger_verified


def test_the_checkpoint_is_read_on_every_refresh(ca, revoked):
    """The checkpoint is a file beside the ledger: deleting or trimming it changes no
    data_version, so every refresh reads what was appended and notices a replaced file."""
    ca.ledger.certificates()
    path = ca.ledger.checkpoint_path
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n")  # rewritten shorter: read from the start
    assert ca.ledger.view.refresh()[0].ok
    path.write_text(path.read_text() + f"99 {'a' * 64}\n")
    (problem,) = ca.ledger.view.refresh()[0].problems
    assert "audit entries" in problem
    assert "the checkpoint audit.checkpoint recorded entry 99" in problem
    assert_same_as_full(ca)
    path.unlink()
    assert ca.ledger.view.refresh()[0].problems[0].startswith(
        "the audit checkpoint audit.checkpoint is missing")
