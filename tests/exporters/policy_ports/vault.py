"""A port of HashiCorp Vault's PKI role checks and ACL parameter checks, for the export's tests.

Ported from hashicorp/vault:
- builtin/logical/pki/issuing/issue_common.go @ c33a27f0dccd4814e0fd238089afe902ad11e017:
  `hostnameRegex`, `leftWildLabelRegex`, `ValidateNames` (allowed_domains with
  allow_bare_domains / allow_subdomains / allow_glob_domains, allow_wildcard_certificates,
  enforce_hostnames), `ValidateWildcardDomain`, `ValidateCommonName`, the CN-into-SANs step
  of `GenerateCreationBundle` and `GetCertificateNotAfter` (a ttl beyond max_ttl is cut with a
  warning; before hashicorp/vault#29928 a not_after is not compared with max_ttl).
- builtin/logical/pki/issuing/sign_cert.go @ c33a27f0dccd4814e0fd238089afe902ad11e017:
  `SignCert`'s key checks (the role's key_type; RSA and EC at least key_bits, RSA at least
  2048; for EC the curve's BitSize).
- builtin/logical/pki/path_issue_sign.go @ 00f659aef8b2f2e2dc0fa4ce28f5b42e9a043a0a:
  `pathIssue` refuses a role of key type "any".
- vault/acl.go @ 01c42b19da88e67c2c337b575e0f16fd90d66072: `AllowOperation`'s
  denied_parameters (an empty value list denies any value of the parameter).

Go's `idna.New(StrictDomainName(true), VerifyDNSLength(true)).ToASCII` leaves an ASCII name
as it is (StrictDomainName acts only with ValidateLabels, as the hostnameRegex comment in
issue_common.go says) and checks label and name lengths; that is what `_to_ascii` does. An
`xn--` label is Punycode-decoded, and a label that does not decode is an error; without
ValidateLabels the decoded label is not validated (`go_idna`; `validateLabel` checks hyphens
only with CheckHyphens).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

from tests.exporters.policy_ports.go_idna import IdnaError, decode

LABEL = r"([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])"
HOSTNAME = re.compile(r"^(\*\.)?(" + LABEL + r"\.)*" + LABEL + r"\.?$")
LEFT_WILD_LABEL = re.compile(
    r"^(\*|\*" + LABEL + "|" + LABEL + r"\*|" + LABEL + r"\*" + LABEL + ")$")

ISSUED, REFUSED = "issued", "refused"


def _to_ascii(name: str) -> str:
    if not name.isascii():
        raise IdnaError(name)  # Certroute's requests are A-labels; no U-label row is needed
    labels = name.removesuffix(".").split(".")
    if len(name) > 253 or any(not label or len(label) > 63 for label in labels):
        raise IdnaError(name)
    for label in labels:
        if label.lower().startswith("xn--"):
            decode(label[4:])  # decoded, never validated (no ValidateLabels)
    return name


def _validate_wildcard_domain(name: str) -> tuple[str, str]:
    if name.count("*") > 1:
        raise ValueError("expected only one wildcard identifier")
    head, dot, rest = name.partition(".")
    if not dot:
        return head, ""
    if "*" in rest:
        raise ValueError("expected wildcard to only be present in left-most domain label")
    return head, rest


def validate_names(role: dict[str, Any], names: list[str]) -> str:
    """ValidateNames: the first name the role refuses, or "" (no token display name, no
    localhost, no identity templates: the export sets none of them)."""
    for name in names:
        reduced = email_domain = name
        wildcard_label = ""
        is_email = is_wildcard = False
        if "@" in reduced:
            parts = reduced.split("@")
            if len(parts) != 2:
                return name
            reduced = email_domain = parts[1]
            is_email = True
        if "*" in reduced:
            is_wildcard = True
            if role.get("allow_wildcard_certificates") is False:
                return name
            try:
                wildcard_label, reduced = _validate_wildcard_domain(reduced)
            except ValueError:
                return name
        if is_email and is_wildcard:
            return name
        if role.get("enforce_hostnames"):
            if reduced:
                try:
                    converted = _to_ascii(reduced)
                except IdnaError:
                    return name
                if not HOSTNAME.match(converted):
                    return name
            if is_wildcard and not LEFT_WILD_LABEL.match(wildcard_label):
                return name
        if role.get("allow_any_name"):
            continue
        valid = False
        for domain in role.get("allowed_domains", []):
            if not domain:
                continue
            if role.get("allow_bare_domains") and (
                    name.lower() == domain.lower()
                    or (is_email and email_domain.lower() == domain.lower())):
                valid = True
                break
            if role.get("allow_subdomains") and (
                    reduced.endswith("." + domain)
                    or (is_wildcard and reduced.lower() == domain.lower())):
                valid = True
                break
            if role.get("allow_glob_domains") and "*" in domain and \
                    fnmatch.fnmatchcase(name.lower(), domain.lower()):
                valid = True
                break
        if not valid:
            return name
    return ""


def validate_common_name(role: dict[str, Any], name: str) -> str:
    """ValidateCommonName."""
    validations = role.get("cn_validations", [])
    if validations == ["disabled"]:
        return ""
    if validate_names(role, [name]):
        return name
    if not validations:
        return ""
    wanted = "email" if "@" in name else "hostname"
    return "" if wanted in validations else name


@dataclass(frozen=True)
class SignRequest:
    """A pki/sign/:role request: the CSR's contents and the API parameters."""

    key: tuple[str, int]  # "rsa" / "ec" / "ed25519", RSA bits or the curve's BitSize
    dns_names: tuple[str, ...] = ()
    common_name: str = ""
    ip_addresses: tuple[str, ...] = ()
    parameters: tuple[tuple[str, Any], ...] = ()  # ttl (seconds), not_after, …


