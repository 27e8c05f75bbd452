"""Issue tab wiring: CA folder, decision and profile, both paths, the queue, the table models."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
from cryptography import x509
from PySide6.QtCore import Qt

from app.ca.ledger import LEDGER
from app.gui import commands
from app.gui import settings as keys
from app.gui.ca_session import ROOT_PROMPT
from app.gui.issue_tab import IssueTab
from models.enums import Workflow

PASSPHRASE = "correct horse battery"
ROOT_PASSPHRASE = "root staple in the safe"


def passphrases(title: str, confirm: bool = False) -> str:
    """The dialog's answer: the root key's own passphrase when the title asks for it."""
    return ROOT_PASSPHRASE if "root" in title.lower() else PASSPHRASE


@pytest.fixture(autouse=True)
def own_settings(monkeypatch, tmp_path: Path) -> Path:
    """Each test its own settings file, so a remembered CA folder never leaks between tests."""
    folder = tmp_path / "config"
    monkeypatch.setenv(keys.CONFIG_DIR_ENV, str(folder))
    return folder


def cell(model, row: int, column: int) -> str:
    """What a table shows in one cell (DisplayRole through the model's own index)."""
    return model.index(row, column).data()


@pytest.fixture
def tab(qtbot, store, tmp_path: Path):
    widget = IssueTab(store)
    qtbot.addWidget(widget)
    widget._ask_folder = lambda title: str(tmp_path / "ca")
    widget._ask_passphrase = passphrases
    widget._ask_base_url = lambda default: default
    widget.revocations_asked = []
    widget._ask_revocation = lambda serial, subject: (
        widget.revocations_asked.append((serial, subject)) or ("key-compromise", "ops-carol"))
    return widget


@pytest.fixture
def ca_tab(qtbot, tab):
    with qtbot.waitSignal(tab.task_finished, timeout=10_000):
        tab.new_ca()
    assert tab.service is not None
    return tab


def generate(qtbot, tab, action, names: str) -> None:
    """Fill in the DNS names, press the action, wait for the key to be generated."""
    tab.csr.source_combo.setCurrentIndex(0)
    tab.csr.dns_edit.setText(names)
    with qtbot.waitSignal(tab.task_finished, timeout=10_000):
        action()


def test_no_ca_yet_disables_ca_actions(tab):
    assert tab.service is None
    assert not tab.pages.combined.issue_button.isEnabled()
    assert "No CA open" in tab.folder_bar.status.text()


def test_new_ca_is_created_off_the_ui_thread(ca_tab, tmp_path: Path):
    assert ca_tab.folder_bar.folder_edit.text() == str(tmp_path / "ca")
    assert "unlocked" in ca_tab.folder_bar.status.text()
    assert ca_tab.folder_bar.status.toolTip() == ("Publishes its certificates and CRLs at "
                                                  "http://127.0.0.1:8480/ (certroute ca "
                                                  "serve-files)")
    assert stat.S_IMODE((tmp_path / "ca").stat().st_mode) == 0o700
    assert ca_tab.ledger_tabs.audit_model.rowCount() == 1


def test_open_existing_ca_is_locked_until_the_passphrase(qtbot, ca_tab, store, tmp_path: Path):
    other = IssueTab(store)
    qtbot.addWidget(other)
    other._ask_folder = lambda title: str(tmp_path / "ca")
    other._ask_passphrase = lambda title, confirm=False: "wrong passphrase"
    other.choose_folder()
    assert "locked" in other.folder_bar.status.text()
    assert not other.unlock()
    assert "wrong CA passphrase" in other.message.text()
    other._ask_passphrase = passphrases
    assert other.unlock()
    assert "unlocked" in other.folder_bar.status.text()


def test_type_shows_its_decision_and_profile(tab):
    tab.select_type("mainframe-tls")
    assert tab.profile.badge.text() == "ADMIN-MEDIATED"
    assert tab.profile.decision_label.text().startswith("Identity capability")
    assert "SAN patterns: **.internal.example" in tab.profile.profile_text.text()
    assert "Validity: at most 825 days (long class)" in tab.profile.profile_text.text()
    assert tab.pages.currentIndex() == 1
    tab.select_type("internal-tls")
    assert tab.profile.badge.text() == "COMBINED"
    assert tab.pages.currentIndex() == 0
    assert tab.csr.validity_spin.maximum() == 397


def test_type_follows_store_edits(qtbot, tab, store):
    tab.select_type("mainframe-tls")
    row = store.project.index_of("mainframe-tls")
    types = list(store.project.types)
    types[row] = types[row].model_copy(update={"identity": "strong"})
    with qtbot.waitSignal(store.evaluation_changed):
        store.edit(store.project.model_copy(update={"types": tuple(types)}), "identity")
    assert store.evaluation.decisions[row].workflow is Workflow.COMBINED
    assert tab.profile.badge.text() == "COMBINED"
    assert tab.pages.currentIndex() == 0


def test_check_lists_every_violation(qtbot, ca_tab):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.check_csr, "API.internal.example, x.example.org")
    violations = ca_tab.csr.violations_model
    items = [cell(violations, row, 1) for row in range(violations.rowCount())]
    assert any("mixed-case" in text for text in items)
    assert any("outside the allowed SAN patterns" in text for text in items)
    assert "2 policy violation(s)" in ca_tab.message.text()


