"""Name constraints of a subordinate CA: the RFC 5280 subtrees that hold a profile's patterns.

A CA-signing type's SAN and email patterns say which names certificates beneath it may
carry. RFC 5280 §4.2.1.10 subtrees cannot say "exactly one label" or "this mailbox at any
host", so each pattern becomes the smallest subtree that holds every name it allows: never
narrower than the profile (a certificate the profile allows must not fail path validation),
sometimes wider (`*.d` becomes `d`, which also holds `d` and deeper names). A pattern no
subtree short of "any name" holds (`example.*`) cannot be a constraint, and a profile with
no patterns would constrain nothing: such a subordinate CA is refused, never issued wide open.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.email_names import ANY_MAILBOX

if TYPE_CHECKING:
    from cryptography import x509

_WILDCARDS = ("*", "**")
# RFC 6761 §6.4: no name under `invalid` ever resolves, so a name type permitted only there
# (DNS or email without patterns, URIs always) is in effect forbidden beneath the CA. A name
# under it, not the bare label: RFC 5280 §4.2.1.10 asks URI constraints for a fully
# qualified domain name, and pkilint (pkix.invalid_uri_syntax) rejects a single label.
NOWHERE = "nowhere.invalid"


def dns_subtree(pattern: str) -> str | None:
    """The dNSName subtree holding a canonical DNS pattern: the labels right of its last
    wildcard (a dNSName constraint holds the name and every name under it); None when the
    pattern ends in a wildcard, which no subtree short of "any name" holds."""
    labels = pattern.split(".")
    wild = [i for i, label in enumerate(labels) if label in _WILDCARDS]
    suffix = labels[wild[-1] + 1:] if wild else labels
    return ".".join(suffix) or None


def mailbox_subtree(pattern: str) -> str | None:
    """The rfc822Name subtree holding a canonical email pattern: the mailbox itself, every
    mailbox at one host (`host`), or every mailbox under a domain (`.domain`)."""
    local, _, domain = pattern.rpartition("@")
    if not any(label in _WILDCARDS for label in domain.split(".")):
        return domain if local == ANY_MAILBOX else pattern
    suffix = dns_subtree(domain)
    return f".{suffix}" if suffix else None


@dataclass(frozen=True, slots=True)
class NameConstraints:
    """Permitted subtrees by name type, and the patterns no subtree holds.

    Only `complete` constraints may go into a certificate: an empty name type is then
    permitted nowhere (`NOWHERE`), and IP addresses are always excluded, since no profile
    allows IP SANs.
    """

    dns: tuple[str, ...] = ()
    email: tuple[str, ...] = ()
    unexpressible: tuple[str, ...] = ()  # patterns ending in a wildcard

    def __bool__(self) -> bool:
        return bool(self.dns or self.email)

    @property
    def complete(self) -> bool:
        """Every pattern is held by a subtree and at least one name type is permitted."""
        return bool(self) and not self.unexpressible

    def problems(self) -> list[tuple[str, str]]:
        """(subject, message) for each reason these constraints cannot be issued."""
        if not self and not self.unexpressible:
            return [("profile", "a CA-signing type needs SAN or email patterns: they become "
                     "the subordinate CA's name constraints, and without them it could sign "
                     "for any name; add SAN or email patterns to this type's profile")]
        return [(p, f"pattern {p!r} cannot be a name constraint: it ends in a wildcard, which "
                 "only 'any name' holds; name the domain instead (e.g. '**.example.com')")
                for p in self.unexpressible]

    def extension(self) -> x509.NameConstraints:
        """The certificate extension of complete constraints.

        DNS names and mailboxes are permitted only under the subtrees; a name type with none,
        and URIs (no profile allows URI SANs), only under `NOWHERE`; every IPv4 and IPv6
        address is excluded (no profile allows IP SANs).

        Raises:
            ValueError: the constraints are not complete.
        """
        if not self.complete:
            raise ValueError("; ".join(m for _, m in self.problems()))
        # Imported here: the profile checks and the CLI's start-up need no cryptography.
        from cryptography import x509
        permitted: list[x509.GeneralName] = [x509.DNSName(d) for d in self.dns or (NOWHERE,)]
        permitted += [x509.RFC822Name(e) for e in self.email or (NOWHERE,)]
        permitted.append(x509.UniformResourceIdentifier(NOWHERE))
        excluded: list[x509.GeneralName] = [
            x509.IPAddress(ipaddress.ip_network("0.0.0.0/0")),
            x509.IPAddress(ipaddress.ip_network("::/0"))]
        return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=excluded)


def name_constraints(san_patterns: Sequence[str],
                     email_patterns: Sequence[str]) -> NameConstraints:
    """The permitted subtrees for a subordinate CA of a profile with these patterns."""
    dns = {p: dns_subtree(p) for p in san_patterns}
    email = {p: mailbox_subtree(p) for p in email_patterns}
    return NameConstraints(
        dns=tuple(dict.fromkeys(d for d in dns.values() if d)),
        email=tuple(dict.fromkeys(e for e in email.values() if e)),
        unexpressible=tuple(p for p, s in (*dns.items(), *email.items()) if s is None),
    )
