"""The CA service both front ends use: open or create a CA, the combined path, revocation, CRL.

The admin-mediated path lives in `app.ca.admin_path` and is reached as `service.admin`;
revocation and the CRL are signed in `app.ca.revocation`.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from app.ca import key_at_rest, revocation
from app.ca.admin_path import AdminPath
from app.ca.audited_state import renewal_calendar
from app.ca.authority import EC_KEYS, ISSUING_KEY, ROOT_KEY, Authority, CaKeys
from app.ca.bindings import RowRef, certificate_row
from app.ca.checkpoint import CHECKPOINT
from app.ca.csr import facts_from_csr
from app.ca.errors import CaError, PolicyRefused, Refused
from app.ca.files import exposure_warnings, make_private_dir, write_private
from app.ca.ledger import LEDGER, LEDGER_VERSION, AuditReport, Ledger
from app.ca.lookup import CsrInput, as_csr, lookup_type, requested_validity, utc_now
from app.ca.provenance import ProjectSource, decision_detail, pin, pin_problems, pinned
from app.ca.publication import BASE_URL_KEY, DEFAULT_BASE_URL, Publication, checked_base_url
from app.ca.records import CertificateRecord, RenewalNotice, iso
from models.certificate import CertificateType
from models.enums import Workflow
from models.evaluation import Evaluation, evaluate
from models.issuance_policy import (
    CsrFacts,
    IssuanceProfile,
    Violation,
    check,
    identity_violations,
    profile_for,
    with_organisation,
)
from models.project import Project
from models.routing import Decision

# cert-manager renews at 2/3 of the lifetime by default; the combined path schedules the same.
RENEW_AT_FRACTION = 2 / 3
APP_DOCUMENT = "the document open in the app"
# The init entry's record that the root key has its own passphrase; a change is logged too.
ROOT_PROTECTION, OWN_PASSPHRASE = "root_protection", "own passphrase"
SHARED_PASSPHRASE = "the CA passphrase"
PASSPHRASE_ACTION = "change-passphrase"
UNDELIVERED = "undelivered"  # in the CA folder: keys and certificates a delivery could not write

@dataclass(frozen=True, slots=True)
class Issued:
    """A certificate just issued: its ledger record, the parsed certificate and its chain."""

    record: CertificateRecord
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]


@dataclass(frozen=True, slots=True)
class Preview:
    """What issuing a CSR for a type would meet: the decision, the profile, every violation."""

    ctype: CertificateType
    decision: Decision
    profile: IssuanceProfile
    validity_days: int
    violations: tuple[Violation, ...]


class CaService:
    """A local CA folder: its authority (keys, certificates) and its ledger."""

    def __init__(self, folder: Path, authority: Authority, ledger: Ledger) -> None:
        self.folder = folder
        self.authority = authority
        self.ledger = ledger
        self.admin = AdminPath(self)
        self._evaluated: tuple[Project, Evaluation] | None = None
        self._document: tuple[Project, ProjectSource] | None = None

    @classmethod
    def init(cls, folder: Path | str, passphrase: bytes, *,
             root_passphrase: bytes | None = None, now: dt.datetime | None = None,
             keys: CaKeys = EC_KEYS, organisation: str = "Certroute test CA",
             project: ProjectSource | None = None,
             base_url: str = DEFAULT_BASE_URL) -> CaService:
        """Create a CA in a new folder and open it, unlocked; pinned to `project` if given.

        `base_url` is where its certificates and CRLs are published (`app.ca.publication`):
        kept in the ledger's settings, named in every certificate's AIA and CRL DP.

        The root key has its own passphrase (`Authority.create`; the CLI and the app always
        ask for one). The init entry records whether it has, so a CA whose root shares the CA
        passphrase, made before this rule or without `root_passphrase`, is known and warned
        about (`root_shares_passphrase`, `warnings`).

        Raises:
            CaError: the base URL is not an http:// URL, or `Authority.create` refuses.
        """
        moment = utc_now(now)
        publication = Publication(checked_base_url(base_url))
        authority = Authority.create(Path(folder), passphrase, root_passphrase=root_passphrase,
                                     now=moment, keys=keys, organisation=organisation,
                                     publication=publication)
        ledger = Ledger(authority.folder / LEDGER, create=True)
        service = cls(authority.folder, authority, ledger)
        with ledger.transaction() as conn:
            Ledger.set_meta(conn, "organisation", organisation)
            Ledger.set_meta(conn, BASE_URL_KEY, publication.base_url)
            ledger.append(conn, at=iso(moment), actor="system", action="init",
                          subject="ca", detail={
                              "root": _fingerprint(authority.root),
                              "issuing": _fingerprint(authority.issuing),
                              "keys": [f"{k}-{n}" for k, n in (keys.root, keys.issuing)],
                              "base_url": publication.base_url,
                              "ledger_version": LEDGER_VERSION,
                              ROOT_PROTECTION: OWN_PASSPHRASE if root_passphrase is not None
                              else SHARED_PASSPHRASE,
                              "kdf": key_at_rest.current_kdf()})
            if project is not None:
                pin(ledger, conn, project, at=iso(moment), actor="system", reason="ca init")
        return service

    @classmethod
    def open(cls, folder: Path | str, *, now: dt.datetime | None = None) -> CaService:
        """Open an existing CA folder, locked (no passphrase needed to read or approve).

        A ledger of an older version is upgraded in place, and the upgrade logged.

        Raises:
            CaError: no CA in the folder, or a ledger newer than this Certroute reads.
        """
        authority = Authority.load(Path(folder).absolute())
        ledger = Ledger(authority.folder / LEDGER)
        try:
            ledger.upgrade(at=iso(utc_now(now)))
        except BaseException:
            ledger.close()
            raise
        return cls(authority.folder, authority, ledger)

    def unlock(self, passphrase: bytes, root_passphrase: bytes | None = None) -> list[str]:
        """Decrypt the issuing key, and the root key with `root_passphrase`.

        A CA made before the root had its own passphrase opens its root with the CA
        passphrase, as it always did (`warnings` says so). Key files protected by an older,
        weaker KDF are re-encrypted with scrypt now, and the upgrade is logged.

        Returns:
            One line per key file upgraded (empty: none).

        Raises:
            CaError: wrong passphrase or unreadable issuing key.
        """
        if root_passphrase is None and self.root_shares_passphrase():
            root_passphrase = passphrase
        return self._log_upgrades(self.authority.unlock(passphrase, root_passphrase))

    def unlock_root(self, root_passphrase: bytes) -> list[str]:
        """Unlock the root key later (a subordinate CA, the root CRL); see `unlock`."""
        return self._log_upgrades(self.authority.unlock_root(root_passphrase))

    def _log_upgrades(self, upgraded: list[str]) -> list[str]:
        if upgraded:
            with self.ledger.transaction() as conn:
                self.ledger.append(conn, at=iso(utc_now()), actor="system",
                                   action="upgrade-keys", subject="ca",
                                   detail={"files": upgraded})
        return upgraded

    def root_shares_passphrase(self) -> bool:
        """True for a CA whose root key is still under the CA passphrase: one made before the
        root had its own (its init entry records no own passphrase) or without one, and
        neither passphrase changed since."""
        if self.ledger.first_detail().get(ROOT_PROTECTION) == OWN_PASSPHRASE:
            return False
        # Either key's passphrase changed: the two differ from then on.
        return not self.ledger.has_action(PASSPHRASE_ACTION)

    def change_passphrase(self, tier: str, old: bytes, new: bytes, *, actor: str,
                          other: bytes | None = None) -> None:
        """Give one key ("issuing" or "root") a new passphrase (logged; `other` is the other
        tier's, to keep them apart). A shared root gets its own this way."""
        self.authority.change_passphrase(tier, old, new, other=other)
        with self.ledger.transaction() as conn:
            self.ledger.append(conn, at=iso(utc_now()), actor=actor, action=PASSPHRASE_ACTION,
                               subject=tier, detail={"kdf": key_at_rest.current_kdf()})

    def warnings(self) -> list[str]:
        """What weakens this CA folder's protection: files others may read, a shared root."""
        found = exposure_warnings(self.folder, [ROOT_KEY, ISSUING_KEY, LEDGER,
                                                f"{LEDGER}-wal", f"{LEDGER}-shm", CHECKPOINT])
        if self.root_shares_passphrase():
            found.append("the root key shares the CA passphrase: give it its own with "
                         "`certroute ca passphrase --root`")
        return found

    def close(self) -> None:
        self.ledger.close()

    @property
    def publication(self) -> Publication:
        """Where this CA's certificates and CRLs are published (the default for a CA made
        before the setting existed)."""
        return Publication(self.ledger.meta(BASE_URL_KEY) or DEFAULT_BASE_URL)

    # --- shared by both paths --------------------------------------------------------------

    def refuse(self, conn: sqlite3.Connection, now: dt.datetime, *, actor: str, action: str,
               subject: str, message: str, **detail: Any) -> Refused:
        """Log a refused attempt inside the open transaction and return the error to raise."""
        self.ledger.append(conn, at=iso(now), actor=actor, action=f"refused:{action}",
                           subject=subject, detail={"reason": message, **detail})
        return Refused(message)

    def log_refusal(self, *, actor: str, action: str, subject: str, message: str,
                    now: dt.datetime | None = None, **detail: Any) -> Refused:
        """Log a refusal decided before any transaction (a CSR file too large to read, an
        unknown type) in a transaction of its own, and return the error to raise."""
        with self.ledger.transaction() as conn:
            return self.refuse(conn, utc_now(now), actor=actor or "(anonymous)", action=action,
                               subject=subject, message=message, **detail)

    def lookup_or_refuse(self, project: Project, type_id: str, *, actor: str, action: str,
                         now: dt.datetime) -> tuple[CertificateType, Decision]:
        """`lookup`, with an unknown type refused and logged."""
        try:
            return self.lookup(project, type_id)
        except CaError as exc:
            raise self.log_refusal(actor=actor, action=action, subject=f"type {type_id}",
                                   message=str(exc), now=now) from None

    def csr_or_refuse(self, csr: CsrInput, *, actor: str, action: str, subject: str,
                      now: dt.datetime) -> x509.CertificateSigningRequest:
        """`as_csr`, with a CSR that cannot be read (too large, not a CSR) refused and logged."""
        try:
            return as_csr(csr)
        except CaError as exc:
            raise self.log_refusal(actor=actor, action=action, subject=subject,
                                   message=str(exc), now=now) from None

    def require_audited(self, conn: sqlite3.Connection, now: dt.datetime,
                        rows: Sequence[RowRef], *, actor: str, action: str,
                        subject: str) -> None:
        """Refuse (logged) a change whose rows are not as the audit log last recorded them.

        Call it before the change writes anything: the change's audit entry records its rows
        as they then stand, so an SQLite edit made first would go into the log as the CA's own
        work, and `verify` would stop naming it. One indexed lookup per row.

        Raises:
            Refused: a row differs from its latest audit image, or no entry records it.
        """
        problems = self.ledger.row_problems(conn, rows)
        if problems:
            raise self.refuse(
                conn, now, actor=actor, action=action, subject=subject,
                message=f"{'; '.join(problems)}: the ledger was edited outside Certroute, so "
                f"the {action} is refused (see certroute ca verify)", problems=problems)

    def refuse_policy(self, conn: sqlite3.Connection, now: dt.datetime, *, actor: str,
                      action: str, subject: str, violations: list[Violation]) -> PolicyRefused:
        error = PolicyRefused(violations)
        self.ledger.append(conn, at=iso(now), actor=actor, action=f"refused:{action}",
                           subject=subject, detail={"reason": str(error), "violations": [
                               {"code": v.code.value, "message": v.message} for v in violations]})
        return error

    @staticmethod
    def profile(project: Project, ctype: CertificateType, *, on: dt.date) -> IssuanceProfile:
        """The profile the CA issues `ctype` from on `on`: under the public caps in force that
        day (INDUSTRY-RULES.md), with the organisation's legal identity."""
        return with_organisation(profile_for(ctype, on=on), project.organisation.legal)

    @staticmethod
    def violations(facts: CsrFacts, profile: IssuanceProfile,
                   validity_days: int) -> list[Violation]:
        """Every reason the CA refuses: the request against the profile, then what the
        project lacks for the subject the profile's validation type names."""
        return check(facts, profile, validity_days=validity_days) + \
            identity_violations(profile)

    def lookup(self, project: Project, type_id: str) -> tuple[CertificateType, Decision]:
        """The type and its decision; the evaluation is reused while the project is the same
        object (projects are frozen, so the same object always evaluates the same)."""
        if self._evaluated is None or self._evaluated[0] is not project:
            self._evaluated = (project, evaluate(project))
        return lookup_type(project, type_id, self._evaluated[1])

    # --- the project decisions come from --------------------------------------------------

    def project_source(self, project: Project, source: ProjectSource | None) -> ProjectSource:
        """`source`, or the in-memory project as the app's open document (digest cached)."""
        if source is not None:
            return source
        if self._document is None or self._document[0] is not project:
            self._document = (project, ProjectSource.of(project, APP_DOCUMENT))
        return self._document[1]

    def pin_project(self, source: ProjectSource, *, actor: str,
                    now: dt.datetime | None = None) -> dict[str, Any] | None:
        """Pin the CA folder to this project (logged); returns the pin it replaces."""
        moment = utc_now(now)
        with self.ledger.transaction() as conn:
            previous = pinned(self.ledger)
            pin(self.ledger, conn, source, at=iso(moment), actor=actor, reason="pin-project")
        return previous

    def check_project(self, conn: sqlite3.Connection, now: dt.datetime, source: ProjectSource,
                      *, actor: str, action: str, subject: str, accept_change: bool) -> None:
        """Refuse (logged) a project other than the pinned one, unless the change is accepted,
        which re-pins the CA to it (logged too, and kept even if the issuance is then refused
        for another reason). An unpinned CA takes any project; accepting one pins it."""
        current = pinned(self.ledger)
        if current is not None and current.get("digest") == source.digest:
            return
        if current is not None and not accept_change:
            raise self.refuse(
                conn, now, actor=actor, action=action, subject=subject,
                message=f"this CA is pinned to project {current.get('label')} (digest "
                f"{str(current.get('digest'))[:12]}…), not {source.describe()}: pin the new "
                "project (certroute ca pin-project FILE) or accept the change "
                "(--accept-project-change)", pinned=current, project=source.to_json())
        if accept_change:
            pin(self.ledger, conn, source, at=iso(now), actor=actor,
                reason=f"project change accepted at {action}")

    def preview(self, project: Project, type_id: str, csr: CsrInput, *,
                validity_days: int | None = None,
                now: dt.datetime | None = None) -> Preview:
        """Check a CSR against a type's profile (caps in force `now`) without issuing or
        logging anything."""
        ctype, decision = self.lookup(project, type_id)
        profile = self.profile(project, ctype, on=utc_now(now).date())
        days = requested_validity(validity_days, profile.max_validity_days)
        facts = facts_from_csr(as_csr(csr))
        return Preview(ctype, decision, profile, days,
                       tuple(self.violations(facts, profile, days)))

    def sign_and_record(self, conn: sqlite3.Connection, csr: x509.CertificateSigningRequest,
                        facts: CsrFacts, profile: IssuanceProfile, *, workflow: Workflow,
                        validity_days: int, request_id: int | None, identity: str,
                        now: dt.datetime,
                        renew_at: dt.datetime | None = None) -> Issued:
        """Sign a checked CSR and insert the certificate row; the caller appends the audit."""
        if profile.issues_ca:  # a subordinate CA, signed by the root
            if facts.common_name is None:  # the profile check requires one
                raise CaError("a subordinate CA certificate needs a common name")
            cert = self.authority.sign_subordinate(
                csr.public_key(), profile, common_name=facts.common_name,
                validity_days=validity_days, now=now, publication=self.publication)
        else:
            cert = self.authority.sign_leaf(
                csr.public_key(), profile, dns_names=list(dict.fromkeys(facts.dns_names)),
                email_addresses=list(dict.fromkeys(facts.email_addresses)),
                common_name=facts.common_name, validity_days=validity_days, now=now,
                publication=self.publication)
        serial = format(cert.serial_number, "x")
        names = san_names(cert)
        pem = cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
        conn.execute(
            "INSERT INTO certificates (serial, type_id, workflow, request_id, subject, names, "
            "not_before, not_after, fingerprint, pem, identity, renew_at, issued_at, audit_seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
            (serial, profile.type_id, workflow.value, request_id, cert.subject.rfc4514_string(),
             json.dumps(names), iso(cert.not_valid_before_utc), iso(cert.not_valid_after_utc),
             _fingerprint(cert), pem, identity, iso(renew_at) if renew_at else None, iso(now)))
        record = self.ledger.certificate(serial, conn)
        return Issued(record, cert, tuple(self.authority.chain_for(cert)))

    def sweep(self, conn: sqlite3.Connection, now: dt.datetime) -> None:
        """Expire requests and approvals whose time has passed (run in every transaction)."""
        self.admin.expire(conn, now)

    # --- combined path ---------------------------------------------------------------------

    def issue(self, project: Project, type_id: str, csr: CsrInput, *, requester: str,
              validity_days: int | None = None, identity_evidence: str = "",
              now: dt.datetime | None = None, source: ProjectSource | None = None,
              accept_project_change: bool = False,
              then: Callable[[sqlite3.Connection, Issued], None] | None = None) -> Issued:
        """Combined path (SPEC.md §3): check the CSR, issue at once, schedule renewal.

        `then(conn, issued)` runs inside the issuing transaction: a caller's own record of
        the issuance (an ACME order turning valid) commits with it or not at all.

        The audit entry names the project (`source`, else the in-memory project as the app's
        document) and whether the type's workflow came from a manual override.

        Raises:
            Refused: the project is not the pinned one and the change was not accepted, or
                the type routes admin-mediated (logged).
            PolicyRefused: the CSR breaks the profile; every violation is listed (logged).
            CaError: the CA is locked, or the CSR cannot be read.
        """
        moment = utc_now(now)
        ctype, decision = self.lookup_or_refuse(project, type_id, actor=requester,
                                                action="issue", now=moment)
        if not self.authority.unlocked:
            raise CaError("the CA is locked: give its passphrase first")
        parsed = self.csr_or_refuse(csr, actor=requester, action="issue",
                                    subject=f"type {ctype.id}", now=moment)
        profile = self.profile(project, ctype, on=moment.date())  # caps on the issuing day
        days = requested_validity(validity_days, profile.max_validity_days)
        subject = f"type {ctype.id}"
        origin = self.project_source(project, source)
        with self.ledger.transaction() as conn:
            self.sweep(conn, moment)
            self.check_project(conn, moment, origin, actor=requester, action="issue",
                               subject=subject, accept_change=accept_project_change)
            if decision.workflow is not Workflow.COMBINED:
                raise self.refuse(
                    conn, moment, actor=requester, action="issue", subject=subject,
                    message=f"{ctype.name} routes admin-mediated ({decision.label}): it cannot "
                    "be issued at once; raise a request (certroute ca request)")
            facts = facts_from_csr(parsed)
            violations = self.violations(facts, profile, days)
            if violations:
                raise self.refuse_policy(conn, moment, actor=requester, action="issue",
                                         subject=subject, violations=violations)
            lifetime = dt.timedelta(days=days)
            identity = f"{ctype.combined.identity_method}: {identity_evidence or 'asserted'}"
            issued = self.sign_and_record(
                conn, parsed, facts, profile, workflow=Workflow.COMBINED, validity_days=days,
                request_id=None, identity=identity, now=moment,
                renew_at=moment + lifetime * RENEW_AT_FRACTION)
            self.ledger.record(conn, at=iso(moment), actor=requester, action="issue",
                               subject=f"certificate {issued.record.serial}", detail={
                                   "type": ctype.id, "workflow": "combined",
                                   "names": list(issued.record.names),
                                   "identity": identity, "validity_days": days,
                                   "renew_at": issued.record.renew_at,
                                   "project": origin.to_json(),
                                   **decision_detail(ctype, decision)},
                               rows=[certificate_row(issued.record.serial)])
            if then is not None:
                then(conn, issued)
        return issued

    # --- delivery that failed after issuance ----------------------------------------------

    def keep_undelivered(self, label: str, files: dict[str, bytes], *, reason: str,
                         actor: str, now: dt.datetime | None = None) -> Path:
        """Keep what could not be delivered (a generated key, its certificate) in the CA
        folder, owner-only, and log it; returns the folder it went to.

        A target checked before issuing can still fail while writing (a full disk, a folder
        removed meanwhile): the certificate is already in the ledger, and a generated key
        exists nowhere else, so it is never dropped.
        """
        moment = utc_now(now)
        folder = self.folder / UNDELIVERED / label
        make_private_dir(folder)
        for name, data in files.items():
            write_private(folder / name, data)
        with self.ledger.transaction() as conn:
            self.ledger.append(conn, at=iso(moment), actor=actor, action="delivery-failed",
                               subject=label, detail={"reason": reason, "kept_in": str(folder),
                                                      "files": sorted(files)})
        return folder

    # --- revocation and CRL ----------------------------------------------------------------

    def revoke(self, serial: str, *, reason: str = "unspecified", actor: str,
               now: dt.datetime | None = None) -> CertificateRecord:
        """Mark an issued certificate revoked; the next CRLs list it (the root CRL, for a
        subordinate CA the root signed).

        Whether it already was revoked is what the audit log recorded, as the CRL reads it.
        A row edited or deleted in SQLite never blocks this: the revocation is recorded
        against the audited image, with the tampering noted (the record's `row_problem` names
        it; a deleted row's record is that image, with no PEM).

        Raises:
            Refused: no audit entry records the row (inserted by hand), or the audit log
                records it as revoked already (logged).
            CaError: no such certificate (no row, and no audit entry records it), or an
                unknown reason.
        """
        return revocation.revoke(self, serial, reason=reason, actor=actor, now=now)

    def crl(self, *, actor: str, now: dt.datetime | None = None,
            next_update_days: int = 7) -> x509.CertificateRevocationList:
        """Publish the CRLs (`publish_crls`) and return the issuing CA's."""
        return self.publish_crls(actor=actor, now=now,
                                 next_update_days=next_update_days).issuing

    def publish_crls(self, *, actor: str, now: dt.datetime | None = None,
                     next_update_days: int = 7) -> revocation.PublishedCrls:
        """Sign, save (crl.pem, root.crl.pem) and log the issuing CA's CRL and the root CRL.

        Revoked subordinate CAs go on the root CRL, every other revoked certificate on the
        issuing CA's. The revoked serials come from the audit log's record of each
        certificate, never from the mutable `revoked_at` column, and each CRL's number from
        its own audit entries; no CRL is signed while the audit chain fails, but edited rows
        only become `warnings`: a certificate "un-revoked" in SQLite stays on the CRL. A root
        key that cannot be used (unreadable, another passphrase) leaves the root CRL unsigned; the
        result says why, and how many revoked subordinate CAs that leaves off it.

        Raises:
            Refused: the audit chain (entries, head, CRL numbers) fails verification (logged).
            CaError: the CA is locked.
        """
        return revocation.publish_crls(self, actor=actor, now=now,
                                       next_update_days=next_update_days)

    # --- reading ---------------------------------------------------------------------------

    def renewals(self, *, now: dt.datetime | None = None,
                 within_days: int | None = None) -> list[RenewalNotice]:
        """The renewal calendar: combined renewal points and admin-mediated notices, by date.

        Read from the audit log's record of each certificate and notice, like the CRL: a
        revocation undone or a notice deleted in SQLite changes nothing here.
        """
        moment = utc_now(now)
        horizon = iso(moment + dt.timedelta(days=within_days)) if within_days else None
        if horizon is None:  # the whole calendar, kept current (`Ledger.view`)
            return self.ledger.view.renewals(iso(moment))
        return renewal_calendar(self.ledger.bound_rows(), now=iso(moment), horizon=horizon)

    def verify(self, *, expect_head: str | None = None) -> AuditReport:
        """The audit chain and rows, the project pin, every certificate against the CA, and
        the CRLs already published against the audit log (`revocation.published_problems`),
        and the ACME tables against the audit log (`app.ca.acme.audit`)."""
        from app.ca.acme.audit import acme_problems  # the ACME package imports this module

        report, bound, _ = self.ledger.inspect(expect_head=expect_head)
        problems = list(report.problems)
        problems += pin_problems(self.ledger.audit(), pinned(self.ledger))
        problems += revocation.published_problems(self, bound)
        row_level = list(report.row_level)  # a stored PEM is a table column too
        for record in self.ledger.certificate_rows():
            try:
                cert = x509.load_pem_x509_certificate(record.pem.encode("ascii"))
            except ValueError:
                row_level.append(f"certificate {record.serial}: stored PEM does not parse")
                continue
            if format(cert.serial_number, "x") != record.serial or \
                    not self.authority.issued_by_me(cert):
                row_level.append(f"certificate {record.serial} does not verify against the "
                                 "issuing CA")
        row_level += acme_problems(self.ledger)
        problems += row_level[len(report.row_level):]
        return AuditReport(report.entries, report.head, tuple(problems), tuple(row_level))


def san_names(cert: x509.Certificate) -> list[str]:
    """The certificate's DNS SANs, then its email SANs (the ledger's `names`)."""
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [*ext.value.get_values_for_type(x509.DNSName),
            *ext.value.get_values_for_type(x509.RFC822Name)]


def _fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex()