def test_combined_issue_delivers_and_schedules_renewal(qtbot, ca_tab, tmp_path: Path):
    ca_tab.select_type("internal-tls")
    ca_tab.delivery.mode_combo.setCurrentIndex(0)
    ca_tab.delivery.target_edit.setText(str(tmp_path / "out"))
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    assert ca_tab.message.text().startswith("Issued ")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cert.pem", "chain.pem", "fullchain.pem", "privkey.pem"]
    assert ca_tab.ledger_tabs.issued_model.rowCount() == 1
    assert cell(ca_tab.ledger_tabs.issued_model, 0, 2) == "combined"
    assert ca_tab.ledger_tabs.renewal_model.rowCount() == 1
    assert cell(ca_tab.ledger_tabs.renewal_model, 0, 2) == "renewal"


def test_combined_issue_refused_lists_violations(qtbot, ca_tab):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.issue, "api.example.org")
    assert ca_tab.csr.violations_model.rowCount() == 1
    assert ca_tab.ledger_tabs.issued_model.rowCount() == 0
    assert cell(ca_tab.ledger_tabs.audit_model, 0, 3) == "refused:issue"


def raise_request(qtbot, tab, requester: str = "alice") -> None:
    tab.select_type("mainframe-tls")
    tab.pages.admin.requester_edit.setText(requester)
    tab.pages.admin.justification_edit.setText("Core banking listener needs TLS")
    generate(qtbot, tab, tab.raise_request, "mf01.internal.example")
    assert tab.approvals.queue_model.rowCount() == 1


def tick_all(tab) -> None:
    for box in tab.approvals.criteria:
        box.setChecked(True)


def test_self_approval_refused_through_the_gui(qtbot, ca_tab):
    raise_request(qtbot, ca_tab)
    ca_tab.select_request(1)
    ca_tab.approvals.approver_edit.setText("Alice")
    tick_all(ca_tab)
    assert ca_tab.approvals.approve_button.isEnabled()
    ca_tab.approvals.approve_button.click()
    assert "the requester can never approve their own request" in ca_tab.message.text()
    request = ca_tab.service.ledger.request(1)
    assert request.state.value == "pending"
    assert request.approvals == ()
    assert cell(ca_tab.ledger_tabs.audit_model, 0, 3) == "refused:approve"


