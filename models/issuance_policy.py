"""Issuance profiles per certificate type and the pure checks of a CSR against them (SPEC.md §3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from models.common_name_patterns import MAX_COMMON_NAME, cn_pattern_matches, normalise_cn_pattern
from models.dns_names import name_violations, normalise_pattern
from models.email_names import address_violations, normalise_email_pattern
from models.enums import BlastRadius, CaKind, Purpose, Validity
from models.industry_rules import LimitKind, ValidityLimit, cap_scope, validity_limit
from models.key_rules import EKU_BY_OID, NIST_CURVES, KeyRequirement

# Re-exported: the CA and the policy exporters take a profile's vocabulary from this module.
from models.key_rules import ExtendedKeyUsage as ExtendedKeyUsage
from models.key_rules import KeyKind as KeyKind
from models.legal_identity import LegalIdentity, missing_identity
from models.name_constraints import name_constraints
from models.validation_types import IdentityNeed, ValidationType, derived_validation
from models.violations import Violation as Violation
from models.violations import ViolationCode

if TYPE_CHECKING:  # certificate.py imports this module for IssuanceProfileSettings
    from models.certificate import CertificateType

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

# A placeholder publisher, like the reserved example domains: the designer puts in the real one.
EXAMPLE_ORGANISATION = "Example Org"


# --- profiles ------------------------------------------------------------------------------

class IssuanceProfileSettings(BaseModel):
    """Edits to the profile derived from a type's fields; `None` keeps the derived value."""

    model_config = _FROZEN

    san_patterns: tuple[str, ...] | None = Field(
        None, description="Allowed DNS names: `*` is one label, a leading `**` one or more.")
    allow_wildcards: bool | None = Field(None, description="May a name be `*.domain`?")
    key_types: tuple[KeyRequirement, ...] | None = Field(
        None, description="Allowed key algorithms with their minimum sizes.")
    max_validity_days: int | None = Field(
        None, ge=1, le=825, description="Longest validity; never beyond the validity class.")
    ekus: tuple[ExtendedKeyUsage, ...] | None = Field(
        None, description="Extended key usages the certificate carries.")
    cn_patterns: tuple[str, ...] | None = Field(
        None, description="Allowed subject common names: `*` is one or more characters. "
        "Types without DNS names need one; with DNS names the common name must also be one "
        "of them.")
    email_patterns: tuple[str, ...] | None = Field(
        None, description="Allowed email addresses (rfc822Name SANs): `*@domain` is any "
        "mailbox there, `name@domain` that mailbox only; the domain is a DNS pattern.")
    validation: ValidationType | None = Field(
        None, description="CA/B Forum validation type (DV, OV, EV, S/MIME generation …); "
        "one the purpose allows, e.g. OV for a public TLS type.")

    @field_validator("san_patterns", "cn_patterns", "email_patterns")
    @classmethod
    def _normalise(cls, patterns: tuple[str, ...] | None,
                   info: ValidationInfo) -> tuple[str, ...] | None:
        """Each pattern in canonical form (blank ones dropped, duplicates once)."""
        if patterns is None:
            return None
        normalise = _NORMALISERS[info.field_name or ""]
        return tuple(dict.fromkeys(normalise(p) for p in patterns if p.strip()))


_NORMALISERS = {"san_patterns": normalise_pattern, "cn_patterns": normalise_cn_pattern,
                "email_patterns": normalise_email_pattern}


