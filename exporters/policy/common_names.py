"""Common-name patterns of an issuance profile (`*` one or more characters, case ignored) per
target: an RE2 regex for approver-policy's CEL, mailbox domains and exact names for the rest.
"""

from __future__ import annotations

from dataclasses import dataclass

# RE2 metacharacters. Most are written as a one-character class (`[.]`, `[(]`), which needs
# no backslash; `^` and `\` cannot be, and `]` is the class `[]]`.
_METACHARACTERS = frozenset(".+?()|[]{}$^\\*")


def literal(char: str) -> str:
    """`char` as an RE2 expression matching itself, without a backslash where possible."""
    if char not in _METACHARACTERS:
        return char
    if char in "^\\":
        return "\\" + char
    return "[]]" if char == "]" else f"[{char}]"


def regex(patterns: tuple[str, ...]) -> str:
    """One anchored, case-insensitive RE2 regex matching exactly the names the patterns allow.

    `models.issuance_policy.cn_pattern_matches` is the reference: `*` is `.+`, every other
    character stands for itself.
    """
    alternatives = [".+".join("".join(literal(c) for c in part) for part in p.split("*"))
                    for p in patterns]
    return "(?i)^(" + "|".join(alternatives) + ")$"


def cel_string(text: str) -> str:
    """`text` as a single-quoted CEL string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def mailbox_domain(pattern: str) -> str | None:
    """`d` for a pattern `*@d` (any mailbox at exactly `d`); None for other shapes."""
    local, at, domain = pattern.partition("@")
    if local == "*" and at and domain and "*" not in domain and "@" not in domain:
        return domain
    return None


@dataclass(frozen=True, slots=True)
class CommonNameShapes:
    """A profile's common-name patterns sorted by what the targets can say about them."""

    exact: tuple[str, ...]  # no wildcard: one name, case ignored
    mailbox_domains: tuple[str, ...]  # from `*@d`: any mailbox at `d`
    other: tuple[str, ...]  # every other wildcard pattern

    @classmethod
    def of(cls, patterns: tuple[str, ...]) -> CommonNameShapes:
        exact = tuple(p for p in patterns if "*" not in p)
        domains = tuple(d for d in map(mailbox_domain, patterns) if d is not None)
        other = tuple(p for p in patterns if "*" in p and mailbox_domain(p) is None)
        return cls(exact, tuple(dict.fromkeys(domains)), other)