def test_approve_needs_every_criterion_ticked(qtbot, ca_tab):
    raise_request(qtbot, ca_tab)
    ca_tab.select_request(1)
    ca_tab.approvals.approver_edit.setText("bob")
    assert [box.text() for box in ca_tab.approvals.criteria] == [
        "Requester is the mainframe service owner", "SANs match the CMDB entry"]
    ca_tab.approvals.criteria[0].setChecked(True)
    assert not ca_tab.approvals.approve_button.isEnabled()
    ca_tab.approvals.criteria[1].setChecked(True)
    assert ca_tab.approvals.approve_button.isEnabled()


def test_admin_path_end_to_end(qtbot, ca_tab, tmp_path: Path):
    raise_request(qtbot, ca_tab)
    ca_tab.select_request(1)
    assert not ca_tab.approvals.fulfil_button.isEnabled()
    ca_tab.approvals.approver_edit.setText("bob")
    ca_tab.approvals.role_combo.setCurrentText("Team lead")
    tick_all(ca_tab)
    ca_tab.approvals.approve_button.click()
    assert cell(ca_tab.approvals.queue_model, 0, 3) == "approved"
    assert ca_tab.approvals.fulfil_button.isEnabled()
    ca_tab.approvals.operator_edit.setText("ops")
    ca_tab.delivery.mode_combo.setCurrentIndex(2)
    ca_tab.delivery.target_edit.setText(str(tmp_path / "secret.yaml"))
    ca_tab.approvals.fulfil_button.click()
    assert "type: kubernetes.io/tls" in (tmp_path / "secret.yaml").read_text()
    assert cell(ca_tab.approvals.queue_model, 0, 3) == "fulfilled"
    ca_tab.pages.admin.requester_edit.setText("bob")
    ca_tab.approvals.acknowledge_button.click()
    assert "only the requester, alice, can acknowledge" in ca_tab.message.text()
    ca_tab.pages.admin.requester_edit.setText("alice")
    ca_tab.approvals.acknowledge_button.click()
    assert cell(ca_tab.approvals.queue_model, 0, 3) == "acknowledged"
    renewals = ca_tab.ledger_tabs.renewal_model
    calendar = [(cell(renewals, r, 2), cell(renewals, r, 3)) for r in range(renewals.rowCount())]
    assert calendar == [("notice", "90"), ("notice", "30"), ("notice", "7")]


def test_reject_with_reason_ends_the_request(qtbot, ca_tab):
    raise_request(qtbot, ca_tab)
    ca_tab.select_request(1)
    ca_tab.approvals.approver_edit.setText("bob")
    assert not ca_tab.approvals.reject_button.isEnabled()
    ca_tab.approvals.reason_edit.setText("Not in the CMDB")
    ca_tab.approvals.reject_button.click()
    assert cell(ca_tab.approvals.queue_model, 0, 3) == "rejected"
    assert "Not in the CMDB" in cell(ca_tab.approvals.queue_model, 0, 4)
    assert not ca_tab.approvals.approve_button.isEnabled()


def test_revoke_publishes_a_crl(qtbot, ca_tab, tmp_path: Path):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    ca_tab.ledger_tabs.issued_table.selectRow(0)
    ca_tab.ledger_tabs.revoke_button.click()
    assert cell(ca_tab.ledger_tabs.issued_model, 0, 5) != ""
    assert (tmp_path / "ca" / "crl.pem").is_file()
    assert "CRL with 1 entr(y/ies) and root CRL with 0 published" in ca_tab.message.text()
    assert list(x509.load_pem_x509_crl((tmp_path / "ca" / "root.crl.pem").read_bytes())) == []
    ca_tab.verify()
    assert ca_tab.message.text().startswith("Ledger intact")