class IssuanceProfile(BaseModel):
    """What the CA may put in a certificate of one type: derived defaults plus the edits."""

    model_config = _FROZEN

    type_id: str
    purpose: Purpose
    san_patterns: tuple[str, ...]
    allow_wildcards: bool
    requires_dns_name: bool
    key_types: tuple[KeyRequirement, ...]
    max_validity_days: int
    class_max_days: int
    ekus: tuple[ExtendedKeyUsage, ...]
    issuable: bool = True  # False only in hand-made profiles: every purpose is issuable
    max_names: int = 100
    # Empty: DNS types need only a common name that is one of their names. None only in a
    # profile frozen into a request before common-name rules existed (checked as it was).
    cn_patterns: tuple[str, ...] | None = None
    # Defaults keep profiles frozen into requests before email SANs existed as they were.
    email_patterns: tuple[str, ...] = ()
    requires_email: bool = False
    # Defaults keep profiles frozen into requests before dated caps existed readable: the CA
    # then knows no CA kind and re-checks no public cap at fulfilment.
    ca: CaKind | None = None
    validity_limited_by: LimitKind = LimitKind.CLASS
    validity_reason: str = ""
    as_of: dt.date | None = None
    # None only in a profile frozen into a request before validation types existed.
    validation: ValidationType | None = None
    # The organisation's legal identity, for a validation type whose subject names it
    # (`with_organisation`); frozen into a request with the rest of the profile.
    organisation: LegalIdentity | None = None

    @property
    def issues_ca(self) -> bool:
        """A CA-signing profile: the test CA's root signs a subordinate CA (path length 0)
        whose name constraints come from the SAN and email patterns."""
        return self.purpose is Purpose.CA_SIGNING


# Purposes whose certificates name hosts by DNS name (derived from ROUTING-RULES.md purposes).
_DNS_PURPOSES = frozenset({Purpose.TLS_EXTERNAL, Purpose.TLS_INTERNAL, Purpose.EV_TLS,
                           Purpose.MTLS, Purpose.DEVICE_AUTH})
_EKUS: dict[Purpose, tuple[ExtendedKeyUsage, ...]] = {
    Purpose.TLS_EXTERNAL: (ExtendedKeyUsage.SERVER_AUTH,),
    Purpose.TLS_INTERNAL: (ExtendedKeyUsage.SERVER_AUTH,),
    Purpose.EV_TLS: (ExtendedKeyUsage.SERVER_AUTH,),
    Purpose.MTLS: (ExtendedKeyUsage.SERVER_AUTH, ExtendedKeyUsage.CLIENT_AUTH),
    Purpose.CLIENT_AUTH: (ExtendedKeyUsage.CLIENT_AUTH,),
    Purpose.DEVICE_AUTH: (ExtendedKeyUsage.CLIENT_AUTH,),
    Purpose.CODE_SIGNING: (ExtendedKeyUsage.CODE_SIGNING,),
    Purpose.DOCUMENT_SIGNING: (ExtendedKeyUsage.DOCUMENT_SIGNING,),
    Purpose.SMIME: (ExtendedKeyUsage.EMAIL_PROTECTION,),
    Purpose.CA_SIGNING: (),
}


def _placeholder_domain(ca: CaKind) -> str:
    # Reserved example domains (RFC 2606/6761): the designer replaces them with real ones.
    return "example.com" if ca is CaKind.PUBLIC else "internal.example"


def _derived_patterns(purpose: Purpose, ca: CaKind) -> tuple[str, ...]:
    domain = _placeholder_domain(ca)
    return {
        Purpose.TLS_EXTERNAL: (domain, f"**.{domain}"),
        Purpose.TLS_INTERNAL: (f"**.{domain}",),
        Purpose.EV_TLS: (domain, f"www.{domain}"),  # EV names are vetted one by one
        Purpose.MTLS: ("**.svc.cluster.local",),
        Purpose.DEVICE_AUTH: (f"**.devices.{domain}",),
    }.get(purpose, ())


def _derived_cn_patterns(purpose: Purpose, ca: CaKind) -> tuple[str, ...]:
    """Who a certificate without DNS names may name: servers often take its common name as
    the user name, and signing tools show it as the publisher, so it is never free text."""
    domain, org = _placeholder_domain(ca), EXAMPLE_ORGANISATION
    return {
        Purpose.CLIENT_AUTH: (f"*@{domain}",),  # a user or service principal
        Purpose.SMIME: (f"*@{domain}",),  # the mailbox, also one of the email SANs
        Purpose.CODE_SIGNING: (org, f"{org} *"),  # the publisher users are shown
        Purpose.DOCUMENT_SIGNING: (org, f"{org} *", f"*@{domain}"),  # organisation or signer
        Purpose.CA_SIGNING: (f"{org} * CA", f"{org} * CA *"),  # "Example Org TLS CA G2"
    }.get(purpose, ())


