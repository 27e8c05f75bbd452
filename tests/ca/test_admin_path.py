"""SPEC.md §3 admin-mediated path: request, approvals, rejection, fulfilment, acknowledgement."""

from __future__ import annotations

import datetime as dt

import pytest

from app.ca.errors import CaError, PolicyRefused, Refused
from app.ca.records import RequestState
from app.ca.service import CaService
from tests.ca.conftest import NOW
from tests.ca.helpers import assert_is_leaf, verify_server_chain

MAINFRAME_CRITERIA = ["Requester is the mainframe service owner", "SANs match the CMDB entry"]
EV_CRITERIA = ["1", "2", "3"]


@pytest.fixture
def mainframe(ca: CaService, project, make_csr):
    """A pending request for the Legacy mainframe TLS type (one Team lead approval)."""
    csr, _ = make_csr("mf01.internal.example")
    return ca.admin.request(project, "mainframe-tls", csr, requester="Alice Smith",
                            justification="Core banking listener needs TLS", now=NOW)


def approve(ca: CaService, request_id: int, who: str = "Bob", role: str = "Team lead",
            confirmed=MAINFRAME_CRITERIA, now=NOW):
    return ca.admin.approve(request_id, approver=who, role=role, confirmed=confirmed, now=now)


def test_full_path_request_approve_fulfil_acknowledge(ca: CaService, mainframe):
    assert mainframe.state is RequestState.PENDING
    assert mainframe.policy.approver_roles == ("Team lead",)
    assert approve(ca, mainframe.id).state is RequestState.APPROVED
    issued = ca.admin.fulfil(mainframe.id, operator="Ops Olga", now=NOW)
    assert_is_leaf(issued.certificate, ca.authority.issuing, names=["mf01.internal.example"])
    verify_server_chain(issued.certificate, list(issued.chain), "mf01.internal.example",
                        NOW + dt.timedelta(days=1))
    assert issued.record.workflow == "admin-mediated"
    assert issued.record.request_id == mainframe.id
    assert "approved by Bob (Team lead)" in issued.record.identity
    assert ca.ledger.request(mainframe.id).state is RequestState.FULFILLED
    done = ca.admin.acknowledge(mainframe.id, requester="alice smith", now=NOW)
    assert done.state is RequestState.ACKNOWLEDGED
    actions = [e.action for e in ca.ledger.audit()]
    assert actions == ["init", "request", "approve", "fulfil", "acknowledge"]
    assert ca.verify().ok


def test_acknowledgement_opens_renewal_notices_at_90_30_7(ca: CaService, mainframe):
    approve(ca, mainframe.id)
    issued = ca.admin.fulfil(mainframe.id, operator="ops", now=NOW)
    assert ca.renewals(now=NOW) == []  # tracking opens with the acknowledgement
    ca.admin.acknowledge(mainframe.id, requester="Alice Smith", now=NOW)
    notices = ca.renewals(now=NOW)
    assert [n.days_before for n in notices] == [90, 30, 7]
    expiry = issued.certificate.not_valid_after_utc
    assert [n.due_at for n in notices] == [
        (expiry - dt.timedelta(days=d)).isoformat() for d in (90, 30, 7)]
    assert {n.status for n in notices} == {"upcoming"}
    near = ca.renewals(now=expiry - dt.timedelta(days=20))
    assert [n.status for n in near] == ["due", "due", "upcoming"]
    assert len(ca.renewals(now=NOW, within_days=30)) == 0


def test_notice_days_are_configurable(ca: CaService, project, make_csr):
    types = tuple(t.model_copy(update={"admin": t.admin.model_copy(
        update={"notice_days": (60, 14)})}) if t.id == "mainframe-tls" else t
        for t in project.types)
    project = project.model_copy(update={"types": types})
    csr, _ = make_csr("mf02.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", now=NOW)
    approve(ca, request.id)
    ca.admin.fulfil(request.id, operator="ops", now=NOW)
    ca.admin.acknowledge(request.id, requester="alice", now=NOW)
    assert [n.days_before for n in ca.renewals(now=NOW)] == [60, 14]


def test_requester_can_never_approve_their_own_request(ca: CaService, mainframe):
    for spelling in ("Alice Smith", "alice smith", "  ALICE   SMITH "):
        with pytest.raises(Refused, match="the requester can never approve their own"):
            approve(ca, mainframe.id, who=spelling)
    assert ca.ledger.request(mainframe.id).approvals == ()
    refused = [e for e in ca.ledger.audit() if e.action == "refused:approve"]
    assert len(refused) == 3
    assert refused[0].actor == "Alice Smith"


