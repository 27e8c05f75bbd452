"""Email patterns of an issuance profile (`*@domain`, `name@domain`) as each target says them.

`models.email_names.email_pattern_matches` is the reference: the local part is `*` (any
mailbox) or matched exactly; the domain is a DNS pattern (`*` one label, a leading `**` one
or more) matched ignoring case.
"""

from __future__ import annotations

from dataclasses import dataclass

from exporters.policy.common_names import literal
from exporters.policy.names import Pattern
from models.email_names import ANY_MAILBOX


@dataclass(frozen=True, slots=True)
class EmailPattern:
    """A canonical profile email pattern split into its local part and domain pattern."""

    text: str

    @property
    def local(self) -> str:
        return self.text.rpartition("@")[0]

    @property
    def domain(self) -> Pattern:
        return Pattern(self.text.rpartition("@")[2])

    @property
    def any_mailbox(self) -> bool:
        return self.local == ANY_MAILBOX

    def glob(self) -> str:
        """`*` for the local part and every wildcard label (approver-policy `values`)."""
        return f"{self.local}@{self.domain.glob()}"

    def regex(self) -> str:
        """An RE2 regex matching exactly the addresses the pattern allows: the local part
        case-sensitive, the domain not (`(?i:…)`), no label or local part spanning an `@`."""
        local = "[^@]+" if self.any_mailbox else "".join(literal(c) for c in self.local)
        labels = []
        for label in self.domain.labels:
            if label == "**":
                labels.append("[^.@]+([.][^.@]+)*")
            elif label == "*":
                labels.append("[^.@]+")
            else:
                labels.append(label)  # an A-label: letters, digits and hyphens only
        return f"{local}@(?i:{'[.]'.join(labels)})"


def email_patterns(texts: tuple[str, ...]) -> list[EmailPattern]:
    return [EmailPattern(t) for t in texts]


def exact_regex(items: list[EmailPattern]) -> str:
    """One anchored regex for all patterns (case is ignored in the domains only)."""
    return "^(" + "|".join(p.regex() for p in items) + ")$"
