"""step-ca: per combined type a provisioner fragment with claims, x509 policy and template.

Names from step-ca's configuration (ca.json): a provisioner's `claims`
(`minTLSCertDuration`, `maxTLSCertDuration`, `defaultTLSCertDuration`), its `policy.x509`
(`allow.dns`, `allowWildcardNames`; `*.d` allows names under `d`, `d` allows `d` itself;
`allow.cn` whole common names, case ignored; `allow.email` a mailbox or a domain, no
wildcards, lower-cased) and
`options.x509.template` (an X.509 template setting `keyUsage` / `extKeyUsage`).
"""

from __future__ import annotations

import json
from typing import Any

from exporters.policy.common import (
    Translation,
    dns_common_name_losses,
    enforceable,
    hours,
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
EKU_NAMES = {ExtendedKeyUsage.SERVER_AUTH: "serverAuth",
             ExtendedKeyUsage.CLIENT_AUTH: "clientAuth",
             ExtendedKeyUsage.CODE_SIGNING: "codeSigning",
             ExtendedKeyUsage.EMAIL_PROTECTION: "emailProtection"}
KEY_USAGE_NAMES = {"digital_signature": "digitalSignature",
                   "key_encipherment": "keyEncipherment",
                   "content_commitment": "contentCommitment"}


def _dns(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> list[str]:
    names: list[str] = []
    for pattern in patterns(p.san_patterns):
        if pattern.exact:
            names.append(pattern.text)
            continue
        names.append(f"*.{pattern.fixed_suffix}")
        if pattern.any_depth_suffix is None:
            out.lose(ctype, "wildcard shape",
                     f"{pattern.text}: step-ca's `*.{pattern.fixed_suffix}` allows any name "
                     f"under {pattern.fixed_suffix}, at any depth.")
    return list(dict.fromkeys(names))


def _emails(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> list[str]:
    """allow.email for the email patterns: `d` for `*@d`, the mailbox for `name@d`."""
    entries: list[str] = []
    for email in email_patterns(p.email_patterns):
        if not email.domain.exact:
            out.lose(ctype, "email pattern shape",
                     f"{email.text}: allow.email names one domain or one mailbox, with no "
                     "wildcards, so step-ca refuses these addresses — list each domain.")
            continue
        entries.append(email.domain.text if email.any_mailbox else email.text)
        if email.local != email.local.lower():
            out.lose(ctype, "mailbox case",
                     f"{email.text}: step-ca lower-cases allow.email but compares local parts "
                     "exactly, so this mailbox is refused.")
    if p.requires_email:
        out.lose(ctype, "required e-mail address",
                 "step-ca's policy allows names, it cannot require one: a request without an "
                 "e-mail SAN is signed.")
    if p.email_patterns and p.cn_patterns:
        out.lose(ctype, "common name among the email addresses",
                 "step-ca checks a mailbox common name against allow.email, not against the "
                 "e-mail addresses the request lists.")
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
            "request lists.")
        return {"email": emails}
    cn_patterns = p.cn_patterns or ()
    shapes = CommonNameShapes.of(cn_patterns)
    new = [d for d in shapes.mailbox_domains if d not in emails]
    if new:
        out.lose(ctype, "mailbox domains in allow.email",
                 f"{', '.join(new)}: allow.email also admits e-mail SANs at these domains; "
                 "the profile allows none there.")
    if shapes.other:
        out.lose(ctype, "common-name patterns",
                 f"{', '.join(shapes.other)}: allow.cn matches whole names only, so step-ca "
                 "refuses these common names — list each one in allow.cn.")
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
                 "to the template by hand.")
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


def provisioner(ctype: CertificateType, p: IssuanceProfile, out: Translation) -> dict[str, Any]:
    """The provisioner fragment for one type."""
    fragment: dict[str, Any] = {"name": resource_name(ctype.id)}
    if "acme" in ctype.combined.issuance_api.lower():
        fragment["type"] = "ACME"
    else:
        out.lose(ctype, "provisioner type",
                 f"issued through {ctype.combined.issuance_api!r}: pick the provisioner type "
                 "(JWK, X5C, K8sSA, …) and add its credentials.")
    maximum = hours(p.max_validity_days)
    fragment["claims"] = {"minTLSCertDuration": "5m", "maxTLSCertDuration": maximum,
                          "defaultTLSCertDuration": maximum, "disableRenewal": False}
    allow = {"dns": _dns(p, out, ctype),
             **_common_names(p, out, ctype, _emails(p, out, ctype))}
    allow = {kind: names for kind, names in allow.items() if names}
    if allow:
        fragment["policy"] = {"x509": {"allow": allow, "allowWildcardNames": p.allow_wildcards}}
    else:
        out.lose(ctype, "no names",
                 "the profile allows no DNS names and no common name step-ca can express; "
                 "without allow rules step-ca allows any name.")
    fragment["options"] = {"x509": {"template": _template(p, out, ctype)}}
    kinds = " or ".join(f"{k.kind.value} ≥ {k.min_size}" for k in p.key_types)
    out.lose(ctype, "key types",
             f"step-ca's policy has no key constraints: {kinds} needs a webhook or the "
             "provisioner's own key settings.")
    return fragment


def translate(project: Project, evaluation: Evaluation) -> Translation:
    """The provisioner fragments (a JSON list) and what step-ca cannot express."""
    out = Translation("step-ca")
    fragments = []
    for ctype, _decision, p in enforceable(
            project, evaluation, out,
            no_approval=(
                "step-ca signs what a provisioner authorises; it has no queue of "
                "pending requests for approvers.")):
        fragments.append(provisioner(ctype, p, out))
    out.files[FILE] = json.dumps(fragments, indent=2, ensure_ascii=False) + "\n"
    return out
