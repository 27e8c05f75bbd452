"""IssueTab: test-issue against the local CA through the path each type's decision names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QInputDialog,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.gui import file_dialogs
from app.gui import settings as keys
from app.gui.acme_panel import AcmePanel
from app.gui.approval_queue import ApprovalQueuePanel
from app.gui.ca_folder_bar import CaFolderBar
from app.gui.ca_session import CaSession
from app.gui.issue_forms import CsrForm, DeliveryForm, PathForms, wrap_long_rows
from app.gui.ledger_tabs import LedgerTabs
from app.gui.profile_dialog import ProfileDialog
from app.gui.profile_panel import ProfilePanel
from app.gui.revoke_dialog import RevokeDialog
from app.gui.store import ProjectStore
from app.gui.tab_pages import RefreshWhenShown
from app.gui.widgets import narrower_than, wrapped_label
from models.certificate import CertificateType
from models.identity_diff import replaced
from models.issuance_policy import profile_for, with_organisation


def _scrolling(widget: QWidget) -> QScrollArea:
    """`widget` in a frameless scroller: forms never force a projector-sized window."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(widget)
    return area


_NOTHING_SHOWN = object()
NARROW_CHARS = 200  # narrower than this many characters: the narrow layout (_adapt)


class IssueTab(QWidget):
    """The local CA: choose a folder, pick a type, issue or run the approval workflow.

    SPEC.md §3. The panels only display. The tab reads them, hands the values to its
    `CaSession` (which calls `app.ca`: no crypto code here) and, when the session says the
    ledger changed, sets the ledger's records back into the tables.

    Signals:
        task_finished(message): a background task (CA creation, key generation) ended.
        ca_changed(): a CA folder was opened, created or unlocked.
    """

    task_finished = Signal(str)
    ca_changed = Signal()

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.session = CaSession(keys.open_settings(), self)
        # Late-bound, so a test (or a future dialog) can replace the tab's prompts.
        self.session.ask_folder = lambda title: self._ask_folder(title)
        self.session.ask_passphrase = \
            lambda title, confirm=False: self._ask_passphrase(title, confirm=confirm)
        self.session.ask_base_url = lambda default: self._ask_base_url(default)
        self.folder_bar = CaFolderBar()
        self.profile = ProfilePanel()
        self.profile.edit_button.clicked.connect(self.edit_profile)
        self.csr = CsrForm()
        self.pages = PathForms()
        self.delivery = DeliveryForm()
        self.approvals = ApprovalQueuePanel()
        self.ledger_tabs = LedgerTabs()
        self.acme = AcmePanel()
        self._acme: Any = None  # app.ca.acme.store.AcmeStore of the open CA
        # Scrolled, so its form never makes the ledger tabs taller than the other pages need
        # (a projector's 720 lines leave the issuing forms above it their height: issue 17).
        acme_page = QScrollArea()
        acme_page.setWidgetResizable(True)
        acme_page.setFrameShape(QFrame.Shape.NoFrame)
        acme_page.setWidget(self.acme)
        self.ledger_tabs.addTab(acme_page, "ACME server")
        self.message = wrapped_label()
        self._lay_out()
        self._shown_type: object = _NOTHING_SHOWN  # (type, decision) the panels show
        self._connect()
        self._on_store_project_replaced()
        self._on_session_ca_changed()
        self.session.reopen_last()

    @property
    def service(self) -> Any:
        """The open `app.ca.service.CaService`, or None."""
        return self.session.service

    def _lay_out(self) -> None:
        path = QWidget()
        column = QVBoxLayout(path)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.pages)
        column.addWidget(self.delivery, 1)  # down to the bottom edge of its neighbours
        # Top: what is issued (type, CSR, path and delivery); bottom: what the ledger holds.
        top = QSplitter(Qt.Orientation.Horizontal)
        for widget in (self.profile, self.csr, path):
            top.addWidget(_scrolling(widget))
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.ledger_tabs)
        self._queue_scroll = _scrolling(self.approvals)  # on a 720-line projector it scrolls
        bottom.addWidget(self._queue_scroll)
        self._outer = outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(top)
        outer.addWidget(bottom)
        # Shares, not pixels: the splitters scale them to the space they get.
        for splitter, shares in ((top, (34, 32, 34)), (bottom, (64, 36)), (outer, (44, 56))):
            splitter.setChildrenCollapsible(False)
            splitter.setSizes([share * 100 for share in shares])
            for index, share in enumerate(shares):
                splitter.setStretchFactor(index, share)
        body = QVBoxLayout(self)
        body.setContentsMargins(12, 12, 12, 12)
        body.addWidget(self.folder_bar)
        body.addWidget(outer, 1)
        body.addWidget(self.message)

    # --- adapting to the width (presentation mode on a projector) ------------------------

    narrow = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._adapt()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._adapt()  # the same width holds fewer characters of a larger type

    def _adapt(self) -> None:
        """Narrow: the forms' labels stop widening their panes (a short check button, long
        rows wrapped), so no pane scrolls sideways; the issuing forms get the height they
        need and the ledger and approval queue the rest."""
        narrow = narrower_than(self, NARROW_CHARS)
        if narrow != self.narrow:
            self.narrow = narrow
            self.csr.set_narrow(narrow)
            for form in (self.pages.combined, self.pages.admin, self.delivery):
                layout = form.layout()
                if isinstance(layout, QFormLayout):
                    wrap_long_rows(layout, narrow)
        # Down, never sideways: room for the queue's widest row beside its scroll bar.
        bar = self._queue_scroll.verticalScrollBar().sizeHint().width()
        self._queue_scroll.setMinimumWidth(self.approvals.minimumSizeHint().width() + bar)
        if narrow and self._outer.height() != self._fitted_height:
            self._fitted_height = self._outer.height()
            forms = max(self.csr.sizeHint().height(), self.pages.sizeHint().height(),
                        self._outer.height() * 44 // 100)  # the normal share, if more
            self._outer.setSizes([forms, max(1, self._outer.height() - forms)])

    _fitted_height = -1

    def _connect(self) -> None:
        bar, queue, session = self.folder_bar, self.approvals, self.session
        bar.choose_button.clicked.connect(session.choose_folder)
        bar.new_button.clicked.connect(lambda: session.new_ca())
        bar.unlock_button.clicked.connect(session.unlock)
        bar.verify_button.clicked.connect(session.verify)
        self.profile.type_combo.currentIndexChanged.connect(self._on_type_combo_changed)
        self.csr.browse_requested.connect(self._on_csr_browse_requested)
        self.csr.check_button.clicked.connect(self.check_csr)
        self.pages.combined.issue_button.clicked.connect(self.issue)
        self.pages.admin.request_button.clicked.connect(self.raise_request)
        queue.approve_button.clicked.connect(self.approve)
        queue.reject_button.clicked.connect(self.reject)
        queue.fulfil_button.clicked.connect(self.fulfil)
        queue.acknowledge_button.clicked.connect(self.acknowledge)
        self.ledger_tabs.revoke_button.clicked.connect(self.revoke_selected)
        self.acme.start_button.clicked.connect(self.start_acme)
        self.acme.stop_button.clicked.connect(self.stop_acme)
        self.acme.eab_button.clicked.connect(self.add_eab_key)
        self.acme.requester_edit.textChanged.connect(self.refresh_acme)
        # Queued: the server's threads emit, the UI thread refreshes.
        self.acme.orders_changed.connect(self.refresh_lists)
        session.message.connect(self.show_message)
        session.failed.connect(self.show_error)
        session.violations_found.connect(self.csr.show_violations)
        session.ca_changed.connect(self._on_session_ca_changed)
        session.records_changed.connect(self.refresh_lists)
        session.request_raised.connect(self.select_request)
        session.busy_changed.connect(lambda busy: self.setEnabled(not busy))
        session.task_finished.connect(self.task_finished)
        self._store.project_replaced.connect(self._on_store_project_replaced)
        follow_edits = RefreshWhenShown(self, self._on_store_evaluation_changed)
        self._store.evaluation_changed.connect(follow_edits)
        # Renaming, reordering or editing a profile field may leave the evaluation equal:
        # the type list and the chosen type's profile must follow those edits too.
        self._store.types_changed.connect(follow_edits)

    # --- dialogs (tests replace these) ---------------------------------------------------

    def _ask_folder(self, title: str) -> str:
        if title.startswith("Folder for a new CA"):  # a name that does not exist yet is fine
            return file_dialogs.new_or_empty_folder(self, title)
        return file_dialogs.existing_folder(self, title)

    def _ask_open_file(self, title: str) -> str:
        return file_dialogs.open_file(self, title)

    def _ask_passphrase(self, title: str, *, confirm: bool = False) -> str:
        first, ok = QInputDialog.getText(self, title, "Passphrase:", QLineEdit.EchoMode.Password)
        if not ok:
            return ""
        if confirm:
            again, ok = QInputDialog.getText(self, title, "Passphrase again:",
                                             QLineEdit.EchoMode.Password)
            if not ok or again != first:
                self.show_error("The passphrases do not match")
                return ""
        return first

    def _ask_base_url(self, default: str) -> str:
        text, ok = QInputDialog.getText(
            self, "New CA: publication URL",
            "Where this CA's certificates and CRLs will be served (plain http://). Every "
            "certificate names it in its AIA and CRL distribution point;\n`certroute ca "
            "serve-files` serves them on this machine at the default:", text=default)
        return text.strip() if ok else ""

    def show_message(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e; font-weight: 600;")

    # --- the CA folder (the session does the work) ----------------------------------------

    def choose_folder(self) -> None:
        self.session.choose_folder()

    def new_ca(self, folder: str | None = None) -> None:
        self.session.new_ca(folder)

    def unlock(self) -> bool:
        return self.session.unlock()

    def verify(self) -> None:
        self.session.verify()

    def _on_session_ca_changed(self) -> None:
        opened = self.service is not None
        if self.acme.running is not None and self.acme.running.acme.service is not self.service:
            self.stop_acme()  # the server belongs to the CA folder that was closed
        for button in (self.csr.check_button, self.pages.combined.issue_button,
                       self.pages.admin.request_button, self.ledger_tabs.revoke_button,
                       self.acme.start_button, self.acme.eab_button):
            button.setEnabled(opened)
        self.acme.show_running(self.acme.running)
        self.acme.start_button.setEnabled(opened and self.acme.running is None)
        self.folder_bar.show_service(self.service)
        self.approvals.update_buttons()
        self.ca_changed.emit()

    # --- type and profile ----------------------------------------------------------------

    def _on_store_project_replaced(self) -> None:
        self._offered_types = self._store.project.types
        self.profile.set_types(self._offered_types)
        self._on_type_combo_changed()

    def _on_store_evaluation_changed(self) -> None:
        types, offered = self._store.project.types, self._offered_types
        if types is not offered and _renamed(offered, types):
            self._on_store_project_replaced()
        else:
            self._on_type_combo_changed()
        self._offered_types = types  # offered under the same ids and names

    def edit_profile(self) -> None:
        """The chosen type's issuance profile, in a dialog (one undo step)."""
        chosen = self.current_type()
        if chosen is not None:
            ProfileDialog(self._store, self._store.project.index_of(chosen[0].id), self).exec()

    def select_type(self, type_id: str) -> None:
        combo = self.profile.type_combo
        combo.setCurrentIndex(combo.findData(type_id))

    def current_type(self) -> tuple[Any, Any] | None:
        """(CertificateType, Decision) of the chosen type, looked up by its id."""
        type_id = self.profile.type_combo.currentData()
        project = self._store.project
        try:
            row = project.index_of(type_id)
        except KeyError:
            return None
        return project.types[row], self._store.evaluation.decisions[row]

    def _on_type_combo_changed(self, *_args: object) -> None:
        chosen = self.current_type()
        legal = self._store.project.organisation.legal  # OV and EV subjects name it
        if (chosen, legal) == self._shown_type:
            return  # one edit sends two signals; the type and its decision are on screen
        self._shown_type = (chosen, legal)
        self.csr.clear_verdict()  # it was about another type, or the type's old profile
        if chosen is None:
            self.profile.show_no_type()
            return
        ctype, decision = chosen
        # The test CA issues today: the profile shown is the one under today's public caps.
        profile = with_organisation(profile_for(ctype, on=dt.date.today()), legal)
        self.profile.show_type(ctype, decision, profile)
        self.csr.fit_profile(profile)
        self.pages.show_workflow(decision.workflow)
        self.pages.combined.identity_method.setText(ctype.combined.identity_method)

    # --- issuing: read the forms, let the session act --------------------------------------

    def _on_csr_browse_requested(self) -> None:
        path = self._ask_open_file("Load a PEM CSR")
        if path:
            self.csr.set_pem_path(path)

    def _plan(self, key: Any) -> Any:
        """The delivery chosen in the form; None when the PKCS#12 password is not given."""
        return self.delivery.plan(
            key, lambda: self._ask_passphrase("PKCS#12 bundle password", confirm=True))

    def check_csr(self) -> None:
        """List every violation of the chosen type's profile (nothing is issued or logged)."""
        chosen = self.current_type()
        if chosen is not None:
            self.session.check(self._store.project, chosen[0].id, self.csr.source(),
                               validity_days=self.csr.validity_spin.value())

    def issue(self) -> None:
        """Combined path: check, issue at once, deliver; every violation listed on refusal."""
        chosen = self.current_type()
        if chosen is None:
            return
        form = self.pages.combined
        self.csr.clear_verdict()  # a refusal lists its own violations
        self.session.issue(
            self._store.project, chosen[0].id, self.csr.source(), plan_for=self._plan,
            requester=form.requester_edit.text().strip() or "certroute-gui",
            validity_days=self.csr.validity_spin.value(),
            evidence=form.identity_edit.text().strip())

    def raise_request(self) -> None:
        chosen = self.current_type()
        if chosen is None:
            return
        form = self.pages.admin
        self.csr.clear_verdict()
        self.session.raise_request(
            self._store.project, chosen[0].id, self.csr.source(),
            requester=form.requester_edit.text(), justification=form.justification_edit.text(),
            validity_days=self.csr.validity_spin.value())

    def select_request(self, request_id: int) -> None:
        self.approvals.select_request(request_id)

    def _selected_id(self) -> int | None:
        request = self.approvals.selected_request()
        return None if request is None or self.service is None else request.id

    def approve(self) -> None:
        queue, request_id = self.approvals, self._selected_id()
        if request_id is not None:
            self.session.approve(request_id, approver=queue.approver_edit.text(),
                                 role=queue.role_combo.currentText(),
                                 confirmed=queue.confirmed())

    def reject(self) -> None:
        queue, request_id = self.approvals, self._selected_id()
        if request_id is not None:
            self.session.reject(request_id, approver=queue.approver_edit.text(),
                                role=queue.role_combo.currentText(),
                                reason=queue.reason_edit.text())

    def fulfil(self) -> None:
        request_id = self._selected_id()
        if request_id is not None:
            operator = self.approvals.operator_edit.text().strip() or "operations"
            self.session.fulfil(request_id, operator=operator, plan_for=self._plan)

    def acknowledge(self) -> None:
        """The requester (typed in the request form's Requester field) confirms delivery."""
        request_id = self._selected_id()
        if request_id is not None:
            self.session.acknowledge(request_id,
                                     requester=self.pages.admin.requester_edit.text())

    def revoke_selected(self) -> None:
        """Ask for confirmation and a reason, then revoke and publish the CRLs."""
        record = self.ledger_tabs.selected_certificate()
        if record is None:
            return
        choice = self._ask_revocation(record.serial, record.subject)
        if choice is None:
            self.show_message(f"Not revoked: {record.serial}")
            return
        reason, actor = choice
        self.session.revoke(record.serial, reason=reason, actor=actor)

    def _ask_revocation(self, serial: str, subject: str) -> tuple[str, str] | None:
        """(reason, actor) confirmed in the dialog, or None when cancelled."""
        dialog = RevokeDialog(serial, subject, self)
        return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None

    # --- the ACME server -----------------------------------------------------------------

    def start_acme(self) -> None:
        """Serve ACME on the open CA (unlocked first) for the project open in the app."""
        from app.ca.acme.front import ServeOptions, parse_host_port, serve
        from app.ca.errors import CaError

        if self.service is None or self.acme.running is not None:
            return
        address = self.acme.resolve_edit.text().strip()
        resolver = self.acme.dns_edit.text().strip()
        try:  # before the passphrase is asked: a typo is said at once
            dns_resolver = parse_host_port(resolver) if resolver else None
        except CaError as exc:
            self.show_error(f"dns-01 resolver: {exc}")
            return
        if not self.unlock():
            return
        project = self._store.project
        source = self.service.project_source(project, None)
        options = ServeOptions(port=self.acme.port_spin.value(),
                               http_01_port=self.acme.http_port_spin.value(),
                               resolve={"*": address} if address else {},
                               dns_resolver=dns_resolver)
        try:
            running = serve(self.service, project, source, options)
        except CaError as exc:
            self.show_error(str(exc))
            return
        running.acme.listeners.append(self.acme.orders_changed.emit)
        self.acme.show_running(running)
        self.show_message(f"ACME server at {running.directory_url}; clients trust "
                          f"{self.service.folder / 'root.crt'}")
        self.refresh_lists()

    def stop_acme(self) -> None:
        running = self.acme.running
        if running is None:
            return
        running.stop()
        self.acme.show_running(None)
        self.show_message("ACME server stopped")

    def add_eab_key(self) -> None:
        """A new EAB key for the requester typed in; the HMAC key is shown once."""
        from app.ca.errors import CaError

        if self.service is None:
            return
        try:
            key = self._acme_store().eab_add(self.acme.requester_edit.text(),
                                                         actor="certroute-gui")
        except CaError as exc:
            self.show_error(str(exc))
            return
        self.acme.show_new_key(key)
        self.refresh_lists()

    def _acme_store(self) -> Any:
        """The ACME tables of the open CA (one reader connection per CA, kept)."""
        from app.ca.acme.store import AcmeStore

        if self._acme is None or self._acme.ledger is not self.service.ledger:
            if self._acme is not None:
                self._acme.close()
            self._acme = AcmeStore(self.service.ledger)
        return self._acme

    def refresh_acme(self) -> None:
        if self.service is None:
            return
        store = self._acme_store()
        self.acme.set_keys(store.eab_keys())
        self.acme.set_orders(store.orders())

    # --- the ledger's records ------------------------------------------------------------

    def refresh_lists(self) -> None:
        """Queue, issued certificates, renewal calendar and audit log from the ledger."""
        if self.service is None:
            return
        ledger = self.service.ledger
        self.approvals.set_requests(ledger.requests())
        self.ledger_tabs.set_records(certificates=ledger.certificates(),
                                     renewals=self.service.renewals(),
                                     audit=list(reversed(ledger.audit(limit=200))))
        self.refresh_acme()


def _renamed(old: tuple[CertificateType, ...], new: tuple[CertificateType, ...]) -> bool:
    """Whether the type chooser must be offered again: a type added, removed, moved or renamed
    (only the types an edit replaced are compared, in C first: 5,000 types per edit)."""
    return len(old) != len(new) or any(
        (old[r].id, old[r].name) != (new[r].id, new[r].name) for r in replaced(old, new))
