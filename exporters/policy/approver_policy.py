"""cert-manager approver-policy: one `CertificateRequestPolicy` per combined type and key type.

Field names and semantics from approver-policy's CRD (policy.cert-manager.io/v1alpha1):
`spec.allowed` lists what a request may contain (omitted = must be empty), `spec.constraints`
bounds duration and private key, `spec.selector.issuerRef` picks the requests it judges. A
request is approved if at least one selected policy permits it, so "RSA ≥ 2048 or ECDSA ≥ 256"
becomes one policy per algorithm.
"""

from __future__ import annotations

from typing import Any

from exporters.policy.common import (
    Translation,
    approval_loss,
    control_losses,
    hours,
    is_combined,
    profile,
    resource_name,
    routed,
)
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


def _allowed(p: IssuanceProfile, translation: Translation, ctype: CertificateType
             ) -> dict[str, Any]:
    allowed: dict[str, Any] = {}
    names = patterns(p.san_patterns)
    if names:
        rules = [{"rule": f"self.matches('{exact_regex(names)}')",
                  "message": f"DNS name outside the {ctype.name} profile"}]
        if not p.allow_wildcards:
            rules.append({"rule": "!self.startsWith('*')",
                          "message": "wildcard names are not allowed for this type"})
        allowed["dnsNames"] = {"required": p.requires_dns_name,
                               "values": [n.glob() for n in names], "validations": rules}
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
    for ctype, decision in routed(project, evaluation):
        if not is_combined(decision):
            approval_loss(out, ctype, decision,
                          "approver-policy approves or denies by policy; a request no policy "
                          "selects just waits for a manual `cmctl approve`, with no approver "
                          "roles, quorum or criteria.")
            continue
        p = profile(ctype)
        if not p.issuable:
            out.lose(ctype, "not issuable", "the profile issues no certificates of this type")
            continue
        allowed = _allowed(p, out, ctype)
        kinds = p.key_types
        for key in kinds:
            suffix = f"-{ALGORITHMS[key.kind].lower()}" if len(kinds) > 1 else ""
            documents.append(_policy(ctype, decision, p, key.kind, key.min_size, allowed,
                                     suffix))
        control_losses(out, ctype, decision)
    header = (f"Generated by Certroute for {project.organisation.name}: approver-policy "
              f"{API_VERSION}.\nBind each policy with RBAC (verb \"use\") to the requesters of "
              "its type, and rename\nselector.issuerRef.name to your issuer. See "
              "LOST-IN-TRANSLATION.md.")
    out.files[FILE] = dump_all(documents, header=header)
    return out
