"""PKI Health Radar scores and the derived issuance-workflow maturity level (ASSESSMENT.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator


@dataclass(frozen=True, slots=True)
class Dimension:
    """One radar axis with its anchored descriptions of scores 1, 3 and 5."""

    key: str
    title: str
    definition: str
    anchors: dict[int, str]


# ASSESSMENT.md dimension table, in order (dims 1–8).
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "visibility", "Visibility",
        "Share of certificates known, with owner, location, environment and service; "
        "continuous discovery.",
        {1: "Spreadsheets / calendar reminders; count unknown.",
         3: "Central inventory kept current for known CAs and platforms; owners assigned; "
            "periodic scans.",
         5: "Multi-source continuous discovery reconciled into an authoritative inventory; "
            "no unknown certificates."},
    ),
    Dimension(
        "governance", "Governance & compliance",
        "Sponsor, PKI policy, roles, approved CAs, tracked external obligations.",
        {1: "No owner or policy; obligations unknown.",
         3: "Approved policy and standard, named PKI owner, applicable requirements listed.",
         5: "Policy reviewed on a cycle, measured, integrated with enterprise risk; compliance "
            "demonstrable."},
    ),
    Dimension(
        "automation", "Lifecycle automation",
        "Share of issuance, renewal and deployment done without a human.",
        {1: "No automation; every renewal is a ticket.",
         3: "Automation for most high-volume types, described; not monitored or audited.",
         5: "Zero-touch for all suitable types incl. deployment and validation; ready for "
            "short-lived certificates."},
    ),
    Dimension(
        "enforcement", "Policy enforcement",
        "Certificate profiles documented and enforced by the CA/RA at issuance.",
        {1: "Anyone can get anything; profiles undocumented.",
         3: "Profiles documented and enforced by the CA for main use cases; approval matrix "
            "defined.",
         5: "Policy-as-code for every issuance path; deviations blocked and logged; CAA on all "
            "domains."},
    ),
    Dimension(
        "key_protection", "Key protection",
        "Where keys are generated and stored, approved algorithms, cryptoperiods, key inventory.",
        {1: "Keys exported or emailed; CA keys in software; no algorithm rules.",
         3: "Approved algorithms documented; CA keys in HSM; cryptoperiods defined.",
         5: "Continuous visibility of crypto usage; PQC transition planned; high-value keys "
            "attested in HSM."},
    ),
    Dimension(
        "monitoring", "Monitoring & audit",
        "Expiry alerting with owners, CT monitoring, issuance logs, incident response.",
        {1: "Outages discovered by users; logs not kept.",
         3: "Central logs; expiry alerts routed to owners; CT monitoring for key domains.",
         5: "Critical events alerted and resolved per IR plan; audit trail reconstructable."},
    ),
    Dimension(
        "agility", "Agility & resilience",
        "Ability to replace many certificates quickly; tested plans; multi-CA fallback.",
        {1: "No plan; a mass replacement would take months.",
         3: "Documented replacement procedures for critical services; tested annually.",
         5: "Any certificate population replaceable in < 5 days by automation; game-days."},
    ),
    Dimension(
        "people", "People & operating model",
        "Skilled staff and cover, a defined service with SLAs, training and awareness.",
        {1: "One person \"knows PKI\"; requests by email.",
         3: "Defined service with SLAs, runbooks, trained backup staff.",
         5: "Self-service for requesters, measured service, skills planned."},
    ),
)

LEVEL_NAMES = {1: "Ad-hoc", 2: "Tooled", 3: "Operationalised", 4: "Integrated", 5: "Intelligent"}
# ASSESSMENT.md: level = floor(mean of dims 1, 3, 4, 6), then gates.
LEVEL_BASIS = (0, 2, 3, 5)  # zero-based indices of visibility, automation, enforcement, monitoring


@dataclass(frozen=True, slots=True)
class Gate:
    """A level can only be reached when every listed dimension reaches its minimum."""

    level: int
    minimums: tuple[tuple[int, int], ...]  # (zero-based dimension index, minimum score)


# ASSESSMENT.md gates: ≥3 needs dim1 ≥ 3 and dim2 ≥ 2; ≥4 needs dim3 ≥ 4 and dim1 ≥ 4;
# 5 needs dim7 ≥ 4.
GATES: tuple[Gate, ...] = (
    Gate(3, ((0, 3), (1, 2))),
    Gate(4, ((2, 4), (0, 4))),
    Gate(5, ((6, 4),)),
)

N_DIMENSIONS = len(DIMENSIONS)
Scores = tuple[int, ...]


class AssessmentScores(BaseModel):
    """Self-assessed current and target scores, 0–5 per dimension."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    current: Scores = Field((0,) * N_DIMENSIONS)
    target: Scores = Field((0,) * N_DIMENSIONS)

    @field_validator("current", "target")
    @classmethod
    def _eight_scores_0_to_5(cls, scores: Scores) -> Scores:
        if len(scores) != N_DIMENSIONS:
            raise ValueError(f"needs {N_DIMENSIONS} scores, got {len(scores)}")
        if any(not 0 <= s <= 5 for s in scores):
            raise ValueError("scores are 0–5")
        return scores


