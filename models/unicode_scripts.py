"""Look-alikes in Unicode text: which scripts its letters are in, which mixes Unicode TS #39
allows, and a confusable skeleton that maps letters looking Latin to the Latin letter.

A label or name mixing Latin with Cyrillic ("аpple", Cyrillic а) is the classic look-alike;
TS #39's "highly restrictive" level allows one script, or Latin with Han and the Japanese
kana, with Han and Bopomofo, or with Han and Hangul. Scripts are read from the Unicode
character names, which begin with the script for letters ("CYRILLIC SMALL LETTER A").
"""

from __future__ import annotations

import unicodedata

# Unicode confusables.txt (UTS #39) prototypes for letters that look Latin. Capitals are
# mapped before case folding (so "ВОВ" is "bob", while "вов" is not), small letters and
# digits after it (so "ALICE" stays "alice": TS #39 alone is case-sensitive, I ≠ i).
_CAPITALS = str.maketrans({
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "З": "3", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "l", "Ј": "J", "Ү": "Y", "Һ": "h",
    "Ԛ": "Q", "Ԝ": "W", "Ӏ": "l",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "l", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
})
_SMALL = str.maketrans({
    # Cyrillic
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "ѕ": "s", "і": "i",
    "ј": "j", "һ": "h", "ԛ": "q", "ԝ": "w", "ү": "y", "ӏ": "l", "ԁ": "d", "ь": "b",
    # Greek
    "ο": "o", "ν": "v", "ρ": "p", "α": "a", "ι": "i", "υ": "u", "ϲ": "c", "ϳ": "j",
    # Armenian
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q",
    # Latin look-alikes among digits and symbols
    "ɡ": "g", "1": "l", "|": "l", "0": "o",
})
_MIXABLE = ({"LATIN", "CJK", "HIRAGANA", "KATAKANA"}, {"LATIN", "CJK", "BOPOMOFO"},
            {"LATIN", "CJK", "HANGUL"})


def _script(char: str) -> str | None:
    if not unicodedata.category(char).startswith("L"):
        return None
    word = unicodedata.name(char, "").split(" ")[0]
    return None if word in ("", "MODIFIER") else word


def scripts(text: str) -> set[str]:
    """The scripts of the letters of `text` after NFKC (digits and symbols have none)."""
    return {s for s in map(_script, unicodedata.normalize("NFKC", text)) if s}


def mixed_scripts(text: str) -> set[str]:
    """The scripts of `text` when they do not go together in one name; empty when they do."""
    used = scripts(text)
    if len(used) <= 1 or any(used <= allowed for allowed in _MIXABLE):
        return set()
    return used


def skeleton(text: str) -> str:
    """`text` with look-alikes of Latin letters made Latin, case folded, after NFKC.

    A subset of TS #39's skeleton (the confusables.txt prototypes for Cyrillic, Greek and
    Armenian letters that look Latin, 1/| → l, 0 → o, rn → m), case-insensitive: "аІісе",
    "ａlice" and "ALICE" all give "alice"; "Zoë" stays "zoë".
    """
    folded = unicodedata.normalize("NFKC", text).translate(_CAPITALS)
    return folded.casefold().translate(_SMALL).replace("rn", "m")
