"""A port of cert-manager/approver-policy's review of a CertificateRequest, for the export's tests.

Ported from cert-manager/approver-policy at commit 81ac7e0cf259c6be3fb20c14c03017880b88ef69
(v0.27.0 + 44 commits):
- pkg/internal/util/wildcard.go: `WildcardMatches`, `WildcardSubset` (iterative matchRunes).
- pkg/internal/approver/allowed/evaluator.go: `evaluateString`, `evaluateSlice`,
  `evaluateBool`, `Usages`, and the order of the checked fields.
- pkg/internal/approver/validation/validator.go: CEL with `self` (string), `cr` (name,
  namespace, username, groups) and ext.Strings; evaluated here by cel-python (`celpy`), whose
  `matches` uses RE2 as cel-go does.
- pkg/internal/approver/constraints/evaluator.go: `maxDuration` (a request without a duration
  is denied), `privateKey` (algorithm equal; minSize against the RSA bit length or the curve's
  BitSize; Ed25519 is size -1).
- pkg/internal/approver/manager/predicate/predicate.go: `SelectorIssuerRef` (kind defaults to
  Issuer, group to cert-manager.io), `SelectorNamespace` (matchNames, matchLabels),
  `RBACBound` (a SubjectAccessReview for verb `use` on the policy in the request's namespace).
- pkg/internal/approver/manager/review.go: `Review` (no policy selected and bound:
  unprocessed; one passes: approved; all fail: denied).

The SubjectAccessReview is answered from the exported ClusterRoles and bindings with the
rbac.authorization.k8s.io/v1 rule semantics (apiGroups, resources, verbs, resourceNames; a
ClusterRoleBinding applies in every namespace, a RoleBinding in its own).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

import celpy
from celpy import celtypes

APPROVED, DENIED, UNPROCESSED = "approved", "denied", "unprocessed"


def wildcard_matches(pattern: str, text: str) -> bool:
    """util.WildcardMatches: `*` is any run of characters, dots included; case-sensitive."""
    if not pattern:
        return not text
    if pattern == "*":
        return True
    px = sx = 0
    star_px = star_sx = -1
    while sx < len(text):
        if px < len(pattern) and pattern[px] == "*":
            star_px, star_sx = px, sx
            px += 1
        elif px < len(pattern) and pattern[px] == text[sx]:
            px += 1
            sx += 1
        elif star_px >= 0:
            star_sx += 1
            sx = star_sx
            px = star_px + 1
        else:
            return False
    while px < len(pattern) and pattern[px] == "*":
        px += 1
    return px == len(pattern)


def wildcard_subset(patterns: list[str], members: list[str]) -> bool:
    return all(any(wildcard_matches(p, m) for p in patterns) for m in members)


@dataclass(frozen=True)
class CertificateRequest:
    """The parts of a cert-manager CertificateRequest (and its CSR) the review reads."""

    namespace: str
    issuer: tuple[str, str, str]  # name, kind, group ("" defaults as cert-manager does)
    username: str
    key: tuple[str, int]  # "RSA" / "ECDSA" / "Ed25519", size as decodePublicKey gives it
    dns_names: tuple[str, ...] = ()
    common_name: str = ""
    ip_addresses: tuple[str, ...] = ()
    email_addresses: tuple[str, ...] = ()
    duration_seconds: int | None = None
    usages: tuple[str, ...] = ()
    is_ca: bool = False
    name: str = "request"
    groups: tuple[str, ...] = ()


@cache
def _program(rule: str) -> Any:
    env = celpy.Environment()
    return env.program(env.compile(rule))


def _cel(rule: str, value: str, request: CertificateRequest) -> bool:
    cr = celtypes.MapType({
        celtypes.StringType("name"): celtypes.StringType(request.name),
        celtypes.StringType("namespace"): celtypes.StringType(request.namespace),
        celtypes.StringType("username"): celtypes.StringType(request.username),
        celtypes.StringType("groups"): celtypes.ListType(
            [celtypes.StringType(g) for g in request.groups]),
    })
    result = _program(rule).evaluate({"self": celtypes.StringType(value), "cr": cr})
    if not isinstance(result, celtypes.BoolType):
        raise TypeError(f"CEL rule {rule!r} gave {result!r}, not a bool")
    return bool(result)


def _validations(rules: list[dict[str, str]], value: str, request: CertificateRequest
                 ) -> list[str]:
    return [r.get("message", r["rule"]) for r in rules if not _cel(r["rule"], value, request)]


def _string(value: str, allowed: dict[str, Any] | None, request: CertificateRequest,
            what: str) -> list[str]:
    """evaluateString."""
    if not value:
        return [f"{what} required"] if allowed and allowed.get("required") else []
    if allowed is None or ("value" not in allowed and not allowed.get("validations")):
        return [f"{what} {value!r}: no allowed value"]
    errors = []
    if "value" in allowed and not wildcard_matches(allowed["value"], value):
        errors.append(f"{what} {value!r} is not {allowed['value']!r}")
    return errors + _validations(allowed.get("validations", []), value, request)


def _slice(values: tuple[str, ...], allowed: dict[str, Any] | None,
           request: CertificateRequest, what: str) -> list[str]:
    """evaluateSlice."""
    if not values:
        return [f"{what} required"] if allowed and allowed.get("required") else []
    if allowed is None or ("values" not in allowed and not allowed.get("validations")):
        return [f"{what} {list(values)}: no allowed values"]
    errors = []
    if "values" in allowed and not wildcard_subset(allowed["values"], list(values)):
        errors.append(f"{what} {list(values)} not within {allowed['values']}")
    for v in values:
        errors += _validations(allowed.get("validations", []), v, request)
    return errors


def evaluate_allowed(spec: dict[str, Any], request: CertificateRequest) -> list[str]:
    """allowed.Evaluate for the fields Certroute's requests carry (no subject RDNs other than
    the common name, no URIs or other names)."""
    allowed = spec.get("allowed") or {}
    errors = _string(request.common_name, allowed.get("commonName"), request, "commonName")
    errors += _slice(request.dns_names, allowed.get("dnsNames"), request, "dnsNames")
    errors += _slice(request.ip_addresses, allowed.get("ipAddresses"), request, "ipAddresses")
    errors += _slice(request.email_addresses, allowed.get("emailAddresses"), request,
                     "emailAddresses")
    if request.is_ca and not allowed.get("isCA"):
        errors.append("isCA")
    if request.usages:
        policy_usages = allowed.get("usages")
        if policy_usages is None or not wildcard_subset(policy_usages, list(request.usages)):
            errors.append(f"usages {list(request.usages)} not within {policy_usages}")
    return errors


def _go_duration_seconds(text: str) -> int:
    """The `NNNh` / `NNNm` durations the exporter writes."""
    units = {"h": 3600, "m": 60, "s": 1}
    return int(text[:-1]) * units[text[-1]]


def evaluate_constraints(spec: dict[str, Any], request: CertificateRequest) -> list[str]:
    constraints = spec.get("constraints")
    if constraints is None:
        return []
    errors = []
    for field_name, too in (("maxDuration", lambda d, c: c < d),
                            ("minDuration", lambda d, c: c > d)):
        if field_name in constraints:
            limit = _go_duration_seconds(constraints[field_name])
            if request.duration_seconds is None or too(request.duration_seconds, limit):
                errors.append(f"{field_name} {constraints[field_name]}")
    key = constraints.get("privateKey")
    if key is not None:
        algorithm, size = request.key
        if "algorithm" in key and key["algorithm"] != algorithm:
            errors.append(f"algorithm {algorithm} is not {key['algorithm']}")
        if "maxSize" in key and key["maxSize"] < size:
            errors.append(f"maxSize {key['maxSize']}")
        if "minSize" in key and key["minSize"] > size:
            errors.append(f"minSize {key['minSize']}")
    return errors


def _selected(policy: dict[str, Any], request: CertificateRequest,
              namespace_labels: dict[str, str]) -> bool:
    """SelectorIssuerRef and SelectorNamespace."""
    selector = policy["spec"].get("selector", {})
    name, kind, group = request.issuer
    ref = selector.get("issuerRef")
    if ref is not None:
        for key, value in (("name", name), ("kind", kind or "Issuer"),
                           ("group", group or "cert-manager.io")):
            if key in ref and not wildcard_matches(ref[key], value):
                return False
    namespace = selector.get("namespace")
    if namespace is not None:
        names = namespace.get("matchNames") or []
        if names and not any(wildcard_matches(n, request.namespace) for n in names):
            return False
        labels = namespace.get("matchLabels")
        if labels is not None and any(namespace_labels.get(k) != v for k, v in labels.items()):
            return False
    return True


def _subject_matches(subject: dict[str, Any], username: str, groups: tuple[str, ...]) -> bool:
    if subject["kind"] == "ServiceAccount":
        return username == f"system:serviceaccount:{subject['namespace']}:{subject['name']}"
    if subject["kind"] == "User":
        return username == subject["name"]
    return subject["kind"] == "Group" and subject["name"] in groups


def _rule_allows(rule: dict[str, Any], name: str) -> bool:
    def has(values: list[str], value: str) -> bool:
        return "*" in values or value in values
    return (has(rule.get("apiGroups", []), "policy.cert-manager.io")
            and has(rule.get("resources", []), "certificaterequestpolicies")
            and has(rule.get("verbs", []), "use")
            and (not rule.get("resourceNames") or name in rule["resourceNames"]))


def rbac_bound(policy_name: str, request: CertificateRequest,
               rbac: list[dict[str, Any]]) -> bool:
    """RBACBound: may the request's user `use` the policy in the request's namespace?"""
    roles = {(d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"]): d
             for d in rbac if d["kind"] in ("ClusterRole", "Role")}
    for binding in rbac:
        if binding["kind"] not in ("ClusterRoleBinding", "RoleBinding"):
            continue
        if binding["kind"] == "RoleBinding" and \
                binding["metadata"].get("namespace") != request.namespace:
            continue
        if not any(_subject_matches(s, request.username, request.groups)
                   for s in binding.get("subjects", [])):
            continue
        ref = binding["roleRef"]
        role_namespace = binding["metadata"].get("namespace", "") \
            if ref["kind"] == "Role" else ""
        role = roles.get((ref["kind"], role_namespace, ref["name"]))
        if role and any(_rule_allows(r, policy_name) for r in role.get("rules", [])):
            return True
    return False


@dataclass
class Review:
    result: str
    message: str
    policies: list[str] = field(default_factory=list)


def review(request: CertificateRequest, policies: list[dict[str, Any]],
           rbac: list[dict[str, Any]], namespace_labels: dict[str, str]) -> Review:
    """manager.Review, with every policy Ready."""
    if not policies:
        return Review(UNPROCESSED, "No CertificateRequestPolicies exist")
    chosen = [p for p in policies if _selected(p, request, namespace_labels)
              and rbac_bound(p["metadata"]["name"], request, rbac)]
    if not chosen:
        return Review(UNPROCESSED, "No CertificateRequestPolicies bound or applicable")
    messages = []
    for policy in chosen:
        errors = evaluate_allowed(policy["spec"], request) + \
            evaluate_constraints(policy["spec"], request)
        if not errors:
            return Review(APPROVED, policy["metadata"]["name"], [policy["metadata"]["name"]])
        messages.append(f"[{policy['metadata']['name']}: {', '.join(errors)}]")
    return Review(DENIED, " ".join(sorted(messages)), [p["metadata"]["name"] for p in chosen])