def test_revoke_asks_first_and_records_the_reason_and_who(qtbot, ca_tab, tmp_path: Path):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    ca_tab.ledger_tabs.issued_table.selectRow(0)
    serial = ca_tab.ledger_tabs.selected_certificate().serial
    answer = None
    ca_tab._ask_revocation = lambda s, subject: answer  # Cancel
    ca_tab.ledger_tabs.revoke_button.click()
    assert cell(ca_tab.ledger_tabs.issued_model, 0, 5) == ""
    assert not (tmp_path / "ca" / "crl.pem").exists()
    assert ca_tab.message.text() == f"Not revoked: {serial}"
    answer = ("key-compromise", "ops-carol")
    ca_tab.ledger_tabs.revoke_button.click()
    assert f"Revoked {serial} (key-compromise)" in ca_tab.message.text()
    (entry,) = list(x509.load_pem_x509_crl((tmp_path / "ca" / "crl.pem").read_bytes()))
    reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    assert reason is x509.ReasonFlags.key_compromise
    revoke_entry = next(e for e in ca_tab.service.ledger.audit(limit=50)
                        if e.action == "revoke")
    assert revoke_entry.actor == "ops-carol"


def test_revoke_dialog_offers_the_cli_reasons_and_cancel_revokes_nothing(qtbot):
    from app.ca.revocation import REVOCATION_REASONS
    from app.gui.revoke_dialog import RevokeDialog

    dialog = RevokeDialog("1A2B", "CN=api.internal.example")
    qtbot.addWidget(dialog)
    offered = [dialog.reason.itemData(i) for i in range(dialog.reason.count())]
    assert sorted(offered) == sorted(REVOCATION_REASONS)
    assert dialog.choice()[0] == "unspecified"
    dialog.reason.setCurrentIndex(offered.index("superseded"))
    dialog.actor.setText("alice")
    assert dialog.choice() == ("superseded", "alice")


def test_profile_verdict_clears_when_the_type_or_names_change(qtbot, ca_tab):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.check_csr, "api.internal.example")
    assert ca_tab.csr.check_result.text() == "No violation: the profile allows this CSR"
    ca_tab.select_type("customer-tls")  # a profile that rejects that name
    assert ca_tab.csr.check_result.text() == ""
    generate(qtbot, ca_tab, ca_tab.check_csr, "api.internal.example")
    assert ca_tab.csr.violations.isVisibleTo(ca_tab)
    ca_tab.csr.dns_edit.setText("www.example.com")  # corrected: the old table goes
    assert not ca_tab.csr.violations.isVisibleTo(ca_tab)
    assert ca_tab.csr.check_result.text() == ""


def test_new_ca_accepts_a_folder_that_does_not_exist_yet(qtbot, tmp_path: Path):
    from PySide6.QtWidgets import QFileDialog

    from app.gui.file_dialogs import NewFolderDialog

    dialog = NewFolderDialog(None, "Folder for a new CA (new or empty)")
    qtbot.addWidget(dialog)
    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(str(tmp_path / "brand-new-ca"))
    dialog.accept()
    assert dialog.result() == QFileDialog.DialogCode.Accepted
    assert dialog.chosen == str(tmp_path / "brand-new-ca")
    assert not (tmp_path / "brand-new-ca").exists()  # CaService.init creates it


def test_revoke_of_a_row_edited_in_sqlite_goes_ahead_and_warns(qtbot, ca_tab, tmp_path: Path):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    conn = sqlite3.connect(tmp_path / "ca" / LEDGER)
    conn.execute("UPDATE certificates SET identity = 'evil'")
    conn.commit()
    conn.close()
    ca_tab.ledger_tabs.issued_table.selectRow(0)
    ca_tab.ledger_tabs.revoke_button.click()
    text = ca_tab.message.text()
    assert "CRL with 1 entr(y/ies) published from the audit log" in text
    assert "edited outside Certroute" in text
    assert "identity is 'evil'" in text
    crl = x509.load_pem_x509_crl((tmp_path / "ca" / "crl.pem").read_bytes())
    assert len(list(crl)) == 1


def test_issue_tab_is_in_the_main_window(window):
    assert isinstance(window.tab_widgets["issue"], IssueTab)