def _derived_email_patterns(purpose: Purpose, ca: CaKind) -> tuple[str, ...]:
    """The mailboxes a type may name: S/MIME certificates exist for one (S/MIME BR §1.1: an
    rfc822Name SAN), client certificates may carry the user's."""
    if purpose in (Purpose.SMIME, Purpose.CLIENT_AUTH):
        return (f"*@{_placeholder_domain(ca)}",)
    return ()


def _derived_keys(purpose: Purpose) -> tuple[KeyRequirement, ...]:
    # Code-signing baseline requirements ask for RSA-3072; TLS for RSA-2048 (CA/B Forum).
    long_lived = purpose in (Purpose.CODE_SIGNING, Purpose.DOCUMENT_SIGNING, Purpose.CA_SIGNING)
    keys = [KeyRequirement(kind=KeyKind.RSA, min_size=3072 if long_lived else 2048),
            KeyRequirement(kind=KeyKind.EC, min_size=256)]
    if purpose in (Purpose.MTLS, Purpose.CLIENT_AUTH, Purpose.DEVICE_AUTH):
        keys.append(KeyRequirement(kind=KeyKind.ED25519, min_size=256))
    return tuple(keys)


_NO_EDITS = IssuanceProfileSettings()  # frozen: one instance serves every unedited type


def type_validity_limit(ctype: CertificateType, *, on: dt.date) -> ValidityLimit:
    """A type's effective maximum validity on a date and the rule that set it (the profile's
    maximum, without building the whole profile: evaluate() asks for every type and date)."""
    return type_validity_limits(ctype, (on,))[0]


def type_validity_limits(ctype: CertificateType,
                         dates: tuple[dt.date, ...]) -> tuple[ValidityLimit, ...]:
    """`type_validity_limit` on each of `dates`, the type's profile edits read once."""
    edits = ctype.profile or _NO_EDITS
    ekus = edits.ekus if edits.ekus is not None else _EKUS[ctype.purpose]
    return _validity_limits(ctype.validity, edits.max_validity_days, ctype.ca, ekus,
                            ctype.purpose, dates)


# A few distinct answers shared by every type (evaluate() asks for each type on each rule
# date): one lookup per type instead of a cap scope and a limit per date.
@lru_cache(maxsize=4096)
def _validity_limits(validity: Validity, edit: int | None, ca: CaKind,
                     ekus: tuple[ExtendedKeyUsage, ...], purpose: Purpose,
                     dates: tuple[dt.date, ...]) -> tuple[ValidityLimit, ...]:
    scope = cap_scope(ca, ekus, purpose)
    return tuple(validity_limit(validity, edit, scope, on) for on in dates)


