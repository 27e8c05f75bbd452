"""Requests judged by the profile (models.issuance_policy.check) and by each ported target.

Each request is sent to one type's issuer (approver-policy), roles (Vault) or provisioner
(step-ca), from a requester entitled to that type. Its fate is one of:
- issued: signed, the certificate as the profile would make it;
- adjusted: signed after the target (or the profile's CA) changed the request to fit: a
  validity cut to the maximum, requested usages replaced, a common name added to the names;
- outside: signed with something the profile refuses (a name, key, validity or usage), or a
  certificate missing a usage the profile gives;
- refused; pending: left for a person to approve.
A row's `topic` names the loss (exporters.policy.common) a target must report if it differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from exporters.policy import approver_policy as ap_export
from exporters.policy.common import (
    ADJUSTS,
    CN_AMONG_DNS,
    DURATION_REQUIRED,
    IDNA_A_LABELS,
    KEY_TYPES,
    KEY_USAGES_EXACT,
    LABEL_SYNTAX,
    MIXED_CASE,
    MORE_PERMISSIVE,
    MORE_RESTRICTIVE,
    NO_EKU_REQUIRED,
    NOT_ENFORCEABLE,
    OTHER_TYPES_NAMES,
    PARTIAL_WILDCARD,
    USAGES_REPLACED,
    VALIDITY_CAPPED,
    WILDCARD_DEPTH,
    profile,
)
from models.certificate import CertificateType
from models.evaluation import Evaluation
from models.issuance_policy import (
    CsrFacts,
    IssuanceProfile,
    KeyKind,
    check,
    key_agreement,
    key_usages,
)
from models.project import Project

ISSUED, ADJUSTED, OUTSIDE, REFUSED, PENDING = "issued", "adjusted", "outside", "refused", \
    "pending"


@dataclass(frozen=True)
class Key:
    kind: KeyKind
    size: int  # RSA bits; EC curve BitSize; Ed25519 256
    curve: str | None = None  # models.key_rules curve name for EC

    @property
    def cert_manager(self) -> tuple[str, int]:
        """approver-policy's decodePublicKey."""
        return {KeyKind.RSA: ("RSA", self.size), KeyKind.EC: ("ECDSA", self.size),
                KeyKind.ED25519: ("Ed25519", -1)}[self.kind]


RSA_2048 = Key(KeyKind.RSA, 2048)
RSA_1024 = Key(KeyKind.RSA, 1024)
P_256 = Key(KeyKind.EC, 256, "secp256r1")
P_384 = Key(KeyKind.EC, 384, "secp384r1")
P_224 = Key(KeyKind.EC, 224, "secp224r1")
ED25519 = Key(KeyKind.ED25519, 256)

PROFILE = "profile"  # usages: exactly the profile's for the key kind (cert-manager spelling)
MAX, BEYOND = "max", "beyond"  # days: the profile's maximum, one day more


@dataclass(frozen=True)
class Request:
    label: str
    type_id: str
    dns: tuple[str, ...] = ()
    cn: str | None = None
    key: Key = P_256
    days: int | str | None = 30  # None: the request names no duration
    usages: tuple[str, ...] | str | None = PROFILE  # None: names no usages
    is_ca: bool = False
    ips: tuple[str, ...] = ()
    not_after: int | str | None = None  # days, as Vault's not_after parameter
    topic: str = ""


