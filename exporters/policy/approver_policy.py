"""cert-manager approver-policy: one `CertificateRequestPolicy` per combined type and key type.

Field names and semantics from approver-policy's CRD (policy.cert-manager.io/v1alpha1):
`spec.allowed` lists what a request may contain (omitted = must be empty; CEL `validations`
see the value as `self` and the request's name, namespace, user and groups as `cr`),
`spec.constraints` bounds duration and private key, `spec.selector` picks the requests it
judges (issuerRef and namespace), and RBAC (`use` on the policy, for the request's user)
binds it. A request is approved if at least one selected, bound policy permits it, so
"RSA ≥ 2048 or ECDSA ≥ 256" becomes one policy per algorithm, each with that algorithm's key
usages; a request no policy selects stays unprocessed, for a person.
"""

from __future__ import annotations

from typing import Any

from exporters.policy.apply_guides import approver_policy_readme as readme
from exporters.policy.common import (
    ADJUSTS,
    CN_AMONG_DNS,
    DURATION_REQUIRED,
    IDNA_A_LABELS,
    KEY_USAGES_EXACT,
    MORE_PERMISSIVE,
    MORE_RESTRICTIVE,
    NO_EKU_REQUIRED,
    Translation,
    enforceable,
    hours,
    resource_name,
)
from exporters.policy.common_names import cel_string
from exporters.policy.common_names import regex as cn_regex
from exporters.policy.emails import email_patterns
from exporters.policy.emails import exact_regex as email_regex
from exporters.policy.names import exact_regex, patterns
from exporters.policy.yaml_text import dump_all
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
from models.routing import Decision

API_VERSION = "policy.cert-manager.io/v1alpha1"
FILE = "cert-manager/certificaterequestpolicies.yaml"
RBAC_FILE = "cert-manager/rbac.yaml"
README = "cert-manager/README.md"
# The namespace and ServiceAccount of cert-manager's controller in its Helm chart's defaults.
CONTROLLER = ("cert-manager", "cert-manager")
# CRD enum of usages; document signing (RFC 9336) has no spelling there.
USAGES = {
    ExtendedKeyUsage.SERVER_AUTH: "server auth",
    ExtendedKeyUsage.CLIENT_AUTH: "client auth",
    ExtendedKeyUsage.CODE_SIGNING: "code signing",
    ExtendedKeyUsage.EMAIL_PROTECTION: "email protection",
}
ALGORITHMS = {KeyKind.RSA: "RSA", KeyKind.EC: "ECDSA", KeyKind.ED25519: "Ed25519"}


def _name_rules(p: IssuanceProfile, ctype: CertificateType, what: str) -> list[dict[str, str]]:
    """A CEL rule holding a DNS name (or a common name that must be one) to the SAN patterns:
    lower-case LDH labels, `*` only as a whole leftmost label where wildcards are allowed."""
    regex = exact_regex(patterns(p.san_patterns), wildcards=p.allow_wildcards)
    return [{"rule": f"self.matches('{regex}')",
             "message": f"{what} outside the {ctype.name} profile"}]


def _common_name(p: IssuanceProfile, translation: Translation, ctype: CertificateType
                 ) -> dict[str, Any] | None:
    """`allowed.commonName`: CEL rules rather than `value`, whose `*` also matches nothing
    and which compares case-sensitively; the profile's `*` is one or more characters."""
    cn_patterns = p.cn_patterns or ()
    pattern_rules = [{"rule": f"self.matches({cel_string(cn_regex(cn_patterns))})",
                      "message": f"common name outside the {ctype.name} profile"}
                     ] if cn_patterns else []
    if not p.requires_dns_name:
        if p.email_patterns:
            return _mailbox_common_name(p, translation, ctype, pattern_rules)
        if not cn_patterns:  # the profile names nobody: "never grants" in the CRD's words
            return {"required": True, "value": ""}
        return {"required": True, "validations": pattern_rules}
    if not p.san_patterns:
        return None  # no DNS names, so no common name either
    translation.lose(ctype, CN_AMONG_DNS,
                     "approver-policy's CEL sees the common name and the request's name, "
                     "namespace, user and groups, not its DNS names: a common name the DNS "
                     "patterns allow passes even if the request does not list it. Check it in the "
                     "issuer or an admission policy on CertificateRequests.",
                     effect=MORE_PERMISSIVE, area="names")
    return {"required": False,
            "validations": [*_name_rules(p, ctype, "common name"), *pattern_rules]}


