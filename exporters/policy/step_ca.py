"""step-ca: the name policy at the authority, per combined type a provisioner with claims and
an X.509 template.

Where open-source step-ca enforces what (smallstep/certificates, cited in
tests/exporters/policy_ports/step_ca.py): ca.json's `authority.policy.x509` (`allow.dns`,
`allow.cn`, `allow.email`, `allowWildcardNames`) holds every provisioner to the same names —
a provisioner in ca.json has no policy field of its own, and per-provisioner policies need
the admin API, which standalone step-ca disables. A provisioner's `claims`
(`minTLSCertDuration`, `maxTLSCertDuration`, `defaultTLSCertDuration`) bound the validity
and its `options.x509.template` stamps the key usages and extended key usages. `*.d` in
`allow.dns` is exactly one label under `d`; `d` is `d` itself.
"""

from __future__ import annotations

import json
from typing import Any

from exporters.policy.apply_guides import step_ca_readme as readme
from exporters.policy.common import (
    ADJUSTS,
    IDNA_A_LABELS,
    KEY_TYPES,
    MORE_PERMISSIVE,
    MORE_RESTRICTIVE,
    OTHER_TYPES_NAMES,
    USAGES_REPLACED,
    WILDCARD_DEPTH,
    Translation,
    dns_common_name_losses,
    enforceable,
    hours,
    mixed_case_loss,
    resource_name,
    uses_rsa,
)
from exporters.policy.common_names import CommonNameShapes
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

FILE = "step-ca/provisioners.json"
POLICY_FILE = "step-ca/authority-policy.json"
EKU_NAMES = {ExtendedKeyUsage.SERVER_AUTH: "serverAuth",
             ExtendedKeyUsage.CLIENT_AUTH: "clientAuth",
             ExtendedKeyUsage.CODE_SIGNING: "codeSigning",
             ExtendedKeyUsage.EMAIL_PROTECTION: "emailProtection"}
KEY_USAGE_NAMES = {"digital_signature": "digitalSignature",
                   "key_encipherment": "keyEncipherment",
                   "content_commitment": "contentCommitment"}


