"""CaSession: the Issue tab's open CA folder and the operations it runs there, told by signal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Signal

from app.gui import settings as keys
from app.gui.ca_worker import CaWorker
from app.gui.issue_forms import CsrSource
from models.project import Project

# plan(key) -> app.ca.delivery.DeliveryPlan, or None when the user gave up (no password)
PlanFor = Callable[[Any], Any]


ROOT_PROMPT_NEW = "New root CA passphrase (a different one; kept for subordinate CAs and the " \
    "root CRL)"
ROOT_PROMPT = "Root CA passphrase (only for subordinate CAs and the root CRL; leave empty to skip)"


class CaSession(QObject):
    """The CA service of one folder and every operation the Issue tab runs on it.

    Inputs arrive as values (the tab reads its forms); outcomes leave as signals, so the
    session touches no widget. Checks, issuance, the approval workflow and the ledger live in
    `app.ca` (imported on first use); key generation and CA creation run on a `CaWorker`.
    Folders, passphrases and a new CA's publication URL come from `ask_folder(title)`,
    `ask_passphrase(title, confirm=False)` and `ask_base_url(default)`, which the tab points
    at its dialogs.

    Signals:
        message(text): an outcome, one line.
        failed(text): a refusal or an error, one line.
        violations_found(violations): a CSR check or a refusal listed these (maybe none).
        ca_changed(): a CA folder was opened, created or unlocked.
        records_changed(): the ledger changed; its tables should be read again.
        request_raised(request_id): an admin-mediated request entered the queue.
        busy_changed(busy): background work started (True) or ended (False).
        task_finished(message): background work ended, with its outcome line.
    """

    message = Signal(str)
    failed = Signal(str)
    violations_found = Signal(object)
    ca_changed = Signal()
    records_changed = Signal()
    request_raised = Signal(int)
    busy_changed = Signal(bool)
    task_finished = Signal(str)

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service: Any = None  # app.ca.service.CaService
        self.settings = settings
        self.worker = CaWorker(self)
        self.keys: dict[int, Any] = {}  # request id -> key generated here, for delivery
        self.ask_folder: Callable[[str], str] = lambda _title: ""
        self.ask_passphrase: Callable[..., str] = lambda _title, confirm=False: ""
        self.ask_base_url: Callable[[str], str] = lambda _default: ""
        self._last = ""

    # --- outcomes and background work ------------------------------------------------------

    def _say(self, text: str) -> None:
        self._last = text
        self.message.emit(text)

    def _fail(self, text: str) -> None:
        self._last = text
        self.failed.emit(text)

    def _run(self, fn: Callable[[], Any], on_done: Callable[[Any], None], busy: str) -> None:
        """Run slow crypto on the pool; `on_done(result)` runs on the UI thread."""
        self._say(busy)
        self.busy_changed.emit(True)

        def finish(result: Any = None, error: str | None = None) -> None:
            self.busy_changed.emit(False)
            if error is not None:
                self._fail(error)
            else:
                on_done(result)
            self.task_finished.emit(error or self._last)

        self.worker.start(fn, lambda result: finish(result), lambda error: finish(error=error))

    def _guard(self, fn: Callable[[], Any]) -> Any:
        """Call `fn`; a CA error becomes the failure line (and None) instead of raising."""
        from app.ca.errors import CaError

        try:
            return fn()
        except CaError as exc:
            self._fail(str(exc))
            return None

    def _succeeds(self, fn: Callable[[], object]) -> bool:
        """Call `fn` for its effect; False (and the failure told) on a CA error."""
        return self._guard(lambda: fn() or True) is not None

    def _report(self, exc: Exception) -> None:
        """Tell a CA error (refusals are already in the audit log); re-raise anything else."""
        from app.ca.errors import CaError, PolicyRefused

        if not isinstance(exc, CaError):
            raise exc
        if isinstance(exc, PolicyRefused):  # the form lists them; the line counts them
            self.violations_found.emit(exc.violations)
            self._fail(f"{len(exc.violations)} policy violation(s)")
        else:
            self._fail(str(exc))
        self.records_changed.emit()

    # --- the CA folder ---------------------------------------------------------------------

    def choose_folder(self) -> None:
        """Open an existing CA folder; offer to create one if it holds none."""
        from app.ca.authority import ROOT_CERT
        from app.ca.service import CaService

        folder = self.ask_folder("Open a CA folder")
        if not folder:
            return
        if not (Path(folder) / ROOT_CERT).exists():
            self.new_ca(folder)
            return
        service = self._guard(lambda: CaService.open(folder))
        if service is not None:
            self._set_service(service)
            self._say(f"Opened the CA in {service.folder} (locked)")

    def new_ca(self, folder: str | None = None) -> None:
        """Create a two-tier CA (P-384 root, P-256 issuing) in a new or empty folder."""
        from app.ca.errors import CaError
        from app.ca.publication import DEFAULT_BASE_URL, checked_base_url
        from app.ca.service import CaService

        folder = folder or self.ask_folder("Folder for a new CA (new or empty)")
        if not folder:
            return
        passphrase = self.ask_passphrase("New CA passphrase", confirm=True)
        if not passphrase:
            return
        root = self.ask_passphrase(ROOT_PROMPT_NEW, confirm=True)
        if not root:
            return
        # Where its certificates and CRLs are published: every certificate names it in its
        # AIA and CRL distribution point (TLS BR 7.1.2.7.7), as `ca init --base-url` does.
        answer = self.ask_base_url(DEFAULT_BASE_URL)
        if not answer:
            return
        try:
            base_url = checked_base_url(answer)
        except CaError as exc:
            self._fail(str(exc))
            return
        self._run(lambda: CaService.init(Path(folder), passphrase.encode("utf-8"),
                                         root_passphrase=root.encode("utf-8"),
                                         base_url=base_url),
                  self._on_worker_ca_created, "Creating the CA…")

    def _on_worker_ca_created(self, service: Any) -> None:
        self._set_service(service)
        self._say(f"Created a two-tier CA in {service.folder} (unlocked)")

    def reopen_last(self) -> None:
        """Reopen the last session's CA folder, locked: unlocking still asks the passphrase."""
        from app.ca.authority import ROOT_CERT
        from app.ca.service import CaService

        folder = keys.ca_folder(self.settings)
        if not folder:
            return
        if not (Path(folder) / ROOT_CERT).is_file():
            self._say(f"The last CA folder, {folder}, holds no CA any more")
            return
        service = self._guard(lambda: CaService.open(folder))
        if service is not None:
            self._set_service(service)
            self._say(f"Reopened the CA in {service.folder} (locked: the passphrase is asked "
                      "when the CA signs)")

    def unlock(self) -> bool:
        """Ask for the passphrase and decrypt the issuing key; True when unlocked."""
        if self.service is None:
            self._fail("Open or create a CA folder first")
            return False
        if self.service.authority.unlocked:
            return True
        passphrase = self.ask_passphrase("CA passphrase")
        if not passphrase:
            return False
        service = self.service
        root = None if service.root_shares_passphrase() else self.ask_passphrase(ROOT_PROMPT)
        upgraded = self._guard(lambda: service.unlock(
            passphrase.encode("utf-8"), root.encode("utf-8") if root else None))
        if upgraded is None:
            return False
        self.ca_changed.emit()
        root_state = "" if service.authority.root_problem is None else \
            "; the root stays locked (subordinate CAs and the root CRL need it)"
        warnings = [*service.warnings(), *(f"upgraded {line}" for line in upgraded)]
        if warnings:
            self._fail(f"CA unlocked{root_state}; {'; '.join(warnings)}")
        else:
            self._say(f"CA unlocked{root_state}")
        return True

    def unlock_root(self) -> bool:
        """Ask for the root passphrase if the root key is still locked; True when unlocked."""
        service = self.service
        if service is None or service.authority.root_problem is None:
            return service is not None
        root = self.ask_passphrase(ROOT_PROMPT)
        if not root:
            return False
        if self._guard(lambda: service.unlock_root(root.encode("utf-8"))) is None:
            return False
        if service.authority.root_problem is not None:
            self._fail(service.authority.root_problem)
            return False
        return True

    def verify(self) -> None:
        if self.service is None:
            return
        report = self.service.verify()
        if report.ok:
            self._say(f"Ledger intact: {report.entries} audit entries, head {report.head}")
        else:
            self._fail("Ledger verification failed: " + "; ".join(report.problems))

    def _set_service(self, service: Any) -> None:
        if self.service is not None:
            self.service.close()
        self.service = service
        keys.remember_ca_folder(self.settings, service.folder)
        self.settings.sync()
        self.ca_changed.emit()
        self.records_changed.emit()

    # --- CSR -------------------------------------------------------------------------------

    def with_csr(self, source: CsrSource, then: Callable[[Any, Any], None]) -> None:
        """Get the CSR (and a key when generated here), then call `then(csr, key)`."""
        from app.ca.csr import build_csr, generate_key, load_csr

        if source.pem_path is not None:
            path = source.pem_path
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                self._fail(f"{path or 'CSR file'}: cannot read ({exc.strerror or exc})")
                return
            csr = self._guard(lambda: load_csr(data))
            if csr is not None:
                then(csr, None)
            return
        if not source.names and not source.common_name:
            self._fail("Give DNS names (or a common name) for the CSR")
            return

        def make() -> tuple[Any, Any]:
            key = generate_key(*source.key)
            return build_csr(key, list(source.names), source.common_name), key

        self._run(make, lambda pair: then(*pair), "Generating the key…")

    def check(self, project: Project, type_id: str, source: CsrSource, *,
              validity_days: int) -> None:
        """List every violation of the type's profile (nothing is issued or logged)."""
        if self.service is None:
            return

        def show(csr: Any, _key: Any) -> None:
            preview = self._guard(lambda: self.service.preview(
                project, type_id, csr, validity_days=validity_days))
            if preview is None:
                return
            self.violations_found.emit(preview.violations)
            if preview.violations:
                self._fail(f"{len(preview.violations)} policy violation(s)")
            else:
                self._say("The CSR passes the profile")

        self.with_csr(source, show)

    # --- combined path ---------------------------------------------------------------------

    def issue(self, project: Project, type_id: str, source: CsrSource, *, plan_for: PlanFor,
              requester: str, validity_days: int, evidence: str) -> None:
        """Combined path: check, issue at once, deliver; every violation listed on refusal."""
        if self.service is None or not self.unlock():
            return

        def go(csr: Any, key: Any) -> None:
            plan = plan_for(key)
            if plan is None or not self._succeeds(lambda: plan.validate(csr.public_key())):
                return
            try:
                issued = self.service.issue(project, type_id, csr, requester=requester,
                                            validity_days=validity_days,
                                            identity_evidence=evidence)
            except Exception as exc:
                self._report(exc)
                return
            self._delivered(issued, plan)

        self.with_csr(source, go)

    def _delivered(self, issued: Any, plan: Any) -> None:
        from app.ca.errors import CaError

        self.records_changed.emit()
        names = ", ".join(issued.record.names) or issued.record.subject
        try:
            written = plan.deliver(issued.certificate, issued.chain)
        except (CaError, OSError) as exc:
            # Issued and recorded, but not written: say so and keep saying it (no success
            # line over it), so nobody deploys a certificate that is not on disk.
            reason = f"delivery failed: {exc.strerror or exc}" if isinstance(exc, OSError) \
                else str(exc)
            kept = self._keep_undelivered(issued, plan, reason)
            self._fail(f"Issued {issued.record.serial} for {names}, but {reason}. The "
                       f"certificate is in the ledger{kept}; choose another target.")
            return
        where = f"; wrote {', '.join(p.name for p in written)}" if written else ""
        self._say(f"Issued {issued.record.serial} for {names}{where}")

    def _keep_undelivered(self, issued: Any, plan: Any, reason: str) -> str:
        """Keep the certificate and a generated key in the CA folder; the phrase saying where."""
        from app.ca.csr import key_pem

        files = {"cert.pem": issued.record.pem.encode("ascii")}
        if plan.key is not None:
            files["privkey.pem"] = key_pem(plan.key)
        kept = self._guard(lambda: self.service.keep_undelivered(
            f"certificate-{issued.record.serial}", files, reason=reason, actor="certroute-gui"))
        return f"; its {' and '.join(sorted(files))} were kept in {kept}" if kept else ""

    def revoke(self, serial: str, *, reason: str = "unspecified",
               actor: str = "certroute-gui") -> None:
        """Revoke a certificate (or subordinate CA) for `reason` (the CLI's spellings) and
        publish the issuing and root CRLs."""
        if self.service is None or not self.unlock():
            return
        self.unlock_root()  # for the root CRL; left locked, the issuing CA's CRL still goes out
        try:
            record = self.service.revoke(serial, reason=reason, actor=actor)
            crls = self.service.publish_crls(actor=actor)
        except Exception as exc:
            self._report(exc)
            return
        self.records_changed.emit()
        published = (f"Revoked {serial} ({reason}); CRL with {len(list(crls.issuing))} "
                     "entr(y/ies)")
        edited = list(dict.fromkeys([*filter(None, [record.row_problem]), *crls.warnings]))
        if edited:  # revoked and published all the same, from the audit log: say so loudly
            self._fail(f"{published} published from the audit log, but the ledger was edited "
                       f"outside Certroute: {'; '.join(edited)} (see certroute ca verify)")
            return
        if crls.root is not None:
            self._say(f"{published} and root CRL with {len(list(crls.root))} published")
        elif crls.unpublished:
            # Recorded and on no root CRL: keep saying so (no success line over it).
            self._fail(f"{published} published, but no root CRL was signed "
                       f"({crls.root_problem}): {crls.unpublished} revoked subordinate CA(s) "
                       "are on no root CRL until the root key can be used")
        else:
            self._say(f"{published} published; no root CRL signed ({crls.root_problem})")

    # --- admin-mediated path ---------------------------------------------------------------

    def raise_request(self, project: Project, type_id: str, source: CsrSource, *,
                      requester: str, justification: str, validity_days: int) -> None:
        if self.service is None:
            return

        def go(csr: Any, key: Any) -> None:
            try:
                request = self.service.admin.request(
                    project, type_id, csr, requester=requester, justification=justification,
                    validity_days=validity_days)
            except Exception as exc:
                self._report(exc)
                return
            if key is not None:
                self.keys[request.id] = key  # kept in memory for PKCS#12 / Secret delivery
            self.records_changed.emit()
            self.request_raised.emit(request.id)
            self._say(f"Request {request.id} raised: waiting for {request.waiting_for()}")

        self.with_csr(source, go)

    def _review(self, action: Callable[[], Any], done: str) -> None:
        try:
            result = action()
        except Exception as exc:
            self._report(exc)
            return
        self.records_changed.emit()
        self._say(done.format(result=result))

    def approve(self, request_id: int, *, approver: str, role: str,
                confirmed: list[str]) -> None:
        self._review(lambda: self.service.admin.approve(
            request_id, approver=approver, role=role, confirmed=confirmed).state.value,
            f"Request {request_id}: approval recorded ({{result}})")

    def reject(self, request_id: int, *, approver: str, role: str, reason: str) -> None:
        self._review(lambda: self.service.admin.reject(
            request_id, approver=approver, role=role, reason=reason).state.value,
            f"Request {request_id} {{result}}")

    def acknowledge(self, request_id: int, *, requester: str) -> None:
        self._review(lambda: self.service.admin.acknowledge(
            request_id, requester=requester).state.value,
            f"Request {request_id} {{result}}: renewal tracking open")

    def fulfil(self, request_id: int, *, operator: str, plan_for: PlanFor) -> None:
        if not self.unlock():
            return
        profile = self._guard(lambda: self.service.ledger.request(request_id).profile)
        if profile and profile.get("purpose") == "ca-signing" and not self.unlock_root():
            return
        plan = plan_for(self.keys.get(request_id))
        if plan is None or not self._succeeds(lambda: plan.validate(None)):
            return
        try:
            issued = self.service.admin.fulfil(request_id, operator=operator)
        except Exception as exc:
            self._report(exc)
            return
        self._delivered(issued, plan)