def profile_for(ctype: CertificateType, *, on: dt.date) -> IssuanceProfile:
    """The type's issuance profile on a date: derived from its fields, then its edits applied.

    The maximum validity is the smallest of the class maximum (ROUTING-RULES.md: short ≤ 90 d,
    medium ≤ 397 d, long ≤ 825 d), the profile edit and the public cap in force on `on`
    (models.industry_rules); `validity_limited_by`/`validity_reason` say which rule won. An
    edit can shorten the validity, never lengthen it past the class or the cap.
    """
    purpose = ctype.purpose
    edits = ctype.profile or IssuanceProfileSettings()
    ekus = edits.ekus if edits.ekus is not None else _EKUS[purpose]
    limit = type_validity_limit(ctype, on=on)
    # Wildcards only where a mis-issuance stays small; EV and mesh identities name one host.
    wildcards = ctype.blast_radius is BlastRadius.LOW and purpose in (
        Purpose.TLS_EXTERNAL, Purpose.TLS_INTERNAL)
    return IssuanceProfile(
        type_id=ctype.id,
        purpose=purpose,
        san_patterns=edits.san_patterns if edits.san_patterns is not None
        else _derived_patterns(purpose, ctype.ca),
        allow_wildcards=wildcards if edits.allow_wildcards is None else edits.allow_wildcards,
        requires_dns_name=purpose in _DNS_PURPOSES,
        key_types=edits.key_types if edits.key_types is not None else _derived_keys(purpose),
        max_validity_days=limit.days,
        class_max_days=ctype.validity.max_days,
        ekus=ekus,
        cn_patterns=edits.cn_patterns if edits.cn_patterns is not None
        else _derived_cn_patterns(purpose, ctype.ca),
        email_patterns=edits.email_patterns if edits.email_patterns is not None
        else _derived_email_patterns(purpose, ctype.ca),
        requires_email=purpose is Purpose.SMIME,
        ca=ctype.ca,
        validity_limited_by=limit.kind,
        validity_reason=limit.reason,
        as_of=on,
        validation=edits.validation or derived_validation(purpose, ctype.ca),
    )


def on_issuing_day(profile: IssuanceProfile, day: dt.date) -> IssuanceProfile:
    """A profile frozen into a request, with the public cap in force on the day it is issued.

    A request raised before a cap falls and fulfilled after is issued under the new cap
    (INDUSTRY-RULES.md: the caps bind by issuance date); a profile frozen before CA kinds
    were recorded is returned as it was.
    """
    if profile.ca is None:
        return profile
    limit = validity_limit(Validity.LONG, profile.max_validity_days,
                           cap_scope(profile.ca, profile.ekus, profile.purpose), day)
    if limit.kind is not LimitKind.PUBLIC_CAP or limit.days >= profile.max_validity_days:
        return profile
    return profile.model_copy(update={"max_validity_days": limit.days, "as_of": day,
                                      "validity_limited_by": limit.kind,
                                      "validity_reason": limit.reason})


def with_organisation(profile: IssuanceProfile,
                      legal: LegalIdentity | None) -> IssuanceProfile:
    """The profile the CA issues from: with the organisation's legal identity where its
    validation type puts it in the subject (OV, EV, code signing, organization S/MIME).

    A code-signing certificate's common name is the subject's legal name (CS BR 9.2.2), so
    with a legal identity that name is the only common name its profile allows.
    """
    if profile.validation is None or profile.validation.identity is IdentityNeed.NONE:
        return profile
    update: dict[str, object] = {"organisation": legal}
    if legal is not None and profile.validation in _CODE_SIGNING_TYPES:
        update["cn_patterns"] = (legal.legal_name,)
    return profile.model_copy(update=update)


_CODE_SIGNING_TYPES = frozenset({ValidationType.CODE_SIGNING, ValidationType.EV_CODE_SIGNING})


def key_usages(profile: IssuanceProfile, key_kind: str) -> frozenset[str]:
    """KeyUsage bits (cryptography's argument names) for a leaf of this profile and key.

    RSA TLS keys may also encipher the session key (RFC 5246 RSA key exchange); ECDSA and
    Ed25519 keys only sign. Document signing adds non-repudiation (contentCommitment).
    """
    bits = {"digital_signature"}
    tls = profile.purpose in _DNS_PURPOSES or profile.purpose is Purpose.SMIME
    if key_kind == KeyKind.RSA and tls:
        bits.add("key_encipherment")
    if profile.purpose is Purpose.DOCUMENT_SIGNING:
        bits.add("content_commitment")
    return frozenset(bits)


def key_agreement(profile: IssuanceProfile, key_kind: str) -> bool:
    """Whether a leaf also gets keyAgreement: an EC S/MIME key, which is dual use.

    CA/B Forum S/MIME BR 7.1.2.3(e): a dual-use `id-ecPublicKey` certificate sets
    digitalSignature and keyAgreement (mail is encrypted to it by ECDH), as a dual-use RSA one
    sets digitalSignature and keyEncipherment (`key_usages`). Ed25519 keys only sign. Kept
    apart from `key_usages`, whose bits the policy exporters translate and which have no
    keyAgreement name yet.
    """
    return profile.purpose is Purpose.SMIME and key_kind == KeyKind.EC


