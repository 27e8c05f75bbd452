"""Ledger tabs: issued certificates show the audit log's revocations, and a ledger failing
verification is said above the table, in the tab title and on each row it concerns."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from app.ca.csr import build_csr, generate_key
from app.ca.ledger import LEDGER
from app.ca.records import iso
from app.ca.service import CaService
from app.gui import settings as keys
from app.gui.issue_tab import IssueTab
from app.gui.ledger_tabs import UNVERIFIED, LedgerTabs

NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)
PASSPHRASE = "correct horse battery"
REVOKED, VERIFICATION = 5, 6  # issued-table columns


@pytest.fixture(autouse=True)
def own_settings(monkeypatch, tmp_path: Path) -> None:
    """Each test its own settings, so no remembered CA folder leaks in."""
    monkeypatch.setenv(keys.CONFIG_DIR_ENV, str(tmp_path / "config"))


@pytest.fixture
def ca(tmp_path: Path):
    service = CaService.init(tmp_path / "ca", PASSPHRASE.encode(),
                             root_passphrase=b"root staple in the safe", now=NOW)
    yield service
    service.close()


@pytest.fixture
def revoked(ca: CaService, store) -> str:
    """The serial of a certificate issued and then revoked as superseded."""
    csr = build_csr(generate_key(), ["api.internal.example"])
    serial = ca.issue(store.project, "internal-tls", csr, requester="svc",
                      now=NOW).record.serial
    ca.revoke(serial, reason="superseded", actor="ops", now=NOW)
    return serial


def unrevoke_in_sqlite(folder: Path) -> None:
    conn = sqlite3.connect(folder / LEDGER)
    conn.execute("UPDATE certificates SET revoked_at = NULL, revocation_reason = NULL")
    conn.commit()
    conn.close()


def cell(model, row: int, column: int, role=None) -> str:
    index = model.index(row, column)
    return index.data() if role is None else index.data(role)


def show(tabs: LedgerTabs, ca: CaService) -> None:
    tabs.set_records(certificates=ca.ledger.certificates(), renewals=ca.renewals(now=NOW),
                     audit=list(reversed(ca.ledger.audit())))


def test_a_verified_ledger_shows_no_warning(qtbot, ca, revoked):
    tabs = LedgerTabs()
    qtbot.addWidget(tabs)
    show(tabs, ca)
    assert cell(tabs.issued_model, 0, REVOKED) == iso(NOW)[:10]
    assert cell(tabs.issued_model, 0, VERIFICATION) == ""
    assert not tabs.unverified.isVisibleTo(tabs)
    assert tabs.tabText(0) == "Issued certificates (1)"


def test_an_unrevoke_in_sqlite_still_shows_revoked_and_the_ledger_failing(
        qtbot, qtmodeltester, ca, revoked):
    from PySide6.QtCore import Qt

    tabs = LedgerTabs()
    qtbot.addWidget(tabs)
    unrevoke_in_sqlite(ca.folder)
    show(tabs, ca)
    model = tabs.issued_model
    qtmodeltester.check(model)
    assert cell(model, 0, REVOKED) == iso(NOW)[:10]  # the CRL's answer, not the column's
    assert cell(model, 0, REVOKED, Qt.ItemDataRole.ToolTipRole) == f"{iso(NOW)} (superseded)"
    assert cell(model, 0, VERIFICATION) == "row edited"
    assert f"certificate {revoked} was changed after audit entry 3" in \
        cell(model, 0, VERIFICATION, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(VERIFICATION, Qt.Orientation.Horizontal) == "Verification"
    assert tabs.unverified.isVisibleTo(tabs)
    assert tabs.unverified.text() == UNVERIFIED
    assert tabs.tabText(0) == "Issued certificates (1) — fails verification"


def test_the_issue_tab_lists_the_audited_state_after_an_edit(qtbot, ca, revoked, store,
                                                             tmp_path):
    unrevoke_in_sqlite(ca.folder)
    tab = IssueTab(store)
    qtbot.addWidget(tab)
    tab._ask_folder = lambda title: str(tmp_path / "ca")
    tab.choose_folder()  # opens the CA and lists its records
    tabs = tab.ledger_tabs
    assert tabs.issued_model.rowCount() == 1
    assert cell(tabs.issued_model, 0, REVOKED) == iso(NOW)[:10]
    assert cell(tabs.issued_model, 0, VERIFICATION) == "row edited"
    assert tabs.unverified.isVisibleTo(tab)


@pytest.mark.parametrize(("before", "after"), [
    ((1, 2, 3), (1, 2, 3, 4)),  # a certificate issued: appended
    ((1, 2, 3, 4), (1, 9, 3, 4)),  # one revoked: changed in place
    ((1, 2, 4), (1, 2, 3, 4)),  # a renewal due between two others
    ((3, 2, 1), (5, 4, 3, 2)),  # the audit log's newest 4: two on top, one left the end
    ((1, 2, 3), (1, 3)),  # a row gone
    ((), (1, 2)),
    ((1, 2), ()),
])
def test_set_records_announces_only_the_rows_that_differ(qtmodeltester, before, after):
    """Each change is a few inserted, removed or changed rows, not a reset (a reset of
    10,000 rows cost the Issue tab more than its refresh budget)."""
    from app.gui.ca_records_model import RecordColumn, RecordsTableModel

    model = RecordsTableModel((RecordColumn("n", lambda n: n),))
    model.set_records(before)
    qtmodeltester.check(model)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.set_records(after)
    assert [model.text(r, 0) for r in range(model.rowCount())] == [str(n) for n in after]
    assert resets == ([True] if not before else [])
    qtmodeltester.check(model)
