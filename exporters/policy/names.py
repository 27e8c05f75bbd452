"""SAN patterns of an issuance profile (`*` one label, leading `**` one or more) per target."""

from __future__ import annotations

from dataclasses import dataclass


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

    def regex(self) -> str:
        """An RE2 regex matching exactly the names the pattern allows (dots as `[.]`).

        `[.]` instead of `\\.` keeps the expression free of backslashes, so it survives
        CEL and YAML string escaping unchanged.
        """
        parts = []
        for label in self.labels:
            if label == "**":
                parts.append("[^.]+([.][^.]+)*")
            elif label == "*":
                parts.append("[^.]+")
            else:
                parts.append(label)
        return "[.]".join(parts)


def patterns(texts: tuple[str, ...]) -> list[Pattern]:
    return [Pattern(t) for t in texts]


def exact_regex(items: list[Pattern]) -> str:
    """One anchored, case-insensitive regex for all patterns."""
    return "(?i)^(" + "|".join(p.regex() for p in items) + ")$"