# --- facts and violations ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class CsrFacts:
    """What a CSR asks for, extracted by the CA service; plain values so the check stays pure."""

    dns_names: tuple[str, ...]
    common_name: str | None
    key_kind: str  # a KeyKind value, or e.g. "dsa", "ed448" for keys no profile allows
    key_size: int
    signature_valid: bool
    curve: str | None = None
    other_sans: tuple[str, ...] = ()  # "IP:10.0.0.1", "URI:…" — never allowed
    requests_ca: bool = False
    requested_ekus: tuple[str, ...] = ()  # dotted OIDs
    malformed: tuple[str, ...] = ()  # extensions that could not be parsed
    email_addresses: tuple[str, ...] = ()  # rfc822Name SANs, as requested
    signature_hash: str | None = None  # the CSR signature's digest ("sha256"; None: EdDSA)


# Digests whose collisions are practical (SHAttered, 2017; MD5 long before): a CSR signed
# with one proves nothing about its content.
WEAK_SIGNATURE_HASHES = {"sha1": "SHA-1", "md5": "MD5"}


def _key_violations(facts: CsrFacts, profile: IssuanceProfile) -> list[Violation]:
    allowed = {r.kind.value: r.min_size for r in profile.key_types}
    shown = f"{facts.key_kind.upper()}-{facts.key_size}"
    if facts.key_kind not in allowed:
        kinds = ", ".join(f"{k.upper()} ≥ {n}" for k, n in allowed.items()) or "none"
        return [Violation(ViolationCode.KEY_TYPE, "key",
                          f"{shown} keys are not allowed for this type (allowed: {kinds})")]
    v = []
    if facts.key_kind == KeyKind.EC and facts.curve not in NIST_CURVES:
        v.append(Violation(ViolationCode.CURVE, "key",
                           f"EC curve {facts.curve} is not allowed (P-256, P-384 or P-521)"))
    minimum = allowed[facts.key_kind]
    if facts.key_size < minimum:
        v.append(Violation(ViolationCode.WEAK_KEY, "key", f"{shown} is a weak key: this type "
                           f"needs {facts.key_kind.upper()}-{minimum} or stronger"))
    return v


def _subject_violations(facts: CsrFacts, profile: IssuanceProfile) -> list[Violation]:
    cn = facts.common_name
    if cn is None:
        # An S/MIME or client certificate may name its subject by email SAN alone.
        named_by_email = bool(facts.email_addresses and profile.email_patterns)
        if not profile.requires_dns_name and (profile.issues_ca or not named_by_email):
            return [Violation(ViolationCode.NO_NAME, "subject",
                              "the CSR names no subject common name; this type needs one")]
        return []
    if "\x00" in cn:
        return [Violation(ViolationCode.NUL, "subject",
                          f"common name {cn!r} contains an embedded NUL byte")]
    if len(cn) > MAX_COMMON_NAME:
        return [Violation(ViolationCode.COMMON_NAME, "subject",
                          f"common name is {len(cn)} characters long (at most 64)")]
    if profile.requires_dns_name and cn not in facts.dns_names:
        return [Violation(ViolationCode.COMMON_NAME, "subject",
                          f"common name {cn!r} is not one of the requested DNS names")]
    if "@" in cn and (facts.email_addresses or profile.requires_email) and \
            cn not in facts.email_addresses:
        # S/MIME BR §7.1.4.2.1: a mailbox in the subject repeats one of the email SANs.
        return [Violation(ViolationCode.COMMON_NAME, "subject", f"common name {cn!r} is a "
                          "mailbox but not one of the requested email addresses")]
    return _cn_rule_violations(cn, profile)