def rows() -> list[Request]:
    """The table: allowed and refused names, keys, durations and usages, and one type's
    request against another type's policy."""
    c, m, i = "customer-tls", "mesh-mtls", "internal-tls"
    www = ("example.com", "www.example.com")
    return [
        Request("apex and www, RSA", c, www, key=RSA_2048, days=90),
        Request("deeper name, P-256", c, ("a.b.example.com",), topic=WILDCARD_DEPTH),
        Request("one label deeper, P-384, the maximum validity", c, ("shop.example.com",),
                key=P_384, days=MAX),
        Request("a day past the maximum", c, ("shop.example.com",), days=BEYOND,
                topic=VALIDITY_CAPPED),
        Request("no duration named", c, ("shop.example.com",), days=None,
                topic=DURATION_REQUIRED),
        Request("not_after past the maximum", c, ("shop.example.com",), days=None,
                not_after=BEYOND),
        Request("wildcard where none is allowed", c, ("*.example.com",),
                topic=OTHER_TYPES_NAMES),
        Request("another domain", c, ("evil.com",)),
        Request("empty first label", c, (".example.com",)),
        Request("mid-name wildcard", c, ("a.*.example.com",)),
        Request("underscore", c, ("foo_bar.example.com",)),
        Request("upper case", c, ("WWW.example.com",), topic=MIXED_CASE),
        Request("hyphens in the 3rd and 4th place", c, ("ab--cd.example.com",),
                topic=LABEL_SYNTAX),
        # Internationalised names (RFC 5890): a valid A-label, Punycode that decodes to
        # nothing valid, and valid Punycode of a code point IDNA2008 disallows (U+1F4A9).
        Request("an IDN A-label (bücher)", c, ("xn--bcher-kva.example.com",)),
        Request("a bogus A-label", c, ("xn--abc.example.com",), topic=IDNA_A_LABELS),
        Request("an A-label IDNA2008 disallows", c, ("xn--ls8h.example.com",),
                topic=IDNA_A_LABELS),
        Request("RSA-1024", c, www, key=RSA_1024),
        Request("P-224", c, www, key=P_224, topic=KEY_TYPES),
        Request("Ed25519 where the profile has none", c, www, key=ED25519, topic=KEY_TYPES),
        Request("client auth asked for", c, www, usages=("digital signature", "server auth",
                                                         "client auth"), topic=USAGES_REPLACED),
        Request("CA:true asked for", c, www, is_ca=True, topic=USAGES_REPLACED),
        Request("an IP address", c, www, ips=("192.0.2.7",)),
        Request("common name not among the names", c, ("www.example.com",),
                cn="shop.example.com", topic=CN_AMONG_DNS),
        Request("common name among the names", c, www, cn="www.example.com"),
        Request("no usages named", c, www, usages=None, topic=NO_EKU_REQUIRED),
        Request("digital signature only, no EKU", c, www, usages=("digital signature",),
                topic=NO_EKU_REQUIRED),
        Request("key encipherment on an EC key", c, www,
                usages=("digital signature", "key encipherment", "server auth"),
                topic=KEY_USAGES_EXACT),
        Request("a mesh name to customer TLS", c, ("web.svc.cluster.local",),
                topic=OTHER_TYPES_NAMES),
        Request("a deep mesh name to customer TLS", c, ("web.default.svc.cluster.local",)),
        Request("mesh workload, P-256, a day", m, ("web.default.svc.cluster.local",), days=1,
                topic=WILDCARD_DEPTH),
        Request("mesh workload, Ed25519, the maximum", m, ("web.svc.cluster.local",),
                key=ED25519, days=MAX),
        Request("mesh workload, RSA", m, ("web.svc.cluster.local",), key=RSA_2048, days=1),
        Request("mesh past the maximum", m, ("web.svc.cluster.local",), days=BEYOND,
                topic=VALIDITY_CAPPED),
        Request("bare mesh suffix", m, ("svc.cluster.local",), days=1),
        Request("mesh wildcard", m, ("*.svc.cluster.local",), topic=OTHER_TYPES_NAMES, days=1),
        Request("deeper mesh wildcard", m, ("*.default.svc.cluster.local",), days=1),
        Request("a customer name to the mesh", m, ("www.example.com",), days=1,
                topic=OTHER_TYPES_NAMES),
        Request("P-224 to the mesh", m, ("web.svc.cluster.local",), key=P_224, days=1,
                topic=KEY_TYPES),
        Request("internal service, RSA", i, ("api.internal.example",), key=RSA_2048),
        Request("internal wildcard", i, ("*.internal.example",)),
        Request("internal wildcard one level down", i, ("*.a.internal.example",),
                topic=WILDCARD_DEPTH),
        Request("partial wildcard", i, ("foo*.internal.example",), topic=PARTIAL_WILDCARD),
        Request("internal mid-name wildcard", i, ("a.*.internal.example",)),
        Request("internal upper case", i, ("API.internal.example",), topic=MIXED_CASE),
        Request("mainframe host, its own issuer", "mainframe-tls",
                ("mainframe.internal.example",), key=RSA_2048, days=MAX,
                topic=NOT_ENFORCEABLE),
        Request("EV site, its own issuer", "ev-tls", ("www.example.com",), key=RSA_2048,
                days=MAX, topic=NOT_ENFORCEABLE),
        Request("code signing, its own issuer", "code-signing", (), cn="Example Org",
                key=Key(KeyKind.RSA, 3072), days=MAX, usages=("digital signature",
                                                             "code signing"),
                topic=NOT_ENFORCEABLE),
    ]


