"""Issue tab wiring: CA folder, decision and profile, both paths, the queue, self-approval."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from app.gui.issue_tab import IssueTab
from models.enums import Workflow

PASSPHRASE = "correct horse battery"


@pytest.fixture
def tab(qtbot, store, tmp_path: Path):
    widget = IssueTab(store)
    qtbot.addWidget(widget)
    widget._ask_folder = lambda title: str(tmp_path / "ca")
    widget._ask_passphrase = lambda title, confirm=False: PASSPHRASE
    return widget


@pytest.fixture
def ca_tab(qtbot, tab):
    with qtbot.waitSignal(tab.task_finished, timeout=10_000):
        tab.new_ca()
    assert tab.service is not None
    return tab


def generate(qtbot, tab, action, names: str) -> None:
    """Fill in the DNS names, press the action, wait for the key to be generated."""
    tab.csr_source.setCurrentIndex(0)
    tab.dns_edit.setText(names)
    with qtbot.waitSignal(tab.task_finished, timeout=10_000):
        action()


def test_no_ca_yet_disables_ca_actions(tab):
    assert tab.service is None
    assert not tab.issue_button.isEnabled()
    assert "No CA open" in tab.ca_status.text()


def test_new_ca_is_created_off_the_ui_thread(ca_tab, tmp_path: Path):
    assert ca_tab.folder_edit.text() == str(tmp_path / "ca")
    assert "unlocked" in ca_tab.ca_status.text()
    assert stat.S_IMODE((tmp_path / "ca").stat().st_mode) == 0o700
    assert ca_tab.audit_table.rowCount() == 1


def test_open_existing_ca_is_locked_until_the_passphrase(qtbot, ca_tab, store, tmp_path: Path):
    other = IssueTab(store)
    qtbot.addWidget(other)
    other._ask_folder = lambda title: str(tmp_path / "ca")
    other._ask_passphrase = lambda title, confirm=False: "wrong passphrase"
    other.choose_folder()
    assert "locked" in other.ca_status.text()
    assert not other.unlock()
    assert "wrong CA passphrase" in other.message.text()
    other._ask_passphrase = lambda title, confirm=False: PASSPHRASE
    assert other.unlock()
    assert "unlocked" in other.ca_status.text()


def test_type_shows_its_decision_and_profile(tab):
    tab.select_type("mainframe-tls")
    assert tab.badge.text() == "ADMIN-MEDIATED"
    assert tab.decision_label.text().startswith("Identity capability")
    assert "SAN patterns: **.internal.example" in tab.profile_text.text()
    assert "Validity: at most 825 days (long class)" in tab.profile_text.text()
    assert tab.pages.currentIndex() == 1
    tab.select_type("internal-tls")
    assert tab.badge.text() == "COMBINED"
    assert tab.pages.currentIndex() == 0
    assert tab.validity_spin.maximum() == 397


def test_type_follows_store_edits(qtbot, tab, store):
    tab.select_type("mainframe-tls")
    row = store.project.index_of("mainframe-tls")
    types = list(store.project.types)
    types[row] = types[row].model_copy(update={"identity": "strong"})
    with qtbot.waitSignal(store.evaluation_changed):
        store.edit(store.project.model_copy(update={"types": tuple(types)}), "identity")
    assert store.evaluation.decisions[row].workflow is Workflow.COMBINED
    assert tab.badge.text() == "COMBINED"
    assert tab.pages.currentIndex() == 0


def test_check_lists_every_violation(qtbot, ca_tab):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.check_csr, "API.internal.example, x.example.org")
    items = [ca_tab.violations.item(i).text() for i in range(ca_tab.violations.count())]
    assert any("mixed-case" in text for text in items)
    assert any("outside the allowed SAN patterns" in text for text in items)
    assert "2 policy violation(s)" in ca_tab.message.text()


def test_combined_issue_delivers_and_schedules_renewal(qtbot, ca_tab, tmp_path: Path):
    ca_tab.select_type("internal-tls")
    ca_tab.delivery_mode.setCurrentIndex(0)
    ca_tab.delivery_path.setText(str(tmp_path / "out"))
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    assert ca_tab.message.text().startswith("Issued ")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"]
    assert ca_tab.issued_table.rowCount() == 1
    assert ca_tab.issued_table.item(0, 2).text() == "combined"
    assert ca_tab.renewal_table.rowCount() == 1
    assert ca_tab.renewal_table.item(0, 2).text() == "renewal"


def test_combined_issue_refused_lists_violations(qtbot, ca_tab):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.issue, "api.example.org")
    assert ca_tab.violations.count() == 1
    assert ca_tab.issued_table.rowCount() == 0
    assert ca_tab.audit_table.item(0, 3).text() == "refused:issue"


def raise_request(qtbot, tab, requester: str = "alice") -> None:
    tab.select_type("mainframe-tls")
    tab.requester_edit.setText(requester)
    tab.justification_edit.setText("Core banking listener needs TLS")
    generate(qtbot, tab, tab.raise_request, "mf01.internal.example")
    assert tab.queue.rowCount() == 1


def tick_all(tab) -> None:
    for box in tab.criteria:
        box.setChecked(True)


def test_self_approval_refused_through_the_gui(qtbot, ca_tab):
    raise_request(qtbot, ca_tab)
    ca_tab.select_request(1)
    ca_tab.approver_edit.setText("Alice")
    tick_all(ca_tab)
    assert ca_tab.approve_button.isEnabled()
    ca_tab.approve_button.click()
    assert "the requester can never approve their own request" in ca_tab.message.text()
    request = ca_tab.service.ledger.request(1)
    assert request.state.value == "pending"
    assert request.approvals == ()
    assert ca_tab.audit_table.item(0, 3).text() == "refused:approve"


def test_approve_needs_every_criterion_ticked(qtbot, ca_tab):
    raise_request(qtbot, ca_tab)
    ca_tab.select_request(1)
    ca_tab.approver_edit.setText("bob")
    assert [box.text() for box in ca_tab.criteria] == [
        "Requester is the mainframe service owner", "SANs match the CMDB entry"]
    ca_tab.criteria[0].setChecked(True)
    assert not ca_tab.approve_button.isEnabled()
    ca_tab.criteria[1].setChecked(True)
    assert ca_tab.approve_button.isEnabled()


def test_admin_path_end_to_end(qtbot, ca_tab, tmp_path: Path):
    raise_request(qtbot, ca_tab)
    ca_tab.select_request(1)
    assert not ca_tab.fulfil_button.isEnabled()
    ca_tab.approver_edit.setText("bob")
    ca_tab.role_combo.setCurrentText("Team lead")
    tick_all(ca_tab)
    ca_tab.approve_button.click()
    assert ca_tab.queue.item(0, 3).text() == "approved"
    assert ca_tab.fulfil_button.isEnabled()
    ca_tab.operator_edit.setText("ops")
    ca_tab.delivery_mode.setCurrentIndex(2)
    ca_tab.delivery_path.setText(str(tmp_path / "secret.yaml"))
    ca_tab.fulfil_button.click()
    assert "type: kubernetes.io/tls" in (tmp_path / "secret.yaml").read_text()
    assert ca_tab.queue.item(0, 3).text() == "fulfilled"
    ca_tab.requester_edit.setText("bob")
    ca_tab.acknowledge_button.click()
    assert "only the requester, alice, can acknowledge" in ca_tab.message.text()
    ca_tab.requester_edit.setText("alice")
    ca_tab.acknowledge_button.click()
    assert ca_tab.queue.item(0, 3).text() == "acknowledged"
    calendar = [(ca_tab.renewal_table.item(r, 2).text(), ca_tab.renewal_table.item(r, 3).text())
                for r in range(ca_tab.renewal_table.rowCount())]
    assert calendar == [("notice", "90"), ("notice", "30"), ("notice", "7")]


def test_reject_with_reason_ends_the_request(qtbot, ca_tab):
    raise_request(qtbot, ca_tab)
    ca_tab.select_request(1)
    ca_tab.approver_edit.setText("bob")
    assert not ca_tab.reject_button.isEnabled()
    ca_tab.reason_edit.setText("Not in the CMDB")
    ca_tab.reject_button.click()
    assert ca_tab.queue.item(0, 3).text() == "rejected"
    assert "Not in the CMDB" in ca_tab.queue.item(0, 4).text()
    assert not ca_tab.approve_button.isEnabled()


def test_revoke_publishes_a_crl(qtbot, ca_tab, tmp_path: Path):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    ca_tab.issued_table.selectRow(0)
    ca_tab.revoke_button.click()
    assert ca_tab.issued_table.item(0, 5).text() != ""
    assert (tmp_path / "ca" / "crl.pem").is_file()
    ca_tab.verify()
    assert ca_tab.message.text().startswith("Ledger intact")


def test_issue_tab_is_in_the_main_window(window):
    assert isinstance(window.tab_widgets["issue"], IssueTab)