def _cn_rule_violations(cn: str, profile: IssuanceProfile) -> list[Violation]:
    """The profile's common-name patterns: required without DNS names, extra with them."""
    patterns = profile.cn_patterns
    if patterns is None or not profile.issuable or (profile.requires_dns_name and not patterns):
        return []
    if not cn.isprintable() or cn != cn.strip():
        return [Violation(ViolationCode.COMMON_NAME, "subject", f"common name {cn!r} has "
                          "control characters or leading or trailing spaces")]
    if not any(cn_pattern_matches(p, cn) for p in patterns):
        allowed = ", ".join(patterns) or "none"
        return [Violation(ViolationCode.COMMON_NAME, "subject", f"common name {cn!r} is not "
                          f"allowed for this type (allowed: {allowed})")]
    return []


def check(facts: CsrFacts, profile: IssuanceProfile, *, validity_days: int) -> list[Violation]:
    """Every way the CSR and the requested validity break the profile (empty: issuable).

    The CA issues only from the profile, so a violation here is a refusal, never a silent fix
    (SPEC.md §7: the CA never signs what its profile forbids).
    """
    v: list[Violation] = []
    if facts.signature_hash in WEAK_SIGNATURE_HASHES:
        # cryptography does not verify these at all, so "altered" would be a guess.
        name = WEAK_SIGNATURE_HASHES[facts.signature_hash]
        v.append(Violation(ViolationCode.WEAK_SIGNATURE, "csr", f"{name} signature not "
                           "accepted: sign the CSR with SHA-256 or stronger"))
    elif not facts.signature_valid:
        v.append(Violation(ViolationCode.BAD_SIGNATURE, "csr", "the CSR's signature does not "
                           "verify: it was altered or not signed by its own key"))
    v += [Violation(ViolationCode.MALFORMED, "csr", f"malformed CSR extension: {m}")
          for m in facts.malformed]
    if not profile.issuable:
        v.append(Violation(ViolationCode.NOT_ISSUABLE, "profile",
                           f"this {profile.purpose.label} profile issues no certificates"))
    if facts.requests_ca and not profile.issues_ca:
        v.append(Violation(ViolationCode.CA_REQUESTED, "csr", "the CSR asks for CA:true; this "
                           "type's certificates are end-entity certificates"))
    v += _san_violations(facts, profile)
    v += _subject_violations(facts, profile)
    v += _key_violations(facts, profile)
    v += _validation_violations(profile)
    if validity_days > profile.max_validity_days or validity_days < 1:
        why = (f": {profile.validity_reason}"
               if profile.validity_limited_by is LimitKind.PUBLIC_CAP else "")
        v.append(Violation(ViolationCode.VALIDITY, "validity",
                           f"validity of {validity_days} days is outside 1–"
                           f"{profile.max_validity_days} days allowed for this type{why}"))
    allowed_ekus = {e.oid for e in profile.ekus}
    v += [Violation(ViolationCode.EKU, "csr", f"the CSR asks for extended key usage "
                    f"{_eku_name(oid)}, which this type does not allow")
          for oid in facts.requested_ekus if oid not in allowed_ekus]
    return v


def _validation_violations(profile: IssuanceProfile) -> list[Violation]:
    """A validation type the purpose cannot have (a profile edit naming the wrong one)."""
    validation = profile.validation
    if validation is None or profile.purpose in validation.purposes:
        return []
    return [Violation(ViolationCode.VALIDATION_TYPE, "profile", f"validation type "
                      f"{validation.value} does not apply to {profile.purpose.label} "
                      "certificates")]


def identity_violations(profile: IssuanceProfile) -> list[Violation]:
    """Legal-identity fields the profile's validation type names in the subject but the
    project lacks (TLS BR 7.1.4.2.2, EV Guidelines 7.1.4.2, CS BR 9.2.4): the CA refuses to
    issue from `with_organisation`'s profile until they are set.

    Kept apart from `check`, which judges a certificate request against a profile: this is
    the project's gap, so a replay of existing certificates (models.discovery_replay) does not
    count it against each certificate.
    """
    validation = profile.validation
    if validation is None or profile.purpose not in validation.purposes:
        return []
    missing = missing_identity(profile.organisation, validation)
    if not missing:
        return []
    return [Violation(ViolationCode.ORGANISATION_IDENTITY, "subject", f"{validation.label} "
                      "certificates name the organisation, but the project lacks "
                      f"{', '.join(missing)} (set them in Organisation details…)")]