def test_requester_cannot_reject_or_fulfil_their_own_request(ca: CaService, mainframe):
    with pytest.raises(Refused, match="never reject their own"):
        ca.admin.reject(mainframe.id, approver="Alice Smith", role="Team lead",
                        reason="changed my mind", now=NOW)
    approve(ca, mainframe.id)
    with pytest.raises(Refused, match="cannot fulfil it"):
        ca.admin.fulfil(mainframe.id, operator="alice smith", now=NOW)


def test_approval_needs_every_criterion_confirmed(ca: CaService, mainframe):
    with pytest.raises(Refused, match="not confirmed: SANs match the CMDB entry"):
        approve(ca, mainframe.id, confirmed=["1"])
    with pytest.raises(Refused, match="not one of this type's approval criteria"):
        approve(ca, mainframe.id, confirmed=["1", "2", "looks fine"])
    assert approve(ca, mainframe.id, confirmed=["1", "sans MATCH the cmdb entry"]).state \
        is RequestState.APPROVED


def test_approver_role_must_be_one_of_the_types_roles(ca: CaService, mainframe):
    with pytest.raises(Refused, match=r"role 'CISO' cannot approve .*\(approver roles: Team lead"):
        approve(ca, mainframe.id, role="CISO")


def test_ev_needs_two_approvers_one_per_role(ca: CaService, project, make_csr):
    csr, _ = make_csr("www.example.com")
    request = ca.admin.request(project, "ev-tls", csr, requester="brand-team",
                               justification="Corporate site renewal", now=NOW)
    first = ca.admin.approve(request.id, approver="Carol", role="CISO", confirmed=EV_CRITERIA,
                             now=NOW)
    assert first.state is RequestState.PENDING
    assert first.waiting_for() == "1 more approval(s): Finance"
    with pytest.raises(Refused, match="Carol has already decided"):
        ca.admin.approve(request.id, approver="carol", role="Finance", confirmed=EV_CRITERIA,
                         now=NOW)
    second = ca.admin.approve(request.id, approver="Dan", role="CISO", confirmed=EV_CRITERIA,
                              now=NOW)
    assert second.state is RequestState.PENDING  # two CISOs are not CISO + Finance
    third = ca.admin.approve(request.id, approver="Erin", role="finance",
                             confirmed=EV_CRITERIA, now=NOW)
    assert third.state is RequestState.APPROVED
    assert [a.role for a in third.approvals] == ["CISO", "CISO", "Finance"]


def test_one_rejection_ends_the_request(ca: CaService, mainframe):
    rejected = ca.admin.reject(mainframe.id, approver="Bob", role="Team lead",
                               reason="Not in the CMDB", now=NOW)
    assert rejected.state is RequestState.REJECTED
    assert rejected.closed_reason == "rejected by Bob (Team lead): Not in the CMDB"
    with pytest.raises(Refused, match="is rejected: it can no longer be approved"):
        approve(ca, mainframe.id, who="Zoe")
    with pytest.raises(Refused, match="is rejected"):
        ca.admin.fulfil(mainframe.id, operator="ops", now=NOW)


def test_rejection_after_approval_still_ends_it(ca: CaService, project, make_csr):
    csr, _ = make_csr("www.example.com")
    request = ca.admin.request(project, "ev-tls", csr, requester="brand",
                               justification="Corporate site", now=NOW)
    ca.admin.approve(request.id, approver="Carol", role="CISO", confirmed=EV_CRITERIA, now=NOW)
    ca.admin.approve(request.id, approver="Erin", role="Finance", confirmed=EV_CRITERIA,
                     now=NOW)
    assert ca.admin.reject(request.id, approver="Frank", role="Finance",
                           reason="Budget withdrawn", now=NOW).state is RequestState.REJECTED


def test_rejection_needs_a_reason(ca: CaService, mainframe):
    with pytest.raises(Refused, match="needs a reason"):
        ca.admin.reject(mainframe.id, approver="Bob", role="Team lead", reason=" ", now=NOW)


def test_request_expires_unfulfilled(ca: CaService, project, make_csr):
    csr, _ = make_csr("mf03.internal.example")
    request = ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                               justification="needs TLS", ttl_days=3, now=NOW)
    approve(ca, request.id)
    later = NOW + dt.timedelta(days=3)
    with pytest.raises(Refused, match="is expired"):
        ca.admin.fulfil(request.id, operator="ops", now=later)
    assert ca.ledger.request(request.id).state is RequestState.EXPIRED
    assert [e.action for e in ca.ledger.audit()][-2:] == ["expire", "refused:fulfil"]


