"""Route tab wiring: the table model, live re-routing, undo, rows, the card and overrides."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.gui.route_tab import RouteTab
from app.gui.type_table import CertTypeTableModel
from models.columns import COLUMNS

COL = {c.key: n for n, c in enumerate(COLUMNS)}
MAINFRAME = 5


def cell(model, row, key, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, COL[key]), role)


def test_table_model_passes_qtmodeltester(qtmodeltester, store):
    model = CertTypeTableModel(store)
    qtmodeltester.check(model)
    assert [cell(model, r, "workflow") for r in range(6)] == [
        "combined", "admin-mediated", "combined", "combined", "admin-mediated",
        "admin-mediated"]


def test_mainframe_strong_identity_reroutes_everywhere(qtbot, store):
    tab = RouteTab(store)
    qtbot.addWidget(tab)
    model = tab.model
    tab.select_row(MAINFRAME)
    assert cell(model, MAINFRAME, "reason") == "Identity capability"
    with qtbot.waitSignal(store.evaluation_changed):
        assert model.setData(model.index(MAINFRAME, COL["identity"]), "strong")
    assert cell(model, MAINFRAME, "workflow") == "combined"
    assert cell(model, MAINFRAME, "reason") == "Tolerance modulated"
    assert tab.summary.text() == "4 combined · 2 admin-mediated"
    qtbot.waitUntil(lambda: tab.card.badge.text() == "COMBINED")  # refreshed once per edit
    assert tab.card.reason.text().startswith("Tolerance modulated")
    assert tab.card.combined_form.isVisibleTo(tab.card)

    store.undo_stack.undo()
    assert cell(model, MAINFRAME, "identity") == "weak"
    assert cell(model, MAINFRAME, "reason") == "Identity capability"
    assert tab.summary.text() == "3 combined · 3 admin-mediated"
    qtbot.waitUntil(lambda: tab.card.badge.text() == "ADMIN-MEDIATED")
    store.undo_stack.redo()
    assert cell(model, MAINFRAME, "workflow") == "combined"


def test_low_tolerance_turns_customer_tls_admin_mediated(qtbot, store):
    tab = RouteTab(store)
    qtbot.addWidget(tab)
    tab.tolerance.setCurrentIndex(tab.tolerance.findData("low"))
    tab.tolerance.activated.emit(tab.tolerance.currentIndex())
    assert store.project.organisation.tolerance.value == "low"
    assert cell(tab.model, 0, "workflow") == "admin-mediated"
    assert cell(tab.model, 0, "reason") == "Tolerance modulated"
    assert store.undo_stack.count() == 1


def test_invalid_cell_is_rejected_with_a_message(qtbot, store):
    model = CertTypeTableModel(store)
    with qtbot.waitSignal(store.error) as blocker:
        assert not model.setData(model.index(0, COL["annual_volume"]), "lots")
    assert "Annual volume" in blocker.args[0]
    assert store.project.types[0].annual_volume == 600
    assert store.undo_stack.count() == 0
    with qtbot.waitSignal(store.error):
        assert not model.setData(model.index(0, COL["name"]), "")
    assert store.project.types[0].name == "Customer-facing TLS"


def test_policy_implications_checkbox(qtbot, store):
    model = CertTypeTableModel(store)
    index = model.index(3, COL["policy_implications"])
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert cell(model, 3, "reason") == "Governance review"


def test_add_duplicate_move_delete_are_undoable(qtbot, store):
    tab = RouteTab(store)
    qtbot.addWidget(tab)
    tab.select_row(2)
    tab.duplicate_type()
    assert [t.name for t in store.project.types][3] == "mTLS service mesh (copy)"
    assert tab.current_row() == 3
    tab.move_type(-1)
    assert store.project.types[2].name == "mTLS service mesh (copy)"
    tab.delete_types()
    assert len(store.project.types) == 6
    tab.add_type()
    assert len(store.project.types) == 7
    assert tab.model.rowCount() == 7
    for _ in range(4):
        store.undo_stack.undo()
    assert [t.name for t in store.project.types] == [
        "Customer-facing TLS", "EV TLS for corporate identity", "mTLS service mesh",
        "Internal services TLS", "Code signing for production", "Legacy mainframe TLS"]


def test_override_needs_justification_and_is_marked(qtbot, store):
    tab = RouteTab(store)
    qtbot.addWidget(tab)
    tab.select_row(MAINFRAME)
    box = tab.card.override_box
    box.enabled.setChecked(True)
    box.text.setPlainText("short")
    with qtbot.waitSignal(store.error):
        box.apply()
    assert store.project.types[MAINFRAME].override is None

    box.workflow.setCurrentIndex(box.workflow.findData("combined"))
    box.text.setPlainText("Mainframe gets hardware attestation from Q1")
    box.apply()
    assert cell(tab.model, MAINFRAME, "workflow") == "combined"
    assert cell(tab.model, MAINFRAME, "reason").startswith("⚑ Manual override")
    qtbot.waitUntil(lambda: "Rate limits" in tab.card.controls.text())
    assert "Automated renewal" in tab.card.controls.text()
    assert "Manual verification" not in tab.card.controls.text()  # the rule's, not shown
    codes = [f.code.value for f in store.evaluation.findings]
    assert "manual-override" in codes
    assert "identity-weaker-than-certificate" in codes
    assert tab.findings.cards()
    box.remove()
    assert cell(tab.model, MAINFRAME, "workflow") == "admin-mediated"


def test_card_edits_admin_design(qtbot, store):
    tab = RouteTab(store)
    qtbot.addWidget(tab)
    tab.select_row(1)
    card = tab.card
    card.criteria.setPlainText("")
    card._commit_admin()
    assert store.project.types[1].admin.approval_criteria == ()
    assert "approval-as-rubber-stamp" in [f.code.value for f in store.evaluation.findings]
    card.approvals_required.setValue(3)
    card.approvals_required.setValue(4)
    assert store.project.types[1].admin.approvals_required == 4
    store.undo_stack.undo()  # the spin box's two steps are one undo step
    assert store.project.types[1].admin.approvals_required == 2


def test_card_edits_combined_design(qtbot, store):
    tab = RouteTab(store)
    qtbot.addWidget(tab)
    tab.select_row(0)
    edit = tab.card.combined_edits["issuance_api"]
    edit.setText("EJBCA REST")
    edit.editingFinished.emit()
    assert store.project.types[0].combined.issuance_api == "EJBCA REST"


def test_finding_show_type_selects_the_row(qtbot, store):
    tab = RouteTab(store)
    qtbot.addWidget(tab)
    tab.select_type("code-signing")
    assert tab.current_row() == 4
    assert tab.card.title.text() == "Code signing for production"


def test_repeated_duplicate_keeps_the_project_loadable(qtbot, store, tmp_path):
    from models.project_file import load_project, save_project

    tab = RouteTab(store)
    qtbot.addWidget(tab)
    tab.select_row(0)
    for _ in range(25):
        tab.duplicate_type()  # selects the copy, which is duplicated next
    path = tmp_path / "dup.certroute.json"
    save_project(store.project, path)
    assert len(load_project(path).types) == 31


def test_an_edit_announces_only_the_cells_that_changed(qtbot, store):
    model = CertTypeTableModel(store)
    changed = []
    model.dataChanged.connect(
        lambda first, last, _roles=(): changed.extend(
            (r, c) for r in range(first.row(), last.row() + 1)
            for c in range(first.column(), last.column() + 1)))
    assert model.setData(model.index(MAINFRAME, COL["identity"]), "strong")  # re-routes
    assert sorted(changed) == sorted(
        [(MAINFRAME, COL["identity"]), (MAINFRAME, COL["workflow"]), (MAINFRAME, COL["reason"])])
    changed.clear()
    assert model.setData(model.index(MAINFRAME, COL["owner"]), "Mainframe team")
    assert changed == [(MAINFRAME, COL["owner"])]
    changed.clear()
    store.undo_stack.undo()
    assert changed == [(MAINFRAME, COL["owner"])]


def test_many_findings_show_a_page_at_a_time(qtbot, qapp):
    """Hundreds of per-type findings: a page of cards, then 'Show more' adds the next page;
    an edit that changes one finding re-sets that card only."""
    from app.gui import commands
    from app.gui.findings_panel import FindingsPanel
    from app.gui.store import ProjectStore
    from benchmarks.bench_evaluate import synthetic_project
    from tests.gui.conftest import TODAY

    store = ProjectStore(synthetic_project(1200).model_copy(update={"as_of": TODAY}),
                         today=TODAY)
    panel = FindingsPanel(store)
    qtbot.addWidget(panel)
    findings = store.evaluation.findings
    assert len(findings) > 2 * FindingsPanel.PAGE
    assert [c.finding for c in panel.cards()] == list(findings[:FindingsPanel.PAGE])
    hidden = len(findings) - FindingsPanel.PAGE
    assert panel.more_button.text() == f"Show {FindingsPanel.PAGE} more ({hidden:,} not shown)"
    assert not panel.more_button.isHidden()
    panel.more_button.click()
    assert [c.finding for c in panel.cards()] == list(findings[:2 * FindingsPanel.PAGE])
    assert panel._title.text() == f"Findings ({len(findings):,})"

    before = {id(c): c.finding for c in panel.cards()}
    set_again = []
    for card in panel.cards():
        card.set_finding = lambda f, card=card: (set_again.append(card), type(card).set_finding(
            card, f))
    named = store.project.index_of(findings[0].type_ids[0])  # in the first finding's text
    commands.edit_type(store, named, "rename", name="Renamed type")
    changed = [c for c in panel.cards() if c.finding != before[id(c)]]
    assert changed
    assert set_again == changed
    store.undo_stack.setClean()