def _san_violations(facts: CsrFacts, profile: IssuanceProfile) -> list[Violation]:
    """The subject alternative names: DNS names and email addresses, each checked."""
    if profile.issues_ca:
        return _ca_san_violations(facts) + _constraint_violations(profile)
    kinds = " and ".join(k for k, allowed in (("DNS names", profile.san_patterns),
                                              ("email addresses", profile.email_patterns))
                         if allowed) or "no alternative names"
    v = [Violation(ViolationCode.SAN_TYPE, other, f"SAN {other} is not allowed: this type's "
                   f"profile allows {kinds} only") for other in facts.other_sans]
    count = len(facts.dns_names) + len(facts.email_addresses)
    if count > profile.max_names:
        v.append(Violation(ViolationCode.TOO_MANY_NAMES, "csr", f"the CSR asks for "
                           f"{count} names (at most {profile.max_names})"))
    return v + _dns_violations(facts, profile) + _email_violations(facts, profile)


def _ca_san_violations(facts: CsrFacts) -> list[Violation]:
    """A subordinate CA names no hosts or mailboxes: its profile's patterns constrain the
    names beneath it instead (models.name_constraints)."""
    sans = [*facts.dns_names, *(f"email:{e}" for e in facts.email_addresses),
            *facts.other_sans]
    return [Violation(ViolationCode.SAN_TYPE, name, f"SAN {name} is not allowed: a CA "
                      "certificate carries no subject alternative names; the profile's "
                      "patterns become its name constraints") for name in dict.fromkeys(sans)]


def _constraint_violations(profile: IssuanceProfile) -> list[Violation]:
    """A subordinate CA is issued only with name constraints that constrain: none at all, or
    a pattern no subtree holds, would let it sign for any name (models.name_constraints)."""
    constraints = name_constraints(profile.san_patterns, profile.email_patterns)
    return [Violation(ViolationCode.NOT_ISSUABLE, subject, message)
            for subject, message in constraints.problems()]


def _dns_violations(facts: CsrFacts, profile: IssuanceProfile) -> list[Violation]:
    if facts.dns_names and not profile.san_patterns:
        return [Violation(ViolationCode.SAN_OUTSIDE, "csr", f"{profile.purpose.label} "
                          "certificates carry no DNS names")]
    v: list[Violation] = []
    if profile.requires_dns_name and not facts.dns_names:
        v.append(Violation(ViolationCode.NO_NAME, "csr",
                           "the CSR names no DNS name; this type needs at least one"))
    for name in dict.fromkeys(facts.dns_names):
        v += name_violations(name, patterns=profile.san_patterns,
                             allow_wildcards=profile.allow_wildcards)
    return v


def _email_violations(facts: CsrFacts, profile: IssuanceProfile) -> list[Violation]:
    if facts.email_addresses and not profile.email_patterns:
        return [Violation(ViolationCode.SAN_TYPE, address, f"SAN email:{address} is not "
                          "allowed: this type's profile allows no email addresses")
                for address in dict.fromkeys(facts.email_addresses)]
    v: list[Violation] = []
    if profile.requires_email and not facts.email_addresses:
        # S/MIME BR §1.1: an S/MIME certificate names its mailbox in an rfc822Name SAN.
        v.append(Violation(ViolationCode.NO_NAME, "csr", "the CSR names no email address; "
                           "this type needs at least one"))
    for address in dict.fromkeys(facts.email_addresses):
        v += address_violations(address, patterns=profile.email_patterns)
    return v


def _eku_name(oid: str) -> str:
    eku = EKU_BY_OID.get(oid)
    return eku.value if eku else oid
