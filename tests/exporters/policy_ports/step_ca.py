"""A port of step-ca's X.509 name policy, key check, validity claims and ca.json provisioner
loading, for the export's tests.

Ported from smallstep/certificates at commit 1c44aeca5f67f6d28dc7450a4fc82218885cc310
(v0.30.2 + 227 commits):
- policy/options.go: `normalizeAndValidateDNSDomainConstraint` (`*.d` becomes `.d`),
  `normalizeAndValidateCommonName`.
- policy/validate.go: `validateNames` (DNS names and IPs; a kind with no constraint while
  others are permitted is refused), `validateCommonName` (allow.cn, else as the name it looks
  like), `matchDomainConstraint` (a leading `.` is exactly one more label, "we look for
  exactly one subdomain, currently"), `domainToReverseLabels`, `matchCommonNameConstraint`.
- authority/policy/policy.go: `NewX509PolicyEngine` (allowWildcardNames, subject common name
  verification on).
- authority/provisioner/sign_options.go: `defaultPublicKeyValidator` (RSA at least 2048 bits;
  any ECDSA curve and Ed25519 pass), `validityValidator` (min, max + backdate).
- authority/provisioner/provisioner.go: `List.UnmarshalJSON` (a provisioner whose `type` is
  unknown or missing is skipped); acme.go and jwk.go: the JSON fields of a provisioner.
- authority/config/config.go: `AuthConfig.Policy` (`authority.policy`), the only name policy
  open-source step-ca reads from ca.json; authority/provisioner/options.go tags the
  provisioner-level AllowedNames/DeniedNames/AllowWildcardNames `json:"-"`.

`idna.Lookup.ToASCII` (golang.org/x/net/idna: UTS #46 mapping, STD3 rules, CheckHyphens) is
ported for ASCII names: lower-cased, letters/digits/hyphens only, no hyphen at either end of a
label nor in its 3rd and 4th characters (labels longer than 4). An `xn--` label is decoded and
the decoded label judged instead (`go_idna`: the Lookup profile sets `validateFromPunycode`).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from tests.exporters.policy_ports.go_idna import decode, validate_from_punycode

ISSUED, REFUSED = "issued", "refused"
# JSON fields of the provisioners the export writes (acme.go ACME, jwk.go JWK structs).
PROVISIONER_FIELDS = {
    "ACME": {"type", "name", "forceCN", "termsOfService", "website", "caaIdentities",
             "requireEAB", "challenges", "attestationFormats", "attestationRoots", "claims",
             "options"},
    "JWK": {"type", "name", "key", "encryptedKey", "claims", "options"},
}
KNOWN_TYPES = {"jwk", "oidc", "gcp", "aws", "azure", "acme", "x5c", "k8ssa", "sshpop",
               "scep", "nebula"}
CLAIM_FIELDS = {"minTLSCertDuration", "maxTLSCertDuration", "defaultTLSCertDuration",
                "disableRenewal", "allowRenewalAfterExpiry", "minUserSSHCertDuration",
                "maxUserSSHCertDuration", "defaultUserSSHCertDuration",
                "minHostSSHCertDuration", "maxHostSSHCertDuration",
                "defaultHostSSHCertDuration", "enableSSHCA"}
X509_OPTION_FIELDS = {"template", "templateFile", "templateData"}
POLICY_FIELDS = {"x509", "ssh"}
X509_POLICY_FIELDS = {"allow", "deny", "allowWildcardNames"}
NAME_FIELDS = {"cn", "dns", "ip", "email", "uri"}


def loaded_provisioners(fragments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """List.UnmarshalJSON: the provisioners step-ca keeps (unknown types are skipped)."""
    return [f for f in fragments if str(f.get("type", "")).lower() in KNOWN_TYPES]


def _lookup_to_ascii(name: str) -> str:
    if not name.isascii():
        raise ValueError(name)
    out = []
    for label in name.lower().split("."):
        if any(not (c.isalnum() or c == "-") for c in label):
            raise ValueError(f"{label!r}: disallowed by STD3 rules")
        judged = _from_punycode(label[4:]) if label.startswith("xn--") else label
        if judged and (judged[0] == "-" or judged[-1] == "-"):
            raise ValueError(f"{label!r}: hyphen at an end")
        if len(judged) > 4 and judged[2:4] == "--":
            raise ValueError(f"{label!r}: hyphens in the 3rd and 4th position")
        out.append(label)
    return ".".join(out)


def _from_punycode(encoded: str) -> str:
    """`decode`, then `validateFromPunycode`: the U-label, or IdnaError (a ValueError)."""
    label = decode(encoded)
    validate_from_punycode(label)
    return label


def _reverse_labels(domain: str) -> list[str] | None:
    labels = domain.split(".")[::-1] if domain else []
    if labels and labels[0] == "":
        return None
    if any(not label or any(ord(c) < 33 or ord(c) > 126 for c in label) for label in labels):
        return None
    return labels


def normalize_dns_constraint(constraint: str) -> str:
    c = constraint.strip().lower()
    if not c or ".." in c or c.startswith(".") or c.rfind("*") > 0 or \
            (len(c) >= 2 and c[0] == "*" and c[1] != "."):
        raise ValueError(f"invalid domain constraint {constraint!r}")
    if c.startswith("*."):
        c = c[1:]
    c = _lookup_to_ascii(c)
    if _reverse_labels(c.lstrip(".")) is None:
        raise ValueError(f"cannot parse domain constraint {constraint!r}")
    return c


def match_domain_constraint(domain: str, constraint: str, allow_wildcards: bool) -> bool:
    if constraint == "":
        return True
    if domain in (" ", "") or domain[0] == ".":
        return False
    if domain[0] == "*" and (len(domain) < 2 or domain[1] != "."):
        return False
    if domain.startswith("*.") and not allow_wildcards:
        return False
    if domain.rfind("*") > 0:
        return False
    if ".." in constraint:
        return False
    domain_labels = _reverse_labels(domain)
    if domain_labels is None:
        raise ValueError(f"cannot parse domain {domain!r}")
    must_have_subdomains = constraint[0] == "."
    constraint_labels = _reverse_labels(constraint[1:] if must_have_subdomains else constraint)
    if constraint_labels is None:
        raise ValueError(f"cannot parse domain constraint {constraint!r}")
    expected = len(constraint_labels) + (1 if must_have_subdomains else 0)
    if len(domain_labels) != expected:
        return False
    return all(c.lower() == d.lower() for c, d in zip(constraint_labels, domain_labels,
                                                      strict=False))


class NamePolicy:
    """NamePolicyEngine built from `authority.policy.x509` (allow lists only)."""

    def __init__(self, x509: dict[str, Any]) -> None:
        allow = x509.get("allow", {})
        self.dns = [normalize_dns_constraint(d) for d in allow.get("dns", [])]
        self.cn = [c.strip().lower() for c in allow.get("cn", [])]
        self.ips = allow.get("ip", [])
        self.emails = allow.get("email", [])
        self.wildcards = bool(x509.get("allowWildcardNames"))
        self.total = len(self.dns) + len(self.cn) + len(self.ips) + len(self.emails)

    def _dns_ok(self, dns: str) -> bool:
        if not self.dns and self.total:
            return False
        parsed, cut = dns, dns.startswith("*.")
        if cut:
            parsed = parsed[1:]
        try:
            parsed = _lookup_to_ascii(parsed)
        except ValueError:
            return False
        if cut:
            parsed = "*" + parsed
        if _reverse_labels(parsed) is None:
            return False
        try:
            return any(match_domain_constraint(parsed, c, self.wildcards) for c in self.dns)
        except ValueError:
            return False

    def validate(self, dns_names: tuple[str, ...], ips: tuple[str, ...], common_name: str
                 ) -> str:
        """The first name refused, or ""."""
        if not self.total:
            return ""
        for dns in dns_names:
            if not self._dns_ok(dns):
                return dns
        for ip in ips:
            address = ipaddress.ip_address(ip)
            if not any(address in ipaddress.ip_network(n, strict=False) for n in self.ips):
                return ip
        if common_name:
            if self.cn and any(common_name.lower() == c for c in self.cn if c != "*"):
                return ""
            if "@" in common_name:
                return common_name  # no email constraints in the exported policy here
            try:
                ipaddress.ip_address(common_name)
                return self.validate((), (common_name,), "")
            except ValueError:
                return "" if self._dns_ok(common_name) else common_name
        return ""


def key_allowed(kind: str, bits: int) -> bool:
    """defaultPublicKeyValidator."""
    if kind == "rsa":
        return bits >= 2048
    return kind in ("ec", "ed25519")


def _seconds(text: str) -> int:
    return int(text[:-1]) * {"h": 3600, "m": 60, "s": 1}[text[-1]]


def validity_allowed(claims: dict[str, Any], seconds: int | None) -> bool:
    """validityValidator: a request without a duration gets defaultTLSCertDuration."""
    duration = _seconds(claims["defaultTLSCertDuration"]) if seconds is None else seconds
    backdate = 60
    return _seconds(claims["minTLSCertDuration"]) <= duration <= \
        _seconds(claims["maxTLSCertDuration"]) + backdate