@dataclass(frozen=True)
class Signed:
    result: str
    message: str = ""
    dns_names: tuple[str, ...] = ()
    ttl_seconds: int = 0
    warnings: tuple[str, ...] = ()


def _seconds(text: str) -> int:
    return int(text[:-1]) * {"h": 3600, "m": 60, "s": 1}[text[-1]]


def sign(role: dict[str, Any], request: SignRequest, *, not_after_fixed: bool = False
         ) -> Signed:
    """SignCert then GenerateCreationBundle for a CSR on pki/sign/:role."""
    kind, bits = request.key
    role_kind = role["key_type"]
    if role_kind != "any" and kind != role_kind:
        return Signed(REFUSED, f"role requires keys of type {role_kind}")
    minimum = role.get("key_bits", 0)
    if role_kind == "any":
        minimum = {"rsa": 2048, "ec": 224}.get(kind, 0)
    if kind in ("rsa", "ec") and bits < minimum:
        return Signed(REFUSED, f"role requires a minimum of a {minimum}-bit key")
    if kind == "rsa" and bits < 2048:
        return Signed(REFUSED, "Vault requires a minimum of a 2048-bit key")
    dns = list(request.dns_names)
    cn = request.common_name if role.get("use_csr_common_name") else ""
    if not cn and role.get("require_cn"):
        return Signed(REFUSED, "the common_name field is required")
    parameters = dict(request.parameters)
    if cn and not parameters.get("exclude_cn_from_sans") and "@" not in cn:
        try:
            converted = _to_ascii(cn)
        except IdnaError:
            return Signed(REFUSED, f"common name {cn} is not a valid name")
        if HOSTNAME.match(converted):
            dns.append(converted)
    if cn and (bad := validate_common_name(role, cn)):
        return Signed(REFUSED, f"common name {bad} not allowed by this role")
    if bad := validate_names(role, dns):
        return Signed(REFUSED, f"subject alternate name {bad} not allowed by this role")
    if request.ip_addresses and not role.get("allow_ip_sans"):
        return Signed(REFUSED, "IP Subject Alternative Names are not allowed in this role")
    ttl, not_after = parameters.get("ttl", 0), parameters.get("not_after")
    if ttl and not_after:
        return Signed(REFUSED, "Either ttl or not_after should be provided")
    maximum = _seconds(role["max_ttl"])
    ttl = ttl or _seconds(role["ttl"])
    warnings = []
    if ttl > maximum:
        warnings.append("TTL is longer than permitted maxTTL, so maxTTL is being used")
        ttl = maximum
    if not_after is not None:
        ttl = min(not_after, maximum) if not_after_fixed else not_after
    return Signed(ISSUED, "", tuple(dict.fromkeys(dns)), ttl, tuple(warnings))


def acl_allows(policies: list[dict[str, Any]], path: str, parameters: dict[str, Any]) -> bool:
    """AllowOperation for an update on `path`: a policy path grants create/update and none of
    the request's parameters is denied (exact paths, and a trailing `*` as a prefix)."""
    for policy in policies:
        for pattern, rules in policy.get("path", {}).items():
            matches = pattern == path or (pattern.endswith("*") and
                                          path.startswith(pattern[:-1]))
            if not matches or not {"create", "update"} & set(rules.get("capabilities", [])):
                continue
            denied = {k.lower(): v for k, v in rules.get("denied_parameters", {}).items()}
            if "*" in denied and parameters:
                continue
            if any(name.lower() in denied and (not denied[name.lower()] or
                                               value in denied[name.lower()])
                   for name, value in parameters.items()):
                continue
            return True
    return False
