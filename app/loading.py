"""Loading a document without the cyclic garbage collector walking it: paused, then frozen."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def loading() -> Iterator[None]:
    """Build a document's objects with the cyclic GC paused, then freeze them out of its walks.

    Loading 5,000 types creates a few hundred thousand long-lived objects; each full collection
    the allocations trigger walks all of them again (a third of the open time), and without
    `gc.freeze()` the next edits' collections would walk them instead. Frozen objects are still
    freed by reference counting when the document is replaced; only cycles made while loading
    stay (the document and its evaluation hold none).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
