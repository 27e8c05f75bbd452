"""The test CA under the public caps in force on the issuing day (INDUSTRY-RULES.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from app.ca.errors import PolicyRefused
from app.ca.service import CaService
from tests.ca.conftest import NOW

EV_CRITERIA = ["1", "2", "3"]
CODE_CRITERIA = ["1", "2", "3"]


def lifetime(cert) -> int:
    """The validity period in days, counted as RFC 5280 and the BRs do: both ends included."""
    period = cert.not_valid_after_utc - cert.not_valid_before_utc + dt.timedelta(seconds=1)
    assert period.seconds == 0, period  # whole days, one second short of notBefore + N days
    return period.days


def test_public_tls_issued_today_lives_at_most_200_days(ca: CaService, project, make_csr):
    csr, _ = make_csr("shop.example.com")
    issued = ca.issue(project, "customer-tls", csr, requester="svc", now=NOW)
    assert lifetime(issued.certificate) == 200
    with pytest.raises(PolicyRefused, match=r"outside 1–200 days allowed for this type: "
                       r"public TLS server certificates issued on 2026-11-27"):
        ca.issue(project, "customer-tls", csr, requester="svc", validity_days=397, now=NOW)


def test_code_signing_issued_today_lives_at_most_460_days(ca: CaService, project, make_csr):
    # CS BR 9.2.2: a code-signing common name is the legal name.
    csr, _ = make_csr(kind="rsa", size=3072, cn="Harbourview Financial Services Ltd")
    request = ca.admin.request(project, "code-signing", csr, requester="release",
                               justification="Production signing key", now=NOW)
    for who, role in (("Carol", "Compliance"), ("Dan", "Executive owner")):
        ca.admin.approve(request.id, approver=who, role=role, confirmed=CODE_CRITERIA,
                         now=NOW)
    issued = ca.admin.fulfil(request.id, operator="ops", now=NOW)
    assert lifetime(issued.certificate) == 460


def test_request_raised_before_a_cap_falls_is_fulfilled_under_the_new_cap(
        ca: CaService, project, make_csr):
    """Raised 2027-03-10 for 200 days, fulfilled 2027-03-16 when the cap is 100: refused."""
    raised = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)
    fulfilled = dt.datetime(2027, 3, 16, 9, 0, tzinfo=dt.UTC)
    csr, _ = make_csr("www.example.com")
    request = ca.admin.request(project, "ev-tls", csr, requester="brand",
                               justification="Corporate site", now=raised)
    assert request.validity_days == 200
    for who, role in (("Carol", "CISO"), ("Erin", "Finance")):
        ca.admin.approve(request.id, approver=who, role=role, confirmed=EV_CRITERIA,
                         now=fulfilled - dt.timedelta(hours=1))
    with pytest.raises(PolicyRefused, match=r"validity of 200 days is outside 1–100 days .*"
                       r"issued on 2027-03-16 live at most 100 days"):
        ca.admin.fulfil(request.id, operator="ops", now=fulfilled)
    # The same request fulfilled before the cap fell is issued for its 200 days.
    csr2, _ = make_csr("example.com")
    early = ca.admin.request(project, "ev-tls", csr2, requester="brand",
                             justification="Corporate site", now=raised)
    for who, role in (("Carol", "CISO"), ("Erin", "Finance")):
        ca.admin.approve(early.id, approver=who, role=role, confirmed=EV_CRITERIA, now=raised)
    assert lifetime(ca.admin.fulfil(early.id, operator="ops", now=raised).certificate) == 200
