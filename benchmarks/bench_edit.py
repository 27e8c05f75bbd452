"""One edit through the real store, table model and window, offscreen: re-evaluate + repaint."""

from __future__ import annotations

import datetime as dt
import os
import time

from benchmarks.bench_evaluate import synthetic_project
from benchmarks.timing import median_seconds, report


def _edit_latency(n_types: int, steps: int) -> tuple[float, float]:
    """Median seconds per edit (push → evaluate → dataChanged → repaint) and per evaluate()."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.gui import commands
    from app.gui.main_window import MainWindow
    from app.gui.store import ProjectStore
    from models.evaluation import evaluate

    app = QApplication.instance() or QApplication([])
    today = dt.date(2026, 11, 26)
    project = synthetic_project(n_types)
    store = ProjectStore(project, today=today)
    window = MainWindow(store)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    route = window.tab_widgets["route"]
    route.select_row(0)
    identities = ["strong", "weak"]
    samples = []
    for step in range(steps):
        start = time.perf_counter()
        commands.edit_type(store, 0, "bench", identity=identities[step % 2])
        route.table.viewport().repaint()  # a synchronous paint of what the user sees
        app.processEvents()
        samples.append(time.perf_counter() - start)
    samples.sort()
    evaluate_only = median_seconds(lambda: evaluate(store.project, today=today),
                                   repeat=max(3, steps // 4))
    store.undo_stack.setClean()
    window.close()
    return samples[len(samples) // 2], evaluate_only


def main(*, smoke: bool = False) -> None:
    sizes = ((100, 5),) if smoke else ((100, 60), (5_000, 30))
    for n, steps in sizes:
        edit, evaluate_only = _edit_latency(n, steps)
        target = "≤ 16 ms" if n <= 100 else "≤ 100 ms"
        report(f"edit → evaluate → repaint, {n:,} types", edit * 1e3, "ms", target=target)
        report(f"  of which evaluate() alone, {n:,} types", evaluate_only * 1e3, "ms")


if __name__ == "__main__":
    main()
