"""One edit through the real store, table model and window, offscreen: re-evaluate + repaint."""

from __future__ import annotations

import datetime as dt
import os
import time

from benchmarks.bench_evaluate import synthetic_project
from benchmarks.timing import median_seconds, report


def _edit_latency(n_types: int, steps: int, *, field: str, values: tuple[str, str]
                  ) -> tuple[float, float]:
    """Median seconds per edit (push → evaluate → dataChanged → repaint) and per evaluate()."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.gui import commands
    from app.gui.main_window import MainWindow
    from app.gui.store import ProjectStore
    from app.gui.style import apply_style
    from models.evaluation import evaluate

    app = QApplication.instance() or QApplication([])
    apply_style(app)  # as the app runs: styled widgets lay out and paint slower
    today = dt.date(2026, 11, 26)
    project = synthetic_project(n_types)
    store = ProjectStore(project, today=today)
    window = MainWindow(store)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    route = window.tab_widgets["route"]
    route.select_row(0)
    samples = []
    for step in range(steps):
        start = time.perf_counter()
        commands.edit_type(store, 0, "bench", **{field: values[step % 2]})
        app.processEvents()  # deferred refreshes, layout and the paint of what changed
        app.processEvents()  # the layout and paint the decision card's deferred refresh asked for
        samples.append(time.perf_counter() - start)
    samples.sort()
    evaluate_only = median_seconds(lambda: evaluate(store.project, today=today),
                                   repeat=max(3, steps // 4))
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
        target = "≤ 16 ms" if n <= 100 else "≤ 100 ms"
        for label, field, values in EDITS:
            edit, evaluate_only = _edit_latency(n, steps, field=field, values=values)
            report(f"{label}, {n:,} types", edit * 1e3, "ms", target=target)
        report(f"  evaluate() alone, {n:,} types", evaluate_only * 1e3, "ms")


if __name__ == "__main__":
    main()