def test_check_passing_csr_hides_the_violations_table(qtbot, ca_tab):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.check_csr, "API.internal.example")
    assert ca_tab.csr.violations_model.rowCount() == 1
    assert ca_tab.csr.violations.isVisibleTo(ca_tab)
    generate(qtbot, ca_tab, ca_tab.check_csr, "api.internal.example")
    assert ca_tab.csr.violations_model.rowCount() == 0
    assert not ca_tab.csr.violations.isVisibleTo(ca_tab)
    assert ca_tab.csr.check_result.text() == "No violation: the profile allows this CSR"
    assert ca_tab.message.text() == "The CSR passes the profile"


def test_ca_table_models_pass_the_model_tester(qtbot, qtmodeltester, ca_tab):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    raise_request(qtbot, ca_tab)
    ca_tab.select_type("internal-tls")  # a verdict is cleared by any later change: check last
    generate(qtbot, ca_tab, ca_tab.check_csr, "API.internal.example, x.example.org")
    lists = ca_tab.ledger_tabs
    models = (lists.issued_model, lists.renewal_model, lists.audit_model,
              ca_tab.approvals.queue_model, ca_tab.csr.violations_model)
    for model in models:
        assert model.rowCount() > 0
        qtmodeltester.check(model)
        qtmodeltester.check(model, force_py=True)
    assert [model.headerData(0, Qt.Orientation.Horizontal) for model in models] == [
        "Serial", "Due", "#", "#", "Concerns"]
    assert cell(lists.audit_model, 0, 3) == "request"  # newest first
    assert cell(ca_tab.approvals.queue_model, 0, 2) == "alice"


def test_empty_table_models_pass_the_model_tester(qtmodeltester, tab):
    for model in (tab.ledger_tabs.issued_model, tab.approvals.queue_model,
                  tab.csr.violations_model):
        assert model.rowCount() == 0
        qtmodeltester.check(model)


def test_last_ca_folder_reopens_locked(qtbot, ca_tab, store, tmp_path: Path):
    assert keys.ca_folder(keys.open_settings()) == str(tmp_path / "ca")
    again = IssueTab(store)
    qtbot.addWidget(again)
    assert again.service is not None
    assert again.folder_bar.folder_edit.text() == str(tmp_path / "ca")
    assert not again.service.authority.unlocked
    assert again.folder_bar.status.text().endswith("· locked")
    assert again.message.text().startswith("Reopened the CA in")
    assert again.ledger_tabs.audit_model.rowCount() == 1
    again._ask_passphrase = passphrases
    assert again.unlock()
    assert again.folder_bar.status.text().endswith("· unlocked")


def test_last_ca_folder_gone_leaves_no_ca_open(qtbot, store, tmp_path: Path):
    settings = keys.open_settings()
    keys.remember_ca_folder(settings, tmp_path / "gone")
    settings.sync()
    widget = IssueTab(store)
    qtbot.addWidget(widget)
    assert widget.service is None
    assert "No CA open" in widget.folder_bar.status.text()
    assert "holds no CA any more" in widget.message.text()


def test_no_remembered_folder_opens_nothing(tab):
    assert keys.ca_folder(tab.session.settings) == ""
    assert tab.service is None
    assert tab.message.text() == ""


def test_csr_form_shows_only_the_rows_its_source_reads(tab):
    form = tab.csr
    assert form.dns_edit.isVisibleTo(tab)
    assert not form.path_edit.isVisibleTo(tab)
    form.set_pem_path("/nowhere/request.csr")
    assert form.from_file()
    assert not form.dns_edit.isVisibleTo(tab)
    assert form.path_edit.isVisibleTo(tab)
    assert form.source().pem_path == "/nowhere/request.csr"


