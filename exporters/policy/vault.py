"""HashiCorp Vault PKI: one role per combined type, as the JSON body of `pki/roles/:name`.

Parameter names and semantics from Vault's PKI secrets engine API ("Create/Update role"):
`allowed_domains` with `allow_bare_domains` / `allow_subdomains` / `allow_glob_domains`
(role-wide flags), `allow_wildcard_certificates`, `key_type` + `key_bits`, `ttl` / `max_ttl`,
`key_usage`, the extended-key-usage flags and `ext_key_usage_oids`; the common name through
`require_cn` and `cn_validations` (`hostname` / `email` checked against allowed_domains,
or `disabled`). E-mail SANs are checked like host names: the part after the `@` against
allowed_domains and the same role-wide flags, the local part not at all.
"""

from __future__ import annotations

import json
from typing import Any

from exporters.policy.apply_guides import VAULT_NOT_AFTER_FIX
from exporters.policy.apply_guides import vault_readme as readme
from exporters.policy.common import (
    ADJUSTS,
    IDNA_A_LABELS,
    LABEL_SYNTAX,
    MORE_PERMISSIVE,
    MORE_RESTRICTIVE,
    PARTIAL_WILDCARD,
    USAGES_REPLACED,
    VALIDITY_CAPPED,
    Translation,
    dns_common_name_losses,
    enforceable,
    hours,
    mixed_case_loss,
    resource_name,
)
from exporters.policy.common_names import CommonNameShapes, mailbox_domain
from exporters.policy.emails import email_patterns
from exporters.policy.names import patterns
from models.certificate import CertificateType
from models.evaluation import Evaluation
from models.issuance_policy import (
    ExtendedKeyUsage,
    IssuanceProfile,
    KeyKind,
    key_agreement,
    key_usages,
)
from models.project import Project

KEY_TYPES = {KeyKind.RSA: "rsa", KeyKind.EC: "ec", KeyKind.ED25519: "ed25519"}
# The PKI secrets engine's mount path in the ACL policies (README.md: change it if yours differs).
MOUNT = "pki"
KEY_USAGE_NAMES = {"digital_signature": "DigitalSignature",
                   "key_encipherment": "KeyEncipherment",
                   "content_commitment": "ContentCommitment",
                   "key_agreement": "KeyAgreement"}


