"""Who an actor's name denotes, for separation of duties: a confusable-safe identity key.

Review 2026-12 (ca.md defect 4): a requester approved their own request as "аlice" (Cyrillic
а), "al\\u200bice" (a zero-width space) or "ａlice" (fullwidth), and the log showed "alice".
Names are therefore compared by a key in the spirit of Unicode TS #39's skeleton: NFKC (width
and compatibility forms fold), Latin look-alikes mapped to the Latin letter (a subset of the
Unicode confusables.txt data: the Cyrillic, Greek and Armenian letters that look Latin, and
1/| → l, 0 → o, rn → m), case-folded, spaces collapsed. Names holding invisible
characters, or letters of two scripts that do not mix in one name (Latin with Cyrillic, as
"аlice"), are refused outright, and messages show the code points so a log reader can tell
look-alikes apart.
"""

from __future__ import annotations

import unicodedata

from models.unicode_scripts import mixed_scripts, skeleton

# Default-ignorable code points that are not of category Cf (those are caught by category):
# combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian selectors,
# variation selectors.
_IGNORABLE = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810),
              *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}
def code_points(text: str) -> str:
    """`U+0430 CYRILLIC SMALL LETTER A, U+006C …`: exactly what a name holds."""
    return ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'unnamed')}" for c in text)


def shown(name: str) -> str:
    """The name as typed, with its code points when it is not plain ASCII."""
    return name if name.isascii() and name.isprintable() else f"{name!r} ({code_points(name)})"


def invisible(name: str) -> list[str]:
    """The characters of `name` a reader cannot see: controls, format characters (zero-width
    space and joiners, direction marks), unassigned or private code points, separators other
    than the space, default-ignorables."""
    return [c for c in dict.fromkeys(name)
            if unicodedata.category(c) in _INVISIBLE_CATEGORIES or ord(c) in _IGNORABLE
            or (unicodedata.category(c) == "Zs" and c != " ")]


def problem(name: str) -> str | None:
    """Why `name` cannot stand for a person in the CA's log, or None.

    Invisible characters and letters from scripts that do not mix in one name are refused:
    either lets one person pass as another while the log looks the same.
    """
    hidden = invisible(name)
    if hidden:
        return (f"the name {name!r} holds invisible character(s) {code_points(''.join(hidden))}; "
                "type it without them")
    used = mixed_scripts(name)
    if used:
        return (f"the name {name!r} mixes {' and '.join(sorted(s.title() for s in used))} "
                f"letters ({code_points(name)}): a look-alike of another name")
    return None


def person_key(name: str) -> str:
    """Who a name denotes: NFKC, look-alikes mapped to Latin, case folded, spaces collapsed.

    "Alice", " alice ", "ａlice", "аlice" and "ALICE" are one person; "Zoë" and "Zoe" are not.
    """
    return " ".join(skeleton(name).split())