@dataclass(frozen=True)
class Case:
    """A request resolved against its type: concrete days, usages and the profile."""

    request: Request
    ctype: CertificateType
    combined: bool
    profile: IssuanceProfile
    days: int | None
    not_after: int | None
    usages: tuple[str, ...] | None  # cert-manager spellings

    @property
    def requested_ekus(self) -> tuple[str, ...]:
        names = {v: k for k, v in ap_export.USAGES.items()}
        return tuple(names[u].oid for u in self.usages or () if u in names)

    @property
    def requested_key_usages(self) -> set[str]:
        names = {v: k for k, v in ap_export.KEY_USAGES.items()}
        return {names[u] for u in self.usages or () if u in names}


def resolve(request: Request, project: Project, evaluation: Evaluation) -> Case:
    index = next(n for n, t in enumerate(project.types) if t.id == request.type_id)
    ctype = project.types[index]
    p = profile(ctype, project.as_of)  # the profile the exporters read (exporters.policy)

    def days(value: int | str | None) -> int | None:
        if value == MAX:
            return p.max_validity_days
        if value == BEYOND:
            return p.max_validity_days + 1
        return value if value is None else int(value)

    usages = ap_export.usages(p, request.key.kind) if request.usages == PROFILE \
        else request.usages
    return Case(request, ctype, evaluation.decisions[index].workflow.value == "combined", p,
                days(request.days), days(request.not_after),
                None if usages is None else tuple(usages))


@dataclass(frozen=True)
class Certificate:
    """What a target signs: the names, validity and usages of the certificate."""

    dns: tuple[str, ...]
    cn: str | None
    days: int
    ekus: frozenset[str]  # dotted OIDs
    key_usages: frozenset[str]  # models.issuance_policy.key_usages spellings
    is_ca: bool = False


def profile_usages(p: IssuanceProfile, kind: KeyKind) -> tuple[frozenset[str], frozenset[str]]:
    """The extended key usages and key usage bits the profile's CA gives this key kind."""
    bits = set(key_usages(p, kind.value)) | (
        {"key_agreement"} if key_agreement(p, kind.value) else set())
    return frozenset(e.oid for e in p.ekus), frozenset(bits)


def _violations(case: Case, cert: Certificate) -> bool:
    """Does the certificate hold anything the profile refuses, or lack a usage it gives?"""
    r, p = case.request, case.profile
    facts = CsrFacts(
        dns_names=cert.dns, common_name=cert.cn, key_kind=r.key.kind.value,
        key_size=r.key.size, signature_valid=True, curve=r.key.curve,
        other_sans=tuple(f"IP:{ip}" for ip in r.ips), requests_ca=cert.is_ca,
        requested_ekus=tuple(sorted(cert.ekus)))
    ekus, bits = profile_usages(p, r.key.kind)
    return bool(check(facts, p, validity_days=cert.days)) or cert.ekus != ekus or \
        not cert.key_usages <= bits


def asked_days(case: Case) -> int:
    """The validity the request asks for; none named is the maximum (every target's and the
    profile's default)."""
    return case.not_after or case.days or case.profile.max_validity_days


def fate(case: Case, cert: Certificate | None) -> str:
    """issued, adjusted or outside for a signed certificate; refused for None."""
    if cert is None:
        return REFUSED
    if _violations(case, cert):
        return OUTSIDE
    r = case.request
    changed = (cert.days != asked_days(case) or cert.dns != r.dns or cert.cn != r.cn
               or (r.is_ca and not cert.is_ca)
               or not set(case.requested_ekus) <= cert.ekus
               or not case.requested_key_usages <= cert.key_usages)
    return ADJUSTED if changed else ISSUED


def profile_outcome(case: Case) -> str:
    """What Certroute's own profile check (the reference) does with the request: its CA
    signs the asked names and validity with the profile's usages, or refuses."""
    if not case.combined:
        return PENDING
    r, p = case.request, case.profile
    facts = CsrFacts(
        dns_names=r.dns, common_name=r.cn, key_kind=r.key.kind.value, key_size=r.key.size,
        signature_valid=True, curve=r.key.curve,
        other_sans=tuple(f"IP:{ip}" for ip in r.ips), requests_ca=r.is_ca,
        requested_ekus=case.requested_ekus)
    if check(facts, p, validity_days=asked_days(case)):
        return REFUSED
    ekus, bits = profile_usages(p, r.key.kind)
    return fate(case, Certificate(r.dns, r.cn, asked_days(case), ekus, bits))


def effect(target: str) -> str:
    """How a target's fate that differs from the profile's shows as a Loss.effect."""
    if target == OUTSIDE:
        return MORE_PERMISSIVE
    if target == ADJUSTED:
        return ADJUSTS
    return MORE_RESTRICTIVE
