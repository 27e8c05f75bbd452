"""DNS names: IDNA A-labels, label-wise SAN patterns and the checks of one requested name."""

from __future__ import annotations

import re
from collections.abc import Sequence

import idna

from models.unicode_scripts import mixed_scripts, scripts, skeleton
from models.violations import Violation, ViolationCode

# RFC 1035 §2.3.4 limits.
MAX_LABEL = 63
MAX_NAME = 253
LDH = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")


def to_a_label(label: str) -> str:
    """The IDNA 2008 A-label of one label, after UTS #46 mapping (case, width), lower-case.

    Not Python's "idna" codec, which is IDNA 2003: it maps "faß" to "fass" and accepts
    symbols IDNA 2008 disallows. An ASCII label is only lower-cased; callers check its LDH
    syntax and, for `xn--` labels, `is_valid_a_label`.

    Raises:
        ValueError: the label is not valid under IDNA 2008 (the message says why).
    """
    if label.isascii():
        return label.lower()
    try:
        return idna.encode(label, uts46=True).decode("ascii")
    except (UnicodeError, ValueError) as exc:  # idna.IDNAError is a UnicodeError
        raise ValueError(f"label {label!r} is not valid under IDNA 2008 ({exc})") from None


def is_valid_a_label(label: str) -> bool:
    """An `xn--` label whose U-label IDNA 2008 allows and that re-encodes to itself (no bogus
    or non-canonical Punycode)."""
    try:
        return idna.encode(idna.decode(label)).decode("ascii") == label
    except (UnicodeError, ValueError):
        return False


def to_a_name(name: str) -> str:
    """A domain name with every label in A-label form, lower-case.

    Raises:
        ValueError: a label cannot be IDNA-encoded.
    """
    return ".".join(to_a_label(label) for label in name.split("."))


def a_label_hint(name: str) -> str:
    """`; request the A-label form '…'` for a name with U-labels, or '' if none can be made."""
    try:
        return f"; request the A-label form {to_a_name(name)!r}"
    except ValueError:
        return ""


def label_problem(label: str) -> tuple[ViolationCode, str] | None:
    """What is wrong with one lower-case ASCII label of a requested name, or None.

    The text follows the name in a message: "DNS name 'x' has an empty label".
    """
    if not label:
        return ViolationCode.EMPTY_LABEL, " has an empty label"
    if len(label) > MAX_LABEL:
        return ViolationCode.LABEL_TOO_LONG, (f" has a label of {len(label)} characters "
                                              f"(at most {MAX_LABEL})")
    if not LDH.match(label):
        return ViolationCode.INVALID_LABEL, (f": label {label!r} may hold only letters, "
                                             "digits and inner hyphens")
    if label[2:4] == "--" and not (label.startswith("xn--") and is_valid_a_label(label)):
        return ViolationCode.NOT_IDNA, f": label {label!r} is not a valid IDNA A-label"
    if label.startswith("xn--"):
        return _look_alike(label, idna.decode(label))
    return None


def _look_alike(label: str, u_label: str) -> tuple[ViolationCode, str] | None:
    """An A-label whose U-label passes for another name: IDNA 2008 allows "аpple" (Cyrillic
    а, Latin pple) and "аррӏе" (all Cyrillic); TS #39 calls both look-alikes of "apple".
    A Latin label is left alone: "faß" folds to "fass" but is its own German name."""
    mixed = mixed_scripts(u_label)
    if mixed:
        return ViolationCode.MIXED_SCRIPT, (
            f": label {label!r} is {u_label!r}, which mixes "
            f"{' and '.join(sorted(s.title() for s in mixed))} letters (a look-alike)")
    if "LATIN" not in scripts(u_label) and (plain := skeleton(u_label)).isascii():
        return ViolationCode.MIXED_SCRIPT, (
            f": label {label!r} is {u_label!r}, which looks like {plain!r} (a look-alike)")
    return None


# --- patterns ----------------------------------------------------------------------------

