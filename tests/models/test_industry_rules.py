"""INDUSTRY-RULES.md as data: the caps by date, the effective maximum and which rule set it."""

from __future__ import annotations

import datetime as dt

import pytest

from models.enums import CaKind, Purpose, Validity
from models.industry_rules import (
    CapScope,
    LimitKind,
    cap_rule,
    cap_scope,
    classify,
    domain_reuse,
    evaluated_class,
    rule_dates,
    validity_limit,
)
from models.issuance_policy import profile_for
from models.key_rules import ExtendedKeyUsage
from models.migrations import upgrade
from models.project_file import load_example
from tests.conftest import TODAY

D = dt.date


@pytest.mark.parametrize(("on", "days"), [
    (D(2026, 3, 14), 398), (D(2026, 3, 15), 200), (D(2027, 3, 14), 200),
    (D(2027, 3, 15), 100), (D(2029, 3, 14), 100), (D(2029, 3, 15), 47), (D(2035, 1, 1), 47),
])
def test_tls_cap_by_issuing_day(on, days):
    assert cap_rule(CapScope.TLS, on).max_days == days


def test_code_signing_and_smime_caps_with_sources():
    assert cap_rule(CapScope.CODE_SIGNING, D(2026, 2, 28)).max_days > 825  # 39 months
    rule = cap_rule(CapScope.CODE_SIGNING, D(2026, 3, 1))
    assert (rule.max_days, rule.source) == (460, "CS BR 3.10.0, ballot CSC-31 (adopted "
                                            "2025-11-17)")
    assert cap_rule(CapScope.SMIME, TODAY).max_days == 825
    assert "SC-081v3" in cap_rule(CapScope.TLS, TODAY).source


def test_domain_validation_reuse_schedule():
    assert [domain_reuse(d).days for d in (D(2026, 1, 1), D(2026, 3, 15), D(2027, 3, 15),
                                           D(2029, 3, 15))] == [398, 200, 100, 10]


def test_cap_scope_follows_the_ekus_of_public_types_only():
    server = (ExtendedKeyUsage.SERVER_AUTH,)
    assert cap_scope(CaKind.PUBLIC, server, Purpose.TLS_INTERNAL) is CapScope.TLS
    assert cap_scope(CaKind.PRIVATE, server, Purpose.TLS_EXTERNAL) is None
    mtls = (ExtendedKeyUsage.SERVER_AUTH, ExtendedKeyUsage.CLIENT_AUTH)
    assert cap_scope(CaKind.PUBLIC, mtls, Purpose.MTLS) is CapScope.TLS
    assert cap_scope(CaKind.PUBLIC, (ExtendedKeyUsage.CLIENT_AUTH,),
                     Purpose.CLIENT_AUTH) is None
    assert cap_scope(CaKind.PUBLIC, (), Purpose.CA_SIGNING) is None


def test_validity_classes_short_90_medium_397():
    assert [classify(d) for d in (1, 90, 91, 397, 398, 825)] == [
        Validity.SHORT, Validity.SHORT, Validity.MEDIUM, Validity.MEDIUM, Validity.LONG,
        Validity.LONG]


def test_limit_is_the_smallest_and_names_its_rule():
    assert validity_limit(Validity.MEDIUM, None, None, TODAY).kind is LimitKind.CLASS
    edit = validity_limit(Validity.MEDIUM, 30, CapScope.TLS, TODAY)
    assert (edit.days, edit.kind) == (30, LimitKind.EDIT)
    cap = validity_limit(Validity.MEDIUM, 300, CapScope.TLS, TODAY)
    assert (cap.days, cap.kind) == (200, LimitKind.PUBLIC_CAP)
    assert "ballot SC-081v3" in cap.reason


def test_impossible_class_is_evaluated_as_the_class_the_cap_allows():
    long_tls = validity_limit(Validity.LONG, None, CapScope.TLS, TODAY)
    assert evaluated_class(Validity.LONG, long_tls) is Validity.MEDIUM
    cliff = validity_limit(Validity.MEDIUM, None, CapScope.TLS, D(2029, 3, 15))
    assert evaluated_class(Validity.MEDIUM, cliff) is Validity.SHORT
    assert evaluated_class(Validity.LONG, validity_limit(
        Validity.LONG, None, CapScope.CODE_SIGNING, TODAY)) is Validity.LONG


def test_rule_dates_from_the_as_of_date_to_the_cliff():
    assert rule_dates(D(2026, 12, 2)) == (D(2026, 12, 2), D(2027, 3, 15), D(2029, 3, 15))
    assert rule_dates(D(2026, 1, 1))[1:3] == (D(2026, 3, 1), D(2026, 3, 15))
    assert rule_dates(D(2029, 4, 1)) == (D(2029, 4, 1),)


def test_example_issued_today_is_within_the_public_caps():
    """Issue 14: ≤ 200-day public TLS and ≤ 460-day code signing from 2026-03-15."""
    days = {t.id: profile_for(t, on=TODAY).max_validity_days for t in load_example().types}
    assert days == {"customer-tls": 200, "ev-tls": 200, "mesh-mtls": 7, "internal-tls": 397,
                    "code-signing": 460, "mainframe-tls": 825}
    ev = profile_for(load_example().types[1], on=TODAY)
    assert ev.validity_limited_by is LimitKind.PUBLIC_CAP
    assert "200 days" in ev.validity_reason


def test_migration_keeps_v1_short_types_at_7_days():
    raw = {"schema_version": 1, "types": [
        {"id": "a", "validity": "short"},
        {"id": "b", "validity": "short", "profile": {"max_validity_days": 3}},
        {"id": "c", "validity": "medium"}]}
    types = upgrade(raw, current=2)["types"]
    assert [t.get("profile") for t in types] == [{"max_validity_days": 7},
                                                 {"max_validity_days": 3}, None]
