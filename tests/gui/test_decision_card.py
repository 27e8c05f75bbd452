"""Decision card: refreshed and painted once per edit; typed text is applied or kept, never lost."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QApplication

from app.gui import commands
from models.project_file import load_example

MAINFRAME = 5


class _PaintLog(QObject):
    """Records (widget, text) each time one of the watched labels paints."""

    def __init__(self, *labels) -> None:
        super().__init__()
        self.painted: list[tuple[object, str]] = []
        for label in labels:
            label.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted.append((watched, watched.text()))
        return False


def _route_window(window, qtbot, qapp):
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    route = window.tab_widgets["route"]
    route.select_row(MAINFRAME)
    qapp.processEvents()
    return route


def test_rerouting_edit_paints_card_in_the_same_pass_as_the_table(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    card = route.card
    log = _PaintLog(card.badge, card.reason, route.summary)
    commands.edit_type(window.store, MAINFRAME, "Identity", identity="strong")
    qapp.processEvents()  # one pass of the event loop: refresh, layout and paint
    assert (card.badge, "COMBINED") in log.painted
    assert any(w is card.reason and t.startswith("Tolerance modulated") for w, t in log.painted)
    assert (route.summary, "4 combined · 2 admin-mediated") in log.painted


def test_card_refreshes_once_per_edit(window, qtbot, qapp, monkeypatch):
    route = _route_window(window, qtbot, qapp)
    calls = []
    original = type(route.card)._refresh
    monkeypatch.setattr(type(route.card), "_refresh",
                        lambda self, *a: calls.append(1) or original(self, *a))
    commands.edit_type(window.store, MAINFRAME, "Identity", identity="strong")  # 2 signals
    qapp.processEvents()
    assert calls == [1]
    assert route.card.badge.text() == "COMBINED"


class _UpdateCounter(QObject):
    """Counts the window's paint passes (one UpdateRequest per pass)."""

    def __init__(self, window) -> None:
        super().__init__()
        self.count = 0
        window.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:
        if event.type() == QEvent.Type.UpdateRequest:
            self.count += 1
        return False


