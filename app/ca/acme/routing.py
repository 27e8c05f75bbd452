"""Which certificate type an ACME order is, and which challenges that type's identity method
allows (ACME.md "Profiles = certificate types", "Challenges follow the type's identity method").

Pure: reads the project and its evaluation, decides nothing about keys or CSRs (the service's
profile check does that at finalize).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.ca.acme.problems import INVALID_PROFILE, AcmeProblem
from models.certificate import CertificateType
from models.dns_names import name_violations
from models.enums import Workflow
from models.issuance_policy import profile_for
from models.project import Project
from models.routing import Decision

HTTP_01, DNS_01, TLS_ALPN_01 = "http-01", "dns-01", "tls-alpn-01"
SERVED = (HTTP_01, DNS_01)  # the challenges this server validates
_NAMED = re.compile(r"\b(http-01|dns-01|tls-alpn-01)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Route:
    """Where an order goes: its type, the type's decision, and the challenges it may use."""

    ctype: CertificateType
    decision: Decision
    challenges: tuple[str, ...]

    @property
    def admin_mediated(self) -> bool:
        return self.decision.workflow is Workflow.ADMIN_MEDIATED


def acme_challenges(ctype: CertificateType) -> tuple[str, ...]:
    """The ACME challenges the type's identity method names (`ACME DNS-01` → dns-01)."""
    return tuple(dict.fromkeys(m.lower() for m in _NAMED.findall(ctype.combined.identity_method)))


def profiles(project: Project, decisions: tuple[Decision, ...]) -> dict[str, str]:
    """The directory's `meta.profiles`: type id → what an order of it gets."""
    shown: dict[str, str] = {}
    for ctype, decision in zip(project.types, decisions, strict=True):
        if decision.workflow is Workflow.ADMIN_MEDIATED:
            how = "admin-mediated: held in processing until approved and fulfilled"
        elif acme_challenges(ctype):
            how = f"combined: issued at once after {', '.join(acme_challenges(ctype))}"
        else:
            how = (f"combined, proved by {ctype.combined.identity_method}: not served over "
                   "ACME")
        shown[ctype.id] = f"{ctype.name} — {how}"
    return shown


def matching_types(project: Project, names: list[str], *,
                   on: dt.date) -> list[CertificateType]:
    """The types whose profile on `on` allows every name (SAN patterns, wildcard rule)."""
    found = []
    for ctype in project.types:
        profile = profile_for(ctype, on=on)
        if profile.san_patterns and not any(
                name_violations(n, patterns=profile.san_patterns,
                                allow_wildcards=profile.allow_wildcards) for n in names):
            found.append(ctype)
    return found


def route(project: Project, decisions: tuple[Decision, ...], names: list[str],
          profile: str | None, *, on: dt.date) -> Route:
    """The type an order is for: the profile it names, else the one type its names fit.

    Raises:
        AcmeProblem: an unknown profile (invalidProfile); names that fit no single type, or
            that the named type's profile forbids (rejectedIdentifier, with the violation
            text); a combined type proved other than by an ACME challenge, or only by one this
            server does not validate (rejectedIdentifier naming the type's channel).
    """
    by_id: dict[str, tuple[CertificateType, Decision]] = {
        t.id: (t, d) for t, d in zip(project.types, decisions, strict=True)}
    if profile:
        if profile not in by_id:
            raise AcmeProblem(INVALID_PROFILE, f"profile {profile!r} is not a certificate type "
                              f"of this project (profiles: {', '.join(by_id) or 'none'})")
        ctype, decision = by_id[profile]
        _check_names(ctype, names, on=on)
    else:
        candidates = matching_types(project, names, on=on)
        if len(candidates) != 1:
            listed = ", ".join(t.id for t in candidates)
            why = f"they fit several types ({listed}): name one as the order's profile" \
                if candidates else "no certificate type of the project allows them"
            raise AcmeProblem("rejectedIdentifier", f"{', '.join(names)}: {why}")
        ctype, decision = by_id[candidates[0].id]
    if decision.workflow is Workflow.ADMIN_MEDIATED:
        # ACME is only the request channel: any served challenge proves domain control, and
        # the approvers verify the rest (the combined design's identity method is not in
        # force for a type that routes admin-mediated).
        return Route(ctype, decision, SERVED)
    named = acme_challenges(ctype)
    if not named:
        raise AcmeProblem("rejectedIdentifier", f"{ctype.name} ({ctype.id}) is combined and "
                          f"proves identity by {ctype.combined.identity_method}, not an ACME "
                          f"challenge: request it through {ctype.combined.issuance_api}")
    served = tuple(c for c in named if c in SERVED)
    if not served:
        raise AcmeProblem("rejectedIdentifier", f"{ctype.name} ({ctype.id}) proves identity "
                          f"by {', '.join(named)}, which this server does not validate "
                          f"(it validates {', '.join(SERVED)})")
    return Route(ctype, decision, served)


def _check_names(ctype: CertificateType, names: list[str], *, on: dt.date) -> None:
    """Refuse names the type's profile forbids, every violation in the one-line detail."""
    profile = profile_for(ctype, on=on)
    if not profile.san_patterns:
        raise AcmeProblem("rejectedIdentifier", f"{ctype.id}: {ctype.name} certificates carry "
                          "no DNS names", identifier=names[0])
    violations = [v for n in names for v in name_violations(
        n, patterns=profile.san_patterns, allow_wildcards=profile.allow_wildcards)]
    if violations:
        raise AcmeProblem("rejectedIdentifier", f"{ctype.id}: "
                          + "; ".join(v.message for v in violations),
                          identifier=violations[0].subject)
