"""Industry rules by date: public validity caps and TLS data reuse, with their sources.

INDUSTRY-RULES.md as one table: profiles, findings, the test CA, the cliff and every exporter
read the caps through `cap_rule` and `validity_limit`; no other module holds a CA/B Forum
number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from models.enums import CaKind, Purpose, Validity
from models.key_rules import ExtendedKeyUsage

# The last date of the TLS schedule SC-081v3 adopted: the bottom of the "47-day cliff".
CLIFF_END = dt.date(2029, 3, 15)
_ALWAYS = dt.date.min


class CapScope(StrEnum):
    """Which baseline requirements bind a publicly-trusted subscriber certificate."""

    TLS = "tls-server"
    CODE_SIGNING = "code-signing"
    SMIME = "smime"

    @property
    def label(self) -> str:
        return {"tls-server": "TLS server", "code-signing": "code signing",
                "smime": "S/MIME"}[self.value]


@dataclass(frozen=True, slots=True)
class CapRule:
    """One row of the table: from `effective` on, a public certificate of `scope` lives at
    most `max_days` days."""

    scope: CapScope
    effective: dt.date
    max_days: int
    source: str

    @property
    def since(self) -> str:
        return "always" if self.effective == _ALWAYS else f"from {self.effective.isoformat()}"


_SC081 = "TLS BR 6.3.2, ballot SC-081v3 (adopted 2025-04-11)"
# INDUSTRY-RULES.md "Validity caps for publicly-trusted subscriber certificates", row by row.
PUBLIC_CAPS: tuple[CapRule, ...] = (
    CapRule(CapScope.TLS, _ALWAYS, 398, "TLS BR 6.3.2 (SC-081v3 table)"),
    CapRule(CapScope.TLS, dt.date(2026, 3, 15), 200, _SC081),
    CapRule(CapScope.TLS, dt.date(2027, 3, 15), 100, _SC081),
    CapRule(CapScope.TLS, CLIFF_END, 47, _SC081),
    # 39 months is at least 1,184 days whatever the start; no validity class reaches it.
    CapRule(CapScope.CODE_SIGNING, _ALWAYS, 1184, "CS BR 6.3.2 (39 months)"),
    CapRule(CapScope.CODE_SIGNING, dt.date(2026, 3, 1), 460,
            "CS BR 3.10.0, ballot CSC-31 (adopted 2025-11-17)"),
    CapRule(CapScope.SMIME, _ALWAYS, 825, "S/MIME BR 6.3.2"),
)


@dataclass(frozen=True, slots=True)
class ReuseRule:
    """TLS BR 4.2.1: how long a domain validation may be reused, from a date on."""

    effective: dt.date
    days: int
    source: str


# INDUSTRY-RULES.md "TLS data reuse": domain/IP validation 398 → 200 → 100 → 10 days.
DOMAIN_VALIDATION_REUSE: tuple[ReuseRule, ...] = (
    ReuseRule(_ALWAYS, 398, "TLS BR 4.2.1"),
    ReuseRule(dt.date(2026, 3, 15), 200, "TLS BR 4.2.1, ballot SC-081v3"),
    ReuseRule(dt.date(2027, 3, 15), 100, "TLS BR 4.2.1, ballot SC-081v3"),
    ReuseRule(CLIFF_END, 10, "TLS BR 4.2.1, ballot SC-081v3"),
)

_SCOPE_BY_EKU = {
    ExtendedKeyUsage.SERVER_AUTH: CapScope.TLS,
    ExtendedKeyUsage.CODE_SIGNING: CapScope.CODE_SIGNING,
    ExtendedKeyUsage.EMAIL_PROTECTION: CapScope.SMIME,
}


def cap_scope(ca: CaKind, ekus: tuple[ExtendedKeyUsage, ...],
              purpose: Purpose) -> CapScope | None:
    """The baseline requirements a public certificate falls under, by what it may be used for.

    The BRs bind by extended key usage: any public serverAuth certificate (an mTLS or an
    internal TLS type on a public CA too) is a TLS certificate. Private CAs, and CA
    certificates, are bound by none of these caps.
    """
    if ca is not CaKind.PUBLIC or purpose is Purpose.CA_SIGNING:
        return None
    for eku in ekus:  # serverAuth first: the strictest schedule wins for dual-use profiles
        if eku in _SCOPE_BY_EKU:
            return _SCOPE_BY_EKU[eku]
    return None


def cap_rule(scope: CapScope, on: dt.date) -> CapRule:
    """The cap in force on a day (issued on or after its effective date)."""
    rules = [r for r in PUBLIC_CAPS if r.scope is scope and r.effective <= on]
    return max(rules, key=lambda r: r.effective)


def domain_reuse(on: dt.date) -> ReuseRule:
    """How long a domain validation done on `on` may be reused (TLS BR 4.2.1)."""
    return max((r for r in DOMAIN_VALIDATION_REUSE if r.effective <= on),
               key=lambda r: r.effective)


def rule_dates(start: dt.date, end: dt.date = CLIFF_END) -> tuple[dt.date, ...]:
    """`start`, then every date a cap or reuse period changes after it, up to `end`."""
    changes = {r.effective for r in PUBLIC_CAPS} | {r.effective for r in DOMAIN_VALIDATION_REUSE}
    return (start, *sorted(d for d in changes if start < d <= end))


class LimitKind(StrEnum):
    """Which rule set a type's effective maximum validity."""

    CLASS = "validity class"
    EDIT = "profile edit"
    PUBLIC_CAP = "public cap"