def test_rerouting_edit_is_laid_out_and_painted_once(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    for identity in ("strong", "weak", "strong"):  # the card grows and shrinks: scroll bar
        counter = _UpdateCounter(window)
        commands.edit_type(window.store, MAINFRAME, "Identity", identity=identity)
        for _ in range(4):
            qapp.processEvents()
        assert counter.count == 1
        window.removeEventFilter(counter)
    assert route.card.badge.text() == "COMBINED"


# --- typed text is never silently lost -------------------------------------------------

EV_TLS = 1  # admin-mediated in the worked example
CRITERIA = "Organisation identity matches the legal entity\nDomain control verified"
JUSTIFICATION = "The mainframe team now runs an ACME client with attestation"


def _click_row(route, qtbot, row: int) -> None:
    """Select a row the way a user does: a click in the table (focus moves there first)."""
    table = route.table
    rect = table.visualRect(route.proxy.index(route.proxy.proxy_row(row), 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_criteria_typed_then_another_row_clicked_are_applied(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    route.select_row(EV_TLS)
    card, store = route.card, window.store
    before = store.project.types[EV_TLS].admin.approval_criteria
    card.criteria.setFocus()
    card.criteria.setPlainText(CRITERIA)
    _click_row(route, qtbot, 0)
    assert route.current_row() == 0
    assert store.project.types[EV_TLS].admin.approval_criteria == tuple(CRITERIA.split("\n"))
    route.select_row(EV_TLS)
    assert card.criteria.toPlainText() == CRITERIA
    store.undo_stack.undo()  # one undoable edit
    assert store.project.types[EV_TLS].admin.approval_criteria == before


def test_criteria_typed_then_row_changed_from_elsewhere_are_applied(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    route.select_row(EV_TLS)
    route.card.criteria.setPlainText(CRITERIA)
    route.select_type(window.store.project.types[0].id)  # e.g. a finding's "Show type"
    assert window.store.project.types[EV_TLS].admin.approval_criteria == tuple(
        CRITERIA.split("\n"))


def test_complete_override_typed_then_another_row_selected_is_applied(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)  # the mainframe row
    box, store = route.card.override_box, window.store
    box.enabled.setChecked(True)
    box.workflow.setCurrentIndex(box.workflow.findData("combined"))
    box.text.setPlainText(JUSTIFICATION)
    route.select_row(0)
    override = store.project.types[MAINFRAME].override
    assert override is not None
    assert (override.workflow.value, override.justification) == ("combined", JUSTIFICATION)
    store.undo_stack.undo()
    assert store.project.types[MAINFRAME].override is None


def _focus_out(widget, reason=Qt.FocusReason.OtherFocusReason) -> None:
    QApplication.sendEvent(widget, QFocusEvent(QEvent.Type.FocusOut, reason))


def test_criteria_apply_when_the_field_is_left_but_not_for_its_context_menu(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    route.select_row(EV_TLS)
    card, store = route.card, window.store
    card.criteria.setPlainText(CRITERIA)
    _focus_out(card.criteria, Qt.FocusReason.PopupFocusReason)  # right-click: still editing
    assert store.undo_stack.count() == 0
    _focus_out(card.criteria)
    assert store.project.types[EV_TLS].admin.approval_criteria == tuple(CRITERIA.split("\n"))
    assert store.undo_stack.count() == 1
    assert store.undo_stack.text(0) == "Edit approval criteria of EV TLS for corporate identity"


def test_incomplete_override_is_kept_as_a_marked_draft_of_its_type(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)  # the mainframe row
    box, store = route.card.override_box, window.store
    box.enabled.setChecked(True)
    box.workflow.setCurrentIndex(box.workflow.findData("combined"))
    box.text.setPlainText("Q1 HSM")  # too short to apply
    route.select_row(0)
    assert store.project.types[MAINFRAME].override is None
    assert store.undo_stack.count() == 0
    assert box.text.toPlainText() == ""  # another type: no draft of its own
    assert not box.enabled.isChecked()
    assert "not applied" not in box.status.text()

    route.select_row(MAINFRAME)  # the draft comes back, marked
    assert box.enabled.isChecked()
    assert box.workflow.currentData() == "combined"
    assert box.text.toPlainText() == "Q1 HSM"
    assert box.status.text().startswith("Draft, not applied")
    assert box.remove_button.isEnabled()

    box.text.setPlainText(JUSTIFICATION)  # completed, then the field is left
    _focus_out(box.text)
    override = store.project.types[MAINFRAME].override
    assert (override.workflow.value, override.justification) == ("combined", JUSTIFICATION)
    assert not box.has_draft(store.project.types[MAINFRAME].id)
    qapp.processEvents()
    assert box.status.text().startswith("Overridden")


def test_remove_discards_a_draft(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    box = route.card.override_box
    box.enabled.setChecked(True)
    box.text.setPlainText("Q1 HSM")
    box.leave()
    assert box.status.text().startswith("Draft, not applied")
    box.remove()
    assert box.text.toPlainText() == ""
    assert not box.enabled.isChecked()
    route.select_row(0)
    route.select_row(MAINFRAME)
    assert box.text.toPlainText() == ""


def test_a_new_document_drops_drafts_and_text_typed_for_the_old_one(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    card, store = route.card, window.store
    card.override_box.enabled.setChecked(True)
    card.override_box.text.setPlainText("Q1 HSM")
    card.override_box.leave()
    route.select_row(EV_TLS)
    card.criteria.setPlainText(CRITERIA)  # typed, not yet applied
    store.replace_document(load_example(), None)  # e.g. File ▸ Open built-in example
    qapp.processEvents()
    assert store.undo_stack.count() == 0  # nothing typed for the old document was applied
    route.select_row(MAINFRAME)
    assert card.override_box.text.toPlainText() == ""
    route.select_row(EV_TLS)
    assert card.criteria.toPlainText() != CRITERIA


def test_bad_renewal_notices_stay_marked_and_the_other_fields_still_apply(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    route.select_row(EV_TLS)
    card, store = route.card, window.store
    errors = []
    store.error.connect(errors.append)
    card.approver_roles.setText("Security officer, Legal")
    card.notice_days.setText("90, soon")
    card.notice_days.editingFinished.emit()
    qapp.processEvents()
    admin = store.project.types[EV_TLS].admin
    assert admin.approver_roles == ("Security officer", "Legal")  # applied
    assert admin.notice_days == (90, 30, 7)  # unchanged
    assert card.notice_days.text() == "90, soon"  # kept for correcting, marked
    assert "border" in card.notice_days.styleSheet()
    assert errors[-1] == "Renewal notices not applied: '90, soon' is not a list of whole days"

    card.notice_days.setText("0, 30")
    card.notice_days.editingFinished.emit()
    assert errors[-1] == "Renewal notices not applied: days before expiry must be positive"

    card.notice_days.setText("14, 60")
    card.notice_days.editingFinished.emit()
    assert store.project.types[EV_TLS].admin.notice_days == (60, 14)
    qapp.processEvents()  # the card refreshes before the next paint
    assert card.notice_days.text() == "60, 14"
    assert card.notice_days.styleSheet() == ""


def test_bad_renewal_notices_are_dropped_with_a_message_when_the_type_changes(window, qtbot,
                                                                              qapp):
    route = _route_window(window, qtbot, qapp)
    route.select_row(EV_TLS)
    card = route.card
    card.notice_days.setText("ninety")
    card.notice_days.editingFinished.emit()
    route.select_row(MAINFRAME)
    route.select_row(EV_TLS)
    qapp.processEvents()
    assert card.notice_days.text() == "90, 30, 7"
    assert card.notice_days.styleSheet() == ""
    assert window.store.project.types[EV_TLS].admin.notice_days == (90, 30, 7)


def test_card_names_the_rule_that_capped_the_validity(window, store):
    route = window.tab_widgets["route"]
    route.select_row(1)  # EV TLS: long, capped by the public TLS schedule
    text = route.card.validity.text()
    assert text.startswith("Maximum validity on 2026-11-26: 200 days (public cap) — public TLS "
                           "server certificates issued on 2026-11-26 live at most 200 days")
    assert "evaluated as medium" in text
    route.select_row(3)  # private internal TLS: its class
    assert "(validity class)" in route.card.validity.text()


def test_card_edits_the_approval_path_days(window, store):
    route = window.tab_widgets["route"]
    route.select_row(1)
    route.card.path_days["approval_sla_days"].setValue(6)
    assert store.project.types[1].admin.approval_sla_days == 6
    route.card.path_days["fulfilment_days"].setValue(4)
    assert store.project.types[1].admin.fulfilment_days == 4
    codes = {f.code.value for f in store.evaluation.findings}
    assert "approval-outlasts-renewal-lead" in codes
    store.undo_stack.undo()
    store.undo_stack.undo()
    assert store.project.types[1].admin.approval_sla_days == 3
