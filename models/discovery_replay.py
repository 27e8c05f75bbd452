"""Replay: how the certificates an estate holds would fare under the design being drawn.

Every discovered certificate is checked against the issuance profile of the type it maps to
(the same `check` the local CA refuses with, its lifetime as the requested validity, so a
lifetime beyond the type's maximum — the dated public cap included — is a refusal) and routed
by that type's decision: "37 of 412 would be refused by the design — 12 wildcards, 25
RSA-1024 — and 180 would route to combined".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from models.certificate import CertificateType, TypeId
from models.discovery import ObservedCertificate
from models.enums import Workflow
from models.evaluation import Evaluation
from models.issuance_policy import CsrFacts, IssuanceProfile, check, profile_for
from models.project import Project
from models.violations import Violation, ViolationCode

# How a refusal is counted in the one-line summary, by its first violation's kind.
_SUMMARY_KINDS: dict[ViolationCode, str] = {
    ViolationCode.WILDCARD: "wildcard",
    ViolationCode.WEAK_KEY: "weak key",
    ViolationCode.KEY_TYPE: "key type",
    ViolationCode.CURVE: "curve",
    ViolationCode.VALIDITY: "lifetime over the maximum",
    ViolationCode.SAN_OUTSIDE: "name outside the patterns",
    ViolationCode.EMAIL_OUTSIDE: "mailbox outside the patterns",
    ViolationCode.EKU: "extended key usage",
    ViolationCode.COMMON_NAME: "common name",
    ViolationCode.SAN_TYPE: "IP or URI name",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the design would do with one discovered certificate."""

    certificate: ObservedCertificate
    type_id: TypeId
    type_name: str
    workflow: Workflow
    violations: tuple[Violation, ...]

    @property
    def refused(self) -> bool:
        return bool(self.violations)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The summary kinds of the violations, in order, each once."""
        return tuple(dict.fromkeys(_kind(v, self.certificate) for v in self.violations))


def _kind(violation: Violation, cert: ObservedCertificate) -> str:
    if violation.code is ViolationCode.WEAK_KEY:
        return cert.key_label
    return _SUMMARY_KINDS.get(violation.code, violation.code.value)


def _unknown(cert: ObservedCertificate) -> frozenset[str]:
    """What the source did not say (crt.sh has no key; an inventory row may have no dates),
    so the check cannot hold it against the certificate."""
    unknown = set()
    if not cert.key_kind:
        unknown.add("key")
    if cert.lifetime_days is None:
        unknown.add("validity")
    return frozenset(unknown)


def facts_of(cert: ObservedCertificate) -> CsrFacts:
    """The certificate as if it were a request for the same names, key and usages."""
    return CsrFacts(
        dns_names=cert.dns_names, common_name=cert.common_name, key_kind=cert.key_kind,
        key_size=cert.key_size, signature_valid=True, curve=cert.curve,
        other_sans=cert.other_sans, requests_ca=cert.is_ca, requested_ekus=cert.ekus,
        email_addresses=cert.email_addresses,
    )


def replay(certs: Sequence[ObservedCertificate], mapping: Mapping[int, TypeId],
           project: Project, evaluation: Evaluation) -> tuple[Verdict, ...]:
    """A verdict for every end-entity certificate `mapping` (index -> type id) assigns a type.

    A fact the source did not give (crt.sh lists no key) is not held against a certificate.
    """
    index = {t.id: i for i, t in enumerate(project.types)}
    # Each certificate against its type's profile with the public caps in force on the day it
    # was issued (INDUSTRY-RULES.md: caps bind by issuance date); undated ones on the as-of date.
    profiles: dict[tuple[str, dt.date], IssuanceProfile] = {}

    def profile(ctype: CertificateType, cert: ObservedCertificate) -> IssuanceProfile:
        day = cert.not_before.date() if cert.not_before is not None else project.as_of
        if (ctype.id, day) not in profiles:
            profiles[ctype.id, day] = profile_for(ctype, on=day)
        return profiles[ctype.id, day]

    verdicts = []
    for cert_index, type_id in sorted(mapping.items()):
        if certs[cert_index].is_ca:
            continue  # chain certificates are the CA's own, not requests a design routes
        row = index.get(type_id)
        if row is None:
            raise KeyError(f"no certificate type {type_id!r} in the project")
        ctype = project.types[row]
        cert = certs[cert_index]
        violations = [v for v in check(facts_of(cert), profile(ctype, cert),
                                       validity_days=max(cert.lifetime_days or 1, 1))
                      if v.subject not in _unknown(cert)]
        verdicts.append(Verdict(cert, type_id, ctype.name, evaluation.decisions[row].workflow,
                                tuple(violations)))
    return tuple(verdicts)


def summary(verdicts: Sequence[Verdict]) -> str:
    """"37 of 412 would be refused by the design — 12 wildcard, 25 RSA-1024 — and 180 …"."""
    total = len(verdicts)
    refused = [v for v in verdicts if v.refused]
    kinds = Counter(v.kinds[0] for v in refused)
    combined = sum(1 for v in verdicts if not v.refused and v.workflow is Workflow.COMBINED)
    admin = total - len(refused) - combined
    why = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
    head = f"{len(refused):,} of {total:,} would be refused by the design"
    head += f" — {why} —" if why else ""
    return (f"{head} and {combined:,} would route to combined, {admin:,} to admin-mediated")
