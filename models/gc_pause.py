"""Pausing Python's cyclic garbage collector while a large acyclic result is built."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic collector off inside the block, and back as it was afterwards.

    Building hundreds of thousands of objects that form no reference cycles makes the collector
    walk the growing heap again and again for nothing; reference counting still frees them.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
