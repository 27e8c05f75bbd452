"""Name constraints of a subordinate CA: the RFC 5280 subtrees that hold a profile's patterns.

A CA-signing type's SAN and email patterns say which names certificates beneath it may
carry. RFC 5280 §4.2.1.10 subtrees cannot say "exactly one label" or "this mailbox at any
host", so each pattern becomes the smallest subtree that holds every name it allows: never
narrower than the profile (a certificate the profile allows must not fail path validation),
sometimes wider (`*.d` becomes `d`, which also holds `d` and deeper names).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.email_names import ANY_MAILBOX

_WILDCARDS = ("*", "**")


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
    """Permitted subtrees by name type; an empty tuple leaves that type unconstrained."""

    dns: tuple[str, ...] = ()
    email: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.dns or self.email)


def name_constraints(san_patterns: Sequence[str],
                     email_patterns: Sequence[str]) -> NameConstraints:
    """The permitted subtrees for a subordinate CA of a profile with these patterns.

    A name type one of whose patterns no subtree holds stays unconstrained rather than being
    constrained to the other patterns only.
    """
    dns = [dns_subtree(p) for p in san_patterns]
    email = [mailbox_subtree(p) for p in email_patterns]
    return NameConstraints(
        dns=() if None in dns else tuple(dict.fromkeys(d for d in dns if d)),
        email=() if None in email else tuple(dict.fromkeys(e for e in email if e)),
    )