def _mailbox_common_name(p: IssuanceProfile, translation: Translation, ctype: CertificateType,
                         pattern_rules: list[dict[str, str]]) -> dict[str, Any] | None:
    """The common name of a type whose email SANs can name the subject instead."""
    if not pattern_rules:
        return None  # omitted: the request must carry no common name
    translation.lose(ctype, "common name among the email addresses",
                     "approver-policy's CEL sees the common name, not the request's email "
                     "addresses: a mailbox common name the patterns allow passes even if the "
                     "request does not list it.", effect=MORE_PERMISSIVE, area="names")
    if not p.requires_email:
        translation.lose(ctype, "common name required only without an email address",
                         "a policy requires a common name or not: it is required, so a "
                         "request named by its email address alone is denied.",
                         effect=MORE_RESTRICTIVE, area="names")
    return {"required": not p.requires_email, "validations": pattern_rules}


def _email_addresses(p: IssuanceProfile, ctype: CertificateType) -> dict[str, Any]:
    """`allowed.emailAddresses`: globs for `values` (case-sensitive, `*` spans dots), and a
    CEL regex holding every address to the profile's patterns exactly."""
    items = email_patterns(p.email_patterns)
    return {"required": p.requires_email, "values": [e.glob() for e in items],
            "validations": [{"rule": f"self.matches({cel_string(email_regex(items))})",
                             "message": f"email address outside the {ctype.name} profile"}]}


# cert-manager's spellings of the profile's key usage bits (models.issuance_policy.key_usages).
KEY_USAGES = {"digital_signature": "digital signature", "key_encipherment": "key encipherment",
              "content_commitment": "content commitment", "key_agreement": "key agreement"}


def usages(p: IssuanceProfile, kind: KeyKind) -> list[str]:
    """The usages a request for this key kind may name: the profile's key usage bits for the
    kind (RFC 8813: no keyEncipherment for EC keys) and its extended key usages."""
    bits = set(key_usages(p, kind.value)) | (
        {"key_agreement"} if key_agreement(p, kind.value) else set())
    names = [KEY_USAGES[b] for b in sorted(bits)]
    return names + [USAGES[e] for e in p.ekus if e in USAGES]


def _usage_losses(p: IssuanceProfile, out: Translation, ctype: CertificateType) -> None:
    if ExtendedKeyUsage.DOCUMENT_SIGNING in p.ekus:
        out.lose(ctype, "document-signing EKU",
                 "approver-policy's usages have no RFC 9336 document-signing value; the CA's "
                 "profile must add it.", effect=ADJUSTS, area="usages")
    if p.ekus:
        out.lose(ctype, NO_EKU_REQUIRED,
                 "allowed.usages caps the usages a request names but cannot require one: a "
                 "request that names none (a Certificate without `usages`) is approved and the "
                 "issuer signs it with its defaults, no extended key usage. Set `usages` on every "
                 "Certificate (README.md, step 4) or use an issuer that stamps the "
                 "profile's usages.", effect=MORE_PERMISSIVE, area="usages")
    out.lose(ctype, KEY_USAGES_EXACT,
             "a request naming a usage the profile does not give its key kind (cert-manager's "
             "default `key encipherment` on an ECDSA or Ed25519 key) is denied, where the "
             "profile's CA would drop the usage and sign.", effect=MORE_RESTRICTIVE,
             area="usages")


def _allowed(p: IssuanceProfile, translation: Translation, ctype: CertificateType,
             kind: KeyKind) -> dict[str, Any]:
    allowed: dict[str, Any] = {}
    common_name = _common_name(p, translation, ctype)
    if common_name is not None:
        allowed["commonName"] = common_name
    names = patterns(p.san_patterns)
    if names:
        translation.lose(ctype, IDNA_A_LABELS,
                         "the CEL regex holds each label to lower-case LDH syntax, but an "
                         "`xn--` label's Punycode cannot be checked by a regex: a bogus A-label "
                         "such as `xn--abc` passes where the profile refuses it. Refuse `xn--` "
                         "names in an admission policy if you do not issue for IDNs.",
                         effect=MORE_PERMISSIVE, area="names")
        allowed["dnsNames"] = {"required": p.requires_dns_name,
                               "values": [n.glob() for n in names],
                               "validations": _name_rules(p, ctype, "DNS name")}
    if p.email_patterns:
        allowed["emailAddresses"] = _email_addresses(p, ctype)
    allowed["isCA"] = False
    allowed["usages"] = usages(p, kind)
    return allowed


