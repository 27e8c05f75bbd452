"""cert-manager approver-policy: one `CertificateRequestPolicy` per combined type and key type.

Field names and semantics from approver-policy's CRD (policy.cert-manager.io/v1alpha1):
`spec.allowed` lists what a request may contain (omitted = must be empty; CEL `validations`
see the value as `self` and the request's name and namespace as `cr`), `spec.constraints`
bounds duration and private key, `spec.selector.issuerRef` picks the requests it judges. A
request is approved if at least one selected policy permits it, so "RSA ≥ 2048 or ECDSA ≥ 256"
becomes one policy per algorithm.
"""

from __future__ import annotations

from typing import Any

from exporters.policy.common import (
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
from models.issuance_policy import ExtendedKeyUsage, IssuanceProfile, KeyKind
from models.project import Project
from models.routing import Decision

API_VERSION = "policy.cert-manager.io/v1alpha1"
FILE = "cert-manager/certificaterequestpolicies.yaml"
# CRD enum of usages; document signing (RFC 9336) has no spelling there.
USAGES = {
    ExtendedKeyUsage.SERVER_AUTH: "server auth",
    ExtendedKeyUsage.CLIENT_AUTH: "client auth",
    ExtendedKeyUsage.CODE_SIGNING: "code signing",
    ExtendedKeyUsage.EMAIL_PROTECTION: "email protection",
}
ALGORITHMS = {KeyKind.RSA: "RSA", KeyKind.EC: "ECDSA", KeyKind.ED25519: "Ed25519"}


def _name_rules(p: IssuanceProfile, ctype: CertificateType, what: str) -> list[dict[str, str]]:
    """CEL rules holding a DNS name (or a common name that must be one) to the SAN patterns."""
    rules = [{"rule": f"self.matches('{exact_regex(patterns(p.san_patterns))}')",
              "message": f"{what} outside the {ctype.name} profile"}]
    if not p.allow_wildcards:
        rules.append({"rule": "!self.startsWith('*')",
                      "message": "wildcard names are not allowed for this type"})
    return rules


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
    translation.lose(ctype, "common name among the DNS names",
                     "approver-policy's CEL sees the common name and the request's name and "
                     "namespace, not its DNS names: a common name the DNS patterns allow passes "
                     "even if the request does not list it.")
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
                     "request does not list it.")
    if not p.requires_email:
        translation.lose(ctype, "common name required only without an email address",
                         "a policy requires a common name or not: it is required, so a "
                         "request named by its email address alone is denied.")
    return {"required": not p.requires_email, "validations": pattern_rules}


def _email_addresses(p: IssuanceProfile, ctype: CertificateType) -> dict[str, Any]:
    """`allowed.emailAddresses`: globs for `values` (case-sensitive, `*` spans dots), and a
    CEL regex holding every address to the profile's patterns exactly."""
    items = email_patterns(p.email_patterns)
    return {"required": p.requires_email, "values": [e.glob() for e in items],
            "validations": [{"rule": f"self.matches({cel_string(email_regex(items))})",
                             "message": f"email address outside the {ctype.name} profile"}]}


def _allowed(p: IssuanceProfile, translation: Translation, ctype: CertificateType
             ) -> dict[str, Any]:
    allowed: dict[str, Any] = {}
    common_name = _common_name(p, translation, ctype)
    if common_name is not None:
        allowed["commonName"] = common_name
    names = patterns(p.san_patterns)
    if names:
        allowed["dnsNames"] = {"required": p.requires_dns_name,
                               "values": [n.glob() for n in names],
                               "validations": _name_rules(p, ctype, "DNS name")}
    if p.email_patterns:
        allowed["emailAddresses"] = _email_addresses(p, ctype)
    # cert-manager requests "digital signature, key encipherment" when a Certificate names no
    # usages, so both stay allowed for every key type.
    usages = ["digital signature", "key encipherment"]
    if ExtendedKeyUsage.DOCUMENT_SIGNING in p.ekus:
        usages.append("content commitment")
        translation.lose(ctype, "document-signing EKU",
                         "approver-policy's usages have no RFC 9336 document-signing value; "
                         "the CA's profile must add it.")
    usages += [USAGES[e] for e in p.ekus if e in USAGES]
    allowed["isCA"] = False
    allowed["usages"] = usages
    return allowed


def _policy(ctype: CertificateType, decision: Decision, p: IssuanceProfile, kind: KeyKind,
            min_size: int, allowed: dict[str, Any], suffix: str) -> dict[str, Any]:
    key: dict[str, Any] = {"algorithm": ALGORITHMS[kind]}
    if kind is not KeyKind.ED25519:
        key["minSize"] = min_size
    return {
        "apiVersion": API_VERSION,
        "kind": "CertificateRequestPolicy",
        "metadata": {
            "name": f"{resource_name(ctype.id)}{suffix}",
            "labels": {"app.kubernetes.io/managed-by": "certroute"},
            "annotations": {"certroute.io/type": ctype.name,
                            "certroute.io/decision": decision.label},
        },
        "spec": {
            "allowed": allowed,
            "constraints": {"maxDuration": hours(p.max_validity_days), "privateKey": key},
            # Placeholder issuer per CA kind: rename to the (Cluster)Issuer serving this type.
            "selector": {"issuerRef": {"group": "cert-manager.io", "kind": "*Issuer",
                                       "name": f"{ctype.ca.value}-ca"}},
        },
    }


def translate(project: Project, evaluation: Evaluation) -> Translation:
    """The CertificateRequestPolicy documents and what approver-policy cannot express."""
    out = Translation("cert-manager approver-policy")
    documents: list[dict[str, Any]] = []
    for ctype, decision, p in enforceable(
            project, evaluation, out,
            no_approval=(
                "approver-policy approves or denies by policy; a request no policy "
                "selects just waits for a manual `cmctl approve`, with no approver "
                "roles, quorum or criteria.")):
        allowed = _allowed(p, out, ctype)
        kinds = p.key_types
        for key in kinds:
            suffix = f"-{ALGORITHMS[key.kind].lower()}" if len(kinds) > 1 else ""
            documents.append(_policy(ctype, decision, p, key.kind, key.min_size, allowed,
                                     suffix))
    header = (f"Generated by Certroute for {project.organisation.name}: approver-policy "
              f"{API_VERSION}.\nBind each policy with RBAC (verb \"use\") to the requesters of "
              "its type, and rename\nselector.issuerRef.name to your issuer. See "
              "LOST-IN-TRANSLATION.md.")
    out.files[FILE] = dump_all(documents, header=header)
    return out
