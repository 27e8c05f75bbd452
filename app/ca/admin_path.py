"""The admin-mediated path: request → approvals → fulfil → acknowledge → renewal tracking.

ROUTING-RULES.md "admin-mediated (five components)" and SPEC.md §3: the type's approval
routing names the roles and how many approvals are needed, each approver confirms the type's
criteria (no rubber stamp), the requester never reviews their own request, one rejection ends
it. Every step is one ledger transaction; refused attempts are logged. Each step first holds
the rows it reads against the audit log and refuses rows edited in SQLite.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization

from app.ca import identity
from app.ca.bindings import RowRef, approval_row, certificate_row, notice_row, request_row
from app.ca.csr import facts_from_csr, load_csr
from app.ca.errors import CaError
from app.ca.lookup import CsrInput, requested_validity, utc_now
from app.ca.provenance import ProjectSource, decision_detail
from app.ca.records import (
    OPEN_STATES,
    ApprovalPolicy,
    Request,
    RequestState,
    iso,
    person_key,
)
from models.enums import Workflow
from models.issuance_policy import IssuanceProfile, on_issuing_day
from models.project import Project

if TYPE_CHECKING:  # service.py constructs this class; import only for the types
    from app.ca.service import CaService, Issued

REQUEST_TTL_DAYS = 30
APPROVAL_TTL_DAYS = 7
# A request or an approval waits at most this long: a year-old approval approves nothing.
MAX_TTL_DAYS = 90
MIN_TEXT = 3  # a justification or rejection reason of fewer characters says nothing


def same_person(name: str, requester: str) -> str:
    """`name`, and when it is spelled differently from the requester's, both with their code
    points, so the log shows why two names that look alike are one person."""
    if name.strip() == requester.strip():
        return name.strip()
    return (f"{identity.shown(name.strip())} is the requester {identity.shown(requester)} "
            "spelled differently and")


def spelled(name: str) -> dict[str, str]:
    """The exact code points of a name that is not plain ASCII, for its audit entry."""
    return {} if name.isascii() else {"actor_code_points": identity.code_points(name.strip())}


class AdminPath:
    """The admin-mediated workflow of one CA service (`service.admin`)."""

    def __init__(self, service: CaService) -> None:
        self.service = service
        self.ledger = service.ledger

    @staticmethod
    def _set_state(conn: sqlite3.Connection, request_id: int, state: RequestState,
                   now: dt.datetime, reason: str | None = None) -> None:
        """Move a request on; the caller's `ledger.record` then binds the row."""
        conn.execute("UPDATE requests SET state = ?, updated_at = ?, "
                     "closed_reason = COALESCE(?, closed_reason) WHERE id = ?",
                     (state.value, iso(now), reason, request_id))

    @staticmethod
    def _rows_of(request: Request) -> list[RowRef]:
        """The rows a step on this request reads or writes: the request, its approvals and,
        once fulfilled, its certificate and that certificate's renewal notices."""
        rows = [request_row(request.id), *(approval_row(a.id) for a in request.approvals)]
        if request.serial is not None:
            rows += [certificate_row(request.serial),
                     *(notice_row(request.serial, d) for d in request.policy.notice_days)]
        return rows

    def _request(self, conn: sqlite3.Connection, moment: dt.datetime, request_id: int, *,
                 actor: str, action: str) -> Request:
        """The request a step acts on; an unknown one is refused and logged."""
        try:
            return self.ledger.request(request_id, conn)
        except CaError as exc:
            raise self.service.refuse(conn, moment, actor=actor or "(anonymous)",
                                      action=action, subject=f"request {request_id}",
                                      message=str(exc)) from None

    def _require_audited(self, conn: sqlite3.Connection, moment: dt.datetime,
                         request: Request, *, actor: str, action: str) -> None:
        """Refuse (logged) a step on a request whose rows were edited in SQLite."""
        self.service.require_audited(conn, moment, self._rows_of(request),
                                     actor=actor or "(anonymous)", action=action,
                                     subject=f"request {request.id}")

    # --- request ---------------------------------------------------------------------------

    def request(self, project: Project, type_id: str, csr: CsrInput, *, requester: str,
                justification: str, validity_days: int | None = None,
                ttl_days: int = REQUEST_TTL_DAYS, approval_ttl_days: int = APPROVAL_TTL_DAYS,
                now: dt.datetime | None = None, source: ProjectSource | None = None,
                accept_project_change: bool = False,
                then: Callable[[sqlite3.Connection, Request], None] | None = None) -> Request:
        """Raise a request; its CSR is checked now, and the approval routing frozen into it.

        `then(conn, request)` runs inside the request's transaction (an ACME order moving to
        `processing` commits with the request).

        The project is checked against the CA's pin and recorded, as for `CaService.issue`.

        Raises:
            Refused: the project is not the pinned one and the change was not accepted, the
                type routes combined, or a field is missing (logged).
            PolicyRefused: the CSR breaks the type's profile (logged).
        """
        moment = utc_now(now)
        ctype, decision = self.service.lookup_or_refuse(project, type_id, actor=requester,
                                                        action="request", now=moment)
        parsed = self.service.csr_or_refuse(csr, actor=requester, action="request",
                                            subject=f"type {ctype.id}", now=moment)
        # The caps in force on the issuing day, the organisation's identity in the subject.
        profile = self.service.profile(project, ctype, on=moment.date())
        days = requested_validity(validity_days, profile.max_validity_days)
        subject = f"type {ctype.id}"
        origin = self.service.project_source(project, source)
        with self.ledger.transaction() as conn:
            self.expire(conn, moment)
            self.service.check_project(conn, moment, origin, actor=requester or "(anonymous)",
                                       action="request", subject=subject,
                                       accept_change=accept_project_change)

            def refuse(message: str) -> Exception:
                return self.service.refuse(conn, moment, actor=requester or "(anonymous)",
                                           action="request", subject=subject, message=message)

            if decision.workflow is not Workflow.ADMIN_MEDIATED:
                raise refuse(f"{ctype.name} routes combined ({decision.label}): issue it at "
                             "once (certroute ca issue)")
            if not requester.strip():
                raise refuse("a request needs the requester's name")
            if (bad_name := identity.problem(requester)) is not None:
                raise refuse(bad_name)
            for wait, what in ((ttl_days, "request"), (approval_ttl_days, "approval")):
                if not 1 <= wait <= MAX_TTL_DAYS:
                    raise refuse(f"a {what} may wait 1–{MAX_TTL_DAYS} days, not {wait}")
            if len(justification.strip()) < MIN_TEXT:
                raise refuse("a request needs a business justification")
            violations = self.service.violations(facts_from_csr(parsed), profile, days)
            if violations:
                raise self.service.refuse_policy(conn, moment, actor=requester,
                                                 action="request", subject=subject,
                                                 violations=violations)
            admin = ctype.admin
            policy = ApprovalPolicy(admin.approver_roles, admin.approvals_required,
                                    admin.approval_criteria, admin.notice_days,
                                    approval_ttl_days)
            pem = parsed.public_bytes(serialization.Encoding.PEM).decode("ascii")
            cursor = conn.execute(
                "INSERT INTO requests (type_id, type_name, requester, justification, csr_pem, "
                "validity_days, profile, policy, state, created_at, expires_at, updated_at, "
                "audit_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, 0)",
                (ctype.id, ctype.name, requester.strip(), justification.strip(), pem, days,
                 profile.model_dump_json(), json.dumps(policy.to_json()), iso(moment),
                 iso(moment + dt.timedelta(days=ttl_days)), iso(moment)))
            request_id = int(cursor.lastrowid or 0)
            self.ledger.record(conn, at=iso(moment), actor=requester, action="request",
                               subject=f"request {request_id}", detail={
                                   "type": ctype.id, "justification": justification,
                                   "decision": decision.label,
                                   "validity_days": days, **policy.to_json(),
                                   "project": origin.to_json(),
                                   **decision_detail(ctype, decision)},
                               rows=[request_row(request_id)])
            raised = self.ledger.request(request_id, conn)
            if then is not None:
                then(conn, raised)
            return raised

    # --- approvals -------------------------------------------------------------------------

    def _reviewable(self, conn: sqlite3.Connection, moment: dt.datetime, request: Request, *,
                    who: str, role: str, action: str, states: Sequence[RequestState]) -> str:
        """Checks shared by approve and reject; returns the role's canonical spelling."""
        subject = f"request {request.id}"

        def refuse(message: str) -> Exception:
            return self.service.refuse(conn, moment, actor=who or "(anonymous)", action=action,
                                       subject=subject, message=message, role=role)

        if request.state not in states:
            raise refuse(f"request {request.id} is {request.state.value}: it can no longer "
                         f"be {action}d")
        if not who.strip():
            raise refuse(f"to {action} a request, give the approver's name")
        if person_key(who) == person_key(request.requester):
            # SPEC.md §7: separation of duties holds through every front end and the ledger.
            raise refuse(f"{same_person(who, request.requester)} raised request "
                         f"{request.id}: the requester can never {action} their own request")
        if (bad_name := identity.problem(who)) is not None:
            raise refuse(bad_name)
        roles = {person_key(r): r for r in request.policy.approver_roles}
        if person_key(role) not in roles:
            raise refuse(f"role {role!r} cannot {action} {request.type_name} requests "
                         f"(approver roles: {', '.join(request.policy.approver_roles)})")
        for earlier in request.approvals:
            if person_key(earlier.approver) == person_key(who) and earlier.state == "active":
                raise refuse(f"{earlier.approver} has already decided on request {request.id}")
        return roles[person_key(role)]

    def _confirmed(self, request: Request, confirmed: Sequence[str]) -> tuple[set[str], str]:
        """The criteria confirmed (by text or 1-based number), and an error message or ''."""
        criteria = request.policy.criteria
        by_key = {person_key(c): c for c in criteria}
        chosen: set[str] = set()
        for item in confirmed:
            text = item.strip()
            if text.isdigit() and 1 <= int(text) <= len(criteria):
                chosen.add(criteria[int(text) - 1])
            elif person_key(text) in by_key:
                chosen.add(by_key[person_key(text)])
            else:
                return chosen, f"{item!r} is not one of this type's approval criteria"
        missing = [c for c in criteria if c not in chosen]
        if missing:
            # The article's fix for approval-as-rubber-stamp: explicit criteria to verify.
            return chosen, "every approval criterion must be confirmed; not confirmed: " + \
                "; ".join(missing)
        return chosen, ""

    def approve(self, request_id: int, *, approver: str, role: str,
                confirmed: Sequence[str] = (), now: dt.datetime | None = None) -> Request:
        """Record one approval; the request is approved once the routing is satisfied.

        Raises:
            Refused: self-approval, wrong role, unconfirmed criteria, a closed request (logged).
        """
        moment = utc_now(now)
        with self.ledger.transaction() as conn:
            self.expire(conn, moment)
            request = self._request(conn, moment, request_id, actor=approver, action="approve")
            self._require_audited(conn, moment, request, actor=approver, action="approve")
            canonical = self._reviewable(conn, moment, request, who=approver, role=role,
                                         action="approve", states=(RequestState.PENDING,))
            chosen, problem = self._confirmed(request, confirmed)
            if problem:
                raise self.service.refuse(conn, moment, actor=approver, action="approve",
                                          subject=f"request {request_id}", message=problem)
            criteria = [c for c in request.policy.criteria if c in chosen]
            ttl = dt.timedelta(days=request.policy.approval_ttl_days)
            cursor = conn.execute(
                "INSERT INTO approvals (request_id, approver, approver_key, role, decision, "
                "confirmed, created_at, expires_at, audit_seq) "
                "VALUES (?, ?, ?, ?, 'approve', ?, ?, ?, 0)",
                (request_id, approver.strip(), person_key(approver), canonical,
                 json.dumps(criteria), iso(moment), iso(moment + ttl)))
            done = [(person_key(a.approver), a.role) for a in request.active_approvals()]
            enough, _ = request.policy.outcome([*done, (person_key(approver), canonical)])
            state = RequestState.APPROVED if enough else RequestState.PENDING
            self._set_state(conn, request_id, state, moment)
            self.ledger.record(conn, at=iso(moment), actor=approver, action="approve",
                               subject=f"request {request_id}",
                               detail={"role": canonical, "confirmed": criteria,
                                       **spelled(approver)},
                               rows=[approval_row(int(cursor.lastrowid or 0)),
                                     request_row(request_id)])
            return self.ledger.request(request_id, conn)

    def reject(self, request_id: int, *, approver: str, role: str, reason: str,
               now: dt.datetime | None = None) -> Request:
        """One rejection ends the request, before or after approval, until it is fulfilled."""
        moment = utc_now(now)
        with self.ledger.transaction() as conn:
            self.expire(conn, moment)
            request = self._request(conn, moment, request_id, actor=approver, action="reject")
            self._require_audited(conn, moment, request, actor=approver, action="reject")
            canonical = self._reviewable(conn, moment, request, who=approver, role=role,
                                         action="reject", states=OPEN_STATES)
            if len(reason.strip()) < MIN_TEXT:
                raise self.service.refuse(conn, moment, actor=approver, action="reject",
                                          subject=f"request {request_id}",
                                          message="a rejection needs a reason")
            cursor = conn.execute(
                "INSERT INTO approvals (request_id, approver, approver_key, role, decision, "
                "confirmed, reason, created_at, expires_at, audit_seq) "
                "VALUES (?, ?, ?, ?, 'reject', '[]', ?, ?, ?, 0)",
                (request_id, approver.strip(), person_key(approver), canonical, reason.strip(),
                 iso(moment), iso(moment)))
            self._set_state(conn, request_id, RequestState.REJECTED, moment,
                            f"rejected by {approver.strip()} ({canonical}): {reason.strip()}")
            self.ledger.record(conn, at=iso(moment), actor=approver, action="reject",
                               subject=f"request {request_id}",
                               detail={"role": canonical, "reason": reason.strip(),
                                       **spelled(approver)},
                               rows=[approval_row(int(cursor.lastrowid or 0)),
                                     request_row(request_id)])
            return self.ledger.request(request_id, conn)

    # --- fulfilment and acknowledgement ----------------------------------------------------

    def fulfil(self, request_id: int, *, operator: str,
               now: dt.datetime | None = None) -> Issued:
        """Issue the certificate of an approved request (needs the CA unlocked).

        Signing happens inside the transaction that marks the request fulfilled, so a crash
        leaves the request approved with no certificate, never a certificate without record,
        and a second fulfilment of the same request waits for the lock and is refused.
        """
        moment = utc_now(now)
        if not self.service.authority.unlocked:
            raise CaError("the CA is locked: give its passphrase first")
        with self.ledger.transaction() as conn:
            self.expire(conn, moment)
            request = self._request(conn, moment, request_id, actor=operator, action="fulfil")
            self._require_audited(conn, moment, request, actor=operator, action="fulfil")
            subject = f"request {request_id}"
            problem = ""
            if request.state is not RequestState.APPROVED:
                problem = (f"request {request_id} is {request.state.value}"
                           + (f": it waits for {request.waiting_for()}"
                              if request.state is RequestState.PENDING else
                              ": only an approved request can be fulfilled"))
            elif not operator.strip():
                problem = "fulfilment needs the operator's name"
            elif person_key(operator) == person_key(request.requester):
                problem = (f"{same_person(operator, request.requester)} raised request "
                           f"{request_id} and cannot fulfil it")
            elif (bad_name := identity.problem(operator)) is not None:
                problem = bad_name
            if problem:
                raise self.service.refuse(conn, moment, actor=operator or "(anonymous)",
                                          action="fulfil", subject=subject, message=problem)
            csr = load_csr(request.csr_pem.encode("ascii"))
            # The caps in force on the issuing day, not on the day the request was raised.
            profile = on_issuing_day(IssuanceProfile.model_validate(request.profile),
                                     moment.date())
            facts = facts_from_csr(csr)
            violations = self.service.violations(facts, profile, request.validity_days)
            if violations:  # defence in depth: the CSR was checked when the request was raised
                raise self.service.refuse_policy(conn, moment, actor=operator,
                                                 action="fulfil", subject=subject,
                                                 violations=violations)
            approvers = ", ".join(f"{a.approver} ({a.role})"
                                  for a in request.active_approvals())
            issued = self.service.sign_and_record(
                conn, csr, facts, profile, workflow=Workflow.ADMIN_MEDIATED,
                validity_days=request.validity_days, request_id=request_id,
                identity=f"validated by {operator.strip()}; approved by {approvers}",
                now=moment)
            serial = issued.record.serial
            conn.execute("UPDATE requests SET serial = ? WHERE id = ?", (serial, request_id))
            self._set_state(conn, request_id, RequestState.FULFILLED, moment)
            self.ledger.record(conn, at=iso(moment), actor=operator, action="fulfil",
                               subject=subject, detail={"serial": serial,
                                                        "names": list(issued.record.names)},
                               rows=[certificate_row(serial), request_row(request_id)])
        return issued

    def acknowledge(self, request_id: int, *, requester: str,
                    now: dt.datetime | None = None) -> Request:
        """The requester confirms delivery: the request closes and renewal tracking opens."""
        moment = utc_now(now)
        with self.ledger.transaction() as conn:
            self.expire(conn, moment)
            request = self._request(conn, moment, request_id, actor=requester, action="acknowledge")
            self._require_audited(conn, moment, request, actor=requester,
                                  action="acknowledge")
            subject = f"request {request_id}"
            problem = ""
            if request.state is not RequestState.FULFILLED:
                problem = (f"request {request_id} is {request.state.value}: only a fulfilled "
                           "request can be acknowledged")
            elif person_key(requester) != person_key(request.requester):
                problem = f"only the requester, {request.requester}, can acknowledge delivery"
            if problem:
                raise self.service.refuse(conn, moment, actor=requester or "(anonymous)",
                                          action="acknowledge", subject=subject,
                                          message=problem)
            assert request.serial is not None  # a fulfilled request names its certificate
            cert = self.ledger.certificate(request.serial, conn)
            expiry = dt.datetime.fromisoformat(cert.not_after)
            notices = [(d, iso(expiry - dt.timedelta(days=d))) for d in request.policy.notice_days]
            conn.executemany("INSERT INTO renewal_notices VALUES (?, ?, ?)",
                             [(cert.serial, d, due) for d, due in notices])
            self._set_state(conn, request_id, RequestState.ACKNOWLEDGED, moment,
                            "delivery acknowledged; renewal tracking open")
            self.ledger.record(conn, at=iso(moment), actor=requester, action="acknowledge",
                               subject=subject, detail={
                                   "serial": cert.serial,
                                   "notices": [due for _, due in notices]},
                               rows=[request_row(request_id),
                                     *(notice_row(cert.serial, d) for d, _ in notices)])
            return self.ledger.request(request_id, conn)

    # --- expiry ----------------------------------------------------------------------------

    def expire(self, conn: sqlite3.Connection, now: dt.datetime) -> None:
        """Expire requests past their deadline and approvals past theirs (SPEC.md §3).

        An approved request whose approvals lapse before fulfilment goes back to the queue.
        A request whose rows were edited in SQLite is left as it is (not refused: this sweep
        runs before every step): `verify` names the edit, and steps on the request refuse it.
        """
        at = iso(now)
        for (request_id,) in conn.execute(
                "SELECT id FROM requests WHERE state IN ('pending', 'approved') "
                "AND expires_at <= ?", (at,)).fetchall():
            if self._edited(conn, request_id):
                continue
            self._set_state(conn, request_id, RequestState.EXPIRED, now,
                            "expired before fulfilment")
            self.ledger.record(conn, at=at, actor="system", action="expire",
                               subject=f"request {request_id}", detail={},
                               rows=[request_row(request_id)])
        lapsed = conn.execute(
            "SELECT a.id, a.request_id, a.approver FROM approvals a JOIN requests r "
            "ON r.id = a.request_id WHERE a.state = 'active' AND a.decision = 'approve' "
            "AND r.state IN ('pending', 'approved') AND a.expires_at <= ?", (at,)).fetchall()
        for approval_id, request_id, approver in lapsed:
            if self._edited(conn, request_id):
                continue
            conn.execute("UPDATE approvals SET state = 'expired' WHERE id = ?", (approval_id,))
            request = self.ledger.request(request_id, conn)
            done = [(person_key(a.approver), a.role) for a in request.active_approvals()]
            enough, _ = request.policy.outcome(done)
            state = RequestState.APPROVED if enough else RequestState.PENDING
            self._set_state(conn, request_id, state, now)
            self.ledger.record(conn, at=at, actor="system", action="expire-approval",
                               subject=f"request {request_id}",
                               detail={"approver": approver, "state": state.value},
                               rows=[approval_row(approval_id), request_row(request_id)])

    def _edited(self, conn: sqlite3.Connection, request_id: int) -> bool:
        """Whether any row of the request differs from its latest audit image."""
        return bool(self.ledger.row_problems(conn, self._rows_of(
            self.ledger.request(request_id, conn))))
