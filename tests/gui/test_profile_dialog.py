"""Issuance profile of a type edited in a dialog: derived values until ticked, one undo step,
the test CA checking requests against it, and bad input refused with nothing lost."""

from __future__ import annotations

import datetime as dt

import pytest

from app.ca.csr import build_csr, generate_key
from app.ca.service import CaService
from app.gui import commands
from app.gui.profile_dialog import ProfileDialog, parse_keys
from models.enums import CaKind, Purpose
from models.issuance_policy import profile_for
from models.key_rules import KeyKind
from models.violations import ViolationCode

NOW = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def dialog_for(qtbot, window, type_id: str) -> ProfileDialog:
    store = window.store
    dialog = ProfileDialog(store, store.project.index_of(type_id), window)
    qtbot.addWidget(dialog)
    return dialog


def test_unticked_settings_show_what_the_type_derives(qtbot, window):
    dialog = dialog_for(qtbot, window, "customer-tls")
    derived = profile_for(window.store.project.types[0], on=window.store.project.as_of)
    assert not any(box.isChecked() for box in dialog.set.values())
    assert not dialog.editors["san_patterns"].isEnabled()
    assert dialog.editors["san_patterns"].toPlainText().splitlines() == list(
        derived.san_patterns)
    assert dialog.editors["max_validity_days"].value() == derived.max_validity_days == 200
    assert dialog.editors["validation"].currentData() == "dv"
    # Only the validation types a public TLS certificate may have are offered.
    offered = {dialog.editors["validation"].itemData(i)
               for i in range(dialog.editors["validation"].count())}
    assert offered == {"dv", "ov", "ev", "private"}
    assert "SAN patterns: " in dialog.preview.text()


def test_the_edit_is_one_undo_step_and_the_test_ca_checks_against_it(qtbot, window, tmp_path):
    store = window.store
    assert window.profile_action in window.edit_menu.actions()
    dialog = dialog_for(qtbot, window, "customer-tls")
    dialog.set["san_patterns"].setChecked(True)
    dialog.editors["san_patterns"].setPlainText("API.Example.com\n\n*.shop.example.com\n")
    dialog.set["validation"].setChecked(True)
    validation = dialog.editors["validation"]
    validation.setCurrentIndex(validation.findData("ov"))
    assert "Validation: OV" in dialog.preview.text()  # the preview follows the edits
    steps = store.undo_stack.count()
    dialog.apply()
    assert dialog.result() == dialog.DialogCode.Accepted
    profile = store.project.types[0].profile
    assert profile is not None
    assert profile.san_patterns == ("api.example.com", "*.shop.example.com")  # canonical
    assert profile.validation.value == "ov"
    assert profile.max_validity_days is None  # unticked: still derived
    assert store.undo_stack.count() == steps + 1

    service = CaService.init(tmp_path / "ca", b"profile dialog pass", now=NOW,
                             root_passphrase=b"profile dialog root")
    try:
        key = generate_key()
        outside = service.preview(store.project, "customer-tls",
                                  build_csr(key, ["www.example.com"]), now=NOW)
        inside = service.preview(store.project, "customer-tls",
                                 build_csr(key, ["cart.shop.example.com"]), now=NOW)
    finally:
        service.close()
    assert [(v.code, v.subject) for v in outside.violations
            if v.code is ViolationCode.SAN_OUTSIDE] == [(ViolationCode.SAN_OUTSIDE,
                                                         "www.example.com")]
    assert not [v for v in inside.violations if v.code is ViolationCode.SAN_OUTSIDE]
    assert inside.profile.validation.value == "ov"

    store.undo_stack.undo()
    assert store.project.types[0].profile is None


def test_bad_input_keeps_the_dialog_open_and_changes_nothing(qtbot, window):
    store = window.store
    before, steps = store.project, store.undo_stack.count()
    dialog = dialog_for(qtbot, window, "customer-tls")
    dialog.set["san_patterns"].setChecked(True)
    dialog.editors["san_patterns"].setPlainText("exa mple.com")
    dialog.apply()
    assert dialog.problem.isVisibleTo(dialog)
    assert dialog.problem.text().startswith("Issuance profile: san_patterns")
    dialog.editors["san_patterns"].setPlainText("api.example.com")
    dialog.set["key_types"].setChecked(True)
    dialog.editors["key_types"].setPlainText("rsa lots")
    dialog.apply()
    assert "'rsa lots' is not an algorithm" in dialog.problem.text()
    assert store.project is before
    assert store.undo_stack.count() == steps


def test_unticking_every_setting_returns_to_the_derived_profile(qtbot, window):
    store = window.store
    dialog = dialog_for(qtbot, window, "customer-tls")
    dialog.set["max_validity_days"].setChecked(True)
    dialog.editors["max_validity_days"].setValue(90)
    dialog.apply()
    assert store.project.types[0].profile.max_validity_days == 90
    assert profile_for(store.project.types[0], on=store.project.as_of).max_validity_days == 90
    again = dialog_for(qtbot, window, "customer-tls")
    assert again.set["max_validity_days"].isChecked()
    again.set["max_validity_days"].setChecked(False)
    assert again.editors["max_validity_days"].value() == 200  # the derived value is back
    again.apply()
    assert store.project.types[0].profile is None


def test_key_lines_read_as_requirements():
    assert parse_keys("RSA 3072\n\nec ≥ 384\n") == [
        {"kind": KeyKind.RSA.value, "min_size": 3072}, {"kind": KeyKind.EC.value, "min_size": 384}]


def test_the_issue_tab_opens_the_chosen_types_profile(qtbot, window, monkeypatch):
    opened = []
    monkeypatch.setattr(ProfileDialog, "exec", lambda self: opened.append(self._type.id))
    tab = window.tab_widgets.show("issue")
    tab.select_type("ev-tls")
    assert tab.profile.edit_button.isEnabled()
    tab.profile.edit_button.click()
    assert opened == ["ev-tls"]


def test_the_profile_names_approvers_only_where_a_person_approves(window):
    tab = window.tab_widgets.show("issue")
    tab.select_type("customer-tls")  # combined
    text = tab.profile.profile_text.text()
    assert "Approval: none: issued at once against this profile (ACME DNS-01" in text
    assert "Team lead" not in text
    tab.select_type("ev-tls")  # admin-mediated
    assert "Approval: 2 of " in tab.profile.profile_text.text()


@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize("ca", list(CaKind))
def test_ticking_every_setting_keeps_the_derived_profile(qtbot, window, purpose, ca):
    """For every purpose and CA: the derived values, made explicit, are a valid edit that gives
    the same profile (what the dialog shows is what the type has)."""
    store = window.store
    commands.edit_type(store, 0, "Purpose", purpose=purpose, ca=ca)
    before = profile_for(store.project.types[0], on=store.project.as_of)
    dialog = dialog_for(qtbot, window, store.project.types[0].id)
    for box in dialog.set.values():
        box.setChecked(True)
    dialog.apply()
    assert dialog.result() == dialog.DialogCode.Accepted, dialog.problem.text()
    after = profile_for(store.project.types[0], on=store.project.as_of)
    assert after == before
