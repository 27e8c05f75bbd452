"""Which positions of two equally long sequences hold another object: the incremental
evaluation keeps every untouched object, so an edit is found by identity, scanned in C."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress, count
from operator import is_not


def replaced(old: Sequence[object], new: Sequence[object]) -> list[int]:
    """The indices where `new` holds another object than `old` (same length assumed).

    At 5,000 types a Python loop of `is` tests took ~1 ms an edit, per list compared.
    """
    return list(compress(count(), map(is_not, old, new)))