@dataclass(frozen=True, slots=True)
class MaturityLevel:
    """A derived level with the reasoning shown beside it."""

    level: int
    name: str
    basis_mean: float
    held_by: tuple[str, ...]  # why it is not one higher: gates or the mean
    to_next: tuple[str, ...]  # what would lift it by one level


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """Overall scores and maturity levels of both series."""

    current_overall: float
    target_overall: float
    current_level: MaturityLevel
    target_level: MaturityLevel


def _gate_failures(scores: Scores, level: int) -> list[str]:
    failures = []
    for gate in GATES:
        if gate.level > level:
            continue
        for index, minimum in gate.minimums:
            if scores[index] < minimum:
                failures.append(
                    f"level {gate.level} needs {DIMENSIONS[index].title} ≥ {minimum} "
                    f"(is {scores[index]})"
                )
    return failures


def _reaches(scores: Scores, level: int, mean: float) -> bool:
    return math.floor(mean) >= level and not _gate_failures(scores, level)


def derive_level(scores: Scores) -> MaturityLevel:
    """Level = floor(mean of the basis dimensions), capped by the first failing gate; 1–5."""
    mean = sum(scores[i] for i in LEVEL_BASIS) / len(LEVEL_BASIS)
    level = 1
    while level < 5 and _reaches(scores, level + 1, mean):
        level += 1
    if level == 5:
        return MaturityLevel(5, LEVEL_NAMES[5], mean, (), ())
    nxt = level + 1
    basis_names = ", ".join(DIMENSIONS[i].title for i in LEVEL_BASIS)
    held: list[str] = []
    lift: list[str] = []
    if math.floor(mean) < nxt:
        held.append(f"mean of {basis_names} is {mean:.2f}, below {nxt}")
        lift.append(f"raise the mean of {basis_names} to {nxt} "
                    f"(+{nxt * len(LEVEL_BASIS) - sum(scores[i] for i in LEVEL_BASIS)} points)")
    for failure in _gate_failures(scores, nxt):
        held.append(f"gate: {failure}")
    for gate in GATES:
        if gate.level <= nxt:
            for index, minimum in gate.minimums:
                if scores[index] < minimum:
                    lift.append(f"raise {DIMENSIONS[index].title} to {minimum}")
    return MaturityLevel(level, LEVEL_NAMES[level], mean, tuple(held), tuple(lift))


def score_assessment(scores: AssessmentScores) -> AssessmentResult:
    """Overall means and derived levels for the current and target series."""
    return AssessmentResult(
        current_overall=sum(scores.current) / N_DIMENSIONS,
        target_overall=sum(scores.target) / N_DIMENSIONS,
        current_level=derive_level(scores.current),
        target_level=derive_level(scores.target),
    )


def design_evidence_level(*, classified: bool, rule_routed: bool) -> int | None:
    """The level the routing design itself evidences (the article's level 3), if any.

    A fully classified inventory whose every type is routed by an explicit rule (no manual
    overrides) meets level 3: "certificate types are classified into routing categories … the
    routing matrix is part of the operating model documentation".
    """
    return 3 if classified and rule_routed else None
