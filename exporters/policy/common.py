"""What every policy target reads: the types to enforce, their profiles, and what got lost."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from models.certificate import CertificateType
from models.enums import ReasonCode, Workflow
from models.evaluation import Evaluation
from models.issuance_policy import IssuanceProfile, KeyKind, profile_for
from models.project import Project
from models.routing import Decision

# ROUTING-RULES.md: an admin-mediated type needs a human approval the engines cannot hold.
NOT_ENFORCEABLE = "not enforceable here — keep on the approval system"

# What a loss does to a request the profile judges (tests/exporters/policy_table.py checks each
# against the ported upstream logic): signs what the profile refuses, refuses what it signs,
# or signs a certificate it changed to fit (validity cut, usages replaced, names added).
MORE_PERMISSIVE = "more permissive"
MORE_RESTRICTIVE = "more restrictive"
ADJUSTS = "signs an adjusted certificate"
# Fields where a more permissive target is a security matter: listed at the top of a report.
SECURITY_AREAS = ("names", "keys", "validity", "usages")

# Losses shared by several targets, so the request table can name the one a difference needs.
MIXED_CASE = "mixed-case names"
PARTIAL_WILDCARD = "partial wildcard labels"
LABEL_SYNTAX = "DNS label syntax"
IDNA_A_LABELS = "IDNA A-labels"
WILDCARD_DEPTH = "wildcard depth"
OTHER_TYPES_NAMES = "names of other exported types"
CN_AMONG_DNS = "common name among the DNS names"
KEY_TYPES = "key types"
DURATION_REQUIRED = "requested duration required"
VALIDITY_CAPPED = "longer validity capped"
NO_EKU_REQUIRED = "extended key usage not required"
KEY_USAGES_EXACT = "key usages requested beyond the profile"
USAGES_REPLACED = "requested usages replaced"


@dataclass(frozen=True, slots=True)
class Loss:
    """Something a target cannot express for one type, and what to do about it."""

    type_id: str
    type_name: str
    what: str
    detail: str
    effect: str = ""  # MORE_PERMISSIVE, MORE_RESTRICTIVE, ADJUSTS, or "" (not a request's fate)
    area: str = ""  # names, keys, validity, usages, approval, …

    @property
    def security(self) -> bool:
        """More permissive than the profile on a field that matters."""
        return self.effect == MORE_PERMISSIVE and self.area in SECURITY_AREAS


@dataclass(slots=True)
class Translation:
    """A target's files (relative path -> text) and its lost-in-translation entries."""

    target: str
    files: dict[str, str] = field(default_factory=dict)
    losses: list[Loss] = field(default_factory=list)

    def lose(self, ctype: CertificateType, what: str, detail: str, *, effect: str = "",
             area: str = "") -> None:
        loss = Loss(ctype.id, ctype.name, what, detail, effect, area)
        if loss not in self.losses:
            self.losses.append(loss)


def profile(ctype: CertificateType, on: dt.date) -> IssuanceProfile:
    """The issuance profile a target enforces on the project's as-of date (derived, edited,
    then capped by the public rules in force: models.issuance_policy)."""
    return profile_for(ctype, on=on)


def routed(project: Project, evaluation: Evaluation
           ) -> Iterator[tuple[CertificateType, Decision]]:
    """Every type with its decision, in inventory order."""
    return zip(project.types, evaluation.decisions, strict=True)


def is_combined(decision: Decision) -> bool:
    return decision.workflow is Workflow.COMBINED


def approval_loss(translation: Translation, ctype: CertificateType, decision: Decision,
                  how: str) -> None:
    """Record an admin-mediated type as not enforceable by the target, with its approvers."""
    roles = ", ".join(ctype.admin.approver_roles) or "no approver roles"
    translation.lose(
        ctype, NOT_ENFORCEABLE,
        f"{decision.label}: needs {ctype.admin.approvals_required} approval(s) by {roles}. {how}",
        area="approval")


def enforceable(project: Project, evaluation: Evaluation, translation: Translation, *,
                no_approval: str) -> Iterator[tuple[CertificateType, Decision, IssuanceProfile]]:
    """The combined, issuable end-entity types a target enforces, each with its profile.

    Every other type is recorded as lost in translation: admin-mediated ones with the target's
    `no_approval` explanation, unissuable ones and subordinate CAs as such. After the caller
    has translated a type, its rule-6 controls are recorded too, in that order.
    """
    for ctype, decision in routed(project, evaluation):
        if not is_combined(decision):
            approval_loss(translation, ctype, decision, no_approval)
            continue
        p = profile(ctype, project.as_of)
        if not p.issuable:
            translation.lose(ctype, "not issuable",
                             "the profile issues no certificates of this type")
            continue
        if p.issues_ca:  # only reachable through a manual override: rule 1 routes it admin
            translation.lose(ctype, "subordinate CA",
                             "the profile issues CA certificates (path length 0, name "
                             "constraints from its patterns); this target's policies issue "
                             "end-entity certificates, so none is written for it.")
            continue
        yield ctype, decision, p
        control_losses(translation, ctype, decision)


def control_losses(translation: Translation, ctype: CertificateType, decision: Decision) -> None:
    """ROUTING-RULES.md rule 6 controls (rate limits, monitoring, logging) live elsewhere."""
    if decision.reason is ReasonCode.TOLERANCE_MODULATED:
        translation.lose(
            ctype, "controls outside the issuance policy",
            f"{', '.join(decision.controls)}: configure them beside this policy; "
            "without them \"combined with monitoring\" becomes \"combined\".",
        )


def dns_common_name_losses(translation: Translation, ctype: CertificateType,
                           p: IssuanceProfile, *, checks: str, among: str,
                           effect: str = MORE_PERMISSIVE) -> None:
    """A type with DNS names, whose target checks its common name only as another DNS name.

    Args:
        checks: how the target checks the common name ("step-ca checks it against allow.dns").
        among: what the target does instead of "the common name is one of the requested names".
    """
    if p.cn_patterns:
        translation.lose(ctype, "common-name patterns",
                         f"{', '.join(p.cn_patterns)}: {checks} like a DNS name, with no "
                         "patterns of its own.", effect=MORE_PERMISSIVE, area="names")
    translation.lose(ctype, CN_AMONG_DNS, among, effect=effect, area="names")


def mixed_case_loss(translation: Translation, ctype: CertificateType, *, why: str,
                    before: str) -> None:
    """A target that signs upper-case names the profile refuses.

    Args:
        why: what in the target lets them through ("hostnameRegex admits upper case").
        before: where to refuse them instead ("pki/sign").
    """
    translation.lose(
        ctype, MIXED_CASE,
        f"{why}, so `WWW.example.com` is signed; the profile asks for lower case. Clients "
        "compare names ignoring case, so the certificate names the same hosts; if your "
        f"inventory needs lower case, refuse other names before {before}.",
        effect=MORE_PERMISSIVE, area="names")


def resource_name(type_id: str) -> str:
    """A DNS-1123 name from a type id (Kubernetes object names, Vault role names)."""
    name = re.sub(r"[^a-z0-9-]+", "-", type_id.lower()).strip("-")
    return f"certroute-{name}"[:63].rstrip("-")


def hours(days: int) -> str:
    """A Go duration in whole hours, as cert-manager, Vault and step-ca all parse it."""
    return f"{days * 24}h"


def uses_rsa(p: IssuanceProfile) -> bool:
    return any(k.kind is KeyKind.RSA for k in p.key_types)