def _domains(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> dict[str, Any]:
    """Profile patterns -> allowed_domains and the role-wide flags that read them."""
    domains: list[str] = []
    bare = subdomains = globs = False
    for pattern in patterns(p.san_patterns):
        if pattern.exact:
            domains.append(pattern.text)
            bare = True
        elif pattern.any_depth_suffix is not None:
            domains.append(pattern.any_depth_suffix)
            subdomains = True
        else:
            domains.append(pattern.glob())
            globs = True
            out.lose(ctype, "single-label wildcard",
                     f"{pattern.text}: Vault's glob `*` also matches several labels.",
                     effect=MORE_PERMISSIVE, area="names")
    _label_losses(p, out, ctype, subdomains or globs)
    if bare and subdomains:
        exact = {x.text for x in patterns(p.san_patterns) if x.exact}
        deep = {x.any_depth_suffix for x in patterns(p.san_patterns)} - {None}
        if exact != deep:
            out.lose(ctype, "role-wide domain flags",
                     "allow_bare_domains and allow_subdomains apply to every allowed domain, "
                     "so the role allows bare names and subdomains of all of them.",
                     effect=MORE_PERMISSIVE, area="names")
    return {
        "allowed_domains": list(dict.fromkeys(domains)),
        "allow_bare_domains": bare,
        "allow_subdomains": subdomains,
        "allow_glob_domains": globs,
        "allow_wildcard_certificates": p.allow_wildcards,
        "allow_any_name": False,
        "enforce_hostnames": True,
        "allow_localhost": False,
        "allow_ip_sans": False,
    }


def _label_losses(p: IssuanceProfile, out: Translation, ctype: CertificateType,
                  prefixes: bool) -> None:
    """ValidateNames checks a name's syntax with hostnameRegex (any case) and the wildcard
    label with leftWildLabelRegex (RFC 6125 partial wildcards), not the profile's rules."""
    if not p.san_patterns:
        return
    mixed_case_loss(out, ctype, why="hostnameRegex admits upper case and allowed_domains "
                    "compare the bare name ignoring case", before="pki/sign")
    if prefixes:
        out.lose(ctype, LABEL_SYNTAX,
                 "hostnameRegex admits `--` in the third and fourth characters of a label "
                 "that is not an `xn--` A-label (`ab--cd.example.com`); the profile refuses it. "
                 "Refuse such names before pki/sign.",
                 effect=MORE_PERMISSIVE, area="names")
    out.lose(ctype, IDNA_A_LABELS,
             "an `xn--` label is Punycode-decoded but not validated (Vault's IDNA profile "
             "sets no ValidateLabels): an A-label of control characters (`xn--abc`) or of a "
             "code point IDNA2008 disallows (an emoji, `xn--ls8h`) is signed where the profile "
             "refuses it. Refuse `xn--` names that do not round-trip through IDNA2008 before "
             "pki/sign.",
             effect=MORE_PERMISSIVE, area="names")
    if p.allow_wildcards:
        out.lose(ctype, PARTIAL_WILDCARD,
                 "allow_wildcard_certificates also admits RFC 6125 partial wildcards "
                 "(`foo*.internal.example`); the profile allows `*` only as a whole label. "
                 "Refuse a `*` inside a label before pki/sign.",
                 effect=MORE_PERMISSIVE, area="names")


def _emails(p: IssuanceProfile, out: Translation, ctype: CertificateType,
            domains: dict[str, Any]) -> dict[str, Any]:
    """The domain parameters widened to the email patterns' domains (the role checks an
    e-mail SAN's domain against them like a host name)."""
    if not p.email_patterns:
        return domains
    body, added = dict(domains), []
    for email in email_patterns(p.email_patterns):
        domain = email.domain
        if domain.exact:
            added.append(domain.text)
            body["allow_bare_domains"] = True
        elif domain.any_depth_suffix is not None:
            added.append(domain.any_depth_suffix)
            body["allow_subdomains"] = True
        else:
            added.append(domain.glob())
            body["allow_glob_domains"] = True
            out.lose(ctype, "single-label wildcard",
                     f"{email.text}: Vault's glob `*` also matches several labels.",
                     effect=MORE_PERMISSIVE, area="names")
        if not email.any_mailbox:
            out.lose(ctype, "mailbox local parts",
                     f"{email.text}: a role checks only the domain of an e-mail address, so "
                     f"any mailbox at {domain.text} is issued.",
                     effect=MORE_PERMISSIVE, area="names")
    new = [d for d in dict.fromkeys(added) if d not in domains["allowed_domains"]]
    if new:
        out.lose(ctype, "mailbox domains in allowed_domains",
                 f"{', '.join(new)}: allowed_domains serve DNS names and e-mail SANs alike, "
                 "so the role would also issue DNS names there; the profile allows none.",
                 effect=MORE_PERMISSIVE, area="names")
    if any(body[flag] != domains[flag] for flag in ("allow_bare_domains", "allow_subdomains",
                                                     "allow_glob_domains")) and p.san_patterns:
        out.lose(ctype, "role-wide domain flags",
                 "the e-mail patterns need domain flags the DNS patterns do not; they apply "
                 "to every allowed domain, DNS names included.",
                 effect=MORE_PERMISSIVE, area="names")
    if p.requires_email:
        out.lose(ctype, "required e-mail address",
                 "a role cannot require an e-mail SAN: a request without one is issued.",
                 effect=MORE_PERMISSIVE, area="names")
    body["allowed_domains"] = list(dict.fromkeys([*domains["allowed_domains"], *added]))
    return body


def _common_name(p: IssuanceProfile, out: Translation, ctype: CertificateType,
                 domains: dict[str, Any]) -> dict[str, Any]:
    """The role's common-name parameters. Vault checks a common name like a SAN: a host name
    or the domain of a mailbox against allowed_domains (`cn_validations`), nothing finer."""
    if p.requires_dns_name:
        dns_common_name_losses(
            out, ctype, p, checks="a role checks the common name against allowed_domains",
            among="Vault adds a host-name common name to the DNS names instead of refusing one "
            "that is not among them (the ACL policy denies exclude_cn_from_sans, so it is "
            "always added and checked against the role like them).", effect=ADJUSTS)
        return {"cn_validations": ["hostname"], "require_cn": False}
    cn_patterns = p.cn_patterns or ()
    shapes = CommonNameShapes.of(cn_patterns)
    unexpressed = [pattern for pattern in cn_patterns if mailbox_domain(pattern) is None]
    # Where an e-mail SAN can name the subject the profile asks a common name only without
    # one; a role asks it always or never, so it asks it unless the type requires an e-mail.
    body: dict[str, Any] = {"cn_validations": ["disabled"] if unexpressed else ["email"],
                            "require_cn": not p.requires_email}
    new = [d for d in shapes.mailbox_domains if d not in domains["allowed_domains"]]
    if new:
        body["allowed_domains"] = [*domains["allowed_domains"], *new]
        body["allow_bare_domains"] = True
        out.lose(ctype, "mailbox domains in allowed_domains",
                 f"{', '.join(new)}: allowed_domains and allow_bare_domains "
                 "serve DNS names and e-mail SANs too, so the role would also issue these "
                 "domains as DNS names, and it copies the common name into an e-mail SAN; the "
                 "profile allows neither.",
                 effect=MORE_PERMISSIVE, area="names")
    if p.email_patterns:
        _mailbox_common_name_losses(p, out, ctype)
    if unexpressed:
        out.lose(ctype, "common-name patterns",
                 f"{', '.join(unexpressed)}: a role checks a common name only as a host name "
                 "or mailbox in allowed_domains, so cn_validations is \"disabled\" and any "
                 "common name is issued — check it before pki/sign/<role>.",
                 effect=MORE_PERMISSIVE, area="names")
    return body


def _mailbox_common_name_losses(p: IssuanceProfile, out: Translation,
                                ctype: CertificateType) -> None:
    """What a role cannot say about the common name of a type with e-mail SANs."""
    if not p.cn_patterns:
        out.lose(ctype, "no common name",
                 "the profile allows none (the e-mail address names the subject); a role "
                 "cannot refuse one, only check it as a mailbox in allowed_domains.",
                 effect=MORE_PERMISSIVE, area="names")
        return
    out.lose(ctype, "common name among the email addresses",
             "Vault adds a mailbox common name to the e-mail SANs instead of refusing one that "
             "is not among them (the ACL policy denies exclude_cn_from_sans).",
             effect=ADJUSTS, area="names")
    if not p.requires_email:
        out.lose(ctype, "common name required only without an email address",
                 "require_cn is true, so a request named by its e-mail address alone is "
                 "refused.", effect=MORE_RESTRICTIVE, area="names")


def _key(kind: KeyKind, min_size: int) -> dict[str, Any]:
    """One key type: SignCert refuses a CSR of another type and, for RSA and EC, one below
    key_bits (for EC the curve size, so 256 admits P-256, P-384 and P-521, not P-224)."""
    return {"key_type": KEY_TYPES[kind], "key_bits": 0 if kind is KeyKind.ED25519 else min_size}


def role(ctype: CertificateType, p: IssuanceProfile, out: Translation,
         kind: KeyKind = KeyKind.RSA, min_size: int = 2048) -> dict[str, Any]:
    """The role parameters for one type and key kind."""
    # The bits the CA sets for this key kind; keyAgreement for an EC S/MIME key.
    usages = key_usages(p, kind.value) | (
        frozenset({"key_agreement"}) if key_agreement(p, kind.value) else frozenset())
    ekus = set(p.ekus)
    domains = _emails(p, out, ctype, _domains(p, out, ctype))
    body: dict[str, Any] = {**domains, **_common_name(p, out, ctype, domains),
                            **_key(kind, min_size)}
    body.update({
        "ttl": hours(p.max_validity_days),
        "max_ttl": hours(p.max_validity_days),
        "key_usage": [KEY_USAGE_NAMES[u] for u in sorted(usages)],
        "server_flag": ExtendedKeyUsage.SERVER_AUTH in ekus,
        "client_flag": ExtendedKeyUsage.CLIENT_AUTH in ekus,
        "code_signing_flag": ExtendedKeyUsage.CODE_SIGNING in ekus,
        "email_protection_flag": ExtendedKeyUsage.EMAIL_PROTECTION in ekus,
        "ext_key_usage": [],
        "ext_key_usage_oids": [e.oid for e in p.ekus
                               if e is ExtendedKeyUsage.DOCUMENT_SIGNING],
        "basic_constraints_valid_for_non_ca": False,
        "use_csr_common_name": True,
        "use_csr_sans": True,
        "no_store": False,
        "generate_lease": False,
    })
    return body


def role_name(ctype: CertificateType, kind: KeyKind) -> str:
    return f"{resource_name(ctype.id)}-{KEY_TYPES[kind]}"


# Request parameters of pki/sign/:role and pki/issue/:role that would step around the role:
# not_after is not held to max_ttl before the fix of hashicorp/vault#29928, and
# exclude_cn_from_sans keeps a common name out of the DNS names it must be one of.
DENIED_PARAMETERS = ("not_after", "exclude_cn_from_sans")


def acl_policy(mount: str, role_names: list[str]) -> dict[str, Any]:
    """A Vault ACL policy (JSON form) that permits exactly sign and issue on these roles."""
    return {"path": {f"{mount}/{verb}/{name}": {
        "capabilities": ["create", "update"],
        "denied_parameters": {parameter: [] for parameter in DENIED_PARAMETERS}}
        for name in role_names for verb in ("sign", "issue")}}


def _request_losses(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> None:
    """What a role does with a request the profile would refuse: it fits the request."""
    out.lose(ctype, VALIDITY_CAPPED,
             f"a ttl beyond max_ttl ({hours(p.max_validity_days)}) is cut to max_ttl with a "
             "warning (GetCertificateNotAfter) where the profile refuses the request; not_after "
             f"is denied by the ACL policy (Vault before {VAULT_NOT_AFTER_FIX} does not hold it "
             "to max_ttl).", effect=ADJUSTS, area="validity")
    out.lose(ctype, USAGES_REPLACED,
             "a role stamps its own key_usage and extended key usages: a CSR asking for others "
             "is signed with the role's, where the profile refuses a CSR asking for another "
             "extended key usage.", effect=ADJUSTS, area="usages")


def translate(project: Project, evaluation: Evaluation) -> Translation:
    """One role JSON file per combined type and key type, an ACL policy per type, the apply
    guide, and what Vault roles cannot express."""
    out = Translation("HashiCorp Vault PKI")
    guide: list[tuple[CertificateType, str, list[str]]] = []
    for ctype, _decision, p in enforceable(
            project, evaluation, out,
            no_approval=(
                "No role is written for it, so pki/sign and pki/issue refuse its requests; "
                "a PKI role has no approval step. Vault Enterprise control groups can hold "
                "a path for authorisers, but not the type's approval criteria.")):
        names = []
        for key in p.key_types:
            name = role_name(ctype, key.kind)
            body = role(ctype, p, out, key.kind, key.min_size)
            out.files[f"vault/roles/{name}.json"] = json.dumps(
                body, indent=2, ensure_ascii=False) + "\n"
            names.append(name)
        _request_losses(p, out, ctype)
        policy = resource_name(ctype.id)
        out.files[f"vault/policies/{policy}.json"] = json.dumps(
            acl_policy(MOUNT, names), indent=2) + "\n"
        guide.append((ctype, policy, names))
    out.files["vault/README.md"] = readme(project, evaluation, guide)
    return out
