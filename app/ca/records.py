"""Ledger records as frozen values: requests, approvals, certificates, renewals, audit entries."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from app.ca import identity


class RequestState(StrEnum):
    """Admin-mediated request life cycle (ROUTING-RULES.md admin-mediated components)."""

    PENDING = "pending"  # in the approval queue
    APPROVED = "approved"  # enough approvals; waiting for fulfilment
    REJECTED = "rejected"  # one rejection ends it
    EXPIRED = "expired"  # not fulfilled in time
    FULFILLED = "fulfilled"  # issued and delivered; waiting for the requester's acknowledgement
    ACKNOWLEDGED = "acknowledged"  # closed; renewal tracking open


OPEN_STATES = (RequestState.PENDING, RequestState.APPROVED)


def iso(moment: dt.datetime) -> str:
    """UTC, to the second: strings of this form sort in time order."""
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def parse_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def person_key(name: str) -> str:
    """Who a name denotes, for separation of duties: case, spacing, width and look-alike
    letters do not make a new person (`app.ca.identity.person_key`)."""
    return identity.person_key(name)


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    """The type's approval routing, frozen into the request when it is raised.

    A later edit of the project cannot lower the bar for a request already in the queue.
    """

    approver_roles: tuple[str, ...]
    approvals_required: int
    criteria: tuple[str, ...]
    notice_days: tuple[int, ...]
    approval_ttl_days: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ApprovalPolicy:
        return cls(tuple(data["approver_roles"]), int(data["approvals_required"]),
                   tuple(data["criteria"]), tuple(data["notice_days"]),
                   int(data["approval_ttl_days"]))

    def outcome(self, approvals: list[tuple[str, str]]) -> tuple[bool, tuple[str, ...]]:
        """(enough?, roles still missing) for (approver key, role) approvals.

        When the type names no more roles than approvals it needs (EV: CISO + Finance, two
        approvals), each role must approve; otherwise any of the roles will do.
        """
        approvers = {person for person, _ in approvals}
        roles = {role for _, role in approvals}
        missing = tuple(r for r in self.approver_roles if r not in roles) \
            if len(self.approver_roles) <= self.approvals_required else ()
        return len(approvers) >= self.approvals_required and not missing, missing


@dataclass(frozen=True, slots=True)
class Approval:
    """One approver's decision on a request."""

    id: int
    request_id: int
    approver: str
    role: str
    decision: str  # "approve" or "reject"
    confirmed: tuple[str, ...]
    reason: str
    created_at: str
    expires_at: str
    state: str  # "active" or "expired"


@dataclass(frozen=True, slots=True)
class Request:
    """An admin-mediated request and where it stands."""

    id: int
    type_id: str
    type_name: str
    requester: str
    justification: str
    csr_pem: str
    validity_days: int
    profile: dict[str, Any]
    policy: ApprovalPolicy
    state: RequestState
    created_at: str
    expires_at: str
    updated_at: str
    closed_reason: str
    serial: str | None
    approvals: tuple[Approval, ...] = ()

    def active_approvals(self) -> list[Approval]:
        return [a for a in self.approvals if a.state == "active" and a.decision == "approve"]

    def waiting_for(self) -> str:
        """What the request waits for, in words, for the queue."""
        if self.state is RequestState.PENDING:
            done = [(person_key(a.approver), a.role) for a in self.active_approvals()]
            _, missing = self.policy.outcome(done)
            need = self.policy.approvals_required - len({p for p, _ in done})
            roles = ", ".join(missing) if missing else " or ".join(self.policy.approver_roles)
            return f"{max(need, len(missing))} more approval(s): {roles}"
        return {RequestState.APPROVED: "fulfilment by operations",
                RequestState.FULFILLED: "the requester's acknowledgement"}.get(self.state, "")

    def to_json(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in (
            "id", "type_id", "type_name", "requester", "justification", "validity_days",
            "created_at", "expires_at", "updated_at", "closed_reason", "serial")}
        data["state"] = self.state.value
        data["policy"] = self.policy.to_json()
        data["waiting_for"] = self.waiting_for()
        data["approvals"] = [asdict(a) for a in self.approvals]
        return data


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """A certificate the CA issued, by either workflow."""

    serial: str
    type_id: str
    workflow: str
    request_id: int | None
    subject: str
    names: tuple[str, ...]
    not_before: str
    not_after: str
    fingerprint: str
    pem: str
    identity: str
    renew_at: str | None
    issued_at: str
    revoked_at: str | None = None
    revocation_reason: str | None = None
    # Set when listed (`Ledger.certificates()`): the revocation above is then the audit log's,
    # `row_problem` is what `verify` says of this row, if anything, and `ledger_verified`
    # whether the whole ledger passes `verify` (None: a row read as it stands, unchecked).
    row_problem: str = ""
    ledger_verified: bool | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["names"] = list(self.names)
        if self.ledger_verified is None:  # unchecked: nothing to say
            del data["row_problem"], data["ledger_verified"]
        return data


@dataclass(frozen=True, slots=True)
class RenewalNotice:
    """A renewal reminder: a notice N days before expiry, or a combined type's renewal point."""

    serial: str
    type_id: str
    subject: str
    due_at: str
    not_after: str
    kind: str  # "notice" (admin-mediated) or "renewal" (combined, automated)
    days_before: int
    status: str = field(default="upcoming")  # "upcoming", "due" or "expired"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One link of the hash-chained audit log."""

    seq: int
    at: str
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def canonical_json(data: Any) -> str:
    """One spelling per value, so a hash over it is reproducible."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