def _dns(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> list[str]:
    """allow.dns for the SAN patterns: `d` and `*.d` (one label under d) are exact; `**.d`
    becomes `*.d`, refusing deeper names; other wildcard shapes cannot be said."""
    names: list[str] = []
    for pattern in patterns(p.san_patterns):
        labels = pattern.labels
        if pattern.exact or (labels[0] == "*" and pattern.fixed_suffix == ".".join(labels[1:])):
            names.append(pattern.text)
        elif pattern.any_depth_suffix is not None:
            names.append(f"*.{pattern.any_depth_suffix}")
            out.lose(ctype, WILDCARD_DEPTH,
                     f"{pattern.text}: step-ca's `*.{pattern.any_depth_suffix}` is exactly one "
                     f"label under {pattern.any_depth_suffix} (matchDomainConstraint), so deeper "
                     "names are refused — list `*.SUBDOMAIN` for each deeper level you use.",
                     effect=MORE_RESTRICTIVE, area="names")
        else:
            out.lose(ctype, "wildcard shape",
                     f"{pattern.text}: allow.dns takes a `*` only as the leftmost label, so "
                     "these names are refused — list them one by one.",
                     effect=MORE_RESTRICTIVE, area="names")
    if p.san_patterns:
        mixed_case_loss(out, ctype, why="step-ca maps a requested name to lower case before "
                        "matching (IDNA lookup)", before="step-ca")
        out.lose(ctype, IDNA_A_LABELS,
                 "step-ca's IDNA lookup (UTS #46) accepts an A-label of a code point IDNA2008 "
                 "disallows, such as an emoji (`xn--ls8h`), which the profile refuses; "
                 "Punycode that decodes to nothing valid is refused by both. Refuse such names "
                 "before step-ca if your relying parties follow IDNA2008.",
                 effect=MORE_PERMISSIVE, area="names")
    return list(dict.fromkeys(names))


def _emails(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> list[str]:
    """allow.email for the email patterns: `d` for `*@d`, the mailbox for `name@d`."""
    entries: list[str] = []
    for email in email_patterns(p.email_patterns):
        if not email.domain.exact:
            out.lose(ctype, "email pattern shape",
                     f"{email.text}: allow.email names one domain or one mailbox, with no "
                     "wildcards, so step-ca refuses these addresses — list each domain.",
                     effect=MORE_RESTRICTIVE, area="names")
            continue
        entries.append(email.domain.text if email.any_mailbox else email.text)
        if email.local != email.local.lower():
            out.lose(ctype, "mailbox case",
                     f"{email.text}: step-ca lower-cases allow.email but compares local parts "
                     "exactly, so this mailbox is refused.", effect=MORE_RESTRICTIVE, area="names")
    if p.requires_email:
        out.lose(ctype, "required e-mail address",
                 "step-ca's policy allows names, it cannot require one: a request without an "
                 "e-mail SAN is signed.", effect=MORE_PERMISSIVE, area="names")
    if p.email_patterns and p.cn_patterns:
        out.lose(ctype, "common name among the email addresses",
                 "step-ca checks a mailbox common name against allow.email, not against the "
                 "e-mail addresses the request lists.", effect=MORE_PERMISSIVE, area="names")
    return entries


def _common_names(p: IssuanceProfile, out: Translation, ctype: CertificateType,
                  emails: list[str]) -> dict[str, list[str]]:
    """allow.cn (whole names, case ignored) and allow.email: the `emails` of the email
    patterns and the mailbox domains of the common-name patterns.

    step-ca checks a common name against allow.cn, and failing that as the name it looks
    like: a host name against allow.dns, a mailbox against allow.email.
    """
    if p.requires_dns_name:
        dns_common_name_losses(
            out, ctype, p, checks="step-ca checks the common name against allow.dns",
            among="step-ca checks a common name against allow.dns, not against the names the "
            "request lists; check the common name before the request reaches step-ca.")
        return {"email": emails}
    cn_patterns = p.cn_patterns or ()
    shapes = CommonNameShapes.of(cn_patterns)
    new = [d for d in shapes.mailbox_domains if d not in emails]
    if new:
        out.lose(ctype, "mailbox domains in allow.email",
                 f"{', '.join(new)}: allow.email also admits e-mail SANs at these domains; "
                 "the profile allows none there.", effect=MORE_PERMISSIVE, area="names")
    if shapes.other:
        out.lose(ctype, "common-name patterns",
                 f"{', '.join(shapes.other)}: allow.cn matches whole names only, so step-ca "
                 "refuses these common names — list each one in allow.cn.",
                 effect=MORE_RESTRICTIVE, area="names")
    return {"cn": list(shapes.exact), "email": [*emails, *new]}


def _key_usage_json(p: IssuanceProfile, kind: str) -> str:
    """The CA's key usage for this key kind, keyAgreement included for an EC S/MIME key."""
    names = [KEY_USAGE_NAMES[u] for u in sorted(key_usages(p, kind))]
    return json.dumps(names + ["keyAgreement"] * key_agreement(p, kind))


def _template(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> str:
    """A step-ca X.509 template (Go text/template producing JSON), as step's default leaf
    template: keyEncipherment only when the requested key is RSA."""
    ekus = [EKU_NAMES[e] for e in p.ekus if e in EKU_NAMES]
    if ExtendedKeyUsage.DOCUMENT_SIGNING in p.ekus:
        out.lose(ctype, "document-signing EKU",
                 "step-ca templates name the standard EKUs only; add the RFC 9336 OID "
                 "to the template by hand.", effect=ADJUSTS, area="usages")
    rsa, other = _key_usage_json(p, KeyKind.RSA.value), _key_usage_json(p, KeyKind.EC.value)
    if uses_rsa(p) and rsa != other:
        usage = ('{{- if typeIs "*rsa.PublicKey" .Insecure.CR.PublicKey }}\n'
                 f'  "keyUsage": {rsa},\n'
                 "{{- else }}\n"
                 f'  "keyUsage": {other},\n'
                 "{{- end }}\n")
    else:
        usage = f'  "keyUsage": {rsa if uses_rsa(p) else other},\n'
    return ("{\n"
            '  "subject": {{ toJson .Subject }},\n'
            '  "sans": {{ toJson .SANs }},\n'
            f"{usage}"
            f'  "extKeyUsage": {json.dumps(ekus)}\n'
            "}")


# The shortest certificate the profile issues: one day (models.issuance_policy.check).
MIN_DURATION = "24h"


def provisioner_type(ctype: CertificateType) -> str:
    """ACME where the type is issued through ACME; otherwise JWK, which `step ca provisioner
    add --create` can make with its key (README.md)."""
    return "ACME" if "acme" in ctype.combined.issuance_api.lower() else "JWK"


def provisioner(ctype: CertificateType, p: IssuanceProfile, out: Translation
                ) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The provisioner fragment for one type, and the names it needs at the authority."""
    fragment: dict[str, Any] = {"type": provisioner_type(ctype), "name": resource_name(ctype.id)}
    if fragment["type"] == "JWK":
        out.lose(ctype, "provisioner type",
                 f"issued through {ctype.combined.issuance_api!r}: a JWK provisioner is "
                 "written (README.md creates its key); another type (X5C, K8sSA, OIDC, …) "
                 "takes the same claims and template.")
    maximum = hours(p.max_validity_days)
    fragment["claims"] = {"minTLSCertDuration": MIN_DURATION, "maxTLSCertDuration": maximum,
                          "defaultTLSCertDuration": maximum, "disableRenewal": False}
    allow = {"dns": _dns(p, out, ctype),
             **_common_names(p, out, ctype, _emails(p, out, ctype))}
    allow = {kind: names for kind, names in allow.items() if names}
    fragment["options"] = {"x509": {"template": _template(p, out, ctype)}}
    out.lose(ctype, USAGES_REPLACED,
             "the template stamps the profile's key usages and extended key usages: a CSR "
             "asking for others is signed with these, where the profile refuses a CSR asking "
             "for another extended key usage.", effect=ADJUSTS, area="usages")
    _key_losses(p, out, ctype)
    return fragment, allow


def _key_losses(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> None:
    """defaultPublicKeyValidator: RSA of at least 2048 bits, any ECDSA curve Go parses,
    Ed25519; step-ca has no other key constraint without a webhook."""
    allowed = {k.kind: k.min_size for k in p.key_types}
    extra = []
    if KeyKind.RSA not in allowed or allowed[KeyKind.RSA] > 2048:
        extra.append("RSA of 2048 bits and more" if KeyKind.RSA not in allowed
                     else f"RSA from 2048 to {allowed[KeyKind.RSA] - 1} bits")
    extra.append("ECDSA on any curve Go parses (P-224 too)" if KeyKind.EC in allowed
                 else "ECDSA keys")
    if KeyKind.ED25519 not in allowed:
        extra.append("Ed25519 keys")
    kinds = " or ".join(f"{k.kind.value} ≥ {k.min_size}" for k in p.key_types)
    out.lose(ctype, KEY_TYPES,
             f"the profile allows {kinds}; step-ca also signs {', '.join(extra)}. Add a "
             "webhook of kind AUTHORIZING (options.webhooks) that refuses other keys, or "
             "check them before the request reaches step-ca.",
             effect=MORE_PERMISSIVE, area="keys")


def _authority_policy(allows: list[tuple[CertificateType, IssuanceProfile,
                                         dict[str, list[str]]]],
                      out: Translation) -> dict[str, Any]:
    """One `authority.policy` for every provisioner: the union of the types' names."""
    union: dict[str, list[str]] = {}
    for _ctype, _p, allow in allows:
        for kind, names in allow.items():
            union[kind] = list(dict.fromkeys([*union.get(kind, []), *names]))
    wildcards = any(p.allow_wildcards for _c, p, _a in allows)
    for ctype, p, allow in allows:
        others = {kind: [n for n in names if n not in allow.get(kind, [])]
                  for kind, names in union.items()}
        others = {kind: names for kind, names in others.items() if names}
        if others or wildcards != p.allow_wildcards:
            shown = "; ".join(f"{kind} {', '.join(names)}" for kind, names in others.items())
            extra = " and wildcard names" if wildcards and not p.allow_wildcards else ""
            out.lose(ctype, OTHER_TYPES_NAMES,
                     "ca.json holds names only at the authority, for every provisioner, so "
                     f"this type's provisioner also signs the other exported types' names"
                     f"{extra}{' (' + shown + ')' if shown else ''}. Run a step-ca per type, or "
                     "let only this type's requesters reach its provisioner and check names "
                     "before them.", effect=MORE_PERMISSIVE, area="names")
    if not union:
        return {}
    return {"x509": {"allow": union, "allowWildcardNames": wildcards}}


def translate(project: Project, evaluation: Evaluation) -> Translation:
    """The authority policy, the provisioner fragments (a JSON list), their templates, the
    apply guide, and what step-ca cannot express."""
    out = Translation("step-ca")
    fragments = []
    allows = []
    for ctype, _decision, p in enforceable(
            project, evaluation, out,
            no_approval=(
                "No provisioner is written for it, so step-ca refuses its requests; step-ca "
                "signs what a provisioner authorises and has no queue of pending requests "
                "for approvers.")):
        fragment, allow = provisioner(ctype, p, out)
        fragments.append(fragment)
        allows.append((ctype, p, allow))
        out.files[f"step-ca/templates/{fragment['name']}.tpl"] = (
            fragment["options"]["x509"]["template"] + "\n")
    authority = _authority_policy(allows, out)
    for ctype, _p, _allow in allows if not authority else ():
        out.lose(ctype, "no names",
                 "no exported type allows DNS names or a common name step-ca can express; "
                 "without allow rules step-ca allows any name.",
                 effect=MORE_PERMISSIVE, area="names")
    out.files[FILE] = json.dumps(fragments, indent=2, ensure_ascii=False) + "\n"
    out.files[POLICY_FILE] = json.dumps(authority, indent=2, ensure_ascii=False) + "\n"
    out.files["step-ca/README.md"] = readme(project, evaluation, fragments)
    return out