@dataclass(frozen=True, slots=True)
class ValidityLimit:
    """A type's effective maximum validity on a date and the rule that capped it."""

    days: int
    kind: LimitKind
    on: dt.date
    reason: str
    cap: CapRule | None = None  # the public cap in force, binding or not

    @property
    def validity_class(self) -> Validity:
        """The validity class a certificate of `days` falls in (ROUTING-RULES.md)."""
        return classify(self.days)


def classify(days: int) -> Validity:
    """short ≤ 90, medium 91–397, long > 397 days (INDUSTRY-RULES.md "Validity classes")."""
    if days <= Validity.SHORT.max_days:
        return Validity.SHORT
    return Validity.MEDIUM if days <= Validity.MEDIUM.max_days else Validity.LONG


def class_min_days(validity: Validity) -> int:
    """The shortest validity a class holds: a class exists only if its cap reaches this."""
    return _CLASS_MIN_DAYS[validity]


_CLASS_MIN_DAYS = {Validity.SHORT: 1, Validity.MEDIUM: Validity.SHORT.max_days + 1,
                   Validity.LONG: Validity.MEDIUM.max_days + 1}


# evaluate() asks for every type on every rule date: a few distinct answers, shared (frozen).
@lru_cache(maxsize=4096)
def validity_limit(validity: Validity, edit: int | None, scope: CapScope | None,
                   on: dt.date) -> ValidityLimit:
    """The smaller of the class maximum, the profile edit and the public cap on `on`.

    Ties go to the more fundamental rule: a public cap equal to the edit is reported as the
    cap, since lengthening the edit would not help.
    """
    class_max = validity.max_days
    cap = cap_rule(scope, on) if scope is not None else None
    days, kind = class_max, LimitKind.CLASS
    reason = f"the {validity.value} validity class allows at most {class_max} days"
    if edit is not None and edit < days:
        days, kind = edit, LimitKind.EDIT
        reason = f"the type's profile edit sets {edit} days (class maximum {class_max})"
    if cap is not None and cap.max_days <= days:
        days, kind = cap.max_days, LimitKind.PUBLIC_CAP
        reason = (f"public {cap.scope.label} certificates issued on {on.isoformat()} live at "
                  f"most {cap.max_days} days ({cap.source})")
    return ValidityLimit(days, kind, on, reason, cap)


def class_impossible(validity: Validity, limit: ValidityLimit) -> bool:
    """A class none of whose certificates may be issued on the limit's date."""
    return limit.kind is LimitKind.PUBLIC_CAP and limit.days < class_min_days(validity)


def evaluated_class(validity: Validity, limit: ValidityLimit) -> Validity:
    """The class a type is evaluated as: its own, unless a public cap makes it impossible."""
    return limit.validity_class if class_impossible(validity, limit) else validity
