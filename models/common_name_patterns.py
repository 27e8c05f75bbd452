"""Common-name patterns of a profile: `*` is one or more characters, everything else itself."""

from __future__ import annotations

# RFC 5280 ub-common-name.
MAX_COMMON_NAME = 64


def normalise_cn_pattern(text: str) -> str:
    """A common-name pattern, checked: printable, no outer spaces, at most 64 characters.

    `*` stands for one or more characters; everything else matches itself, ignoring case.

    Raises:
        ValueError: naming the pattern and what is wrong with it.
    """
    pattern = text.strip()
    if not pattern.isprintable():
        raise ValueError(f"common-name pattern {text!r} contains control characters")
    if len(pattern.replace("*", "x")) > MAX_COMMON_NAME:
        raise ValueError(f"common-name pattern {text!r} is longer than {MAX_COMMON_NAME} "
                         "characters")
    return pattern


def cn_pattern_matches(pattern: str, common_name: str) -> bool:
    """Does `common_name` match `pattern` (`*` = one or more characters, case ignored)?

    A linear scan, not a regular expression: patterns come from project files and names
    from CSRs, so neither may make the check slow.
    """
    name, wanted = common_name.casefold(), pattern.casefold()
    if "*" not in wanted:
        return name == wanted
    head, *middles, tail = wanted.split("*")
    if not name.startswith(head) or not name.endswith(tail):
        return False
    position, end = len(head), len(name) - len(tail)
    for middle in middles:  # leftmost placement leaves the most room for what follows
        found = name.find(middle, position + 1, end)
        if found < 0:
            return False
        position = found + len(middle)
    return end - position >= 1