def normalise_pattern(text: str) -> str:
    """A SAN pattern in canonical form: lower-case A-labels, no trailing dot.

    `*` stands for exactly one label anywhere; a leading `**` for one or more labels.

    Raises:
        ValueError: naming the pattern and what is wrong with it.
    """
    raw = text.strip().lower().removesuffix(".")
    labels = raw.split(".")
    if len(labels) < 2:
        raise ValueError(f"SAN pattern {text!r} needs at least two labels")
    out = []
    for index, label in enumerate(labels):
        if label == "*" or (label == "**" and index == 0):
            out.append(label)
            continue
        a_label = to_a_label(label)
        if not LDH.match(a_label) or len(a_label) > MAX_LABEL:
            raise ValueError(f"SAN pattern {text!r}: {label!r} is not a valid DNS label")
        out.append(a_label)
    if all(label in ("*", "**") for label in out):
        raise ValueError(f"SAN pattern {text!r} must name at least one fixed label")
    return ".".join(out)


def pattern_matches(pattern: str, name: str) -> bool:
    """Label-wise match of a canonical pattern against a canonical (lower-case) name."""
    want = pattern.split(".")
    labels = name.split(".")
    if want[0] == "**":
        rest = want[1:]
        if len(labels) <= len(rest):
            return False
        labels = labels[len(labels) - len(rest):]
        want = rest
    return len(labels) == len(want) and all(w in ("*", n) for w, n in zip(want, labels,
                                                                          strict=True))


# --- one requested name --------------------------------------------------------------------

def name_violations(name: str, *, patterns: Sequence[str],
                    allow_wildcards: bool) -> list[Violation]:
    """Every problem with one requested DNS name (empty list: the name may be issued)."""
    v: list[Violation] = []

    def add(code: ViolationCode, message: str) -> None:
        v.append(Violation(code, name, message))

    if "\x00" in name:
        # A NUL lets "good.example\0.evil" pass a C string compare (CVE-2009-2408).
        add(ViolationCode.NUL, f"DNS name {name!r} contains an embedded NUL byte")
        return v
    canonical = name
    if name.endswith("."):
        add(ViolationCode.TRAILING_DOT, f"DNS name {name!r} has a trailing dot; "
            f"request {name.rstrip('.')!r}")
        canonical = name.rstrip(".")
    if not name.isascii():
        add(ViolationCode.NOT_IDNA, f"DNS name {name!r} is not in IDNA A-label form"
            f"{a_label_hint(canonical)}")
        canonical = canonical.encode("ascii", "replace").decode("ascii")
    elif canonical != canonical.lower():
        add(ViolationCode.MIXED_CASE, f"DNS name {name!r} is mixed-case; "
            f"request {canonical.lower()!r}")
    canonical = canonical.lower()
    if len(canonical) > MAX_NAME:
        add(ViolationCode.NAME_TOO_LONG, f"DNS name {name[:40]!r}… is {len(canonical)} "
            f"characters long (at most {MAX_NAME})")
    for index, label in enumerate(canonical.split(".")):
        if label == "*" and index == 0:
            if not allow_wildcards:
                add(ViolationCode.WILDCARD, f"wildcard name {name!r} is not allowed for "
                    "this type")
        elif "*" in label:
            add(ViolationCode.INVALID_LABEL, f"DNS name {name!r}: a wildcard must be the "
                "whole leftmost label")
        elif (problem := label_problem(label)) is not None and (
                name.isascii() or problem[0] is not ViolationCode.INVALID_LABEL):
            # A U-label's "?" replacements are reported once, as not-idna, above.
            add(problem[0], f"DNS name {name!r}{problem[1]}")
    # Case and a trailing dot do not stop the pattern check; a malformed name cannot match.
    cosmetic = (ViolationCode.MIXED_CASE, ViolationCode.TRAILING_DOT, ViolationCode.WILDCARD)
    if all(x.code in cosmetic for x in v) and not any(
        pattern_matches(p, canonical) for p in patterns
    ):
        allowed = ", ".join(patterns) or "none"
        add(ViolationCode.SAN_OUTSIDE, f"DNS name {name!r} is outside the allowed SAN "
            f"patterns ({allowed})")
    return v
