"""One edit with each tab in front (target ≤ 16 ms at 100 and 5,000 types): what the audience
watches."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from benchmarks.gui_window import open_window, settle
from benchmarks.timing import report


def _median_ms(app, edit: Callable[[int], None], steps: int) -> float:
    for step in range(2):  # warm-up: first paints, caches
        edit(step)
        settle(app)
    samples = []
    for step in range(steps):
        start = time.perf_counter()
        edit(step)
        settle(app)  # re-evaluate, refresh, layout and the paint of what changed
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def main(*, smoke: bool = False) -> None:
    for n, steps in ((100, 3),) if smoke else ((100, 40), (5_000, 30)):
        _tabs(n, steps)


def _tabs(n: int, steps: int) -> None:
    from app.gui import commands

    app, store, window = open_window(n)

    def cost_edit(step: int) -> None:
        """An hourly-rate edit, as typed into the Cost tab: every figure and both charts move."""
        cost = store.project.cost
        inputs = cost.inputs.model_copy(update={"hourly_rate": 80.0 + step % 2})
        commands.edit_section(store, "cost", cost.model_copy(update={"inputs": inputs}),
                              "Hourly rate")

    def reroute_edit(step: int) -> None:
        """A type's identity flips strong ↔ weak: its decision and the design share change."""
        commands.edit_type(store, 0, "Identity", identity=("strong", "weak")[step % 2])

    def score_edit(step: int) -> None:
        """One assessment score step, as a slider moves: radar, level and gates redraw."""
        current = (2 + step % 2, *store.project.assessment.current[1:])
        commands.edit_section(store, "assessment",
                              store.project.assessment.model_copy(update={"current": current}),
                              "Score")

    cases = (
        ("cost", "cost input edit", cost_edit),
        ("cost", "re-routing edit", reroute_edit),
        ("assess", "score step", score_edit),
        ("assess", "re-routing edit", reroute_edit),
        ("cliff", "re-routing edit", reroute_edit),
        ("issue", "re-routing edit", reroute_edit),
    )
    for tab, label, edit in cases:
        window.tab_widgets.show(tab)
        app.processEvents()
        report(f"{label}, {tab} tab in front, {n:,} types", _median_ms(app, edit, steps), "ms",
               target="≤ 16 ms")
    store.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
