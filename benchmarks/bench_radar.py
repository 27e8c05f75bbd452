"""Radar slider steps through the real store (target ≪ 16 ms), against rebuilding the plot."""

from __future__ import annotations

import datetime as dt
import itertools

from benchmarks.gui_window import styled_app
from benchmarks.timing import median_seconds, report

STEPS = 100
# Slider values swept up and down so every step is a real change (0→5→0→…).
SWEEP = (*range(6), *range(4, 0, -1))


def _rebuild_from_scratch(chart, current, target) -> None:
    """The peer: clear the plot and re-create rings, spokes, labels and both polygons."""
    import numpy as np
    import pyqtgraph as pg

    from app.gui.radar_chart import LABEL_RADIUS, MAX_SCORE, polygon
    from models.assessment import DIMENSIONS

    angles = chart._angles
    chart.getPlotItem().clear()
    for score in range(1, MAX_SCORE + 1):
        chart.addItem(pg.PlotDataItem(*polygon([score] * len(DIMENSIONS), angles)))
        chart.addItem(pg.TextItem(str(score)))
    spokes = np.column_stack([np.zeros(len(angles)), np.cos(angles)]).ravel()
    chart.addItem(pg.PlotDataItem(spokes, np.column_stack(
        [np.zeros(len(angles)), np.sin(angles)]).ravel(), connect="pairs"))
    for angle, dim, now, goal in zip(angles, DIMENSIONS, current, target, strict=True):
        label = pg.TextItem(f"{dim.title}\n{now} → {goal}")
        label.setPos(LABEL_RADIUS * np.cos(angle), LABEL_RADIUS * np.sin(angle))
        chart.addItem(label)
    for scores in (target, current):
        chart.addItem(pg.PlotDataItem(*polygon(scores, angles), fillLevel="enclosed",
                                      fillBrush=(43, 93, 155, 70), symbol="o"))


def main(*, smoke: bool = False) -> None:
    app = styled_app()  # the app's stylesheet costs paint time: measure with it
    from PySide6.QtCore import QEvent, QObject

    from app.gui.assess_tab import AssessTab
    from app.gui.store import ProjectStore
    from models.project_file import load_example

    store = ProjectStore(load_example(), today=dt.date(2026, 11, 26))
    tab = AssessTab(store)
    tab.resize(1600, 940)
    tab.show()
    app.processEvents()

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                PaintCounter.paints += 1
            return False

    counter = PaintCounter()
    tab.chart.viewport().installEventFilter(counter)
    slider = tab.rows[0].slider
    values = itertools.cycle(SWEEP[1:] + SWEEP[:1])
    steps = 10 if smoke else STEPS

    def step() -> None:
        slider.setValue(next(values))  # → store edit → evaluate → set_scores (setData)
        app.processEvents()             # → repaint

    def step_rebuilding() -> None:
        step()
        scores = store.project.assessment
        _rebuild_from_scratch(tab.chart, scores.current, scores.target)
        app.processEvents()

    slider.setSliderDown(True)  # one drag: the steps merge into one undo command
    seconds = median_seconds(step, repeat=steps, warmup=3)
    paints = PaintCounter.paints
    peer = median_seconds(step_rebuilding, repeat=max(steps // 4, 5), warmup=1)
    slider.setSliderDown(False)
    report(f"radar slider step ({steps} steps, store + redraw)", seconds * 1e3, "ms",
           target="≪ 16 ms", peer=("rebuilding the plot items", peer * 1e3))
    report("  chart repaints per step", paints / (steps + 3), "")
    report("  undo steps for the whole drag", store.undo_stack.count(), "")
    # Tear down in order while the application lives, not in garbage-collection order.
    tab.chart.viewport().removeEventFilter(counter)
    tab.close()
    tab.deleteLater()
    app.processEvents()


if __name__ == "__main__":
    main()
