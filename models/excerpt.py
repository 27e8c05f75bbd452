"""Bounded, printable excerpts of user input: for one-line errors, terminal output and exports."""

from __future__ import annotations

import unicodedata

# A value quoted in an error shows at most this many characters, then its length.
QUOTED_CHARS = 40
# A whole one-line message (several quoted values, a reader's error) is cut here.
MESSAGE_CHARS = 1000
# Bidirectional embeddings, overrides and isolates: they reorder what a terminal shows.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def is_control(char: str) -> bool:
    """C0/C1 controls (newline, ESC, NUL, DEL), line/paragraph separators and bidi controls."""
    return char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Zl", "Zp")


def printable(text: str) -> str:
    """`text` with every control character shown as an escape (`\\n`, `\\x1b`, `\\u2028`)."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        if is_control(char):
            code = ord(char)
            out.append(_NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else
                                            f"\\u{code:04x}"))
        else:
            out.append(char)
    return "".join(out)


def refuse_control_characters(text: str) -> str:
    """A pydantic validator for names and owners: ValueError naming the first control character."""
    if text.isprintable():  # fast path: no control character is printable
        return text
    for index, char in enumerate(text):
        if is_control(char):
            raise ValueError(f"must not contain control characters such as newlines or "
                             f"terminal escapes (U+{ord(char):04X} at position {index + 1})")
    return text


def excerpt(value: object, limit: int = QUOTED_CHARS) -> str:
    """`repr(value)`, printable and at most `limit` characters, with the length when cut."""
    if isinstance(value, str):
        if len(value) <= limit:
            return printable(repr(value))
        return f"{printable(repr(value[:limit]))[:-1]}…' ({len(value):,} characters)"
    try:
        text = repr(value)
    except ValueError:  # an int too long to convert to text
        return f"<an integer of {value.bit_length():,} bits>" if isinstance(value, int) \
            else "<unprintable value>"
    if len(text) <= limit:
        return printable(text)
    return f"{printable(text[:limit])}… ({len(text):,} characters)"


def bounded(message: str, limit: int = MESSAGE_CHARS) -> str:
    """A message on one printable line of at most about `limit` characters."""
    if len(message) > limit:
        message = f"{message[:limit]}… ({len(message):,} characters in all)"
    return printable(message)


def excerpt_message(error: BaseException) -> str:
    """`str(error)`, bounded and printable: a reader's error may quote the whole input."""
    return bounded(str(error))