def test_lapsed_approval_sends_the_request_back_to_the_queue(ca: CaService, mainframe):
    approve(ca, mainframe.id)
    later = NOW + dt.timedelta(days=8)
    with pytest.raises(Refused, match="is pending: it waits for 1 more approval"):
        ca.admin.fulfil(mainframe.id, operator="ops", now=later)
    request = ca.ledger.request(mainframe.id)
    assert request.state is RequestState.PENDING
    assert [a.state for a in request.approvals] == ["expired"]
    assert approve(ca, mainframe.id, now=later).state is RequestState.APPROVED  # Bob again
    assert ca.admin.fulfil(mainframe.id, operator="ops", now=later).record.serial


def test_only_the_requester_acknowledges(ca: CaService, mainframe):
    approve(ca, mainframe.id)
    with pytest.raises(Refused, match="is approved: only a fulfilled request"):
        ca.admin.acknowledge(mainframe.id, requester="Alice Smith", now=NOW)
    ca.admin.fulfil(mainframe.id, operator="ops", now=NOW)
    with pytest.raises(Refused, match="only the requester, Alice Smith, can acknowledge"):
        ca.admin.acknowledge(mainframe.id, requester="Bob", now=NOW)


def test_fulfilment_happens_once(ca: CaService, mainframe):
    approve(ca, mainframe.id)
    ca.admin.fulfil(mainframe.id, operator="ops", now=NOW)
    with pytest.raises(Refused, match="is fulfilled"):
        ca.admin.fulfil(mainframe.id, operator="ops", now=NOW)
    assert len(ca.ledger.certificates()) == 1


def test_combined_type_cannot_be_requested(ca: CaService, project, make_csr):
    csr, _ = make_csr("api.internal.example")
    with pytest.raises(Refused, match=r"routes combined \(Standard logic\)"):
        ca.admin.request(project, "internal-tls", csr, requester="alice",
                         justification="why not", now=NOW)


def test_request_csr_checked_against_the_profile(ca: CaService, project, make_csr):
    csr, _ = make_csr("*.internal.example")  # medium blast radius: no wildcards
    with pytest.raises(PolicyRefused, match="wildcard name") as info:
        ca.admin.request(project, "mainframe-tls", csr, requester="alice",
                         justification="needs TLS", now=NOW)
    assert [v.code.value for v in info.value.violations] == ["wildcard-not-allowed"]
    assert ca.ledger.requests() == []
    assert ca.ledger.audit()[-1].detail["violations"][0]["code"] == "wildcard-not-allowed"


def test_request_needs_requester_and_justification(ca: CaService, project, make_csr):
    csr, _ = make_csr("mf04.internal.example")
    with pytest.raises(Refused, match="business justification"):
        ca.admin.request(project, "mainframe-tls", csr, requester="alice", justification="",
                         now=NOW)
    with pytest.raises(Refused, match="requester's name"):
        ca.admin.request(project, "mainframe-tls", csr, requester=" ",
                         justification="needs TLS", now=NOW)


def test_approval_rules_are_frozen_into_the_request(ca: CaService, project, mainframe):
    """The routing is stored with the request: a later project edit cannot lower the bar."""
    admin = next(t.admin for t in project.types if t.id == "mainframe-tls")
    reopened = CaService.open(ca.folder)  # another front end, no project at hand
    policy = reopened.ledger.request(mainframe.id).policy
    assert (policy.approver_roles, policy.approvals_required, policy.criteria,
            policy.notice_days) == (admin.approver_roles, admin.approvals_required,
                                    admin.approval_criteria, admin.notice_days)
    with pytest.raises(Refused, match="not confirmed"):
        reopened.admin.approve(mainframe.id, approver="Bob", role="Team lead", confirmed=[],
                               now=NOW)
    reopened.close()


def test_unknown_request_is_an_error(ca: CaService):
    with pytest.raises(CaError, match="no request 42"):
        approve(ca, 42)


def test_code_signing_request_naming_another_publisher_is_refused(ca: CaService, project,
                                                                  make_csr):
    csr, _ = make_csr(cn="Microsoft Corporation")
    with pytest.raises(PolicyRefused) as refused:
        ca.admin.request(project, "code-signing", csr, requester="release-eng",
                         justification="Q3 releases", now=NOW)
    assert [v.code.value for v in refused.value.violations] == ["common-name"]
    # CS BR 9.2.2: the publisher's legal name, from the project's organisation details
    assert "common name 'Microsoft Corporation' is not allowed for this type (allowed: " \
        "Harbourview Financial Services Ltd)" in str(refused.value)
    entry = ca.ledger.audit()[-1]
    assert entry.action == "refused:request"
    assert entry.detail["violations"][0]["code"] == "common-name"
    csr, _ = make_csr(cn="Harbourview Financial Services Ltd")
    assert ca.admin.request(project, "code-signing", csr, requester="release-eng",
                            justification="Q3 releases", now=NOW).state is RequestState.PENDING