def test_delivery_form_asks_secret_fields_only_for_a_secret(tab):
    form = tab.delivery
    assert not form.namespace_edit.isVisibleTo(tab)
    form.mode_combo.setCurrentIndex(2)
    assert form.namespace_edit.isVisibleTo(tab)
    assert form.secret_name_edit.isVisibleTo(tab)


def test_ledger_tab_titles_count_their_rows(qtbot, ca_tab):
    ca_tab.select_type("internal-tls")
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    titles = [ca_tab.ledger_tabs.tabText(i) for i in range(ca_tab.ledger_tabs.count())]
    assert titles == ["Issued certificates (1)", "Renewal calendar (1)", "Audit log",
                      "ACME server"]


def test_reordered_types_keep_the_chosen_type(tab, store):
    from app.gui import commands

    tab.select_type("internal-tls")
    commands.move_type(store, 3, -1)  # same decisions: the evaluation does not change
    ctype, _decision = tab.current_type()
    assert ctype.id == "internal-tls"
    assert [i for i, _name in tab.profile.offered()] == [t.id for t in store.project.types]


def test_a_delivery_target_that_cannot_be_made_is_refused_before_issuing(qtbot, ca_tab,
                                                                          tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ca_tab.select_type("internal-tls")
    ca_tab.delivery.mode_combo.setCurrentIndex(0)
    ca_tab.delivery.target_edit.setText(str(blocker / "sub"))
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    qtbot.waitUntil(lambda: "cannot be created" in ca_tab.message.text())
    assert f"{blocker} is not a folder" in ca_tab.message.text()
    assert ca_tab.ledger_tabs.issued_model.rowCount() == 0


def test_a_delivery_failing_after_issuing_keeps_the_generated_key(qtbot, ca_tab, tmp_path: Path,
                                                                  monkeypatch):
    from app.ca import delivery

    def full_disk(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(delivery, "to_folder", full_disk)
    ca_tab.select_type("internal-tls")
    ca_tab.delivery.mode_combo.setCurrentIndex(0)
    ca_tab.delivery.target_edit.setText(str(tmp_path / "out"))
    generate(qtbot, ca_tab, ca_tab.issue, "api.internal.example")
    qtbot.waitUntil(lambda: "delivery failed" in ca_tab.message.text())
    assert "is in the ledger" in ca_tab.message.text()
    assert "No space left on device" in ca_tab.message.text()
    assert ca_tab.ledger_tabs.issued_model.rowCount() == 1
    [kept] = (tmp_path / "ca" / "undelivered").iterdir()
    assert sorted(p.name for p in kept.iterdir()) == ["cert.pem", "privkey.pem"]
    assert f"were kept in {kept}" in ca_tab.message.text()


def add_type(qtbot, store, **fields) -> None:
    """Append a private, strong-identity type with these fields to the document."""
    data = store.project.model_dump(mode="json")
    data["types"].append({"ca": "private", "identity": "strong", **fields})
    with qtbot.waitSignal(store.evaluation_changed):
        store.edit(store.project.model_validate(data), f"add {fields['name']}", rows=None)


def add_smime_type(qtbot, store) -> None:
    """Add a combined S/MIME type (mailboxes at internal.example) to the document."""
    add_type(qtbot, store, id="smime", name="Staff S/MIME", purpose="smime",
             validity="medium", blast_radius="low")


def test_csr_form_asks_email_addresses_only_where_the_profile_allows_them(qtbot, tab, store):
    add_smime_type(qtbot, store)
    form = tab.csr
    tab.select_type("internal-tls")
    form.email_edit.setText("alice@internal.example")
    assert not form.email_edit.isVisibleTo(tab)
    assert form.source().names == ()  # a hidden field asks for nothing
    tab.select_type("smime")
    assert form.email_edit.isVisibleTo(tab)
    assert form.email_edit.placeholderText() == "alice@internal.example"
    form.dns_edit.setText("")
    assert form.source().names == ("alice@internal.example",)
    form.set_pem_path("/nowhere/request.csr")
    assert not form.email_edit.isVisibleTo(tab)


def test_smime_certificate_issued_from_the_email_field(qtbot, ca_tab, store):
    add_smime_type(qtbot, store)
    ca_tab.select_type("smime")
    assert "Email addresses: required" in ca_tab.profile.profile_text.text()
    ca_tab.csr.email_edit.setText("alice@internal.example; bob@example.org")
    generate(qtbot, ca_tab, ca_tab.check_csr, "")
    violations = ca_tab.csr.violations_model
    assert violations.rowCount() == 1
    assert "outside the allowed email patterns" in cell(violations, 0, 1)
    ca_tab.csr.email_edit.setText("alice@internal.example")
    generate(qtbot, ca_tab, ca_tab.issue, "")
    assert ca_tab.message.text().startswith("Issued ")
    assert "alice@internal.example" in ca_tab.message.text()
    assert "alice@internal.example" in cell(ca_tab.ledger_tabs.issued_model, 0, 3)



def add_team_ca_type(qtbot, store) -> None:
    """A CA-signing type whose subordinate CAs are constrained to team.internal.example."""
    add_type(qtbot, store, id="team-ca", name="Team CA", purpose="ca-signing",
             validity="long", blast_radius="high",
             profile={"san_patterns": ["**.team.internal.example"]})


def request_and_approve_team_ca(qtbot, tab) -> None:
    """Raise alice's request for the selected Team CA type, approve it as bob, name the
    operator: the request is ready to fulfil."""
    tab.pages.admin.requester_edit.setText("alice")
    tab.pages.admin.justification_edit.setText("Team lab PKI")
    tab.csr.cn_edit.setText("Example Org Team CA")
    generate(qtbot, tab, tab.raise_request, "")
    tab.select_request(1)
    tab.approvals.approver_edit.setText("bob")
    tab.approvals.role_combo.setCurrentText("Team lead")
    tick_all(tab)
    tab.approvals.approve_button.click()
    tab.approvals.operator_edit.setText("ops")


def test_subordinate_ca_through_the_approval_queue_and_its_revoke_on_the_root_crl(
        qtbot, ca_tab, store, tmp_path: Path):
    add_team_ca_type(qtbot, store)
    ca_tab.select_type("team-ca")
    assert ca_tab.pages.currentIndex() == 1  # rule 1: admin-mediated
    assert "Name constraints: DNS team.internal.example" in ca_tab.profile.profile_text.text()
    request_and_approve_team_ca(qtbot, ca_tab)
    ca_tab.approvals.fulfil_button.click()
    assert cell(ca_tab.approvals.queue_model, 0, 3) == "fulfilled"
    assert "Example Org Team CA" in ca_tab.service.ledger.certificates()[0].subject
    ca_tab.ledger_tabs.issued_table.selectRow(0)
    ca_tab.ledger_tabs.revoke_button.click()
    assert "and root CRL with 1 published" in ca_tab.message.text()
    assert cell(ca_tab.ledger_tabs.issued_model, 0, 5) != ""
    root_crl = x509.load_pem_x509_crl((tmp_path / "ca" / "root.crl.pem").read_bytes())
    assert [r.serial_number for r in root_crl] == [
        int(ca_tab.service.ledger.certificates()[0].serial, 16)]


def test_a_renamed_type_is_offered_under_its_new_name(window, qapp):
    issue = window.tab_widgets.show("issue")
    first = window.store.project.types[0]
    commands.edit_type(window.store, 0, "Rename", name="Public web TLS")
    qapp.processEvents()
    combo = issue.profile.type_combo
    assert combo.itemText(combo.findData(first.id)) == "Public web TLS"


def test_a_ca_signing_type_without_patterns_shows_why_it_is_refused(qtbot, ca_tab, store):
    add_type(qtbot, store, id="open-ca", name="Open CA", purpose="ca-signing",
             validity="long", blast_radius="high")
    ca_tab.select_type("open-ca")
    text = ca_tab.profile.profile_text.text()
    assert "Name constraints: cannot be made, so it is not issued" in text
    assert "add SAN or email patterns to this type's profile" in text
    ca_tab.csr.cn_edit.setText("Example Org Open CA")
    generate(qtbot, ca_tab, ca_tab.check_csr, "")
    violations = ca_tab.csr.violations_model
    assert violations.rowCount() == 1
    assert "add SAN or email patterns to this type's profile" in cell(violations, 0, 1)


def test_an_ev_check_without_the_legal_identity_names_what_is_missing(qtbot, ca_tab, store):
    commands.edit_organisation(store, "Clear the legal identity", legal=None)
    ca_tab.select_type("ev-tls")
    assert "missing the organisation's legal identity" in ca_tab.profile.profile_text.text()
    generate(qtbot, ca_tab, ca_tab.check_csr, "www.example.com")
    violations = ca_tab.csr.violations_model
    assert [cell(violations, row, 1) for row in range(violations.rowCount())] == [
        "EV (extended validation, EV Guidelines) certificates name the organisation, but the "
        "project lacks the organisation's legal identity (set them in Organisation details…)"]
    store.undo_stack.undo()  # the example's identity is back, and with it the EV subject
    assert "O=Harbourview Financial Services Ltd" in ca_tab.profile.profile_text.text()
    generate(qtbot, ca_tab, ca_tab.check_csr, "www.example.com")
    assert ca_tab.csr.check_result.text() == "No violation: the profile allows this CSR"


def test_a_root_left_locked_at_unlock_is_asked_for_when_a_subordinate_ca_needs_it(
        qtbot, ca_tab, store, tmp_path: Path):
    add_team_ca_type(qtbot, store)
    other = IssueTab(store)
    qtbot.addWidget(other)
    other._ask_folder = lambda title: str(tmp_path / "ca")
    asked: list[str] = []
    root_answer = {"value": ""}  # skipped at unlock

    def answers(title: str, confirm: bool = False) -> str:
        asked.append(title)
        return root_answer["value"] if "root" in title.lower() else PASSPHRASE

    other._ask_passphrase = answers
    other.choose_folder()
    assert other.unlock()
    assert "the root stays locked" in other.message.text()
    other.select_type("team-ca")
    request_and_approve_team_ca(qtbot, other)
    root_answer["value"] = ROOT_PASSPHRASE
    asked.clear()
    other.approvals.fulfil_button.click()
    assert [t for t in asked if "root" in t.lower()] == [ROOT_PROMPT]
    assert cell(other.approvals.queue_model, 0, 3) == "fulfilled"


def test_new_ca_publishes_at_the_url_given(qtbot, tab, tmp_path):
    """New CA asks where the certificates and CRLs will be served; the issuing CA's
    certificate names it (AIA caIssuers of the root), as `ca init --base-url` does."""
    from cryptography import x509

    asked = []
    tab._ask_base_url = lambda default: asked.append(default) or "http://pki.example.com/ca"
    with qtbot.waitSignal(tab.task_finished, timeout=10_000):
        tab.new_ca()
    assert asked == ["http://127.0.0.1:8480/"]
    assert tab.service.publication.base_url == "http://pki.example.com/ca/"
    issuing = x509.load_pem_x509_certificate((tab.service.folder / "issuing.crt").read_bytes())
    urls = [d.access_location.value for d in issuing.extensions.get_extension_for_class(
        x509.AuthorityInformationAccess).value]
    assert urls == ["http://pki.example.com/ca/root.crt"]


def test_new_ca_refuses_a_url_certificates_cannot_name(tab, tmp_path):
    tab._ask_base_url = lambda default: "https://pki.example.com/"  # CRL URLs are plain HTTP
    tab.new_ca()
    assert tab.service is None
    assert "is not an http:// URL" in tab.message.text()
    assert not (tmp_path / "ca").exists()
