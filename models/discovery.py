"""Certificates an estate already holds: their classification and the types they propose.

Pure: the readers in `app/discovery/` turn files, CSV and crt.sh exports and live endpoints
into `ObservedCertificate` values; this module classifies each one (purpose from its key
usages, validation level from its policy OIDs, validity class from its lifetime), groups them
into proposed certificate types and explains each proposal in a sentence an architect can read
aloud ("412 certificates, serverAuth, issued by 2 public CAs, 398-day lifetimes, …").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from publicsuffixlist import PublicSuffixList

from models.certificate import CertificateType, TypeId
from models.common_name_patterns import normalise_cn_pattern
from models.dns_names import normalise_pattern
from models.email_names import normalise_email_pattern
from models.enums import BlastRadius, CaKind, Identity, Purpose, Validity, Workflow
from models.gc_pause import gc_paused
from models.industry_rules import classify as validity_class  # a lifetime's class
from models.issuance_policy import IssuanceProfileSettings
from models.project import Project

# Extended key usages (RFC 5280 §4.2.1.12) and the document-signing ones in common use.
SERVER_AUTH = "1.3.6.1.5.5.7.3.1"
CLIENT_AUTH = "1.3.6.1.5.5.7.3.2"
CODE_SIGNING = "1.3.6.1.5.5.7.3.3"
EMAIL_PROTECTION = "1.3.6.1.5.5.7.3.4"
DOCUMENT_SIGNING = frozenset({
    "1.3.6.1.4.1.311.10.3.12",  # Microsoft document signing
    "1.2.840.113583.1.1.5",  # Adobe Authentic Documents Trust
    "1.3.6.1.5.5.7.3.36",  # id-kp-documentSigning (RFC 9336)
})
EKU_NAMES = {SERVER_AUTH: "serverAuth", CLIENT_AUTH: "clientAuth", CODE_SIGNING: "codeSigning",
             EMAIL_PROTECTION: "emailProtection"}

# CA/B Forum reserved certificate-policy OIDs (TLS BR 7.1.6.1, CS BR 7.1.6, S/MIME BR 7.1.6.1).
EV_TLS = "2.23.140.1.1"
EV_CODE_SIGNING = "2.23.140.1.3"
POLICY_LEVELS = {
    EV_TLS: "EV", "2.23.140.1.2.1": "DV", "2.23.140.1.2.2": "OV", "2.23.140.1.2.3": "IV",
    EV_CODE_SIGNING: "EV", "2.23.140.1.4.1": "OV",
}
SMIME_POLICY_PREFIX = "2.23.140.1.5."  # .1 mailbox, .2 organisation, .3 sponsor, .4 individual
SMIME_LEVELS = {"1": "mailbox", "2": "organisation", "3": "sponsor", "4": "individual"}

# A proposal whose names spread over more parents than this is summarised as `**.domain`.
MAX_PATTERNS_PER_DOMAIN = 12
# Names under one parent from which a `*.parent` pattern is proposed instead of each name.
WILDCARD_FROM = 3


_SHORT_DAYS = Validity.SHORT.max_days


class Trust(StrEnum):
    """Whether a certificate chains to a publicly-trusted root (Mozilla's root program)."""

    PUBLIC = "public"
    PRIVATE = "private"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ObservedCertificate:
    """One certificate as found, reduced to the facts classification and replay read."""

    source: str  # "path/to/file.pem", "inventory.csv row 12", "crt.sh id 123", "host:443"
    fingerprint: str | None  # SHA-256 of the DER; None for an inventory row without one
    common_name: str | None
    dns_names: tuple[str, ...]
    email_addresses: tuple[str, ...]
    issuer: str
    not_before: dt.datetime | None
    not_after: dt.datetime | None
    key_kind: str  # a KeyKind value ("rsa", "ec", "ed25519") or another algorithm's name
    key_size: int
    curve: str | None = None
    ekus: tuple[str, ...] = ()  # dotted OIDs
    key_usages: tuple[str, ...] = ()  # cryptography's KeyUsage attribute names
    is_ca: bool = False
    policy_oids: tuple[str, ...] = ()
    serial: str = ""
    owner: str = ""
    other_sans: tuple[str, ...] = ()  # "IP:…", "URI:…"
    trust: Trust = Trust.UNKNOWN
    trust_reason: str = ""
    notes: tuple[str, ...] = ()  # unmapped inventory columns, reader remarks

    @property
    def identity(self) -> str:
        """What makes two observations the same certificate (duplicates count once)."""
        if self.fingerprint:
            return self.fingerprint
        return f"{self.issuer}\x00{self.serial}" if self.serial else self.source

    @property
    def lifetime_days(self) -> int | None:
        """Whole days from notBefore to notAfter (398 for a '398-day' certificate)."""
        if self.not_before is None or self.not_after is None:
            return None
        return max(0, round((self.not_after - self.not_before).total_seconds() / 86400))

    @property
    def key_label(self) -> str:
        return f"{self.key_kind.upper()}-{self.key_size}" if self.key_size else self.key_kind

    def live_on(self, day: dt.date) -> bool:
        """Valid on `day` (an inventory row without dates counts as live)."""
        if self.not_before is None or self.not_after is None:
            return True
        return self.not_before.date() <= day <= self.not_after.date()


def deduplicate(certs: Iterable[ObservedCertificate]) -> tuple[ObservedCertificate, ...]:
    """Each certificate once (by fingerprint, else issuer and serial), first sighting kept."""
    seen: dict[str, ObservedCertificate] = {}
    for cert in certs:
        seen.setdefault(cert.identity, cert)
    return tuple(seen.values())


# --- classification ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Classification:
    """What a certificate is, in the router's vocabulary (ROUTING-RULES.md)."""

    purpose: Purpose
    ca: CaKind
    validity: Validity
    level: str  # "EV", "OV", "DV", "IV", an S/MIME level, or "" (no CA/B Forum policy)


def validation_level(policy_oids: Sequence[str]) -> str:
    """The CA/B Forum validation level a certificate asserts through its policy OIDs."""
    for oid in policy_oids:
        if oid in POLICY_LEVELS:
            return POLICY_LEVELS[oid]
        if oid.startswith(SMIME_POLICY_PREFIX):
            return f"S/MIME {SMIME_LEVELS.get(oid.split('.')[5], 'other')}"
    return ""


def purpose_of(cert: ObservedCertificate, days: int | None = None) -> Purpose:
    """Purpose from basic constraints, then extended key usage, then key usage and names.

    `days` is the certificate's lifetime when the caller has it already.
    """
    ekus = set(cert.ekus)
    if cert.is_ca:
        return Purpose.CA_SIGNING
    if SERVER_AUTH in ekus:
        if EV_TLS in cert.policy_oids:
            return Purpose.EV_TLS
        if days is None:
            days = cert.lifetime_days
        short = (days or 0) <= _SHORT_DAYS
        if CLIENT_AUTH in ekus and cert.trust is not Trust.PUBLIC and short:
            return Purpose.MTLS  # a private, short-lived server+client identity: a mesh
        return Purpose.TLS_EXTERNAL if cert.trust is Trust.PUBLIC else Purpose.TLS_INTERNAL
    if CODE_SIGNING in ekus:
        return Purpose.CODE_SIGNING
    if EMAIL_PROTECTION in ekus:
        return Purpose.SMIME
    if ekus & DOCUMENT_SIGNING:
        return Purpose.DOCUMENT_SIGNING
    if CLIENT_AUTH in ekus:
        return Purpose.DEVICE_AUTH if not cert.email_addresses and cert.dns_names \
            else Purpose.CLIENT_AUTH
    # No extended key usage: read what the names and key usages say.
    if "key_cert_sign" in cert.key_usages:
        return Purpose.CA_SIGNING
    if cert.email_addresses and not cert.dns_names:
        return Purpose.SMIME
    if cert.dns_names:
        return Purpose.TLS_EXTERNAL if cert.trust is Trust.PUBLIC else Purpose.TLS_INTERNAL
    return Purpose.CLIENT_AUTH


def classify(cert: ObservedCertificate) -> Classification:
    """The certificate's purpose, CA kind, validity class and validation level."""
    days = cert.lifetime_days
    return Classification(
        purpose=purpose_of(cert, days),
        ca=CaKind.PUBLIC if cert.trust is Trust.PUBLIC else CaKind.PRIVATE,
        validity=validity_class(days) if days is not None else Validity.MEDIUM,
        level=validation_level(cert.policy_oids),
    )


# --- names -------------------------------------------------------------------------------

@functools.cache
def _suffix_list() -> PublicSuffixList:
    return PublicSuffixList()  # the list the package ships: no download at run time


@functools.lru_cache(maxsize=65536)  # renewals, merges and splits ask for the same names again
def registrable_domain(name: str) -> str:
    """`shop.example.co.uk` -> `example.co.uk` (Public Suffix List); a suffix stays itself."""
    bare = name.lower().rstrip(".").removeprefix("*.")
    return _suffix_list().privatesuffix(bare) or bare


def san_patterns(names: Iterable[str]) -> tuple[str, ...]:
    """Profile SAN patterns that cover the observed DNS names, tightest first.

    Three or more names under one parent become `*.parent` (one label, as the profile reads
    `*`); a domain whose names spread over more parents than MAX_PATTERNS_PER_DOMAIN becomes
    `**.domain` (any depth) plus the domain itself. Observed wildcard names are covered by
    their `*.parent` pattern; whether the type may *issue* wildcards is the design's call.
    """
    by_domain: dict[str, set[str]] = {}
    for name in names:
        name = name.lower().rstrip(".")
        by_domain.setdefault(registrable_domain(name), set()).add(name)
    patterns: list[str] = []
    for domain in sorted(by_domain):
        members = by_domain[domain]
        parents = Counter(n.partition(".")[2] for n in members if n != domain)
        wild = {p for p, count in parents.items() if count >= WILDCARD_FROM}
        wild |= {n.removeprefix("*.") for n in members if n.startswith("*.")}
        singles = sorted(n for n in members if not n.startswith("*.")
                         and n.partition(".")[2] not in wild)
        found = [f"*.{p}" for p in sorted(wild)] + singles
        if len(found) > MAX_PATTERNS_PER_DOMAIN:
            found = [f"**.{domain}", *([domain] if domain in members else [])]
        patterns += found
    return tuple(dict.fromkeys(patterns))


def cn_patterns(common_names: Iterable[str]) -> tuple[str, ...]:
    """Common-name patterns (`*` one or more characters) for types named without DNS names.

    Mailboxes become `*@domain`; other names sharing a prefix of whole words become
    `prefix *` ("Example Corp Release *"); otherwise the distinct names, up to
    MAX_PATTERNS_PER_DOMAIN of them, else `*` with the architect to tighten it.
    """
    names = sorted({n.strip() for n in common_names if n and n.strip()})
    if not names:
        return ()
    if all("@" in n for n in names):
        return email_patterns(names)
    prefix = os.path.commonprefix(names)  # noqa: RUF071  # a text prefix, not a path
    words = prefix[: prefix.rfind(" ") + 1] if " " in prefix else ""
    if len(names) > 1 and len(words.strip()) >= 4:
        return (f"{words}*",)
    return tuple(names) if len(names) <= MAX_PATTERNS_PER_DOMAIN else ("*",)


def email_patterns(addresses: Iterable[str]) -> tuple[str, ...]:
    """`*@domain` for every mailbox domain observed."""
    return tuple(sorted({f"*@{a.rpartition('@')[2].lower()}" for a in addresses if "@" in a}))


# --- proposals ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Proposal:
    """A group of observed certificates that looks like one certificate type."""

    key: Classification
    name: str
    members: tuple[int, ...]  # indices into the deduplicated certificates
    population: int  # live on the as-of date
    annual_volume: int  # issued in the year before the as-of date
    renewals: int  # of those, re-issues of a name set seen before
    lifetime_days: int | None  # median
    san_patterns: tuple[str, ...]
    email_patterns: tuple[str, ...]
    cn_patterns: tuple[str, ...]  # for types whose certificates carry no DNS names
    keys_seen: tuple[tuple[str, int], ...]  # ("RSA-2048", 380), most common first
    issuers: tuple[tuple[str, int], ...]
    owners: tuple[str, ...]
    wildcards: int  # certificates naming a wildcard
    explanation: str
    assumptions: tuple[str, ...] = field(default=())

    def certificate_type(self, type_id: TypeId, name: str | None = None) -> CertificateType:
        """The proposal as an inventory type; what certificates cannot tell is assumed, said so.

        Identity, blast radius and today's workflow are not written in a certificate:
        lifetimes of a short class show issuance is already automated (identity strong, as-is
        combined), longer ones are taken as issued by ticket (as-is admin-mediated); EV, code
        signing and CA certificates carry a high blast radius, public TLS a medium one, the rest low
        (ROUTING-RULES.md field table). The architect reviews both in the table.
        """
        purpose, ca = self.key.purpose, self.key.ca
        automated = self.lifetime_days is not None and \
            self.lifetime_days <= Validity.SHORT.max_days
        if purpose in (Purpose.EV_TLS, Purpose.CODE_SIGNING, Purpose.CA_SIGNING):
            blast = BlastRadius.HIGH
        elif ca is CaKind.PUBLIC:
            blast = BlastRadius.MEDIUM
        else:
            blast = BlastRadius.LOW
        settings = IssuanceProfileSettings(
            san_patterns=self.san_patterns or None,
            email_patterns=self.email_patterns or None,
            cn_patterns=self.cn_patterns or None,
        ) if self.san_patterns or self.email_patterns or self.cn_patterns else None
        return CertificateType(
            id=type_id, name=(name or self.name)[:200], purpose=purpose, ca=ca,
            validity=self.key.validity,
            identity=Identity.STRONG if automated else Identity.MEDIUM,
            blast_radius=blast, annual_volume=self.annual_volume,
            as_is_workflow=Workflow.COMBINED if automated else Workflow.ADMIN_MEDIATED,
            owner=(self.owners[0] if self.owners else "")[:200],
            profile=settings,
        )


def _proposal_name(key: Classification) -> str:
    level = f" {key.level}" if key.level and not key.level.startswith("S/MIME") else ""
    return f"{key.purpose.label} ({key.ca.value}{level}, {key.validity.value} validity)"


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _explain(count: int, certs: Sequence[ObservedCertificate], key: Classification,
             lifetime: int | None, patterns: Sequence[str], wildcards: int) -> str:
    ekus = Counter(EKU_NAMES.get(o, o) for c in certs for o in c.ekus if o in EKU_NAMES)
    usage = ", ".join(name for name, _ in ekus.most_common(2)) or (
        "CA" if key.purpose is Purpose.CA_SIGNING else "no extended key usage")
    issuers = {c.issuer for c in certs}
    parts = [plural(count, "certificate"), usage,
             f"issued by {plural(len(issuers), f'{key.ca.value} CA')}"]
    if lifetime is not None:
        parts.append(f"{lifetime}-day lifetimes")
    if patterns:
        shown = ", ".join(patterns[:3]) + (f" and {len(patterns) - 3} more" if
                                            len(patterns) > 3 else "")
        parts.append(shown)
    if wildcards:
        parts.append(f"{plural(wildcards, 'wildcard')} among them")
    return ", ".join(parts)


def _renewals(certs: Sequence[ObservedCertificate], start: dt.date, end: dt.date) -> int:
    """Certificates issued in [start, end] whose exact name set was seen in an earlier one."""
    seen: set[tuple[str, ...]] = set()
    renewals = 0
    dated = sorted((c for c in certs if c.not_before is not None),
                   key=lambda c: c.not_before or dt.datetime.min)
    for cert in dated:
        names = tuple(sorted({*cert.dns_names, *cert.email_addresses,
                              *([cert.common_name] if cert.common_name else [])}))
        assert cert.not_before is not None
        if names in seen and start <= cert.not_before.date() <= end:
            renewals += 1
        seen.add(names)
    return renewals


def current(cert: ObservedCertificate, today: dt.date) -> bool:
    """Live on `today`, or issued within the year before it (its renewals count)."""
    issued = cert.not_before.date() if cert.not_before is not None else None
    return cert.live_on(today) or (issued is not None and
                                   today - dt.timedelta(days=365) < issued <= today)


def propose(certs: Sequence[ObservedCertificate], *, today: dt.date) -> tuple[Proposal, ...]:
    """Group the current certificates by classification, largest group first.

    Certificates that expired more than a year before `today` describe an estate that no
    longer exists: they are not proposed (the caller reports how many). The cyclic collector
    is paused meanwhile: right after a scan it would walk every certificate held, repeatedly.
    """
    with gc_paused():
        return _propose(certs, today=today)


def _propose(certs: Sequence[ObservedCertificate], *, today: dt.date) -> tuple[Proposal, ...]:
    groups: dict[Classification, list[int]] = {}
    for index, cert in enumerate(certs):
        if current(cert, today):
            groups.setdefault(classify(cert), []).append(index)
    proposals = [_proposal(key, tuple(members), certs, today=today)
                 for key, members in groups.items()]
    return tuple(sorted(proposals, key=lambda p: (-len(p.members), p.name)))


def _proposal(key: Classification, members: tuple[int, ...],
              all_certs: Sequence[ObservedCertificate], *, today: dt.date) -> Proposal:
    certs = [all_certs[i] for i in members]
    year_ago = today - dt.timedelta(days=365)
    issued = sum(1 for c in certs if c.not_before is not None
                 and year_ago < c.not_before.date() <= today)
    lifetimes = [d for c in certs if (d := c.lifetime_days) is not None]
    lifetime = round(statistics.median(lifetimes)) if lifetimes else None
    population = sum(1 for c in certs if c.live_on(today))
    dns = [n for c in certs for n in c.dns_names]
    patterns, unusable = _holdable(san_patterns(dns), normalise_pattern)
    mails, bad_mails = _holdable(email_patterns(a for c in certs for a in c.email_addresses),
                                 normalise_email_pattern)
    cns, bad_cns = _holdable(() if dns else cn_patterns(c.common_name or "" for c in certs),
                             normalise_cn_pattern)
    wildcards = sum(1 for c in certs if any(n.startswith("*.") for n in c.dns_names))
    owners = Counter(c.owner for c in certs if c.owner)
    assumptions = ["identity, blast radius and today's workflow assumed from purpose and "
                   "lifetimes"]
    if not issued and lifetime:
        issued = round(population * 365 / max(lifetime, 1))
        assumptions.append("annual volume estimated from the live population and lifetime")
    if left_out := (*unusable, *bad_mails, *bad_cns):
        shown = ", ".join(repr(n) for n in left_out[:5])
        assumptions.append(f"left out of the profile, not a name pattern it can hold: {shown}"
                           + (f" and {len(left_out) - 5} more" if len(left_out) > 5 else ""))
    return Proposal(
        key=key, name=_proposal_name(key), members=members,
        population=population,
        annual_volume=issued, renewals=_renewals(certs, year_ago, today),
        lifetime_days=lifetime, san_patterns=patterns,
        email_patterns=mails,
        cn_patterns=cns,
        keys_seen=tuple(Counter(c.key_label for c in certs).most_common()),
        issuers=tuple(Counter(c.issuer for c in certs).most_common()),
        owners=tuple(o for o, _ in owners.most_common()),
        wildcards=wildcards,
        explanation=_explain(len(certs), certs, key, lifetime, patterns, wildcards),
        assumptions=tuple(assumptions),
    )


def _holdable(patterns: Sequence[str], normalise: Callable[[str], str]
              ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The observed patterns a profile can hold, and those it cannot (`localhost`, a host
    name with a space): a certificate may carry any text, a profile only valid names."""
    kept: list[str] = []
    dropped: list[str] = []
    for pattern in patterns:
        try:
            normalise(pattern)
        except ValueError:
            dropped.append(pattern)
        else:
            kept.append(pattern)
    return tuple(kept), tuple(dropped)


def merge(proposals: Sequence[Proposal], certs: Sequence[ObservedCertificate], *,
          today: dt.date) -> Proposal:
    """One proposal from several: the largest one's classification, every member."""
    if not proposals:
        raise ValueError("nothing to merge")
    largest = max(proposals, key=lambda p: len(p.members))
    members = tuple(sorted({m for p in proposals for m in p.members}))
    return _proposal(largest.key, members, certs, today=today)


def split_by_domain(proposal: Proposal, certs: Sequence[ObservedCertificate], *,
                    today: dt.date) -> tuple[Proposal, ...]:
    """One proposal per registrable domain of its members' first name."""
    groups: dict[str, list[int]] = {}
    for index in proposal.members:
        cert = certs[index]
        first = next(iter(cert.dns_names), None) or next(
            (a.rpartition("@")[2] for a in cert.email_addresses), None) or cert.common_name
        groups.setdefault(registrable_domain(first) if first else "(no name)", []).append(index)
    if len(groups) < 2:
        return (proposal,)
    parts = []
    for domain, members in sorted(groups.items()):
        part = _proposal(proposal.key, tuple(members), certs, today=today)
        parts.append(_renamed(part, f"{proposal.name} · {domain}"))
    return tuple(parts)


def _renamed(proposal: Proposal, name: str) -> Proposal:
    return dataclasses.replace(proposal, name=name)


@dataclass(frozen=True, slots=True)
class Choice:
    """What the architect decided for one proposal: its name, and a new type or an old one."""

    proposal: Proposal
    name: str
    into: TypeId | None = None  # None: a new type


def accept(project: Project, choices: Sequence[Choice]
           ) -> tuple[Project, dict[int, TypeId]]:
    """`project` with the choices applied, and the type each certificate now maps to.

    A new type is appended per choice (ids `discovered-N`). A proposal added to an existing
    type adds its annual volume to the type's and its observed name patterns to the type's
    profile edits (the derived patterns are kept where the type had no edits).
    """
    types = list(project.types)
    rows = {t.id: r for r, t in enumerate(types)}
    used = set(rows)
    mapping: dict[int, TypeId] = {}
    n = 1
    for choice in choices:
        proposal = choice.proposal
        if choice.into is not None:
            row = rows[choice.into]
            types[row] = _absorb(types[row], proposal, on=project.as_of)
            type_id = choice.into
        else:
            while f"discovered-{n}" in used:
                n += 1
            type_id = TypeId(f"discovered-{n}")
            used.add(type_id)
            types.append(proposal.certificate_type(type_id, choice.name))
        mapping.update((m, type_id) for m in proposal.members)
    updated = Project.model_validate({**project.model_dump(), "types": [
        t.model_dump() for t in types]})
    return updated, mapping


def _absorb(ctype: CertificateType, proposal: Proposal, *, on: dt.date) -> CertificateType:
    from models.issuance_policy import profile_for

    profile = profile_for(ctype, on=on)
    edits = ctype.profile or IssuanceProfileSettings()
    patterns: dict[str, tuple[str, ...] | None] = {}
    for name, observed in (("san_patterns", proposal.san_patterns),
                           ("email_patterns", proposal.email_patterns),
                           ("cn_patterns", proposal.cn_patterns)):
        if observed:
            current = getattr(edits, name) or getattr(profile, name) or ()
            patterns[name] = tuple(dict.fromkeys((*current, *observed)))
    data = ctype.model_dump()
    data["annual_volume"] = (ctype.annual_volume or 0) + proposal.annual_volume
    if patterns:
        data["profile"] = {**edits.model_dump(), **patterns}
    return CertificateType.model_validate(data)


def into_project(project: Project, proposals: Sequence[Proposal]
                 ) -> tuple[Project, tuple[TypeId, ...]]:
    """`project` with one new type per proposal appended, and their ids in order."""
    updated, _ = accept(project, [Choice(p, p.name) for p in proposals])
    return updated, tuple(t.id for t in updated.types[len(project.types):])
