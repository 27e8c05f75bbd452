"""Email addresses (rfc822Name SANs): a profile's mailbox patterns and the checks of one address.

A pattern is `LOCAL@DOMAIN`: LOCAL is `*` (any mailbox) or one local part, matched exactly
(RFC 5321 §2.4: local parts are case-sensitive); DOMAIN is a DNS pattern of
`models.dns_names` (label-wise `*`, leading `**`), IDNA-normalised and matched ignoring case.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from models.dns_names import (
    MAX_NAME,
    label_problem,
    normalise_pattern,
    pattern_matches,
    to_a_name,
)
from models.violations import Violation, ViolationCode

# RFC 5321 §4.5.3.1: a local part of at most 64 octets, a path of at most 256 with its <>.
MAX_LOCAL = 64
MAX_ADDRESS = 254
ANY_MAILBOX = "*"
# RFC 5321 §4.1.2 Dot-string: atoms of atext joined by single dots. Quoted local parts are
# legal but rare and easy to misread, so neither patterns nor requests may use them.
_DOT_ATOM = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


def is_local_part(text: str) -> bool:
    """An ASCII dot-atom local part of at most 64 characters."""
    return len(text) <= MAX_LOCAL and _DOT_ATOM.match(text) is not None


def normalise_email_pattern(text: str) -> str:
    """An email pattern in canonical form: the local part as given, the domain canonical.

    Raises:
        ValueError: naming the pattern and what is wrong with it.
    """
    raw = text.strip()
    local, at, domain = raw.rpartition("@")
    if not at or not local:
        raise ValueError(f"email pattern {text!r} needs a local part, an @ and a domain "
                         "(`*@example.com` allows every mailbox there)")
    if local != ANY_MAILBOX and "*" in local:
        raise ValueError(f"email pattern {text!r}: `*` must be the whole local part (any "
                         "mailbox); other local parts match exactly")
    if local != ANY_MAILBOX and not is_local_part(local):
        raise ValueError(f"email pattern {text!r}: {local!r} is not a local part (letters, "
                         "digits and !#$%&'+-/=?^_`{|}~ in dot-separated atoms, at most "
                         f"{MAX_LOCAL} characters)")
    try:
        return f"{local}@{normalise_pattern(domain)}"
    except ValueError as exc:
        raise ValueError(f"email pattern {text!r}: its domain is not a valid pattern "
                         f"({exc})") from None


def email_pattern_matches(pattern: str, address: str) -> bool:
    """Does a canonical pattern allow `address` (local part exact, domain ignoring case)?

    `*` stands for any one non-empty local part; no part of a match holds a second `@`.
    """
    want_local, _, want_domain = pattern.rpartition("@")
    local, at, domain = address.rpartition("@")
    if not at or not local or "@" in local or "@" in want_domain:
        return False
    return want_local in (ANY_MAILBOX, local) and pattern_matches(want_domain, domain.lower())


def address_violations(address: str, *, patterns: Sequence[str]) -> list[Violation]:
    """Every problem with one requested email address (empty list: it may be issued)."""
    v: list[Violation] = []

    def add(code: ViolationCode, message: str) -> None:
        v.append(Violation(code, address, message))

    shown = f"email address {address!r}"
    if "\x00" in address:
        add(ViolationCode.NUL, f"{shown} contains an embedded NUL byte")
        return v
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        add(ViolationCode.INVALID_EMAIL, f"{shown} is not a mailbox (local-part@domain)")
        return v
    if not local.isascii():
        # RFC 9598 §3: a non-ASCII local part goes in an SmtpUTF8Mailbox otherName instead.
        add(ViolationCode.SMTPUTF8, f"{shown} has a non-ASCII local part: it needs an "
            "SmtpUTF8Mailbox SAN (RFC 9598), which this CA does not issue")
    elif not is_local_part(local):
        add(ViolationCode.INVALID_EMAIL, f"{shown}: local part {local!r} is not a dot-atom "
            f"of at most {MAX_LOCAL} characters (quoted local parts are not issued)")
    if len(address) > MAX_ADDRESS or len(domain) > MAX_NAME:
        add(ViolationCode.NAME_TOO_LONG, f"{shown[:60]}… is {len(address)} characters long "
            f"(at most {MAX_ADDRESS})")
    v += _domain_violations(address, local, domain)
    if not v and not any(email_pattern_matches(p, address) for p in patterns):
        allowed = ", ".join(patterns) or "none"
        add(ViolationCode.EMAIL_OUTSIDE, f"{shown} is outside the allowed email patterns "
            f"({allowed})")
    return v


def _domain_violations(address: str, local: str, domain: str) -> list[Violation]:
    """The domain part: A-labels only (RFC 9598 §5), any case, no trailing dot."""
    shown = f"email address {address!r}"
    if not domain.isascii():
        try:
            hint = f"; request {local + '@' + to_a_name(domain)!r}"
        except ValueError:
            hint = ""
        return [Violation(ViolationCode.NOT_IDNA, address,
                          f"{shown}: domain {domain!r} is not in IDNA A-label form{hint}")]
    if domain.endswith("."):
        return [Violation(ViolationCode.TRAILING_DOT, address, f"{shown} has a trailing dot; "
                          f"request {address.rstrip('.')!r}")]
    problems = [label_problem(label) for label in domain.lower().split(".")]
    return [Violation(code, address, f"{shown}{text}") for code, text in
            dict.fromkeys(p for p in problems if p is not None)]
