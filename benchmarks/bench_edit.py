"""One edit through the real store, table model and window, offscreen: re-evaluate + repaint."""

from __future__ import annotations

import time
from typing import Any

from benchmarks.gui_window import TODAY, open_window, settle
from benchmarks.timing import median_seconds, report


def _edit_latency(n_types: int, steps: int, *, field: str, values: tuple[str, str]
                  ) -> tuple[float, float]:
    """Median seconds per edit (push → evaluate → dataChanged → repaint) and per evaluate()."""
    from app.gui import commands
    from models.evaluation import evaluate

    app, store, window = open_window(n_types)
    route = window.tab_widgets["route"]
    route.select_row(0)
    samples = []
    for step in range(steps):
        start = time.perf_counter()
        changes: dict[str, Any] = {field: values[step % 2]}
        commands.edit_type(store, 0, "bench", **changes)
        settle(app)  # deferred refreshes, then the layout and paint the card's refresh asks for
        samples.append(time.perf_counter() - start)
    samples.sort()
    evaluate_only = median_seconds(lambda: evaluate(store.project, today=TODAY),
                                   repeat=max(3, steps // 4))  # the full one, as before
    store.undo_stack.setClean()
    window.close()
    return samples[len(samples) // 2], evaluate_only


# The worst case re-routes the edited type, so the decision card, the findings and the derived
# cells all change; the common case edits a field the router does not read.
EDITS = (
    ("re-routing edit (identity strong ↔ weak)", "identity", ("strong", "weak")),
    ("edit that keeps the decision (owner)", "owner", ("Team A", "Team B")),
)


def main(*, smoke: bool = False) -> None:
    sizes = ((100, 5),) if smoke else ((100, 60), (5_000, 30))
    for n, steps in sizes:
        target = "≤ 16 ms"  # one 60 Hz frame, at 5,000 types too (issue 21)
        for label, field, values in EDITS:
            edit, evaluate_only = _edit_latency(n, steps, field=field, values=values)
            report(f"{label}, {n:,} types", edit * 1e3, "ms", target=target)
        report(f"  evaluate() alone, {n:,} types", evaluate_only * 1e3, "ms")


if __name__ == "__main__":
    main()
