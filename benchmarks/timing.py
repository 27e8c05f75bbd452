"""Timing helpers shared by the benchmarks: medians over repeats and one line per figure."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(fn: Callable[[], object], *, repeat: int, warmup: int = 1) -> float:
    """Median wall time of `fn()` over `repeat` runs, after `warmup` untimed runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(name: str, value: float, unit: str, *, target: str = "",
           peer: tuple[str, float] | None = None) -> None:
    """Print one figure: name, value, target and the ratio against a peer measured in the run."""
    line = f"{name:<48} {value:>10.3f} {unit}"
    if target:
        line += f"   target {target}"
    if peer is not None:
        peer_name, peer_value = peer
        ratio = peer_value / value if value else float("inf")
        speed = f"{ratio:.1f}× faster than" if ratio >= 1 else f"{1 / ratio:.1f}× the time of"
        line += f"   {speed} {peer_name} ({peer_value:.3f} {unit})"
    print(line, flush=True)
