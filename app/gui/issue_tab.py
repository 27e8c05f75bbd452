"""IssueTab: test-issue against the local CA through the path each type's decision names.

SPEC.md §3. The tab only collects input and shows results: checks, issuance, the approval
workflow and the ledger all live in `app.ca` (no crypto code here). Key generation and CA
creation, which can take a noticeable time for RSA, run on a QThreadPool worker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui.palette import WORKFLOW_TONE
from app.gui.store import ProjectStore
from app.gui.widgets import heading, set_badge, wrapped_label
from models.enums import Workflow
from models.issuance_policy import profile_for

DELIVERY_MODES = ("Folder (cert, chain, key)", "PKCS#12 bundle", "Kubernetes TLS Secret")


class _TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Task(QRunnable):
    """Run `fn` on the pool; report back on the UI thread through queued signals."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = _TaskSignals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # the UI shows every failure as one line
            self.signals.failed.emit(str(exc))
            return
        self.signals.done.emit(result)


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))


class IssueTab(QWidget):
    """The local CA: choose a folder, pick a type, issue or run the approval workflow.

    Signals:
        task_finished(message): a background task (CA creation, key generation) ended.
        ca_changed(): a CA folder was opened, created or unlocked.
    """

    task_finished = Signal(str)
    ca_changed = Signal()

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.service: Any = None  # app.ca.service.CaService, imported when a CA is opened
        self.pool = QThreadPool(self)
        self._tasks: set[_Task] = set()
        self._keys: dict[int, Any] = {}  # request id -> key generated here, for delivery

        body = QVBoxLayout(self)
        body.setContentsMargins(12, 12, 12, 12)
        body.addLayout(self._build_ca_bar())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_type_panel())
        # The forms scroll rather than force the window taller than a projector's screen.
        work = QScrollArea()
        work.setWidgetResizable(True)
        work.setFrameShape(QFrame.Shape.NoFrame)
        work.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        work.setWidget(self._build_work_panel())
        split.addWidget(work)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        outer = QSplitter(Qt.Orientation.Vertical)
        outer.addWidget(split)
        outer.addWidget(self._build_lists())
        outer.setStretchFactor(0, 3)
        outer.setStretchFactor(1, 2)
        body.addWidget(outer, 1)
        self.message = wrapped_label()
        body.addWidget(self.message)

        store.project_replaced.connect(self._on_store_project_replaced)
        store.evaluation_changed.connect(self._on_store_evaluation_changed)
        self._on_store_project_replaced()
        self._update_ca_state()

    # --- building ------------------------------------------------------------------------

    def _build_ca_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(heading("Local CA", level=2))
        self.folder_edit = QLineEdit()
        self.folder_edit.setPlaceholderText("CA folder")
        self.folder_edit.setReadOnly(True)
        self.choose_button = QPushButton("Open CA folder…")
        self.new_button = QPushButton("New CA…")
        self.unlock_button = QPushButton("Unlock…")
        self.verify_button = QPushButton("Verify ledger")
        self.ca_status = wrapped_label(muted=True)
        self.choose_button.clicked.connect(self.choose_folder)
        self.new_button.clicked.connect(self.new_ca)
        self.unlock_button.clicked.connect(self.unlock)
        self.verify_button.clicked.connect(self.verify)
        for widget in (self.folder_edit, self.choose_button, self.new_button,
                       self.unlock_button, self.verify_button):
            bar.addWidget(widget)
        bar.addWidget(self.ca_status, 1)
        return bar

    def _build_type_panel(self) -> QWidget:
        box = QGroupBox("Certificate type")
        layout = QVBoxLayout(box)
        self.type_combo = QComboBox()
        self.type_combo.currentIndexChanged.connect(self._on_type_changed)
        self.badge = QLabel()
        self.badge.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.decision_label = wrapped_label()
        self.profile_text = wrapped_label(muted=True)
        layout.addWidget(self.type_combo)
        layout.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.decision_label)
        layout.addWidget(heading("Issuance profile", level=2))
        layout.addWidget(self.profile_text)
        layout.addStretch(1)
        return box

    def _build_csr_box(self) -> QGroupBox:
        box = QGroupBox("CSR")
        form = QFormLayout(box)
        self.csr_source = QComboBox()
        self.csr_source.addItems(["Generate a key and CSR here", "Load a PEM CSR file"])
        self.dns_edit = QLineEdit()
        self.dns_edit.setPlaceholderText("api.internal.example, www.internal.example")
        self.cn_edit = QLineEdit()
        self.cn_edit.setPlaceholderText("subject name (types without DNS names)")
        self.key_combo = QComboBox()
        self.key_combo.addItems(["EC P-256", "EC P-384", "RSA-2048", "RSA-3072", "Ed25519"])
        self.csr_path = QLineEdit()
        self.csr_path.setPlaceholderText("request.csr (PEM)")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_csr)
        path_row = QHBoxLayout()
        path_row.addWidget(self.csr_path, 1)
        path_row.addWidget(browse)
        self.validity_spin = QSpinBox()
        self.validity_spin.setSuffix(" days")
        self.check_button = QPushButton("Check against the profile")
        self.check_button.clicked.connect(self.check_csr)
        self.violations = QListWidget()
        self.violations.setMaximumHeight(110)
        form.addRow("Source", self.csr_source)
        form.addRow("DNS names", self.dns_edit)
        form.addRow("Common name", self.cn_edit)
        form.addRow("Key", self.key_combo)
        form.addRow("PEM file", path_row)
        form.addRow("Validity", self.validity_spin)
        form.addRow(self.check_button, self.violations)
        return box

    def _build_delivery_box(self) -> QGroupBox:
        box = QGroupBox("Delivery")
        form = QFormLayout(box)
        self.delivery_mode = QComboBox()
        self.delivery_mode.addItems(DELIVERY_MODES)
        self.delivery_path = QLineEdit()
        self.delivery_path.setPlaceholderText("folder or file to write")
        self.secret_name = QLineEdit()
        self.secret_name.setPlaceholderText("default: the first DNS name")
        self.namespace = QLineEdit("default")
        form.addRow("Deliver as", self.delivery_mode)
        form.addRow("To", self.delivery_path)
        form.addRow("Secret name", self.secret_name)
        form.addRow("Namespace", self.namespace)
        return box

    def _build_work_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._build_csr_box())
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_combined_page())
        self.pages.addWidget(self._build_admin_page())
        layout.addWidget(self.pages)
        layout.addWidget(self._build_delivery_box())
        return panel

    def _build_combined_page(self) -> QWidget:
        page = QGroupBox("Combined: issue at once")
        form = QFormLayout(page)
        self.identity_method = wrapped_label(muted=True)
        self.identity_edit = QLineEdit()
        self.identity_edit.setPlaceholderText("e.g. DNS-01 TXT record checked")
        self.requester_service = QLineEdit()
        self.requester_service.setPlaceholderText("requesting service")
        self.issue_button = QPushButton("Issue and deliver")
        self.issue_button.clicked.connect(self.issue)
        form.addRow("Identity method", self.identity_method)
        form.addRow("Evidence", self.identity_edit)
        form.addRow("Requester", self.requester_service)
        form.addRow(self.issue_button)
        return page

    def _build_admin_page(self) -> QWidget:
        page = QGroupBox("Admin-mediated: request → approve → fulfil → acknowledge")
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.requester_edit = QLineEdit()
        self.justification_edit = QLineEdit()
        self.request_button = QPushButton("Raise request")
        self.request_button.clicked.connect(self.raise_request)
        form.addRow("Requester", self.requester_edit)
        form.addRow("Business justification", self.justification_edit)
        form.addRow(self.request_button)
        layout.addLayout(form)
        self.queue = _table(["#", "Type", "Requester", "State", "Waiting for"])
        self.queue.itemSelectionChanged.connect(self._on_queue_selection_changed)
        layout.addWidget(self.queue, 1)
        layout.addWidget(self._build_review_box())
        return page

    def _build_review_box(self) -> QGroupBox:
        box = QGroupBox("Selected request")
        layout = QVBoxLayout(box)
        self.request_detail = wrapped_label(muted=True)
        layout.addWidget(self.request_detail)
        who = QHBoxLayout()
        self.approver_edit = QLineEdit()
        self.approver_edit.setPlaceholderText("approver name")
        self.role_combo = QComboBox()
        who.addWidget(self.approver_edit, 1)
        who.addWidget(self.role_combo)
        layout.addLayout(who)
        self.criteria_box = QVBoxLayout()
        self.criteria: list[QCheckBox] = []
        layout.addLayout(self.criteria_box)
        buttons = QHBoxLayout()
        self.approve_button = QPushButton("Approve")
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("reason for rejecting")
        self.reject_button = QPushButton("Reject")
        self.operator_edit = QLineEdit()
        self.operator_edit.setPlaceholderText("operator")
        self.fulfil_button = QPushButton("Fulfil and deliver")
        self.acknowledge_button = QPushButton("Acknowledge (requester)")
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject)
        self.fulfil_button.clicked.connect(self.fulfil)
        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.approver_edit.textChanged.connect(self._update_review_buttons)
        self.reason_edit.textChanged.connect(self._update_review_buttons)
        for widget in (self.approve_button, self.reason_edit, self.reject_button,
                       self.operator_edit, self.fulfil_button, self.acknowledge_button):
            buttons.addWidget(widget)
        layout.addLayout(buttons)
        return box

    def _build_lists(self) -> QTabWidget:
        tabs = QTabWidget()
        self.issued_table = _table(["Serial", "Type", "Workflow", "Names", "Not after",
                                    "Revoked"])
        self.renewal_table = _table(["Due", "Status", "Kind", "Days before expiry",
                                     "Expires", "Subject"])
        self.audit_table = _table(["#", "At", "Actor", "Action", "Subject"])
        revoke_box = QWidget()
        revoke_layout = QVBoxLayout(revoke_box)
        revoke_layout.setContentsMargins(0, 0, 0, 0)
        revoke_layout.addWidget(self.issued_table)
        self.revoke_button = QPushButton("Revoke selected and publish a CRL")
        self.revoke_button.clicked.connect(self.revoke_selected)
        revoke_layout.addWidget(self.revoke_button, 0, Qt.AlignmentFlag.AlignRight)
        tabs.addTab(revoke_box, "Issued certificates")
        tabs.addTab(self.renewal_table, "Renewal calendar")
        tabs.addTab(self.audit_table, "Audit log")
        return tabs

    # --- dialogs (tests replace these) ---------------------------------------------------

    def _ask_folder(self, title: str) -> str:
        return QFileDialog.getExistingDirectory(self, title)

    def _ask_open_file(self, title: str) -> str:
        return QFileDialog.getOpenFileName(self, title)[0]

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

    # --- messages and background work ----------------------------------------------------

    def show_message(self, text: str) -> None:
        self.message.setProperty("role", "")
        self.message.setStyleSheet("")
        self.message.setText(text)

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e; font-weight: 600;")

    def _run(self, fn: Callable[[], Any], on_done: Callable[[Any], None], busy: str) -> None:
        """Run slow crypto on the pool; `on_done(result)` runs on the UI thread."""
        task = _Task(fn)
        self._tasks.add(task)
        self.show_message(busy)
        self.setEnabled(False)

        def finish(result: Any = None, error: str | None = None) -> None:
            self._tasks.discard(task)
            self.setEnabled(True)
            if error is not None:
                self.show_error(error)
            else:
                on_done(result)
            self.task_finished.emit(error or self.message.text())

        task.signals.done.connect(lambda result: finish(result))
        task.signals.failed.connect(lambda error: finish(error=error))
        self.pool.start(task)

    def _succeeds(self, fn: Callable[[], object]) -> bool:
        """Call `fn` for its effect; False (and the message shown) on a CA error."""
        from app.ca.errors import CaError

        try:
            fn()
        except CaError as exc:
            self.show_error(str(exc))
            return False
        return True

    def _guard(self, fn: Callable[[], Any]) -> Any:
        """Call `fn`; a CA error becomes the red message line instead of an exception."""
        from app.ca.errors import CaError

        try:
            return fn()
        except CaError as exc:
            self.show_error(str(exc))
            return None

    # --- CA folder -----------------------------------------------------------------------

    def choose_folder(self) -> None:
        """Open an existing CA folder; offer to create one if it holds none."""
        from app.ca.authority import ROOT_CERT
        from app.ca.service import CaService

        folder = self._ask_folder("Open a CA folder")
        if not folder:
            return
        if not (Path(folder) / ROOT_CERT).exists():
            self.new_ca(folder)
            return
        service = self._guard(lambda: CaService.open(folder))
        if service is not None:
            self._set_service(service)
            self.show_message(f"Opened the CA in {service.folder} (locked)")

    def new_ca(self, folder: str | None = None) -> None:
        """Create a two-tier CA (P-384 root, P-256 issuing) in a new or empty folder."""
        from app.ca.service import CaService

        folder = folder or self._ask_folder("Folder for a new CA (new or empty)")
        if not folder:
            return
        passphrase = self._ask_passphrase("New CA passphrase", confirm=True)
        if not passphrase:
            return
        self._run(lambda: CaService.init(Path(folder), passphrase.encode("utf-8")),
                  self._on_ca_created, "Creating the CA…")

    def _on_ca_created(self, service: Any) -> None:
        self._set_service(service)
        self.show_message(f"Created a two-tier CA in {service.folder} (unlocked)")

    def unlock(self) -> bool:
        """Ask for the passphrase and decrypt the issuing key; True when unlocked."""
        if self.service is None:
            self.show_error("Open or create a CA folder first")
            return False
        if self.service.authority.unlocked:
            return True
        passphrase = self._ask_passphrase("CA passphrase")
        if not passphrase:
            return False
        if self._succeeds(lambda: self.service.unlock(passphrase.encode("utf-8"))):
            self._update_ca_state()
            self.show_message("CA unlocked")
            return True
        return False

    def verify(self) -> None:
        if self.service is None:
            return
        report = self.service.verify()
        if report.ok:
            self.show_message(f"Ledger intact: {report.entries} audit entries, head "
                              f"{report.head}")
        else:
            self.show_error("Ledger verification failed: " + "; ".join(report.problems))

    def _set_service(self, service: Any) -> None:
        if self.service is not None:
            self.service.close()
        self.service = service
        self.folder_edit.setText(str(service.folder))
        self._update_ca_state()
        self.refresh_lists()
        self.ca_changed.emit()

    def _update_ca_state(self) -> None:
        service = self.service
        opened = service is not None
        for widget in (self.unlock_button, self.verify_button, self.check_button,
                       self.issue_button, self.request_button, self.revoke_button):
            widget.setEnabled(opened)
        if not opened:
            self.ca_status.setText("No CA open: open a CA folder or create a new CA.")
            return
        issuing = service.authority.issuing
        state = "unlocked" if service.authority.unlocked else "locked"
        self.ca_status.setText(f"{issuing.subject.rfc4514_string()} · valid until "
                               f"{issuing.not_valid_after_utc:%Y-%m-%d} · {state}")
        self.unlock_button.setEnabled(not service.authority.unlocked)
        self._update_review_buttons()

    # --- type and profile ----------------------------------------------------------------

    def _on_store_project_replaced(self) -> None:
        current = self.type_combo.currentData()
        self.type_combo.blockSignals(True)
        self.type_combo.clear()
        for ctype in self._store.project.types:
            self.type_combo.addItem(ctype.name, ctype.id)
        index = max(self.type_combo.findData(current), 0)
        self.type_combo.setCurrentIndex(index)
        self.type_combo.blockSignals(False)
        self._on_type_changed()

    def _on_store_evaluation_changed(self, _evaluation: object) -> None:
        if [self.type_combo.itemData(i) for i in range(self.type_combo.count())] != [
                t.id for t in self._store.project.types]:
            self._on_store_project_replaced()
        else:
            self._on_type_changed()

    def select_type(self, type_id: str) -> None:
        self.type_combo.setCurrentIndex(self.type_combo.findData(type_id))

    def current_type(self) -> tuple[Any, Any] | None:
        """(CertificateType, Decision) of the chosen type, from the store's evaluation."""
        row = self.type_combo.currentIndex()
        project = self._store.project
        if row < 0 or row >= len(project.types):
            return None
        return project.types[row], self._store.evaluation.decisions[row]

    def _on_type_changed(self, *_args: object) -> None:
        chosen = self.current_type()
        if chosen is None:
            self.decision_label.setText("No certificate types in the project.")
            self.profile_text.clear()
            return
        ctype, decision = chosen
        set_badge(self.badge, decision.workflow.value.upper(), WORKFLOW_TONE[decision.workflow])
        self.decision_label.setText(f"{decision.label}: {decision.rationale}")
        profile = profile_for(ctype)
        self.validity_spin.setRange(1, profile.max_validity_days)
        self.validity_spin.setValue(profile.max_validity_days)
        self.profile_text.setText(self._describe_profile(ctype, profile))
        combined = decision.workflow is Workflow.COMBINED
        self.pages.setCurrentIndex(0 if combined else 1)
        self.identity_method.setText(ctype.combined.identity_method)

    @staticmethod
    def _describe_profile(ctype: Any, profile: Any) -> str:
        keys = ", ".join(f"{k.kind.value.upper()} ≥ {k.min_size}" for k in profile.key_types)
        lines = [
            "SAN patterns: " + (", ".join(profile.san_patterns) or "no DNS names"),
            "Wildcards: " + ("allowed" if profile.allow_wildcards else "not allowed"),
            f"Keys: {keys}",
            f"Validity: at most {profile.max_validity_days} days ({ctype.validity.value} class)",
            "Extended key usage: " + (", ".join(e.value for e in profile.ekus) or "none"),
        ]
        if not profile.issuable:
            lines.append("Not issuable by the local test CA (it would create a new issuer).")
        admin = ctype.admin
        lines.append(f"Approval: {admin.approvals_required} of "
                     f"{', '.join(admin.approver_roles)}; criteria: "
                     + ("; ".join(admin.approval_criteria) or "none (rubber stamp)"))
        lines.append("Renewal notices: " + ", ".join(f"{d} d" for d in admin.notice_days))
        return "\n".join(lines)

    # --- CSR -----------------------------------------------------------------------------

    def _browse_csr(self) -> None:
        path = self._ask_open_file("Load a PEM CSR")
        if path:
            self.csr_path.setText(path)
            self.csr_source.setCurrentIndex(1)

    def _with_csr(self, then: Callable[[Any, Any], None]) -> None:
        """Get the CSR (and a key when generated here), then call `then(csr, key)`."""
        from app.ca.csr import build_csr, generate_key, load_csr

        if self.csr_source.currentIndex() == 1:
            path = self.csr_path.text().strip()
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                self.show_error(f"{path or 'CSR file'}: cannot read ({exc.strerror or exc})")
                return
            csr = self._guard(lambda: load_csr(data))
            if csr is not None:
                then(csr, None)
            return
        names = [n.strip() for n in self.dns_edit.text().replace(";", ",").split(",")
                 if n.strip()]
        cn = self.cn_edit.text().strip() or None
        if not names and not cn:
            self.show_error("Give DNS names (or a common name) for the CSR")
            return
        kind, size = {"EC P-256": ("ec", 256), "EC P-384": ("ec", 384),
                      "RSA-2048": ("rsa", 2048), "RSA-3072": ("rsa", 3072),
                      "Ed25519": ("ed25519", None)}[self.key_combo.currentText()]

        def make() -> tuple[Any, Any]:
            key = generate_key(kind, size)
            return build_csr(key, names, cn), key

        self._run(make, lambda pair: then(*pair), "Generating the key…")

    def check_csr(self) -> None:
        """List every violation of the chosen type's profile (nothing is issued or logged)."""
        chosen = self.current_type()
        if chosen is None or self.service is None:
            return

        def show(csr: Any, _key: Any) -> None:
            preview = self._guard(lambda: self.service.preview(
                self._store.project, chosen[0].id, csr,
                validity_days=self.validity_spin.value()))
            if preview is not None:
                self._show_violations(list(preview.violations))

        self._with_csr(show)

    def _show_violations(self, violations: list[Any]) -> None:
        self.violations.clear()
        if not violations:
            self.violations.addItem("No violation: the profile allows this CSR")
            self.show_message("The CSR passes the profile")
            return
        for violation in violations:
            self.violations.addItem(violation.message)
        self.show_error(f"{len(violations)} policy violation(s)")

    # --- combined path -------------------------------------------------------------------

    def _plan(self, key: Any) -> Any:
        """The delivery chosen in the form; None when the form is incomplete (message shown)."""
        from app.ca.delivery import DeliveryPlan

        target = self.delivery_path.text().strip()
        if not target:
            return DeliveryPlan(key=key)  # ledger only; the PEM stays in the issued list
        mode = self.delivery_mode.currentIndex()
        if mode == 0:
            return DeliveryPlan(folder=Path(target), key=key)
        if mode == 1:
            password = self._ask_passphrase("PKCS#12 bundle password", confirm=True)
            if not password:
                return None
            return DeliveryPlan(pkcs12=Path(target), pkcs12_password=password.encode("utf-8"),
                                key=key)
        return DeliveryPlan(secret=Path(target), key=key,
                            secret_name=self.secret_name.text().strip() or None,
                            namespace=self.namespace.text().strip() or "default")

    def issue(self) -> None:
        """Combined path: check, issue at once, deliver; every violation listed on refusal."""
        from app.ca.errors import PolicyRefused

        chosen = self.current_type()
        if chosen is None or self.service is None or not self.unlock():
            return
        ctype = chosen[0]

        def go(csr: Any, key: Any) -> None:
            plan = self._plan(key)
            if plan is None or not self._succeeds(lambda: plan.validate(csr.public_key())):
                return
            try:
                issued = self.service.issue(
                    self._store.project, ctype.id, csr,
                    requester=self.requester_service.text().strip() or "certroute-gui",
                    validity_days=self.validity_spin.value(),
                    identity_evidence=self.identity_edit.text().strip())
            except PolicyRefused as exc:
                self._show_violations(list(exc.violations))
                self.refresh_lists()
                return
            except Exception as exc:
                self._report(exc)
                return
            self._delivered(issued, plan)

        self._with_csr(go)

    def _delivered(self, issued: Any, plan: Any) -> None:
        written = self._guard(lambda: plan.deliver(issued.certificate, issued.chain))
        self.refresh_lists()
        where = f"; wrote {', '.join(p.name for p in written)}" if written else ""
        self.show_message(f"Issued {issued.record.serial} for "
                          f"{', '.join(issued.record.names) or issued.record.subject}{where}")

    def _report(self, exc: Exception) -> None:
        """Show a CA error (refusals are already in the audit log); re-raise anything else."""
        from app.ca.errors import CaError

        if not isinstance(exc, CaError):
            raise exc
        self.show_error(str(exc))
        self.refresh_lists()

    # --- admin-mediated path -------------------------------------------------------------

    def raise_request(self) -> None:
        chosen = self.current_type()
        if chosen is None or self.service is None:
            return
        ctype = chosen[0]

        def go(csr: Any, key: Any) -> None:
            try:
                request = self.service.admin.request(
                    self._store.project, ctype.id, csr,
                    requester=self.requester_edit.text(),
                    justification=self.justification_edit.text(),
                    validity_days=self.validity_spin.value())
            except Exception as exc:
                from app.ca.errors import PolicyRefused

                if isinstance(exc, PolicyRefused):
                    self._show_violations(list(exc.violations))
                    self.refresh_lists()
                    return
                self._report(exc)
                return
            if key is not None:
                self._keys[request.id] = key  # kept in memory for PKCS#12 / Secret delivery
            self.refresh_lists()
            self.select_request(request.id)
            self.show_message(f"Request {request.id} raised: waiting for "
                              f"{request.waiting_for()}")

        self._with_csr(go)

    def selected_request(self) -> Any:
        rows = self.queue.selectionModel().selectedRows() if self.queue.selectionModel() \
            else []
        if not rows or self.service is None:
            return None
        request_id = int(self.queue.item(rows[0].row(), 0).text())
        return self.service.ledger.request(request_id)

    def select_request(self, request_id: int) -> None:
        for row in range(self.queue.rowCount()):
            if self.queue.item(row, 0).text() == str(request_id):
                self.queue.selectRow(row)
                return

    def _on_queue_selection_changed(self) -> None:
        request = self.selected_request()
        for box in self.criteria:
            self.criteria_box.removeWidget(box)
            box.deleteLater()
        self.criteria = []
        self.role_combo.clear()
        if request is None:
            self.request_detail.setText("Select a request in the queue.")
            self._update_review_buttons()
            return
        self.request_detail.setText(
            f"#{request.id} {request.type_name} · requested by {request.requester}: "
            f"{request.justification} · {request.state.value}"
            + (f" — waiting for {request.waiting_for()}" if request.waiting_for() else "")
            + (f" · {request.closed_reason}" if request.closed_reason else ""))
        self.role_combo.addItems(list(request.policy.approver_roles))
        for criterion in request.policy.criteria:
            box = QCheckBox(criterion)
            box.toggled.connect(self._update_review_buttons)
            self.criteria_box.addWidget(box)
            self.criteria.append(box)
        self._update_review_buttons()

    def _update_review_buttons(self, *_args: object) -> None:
        request = self.selected_request() if hasattr(self, "queue") else None
        state = request.state.value if request is not None else ""
        named = bool(self.approver_edit.text().strip())
        # No rubber stamp: Approve is offered only once every criterion is ticked.
        ticked = all(box.isChecked() for box in self.criteria)
        self.approve_button.setEnabled(state == "pending" and named and ticked)
        self.reject_button.setEnabled(state in ("pending", "approved") and named
                                      and bool(self.reason_edit.text().strip()))
        self.fulfil_button.setEnabled(state == "approved")
        self.acknowledge_button.setEnabled(state == "fulfilled")

    def _review(self, action: Callable[[Any], Any], done: str) -> None:
        request = self.selected_request()
        if request is None:
            return
        try:
            result = action(request)
        except Exception as exc:
            self._report(exc)
            self.select_request(request.id)
            return
        self.refresh_lists()
        self.select_request(request.id)
        self.show_message(done.format(id=request.id, result=result))

    def approve(self) -> None:
        confirmed = [box.text() for box in self.criteria if box.isChecked()]
        self._review(lambda r: self.service.admin.approve(
            r.id, approver=self.approver_edit.text(), role=self.role_combo.currentText(),
            confirmed=confirmed).state.value, "Request {id}: approval recorded ({result})")

    def reject(self) -> None:
        self._review(lambda r: self.service.admin.reject(
            r.id, approver=self.approver_edit.text(), role=self.role_combo.currentText(),
            reason=self.reason_edit.text()).state.value, "Request {id} {result}")

    def fulfil(self) -> None:
        request = self.selected_request()
        if request is None or not self.unlock():
            return
        plan = self._plan(self._keys.get(request.id))
        if plan is None or not self._succeeds(lambda: plan.validate(None)):
            return
        try:
            issued = self.service.admin.fulfil(
                request.id, operator=self.operator_edit.text().strip() or "operations")
        except Exception as exc:
            self._report(exc)
            return
        self._delivered(issued, plan)
        self.select_request(request.id)

    def acknowledge(self) -> None:
        """The requester (typed in the request form's Requester field) confirms delivery."""
        self._review(lambda r: self.service.admin.acknowledge(
            r.id, requester=self.requester_edit.text()).state.value,
            "Request {id} {result}: renewal tracking open")

    # --- lists ---------------------------------------------------------------------------

    def refresh_lists(self) -> None:
        """Queue, issued certificates, renewal calendar and audit log from the ledger."""
        if self.service is None:
            return
        ledger = self.service.ledger
        selected = self.selected_request()
        self.queue.blockSignals(True)
        _fill(self.queue, [[str(r.id), r.type_name, r.requester, r.state.value,
                            r.waiting_for() or r.closed_reason] for r in ledger.requests()])
        self.queue.blockSignals(False)
        if selected is not None:
            self.select_request(selected.id)
        _fill(self.issued_table, [[c.serial, c.type_id, c.workflow, ", ".join(c.names),
                                   c.not_after[:10], c.revoked_at[:10] if c.revoked_at else ""]
                                  for c in ledger.certificates()])
        _fill(self.renewal_table, [[n.due_at[:10], n.status, n.kind, str(n.days_before),
                                    n.not_after[:10], n.subject]
                                   for n in self.service.renewals()])
        _fill(self.audit_table, [[str(e.seq), e.at, e.actor, e.action, e.subject]
                                 for e in reversed(ledger.audit(limit=200))])
        self._on_queue_selection_changed()

    def revoke_selected(self) -> None:
        rows = self.issued_table.selectionModel().selectedRows()
        if not rows or self.service is None or not self.unlock():
            return
        serial = self.issued_table.item(rows[0].row(), 0).text()
        try:
            self.service.revoke(serial, reason="unspecified", actor="certroute-gui")
            crl = self.service.crl(actor="certroute-gui")
        except Exception as exc:
            self._report(exc)
            return
        self.refresh_lists()
        self.show_message(f"Revoked {serial}; CRL with {len(list(crl))} entr(y/ies) published")