def policy_name(ctype: CertificateType, kind: KeyKind) -> str:
    return f"{resource_name(ctype.id)}-{ALGORITHMS[kind].lower()}"


def issuer_name(ctype: CertificateType) -> str:
    """The (Cluster)Issuer that serves this type alone: its policies select nothing else."""
    return resource_name(ctype.id)


def namespace_label(ctype: CertificateType) -> str:
    """The label a namespace carries when its requesters may ask for this type."""
    return f"issue.certroute.io/{resource_name(ctype.id)}"


def _policy(ctype: CertificateType, decision: Decision, p: IssuanceProfile, kind: KeyKind,
            min_size: int, allowed: dict[str, Any]) -> dict[str, Any]:
    key: dict[str, Any] = {"algorithm": ALGORITHMS[kind]}
    if kind is not KeyKind.ED25519:
        key["minSize"] = min_size
    return {
        "apiVersion": API_VERSION,
        "kind": "CertificateRequestPolicy",
        "metadata": {
            "name": policy_name(ctype, kind),
            "labels": {"app.kubernetes.io/managed-by": "certroute"},
            "annotations": {"certroute.io/type": ctype.name,
                            "certroute.io/decision": decision.label},
        },
        "spec": {
            "allowed": allowed,
            "constraints": {"maxDuration": hours(p.max_validity_days), "privateKey": key},
            # The type's own issuer, of any kind and API group (built-in or external issuers),
            # in namespaces labelled for the type.
            "selector": {"issuerRef": {"group": "*", "kind": "*", "name": issuer_name(ctype)},
                         "namespace": {"matchLabels": {namespace_label(ctype): "true"}}},
        },
    }


def rbac(ctype: CertificateType, policy_names: list[str]) -> list[dict[str, Any]]:
    """A ClusterRole with `use` on exactly this type's policies, bound to cert-manager's
    controller, which creates the CertificateRequests of Certificate resources."""
    name = f"{resource_name(ctype.id)}-policy-use"
    labels = {"app.kubernetes.io/managed-by": "certroute"}
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": {"name": name, "labels": labels},
            "rules": [{"apiGroups": ["policy.cert-manager.io"],
                       "resources": ["certificaterequestpolicies"],
                       "verbs": ["use"], "resourceNames": policy_names}]}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
               "metadata": {"name": name, "labels": labels},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                           "name": name},
               "subjects": [{"kind": "ServiceAccount", "name": CONTROLLER[1],
                             "namespace": CONTROLLER[0]}]}
    return [role, binding]


def translate(project: Project, evaluation: Evaluation) -> Translation:
    """The CertificateRequestPolicy documents, their RBAC, the apply guide, and what
    approver-policy cannot express."""
    out = Translation("cert-manager approver-policy")
    documents: list[dict[str, Any]] = []
    bindings: list[dict[str, Any]] = []
    guide: list[tuple[CertificateType, str, str, list[str]]] = []
    for ctype, decision, p in enforceable(
            project, evaluation, out,
            no_approval=(
                "No policy selects this type's issuer, so approver-policy leaves its requests "
                "unprocessed (neither approved nor denied) for a person to approve with "
                "`cmctl approve` or deny with `cmctl deny` (cert-manager/README.md); "
                "approver roles, quorum and criteria are kept outside.")):
        names = []
        for key in p.key_types:
            documents.append(_policy(ctype, decision, p, key.kind, key.min_size,
                                     _allowed(p, out, ctype, key.kind)))
            names.append(policy_name(ctype, key.kind))
        _usage_losses(p, out, ctype)
        out.lose(ctype, DURATION_REQUIRED,
                 "constraints.maxDuration denies a request without spec.duration, where the "
                 "profile's CA would issue its maximum: set `duration` on every Certificate.",
                 effect=MORE_RESTRICTIVE, area="validity")
        bindings += rbac(ctype, names)
        guide.append((ctype, issuer_name(ctype), namespace_label(ctype), names))
    header = (f"Generated by Certroute for {project.organisation.name}: approver-policy "
              f"{API_VERSION}.\nApply with RBAC_FILE beside it; see README.md and "
              "LOST-IN-TRANSLATION.md.").replace("RBAC_FILE", RBAC_FILE.split("/")[-1])
    out.files[FILE] = dump_all(documents, header=header)
    out.files[RBAC_FILE] = dump_all(bindings, header=(
        "Generated by Certroute: who may use each policy (verb \"use\"); see README.md."))
    out.files[README] = readme(project, evaluation, guide)
    return out
