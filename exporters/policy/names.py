"""SAN patterns of an issuance profile (`*` one label, leading `**` one or more) per target."""

from __future__ import annotations

from dataclasses import dataclass

# One label as models.dns_names.label_problem accepts it, in RE2 without lookahead or
# backslashes: lower-case letters, digits and inner hyphens, at most 63 characters, and `--`
# in the 3rd and 4th characters only after `xn` (whose Punycode no regex can check).
LABEL = ("([a-z0-9]{1,2}|[a-z0-9][a-z0-9-]{1,2}[a-z0-9]"
         "|[a-z0-9][a-z0-9-]([a-z0-9][a-z0-9-]|-[a-z0-9])[a-z0-9-]{0,58}[a-z0-9]"
         "|xn--[a-z0-9]([a-z0-9-]{0,57}[a-z0-9])?)")
# The wildcard a request may carry: the whole leftmost label, nothing else.
_WILDCARD_OR_LABEL = f"([*]|{LABEL})"


@dataclass(frozen=True, slots=True)
class Pattern:
    """A canonical profile pattern split into what the targets can say about it."""

    text: str

    @property
    def labels(self) -> list[str]:
        return self.text.split(".")

    @property
    def exact(self) -> bool:
        """A single name, no wildcard."""
        return not any(label in ("*", "**") for label in self.labels)

    @property
    def any_depth_suffix(self) -> str | None:
        """`d` for `**.d` (one or more labels under fixed `d`); None for other shapes."""
        head, *rest = self.labels
        if head == "**" and rest and all(label not in ("*", "**") for label in rest):
            return ".".join(rest)
        return None

    @property
    def fixed_suffix(self) -> str:
        """The fixed labels after the last wildcard label."""
        labels = self.labels
        last = max(i for i, label in enumerate(labels) if label in ("*", "**"))
        return ".".join(labels[last + 1:])

    def glob(self) -> str:
        """`*` for every wildcard label: approver-policy and Vault globs (`*` spans dots)."""
        return ".".join("*" if label in ("*", "**") else label for label in self.labels)

    def regex(self, *, wildcards: bool) -> str:
        """An RE2 regex matching the requested names the pattern allows (dots as `[.]`).

        As `models.dns_names.name_violations` reads a request: lower-case LDH labels, and `*`
        only as the whole leftmost label, where the profile allows wildcards. `[.]` and `[*]`
        instead of backslash escapes keep the expression intact through CEL and YAML quoting.
        """
        parts = []
        for index, label in enumerate(self.labels):
            head = _WILDCARD_OR_LABEL if wildcards and index == 0 else LABEL
            if label == "**":
                parts.append(f"{head}([.]{LABEL})*")
            elif label == "*":
                parts.append(head)
            else:
                parts.append(label)
        return "[.]".join(parts)


def patterns(texts: tuple[str, ...]) -> list[Pattern]:
    return [Pattern(t) for t in texts]


def exact_regex(items: list[Pattern], *, wildcards: bool) -> str:
    """One anchored regex for all patterns: lower case only, as the profile requests names."""
    return "^(" + "|".join(p.regex(wildcards=wildcards) for p in items) + ")$"
