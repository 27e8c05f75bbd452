"""Organisation details: the legal identity edited in a dialog, undoable, shown in the Issue
tab's profile, and bad input refused with nothing lost."""

from __future__ import annotations

from app.gui.organisation_dialog import OrganisationDialog
from app.gui.profile_panel import describe_validation
from models.issuance_policy import profile_for, with_organisation


def profile_lines(store, type_id: str) -> list[str]:
    project = store.project
    ctype = project.types[project.index_of(type_id)]
    return describe_validation(with_organisation(profile_for(ctype, on=project.as_of),
                                                 project.organisation.legal))


def test_the_example_names_its_fictional_organisation_in_the_ev_subject(store):
    assert profile_lines(store, "ev-tls") == [
        "Validation: EV (extended validation, EV Guidelines); policy 2.23.140.1.1",
        "Subject organisation: businessCategory=Private Organization, jurisdictionC=GB, "
        "serialNumber=08861234, C=GB, ST=West Yorkshire, L=Leeds, "
        "O=Harbourview Financial Services Ltd"]
    assert profile_lines(store, "customer-tls") == [
        "Validation: DV (domain validated, TLS BR); policy 2.23.140.1.2.1"]
    assert profile_lines(store, "internal-tls") == [
        "Validation: private (no CA/B Forum policy; RFC 7229 test policy); policy "
        "1.3.6.1.5.5.7.13.1"]


def test_the_dialog_edits_the_legal_identity_as_one_undo_step(qtbot, window):
    store = window.store
    assert window.organisation_action in window.edit_menu.actions()
    dialog = OrganisationDialog(store, window)
    qtbot.addWidget(dialog)
    assert dialog.fields["legal_name"].text() == "Harbourview Financial Services Ltd"
    dialog.fields["registration_number"].clear()
    dialog.apply()
    assert store.project.organisation.legal.registration_number is None
    assert profile_lines(store, "ev-tls")[1] == (
        "Subject organisation: missing registration number (Edit ▸ Organisation details…): "
        "the CA refuses this type until it is set")
    store.undo_stack.undo()
    assert store.project.organisation.legal.registration_number == "08861234"


def test_a_bad_country_keeps_the_dialog_open_and_changes_nothing(qtbot, store):
    before = store.project
    dialog = OrganisationDialog(store)
    qtbot.addWidget(dialog)
    dialog.fields["country"].setText("Great Britain")
    dialog.apply()
    assert store.project is before
    assert dialog.problem.text() == (
        "Organisation details: country: Value error, not a two-letter ISO 3166 country code "
        "such as GB (got 'Great Britain')")
    assert dialog.result() == 0  # still open


def test_an_empty_legal_name_removes_the_identity(qtbot, store):
    dialog = OrganisationDialog(store)
    qtbot.addWidget(dialog)
    dialog.fields["legal_name"].clear()
    dialog.apply()
    assert store.project.organisation.legal is None
    assert profile_lines(store, "ev-tls")[1].startswith(
        "Subject organisation: missing the organisation's legal identity")
