"""CliffChart (pyqtgraph): admin-mediated tickets or their cost by rule date, as-is vs designed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QWidget

from app.gui.cost_charts import MoneyPlot, sized_font, text_scale
from app.gui.palette import CHART_TEXT, SAVING_TONE, WORKFLOW_TONE
from models.enums import Workflow

BAR_WIDTH = 0.36
# As-is admin-mediated load in the admin-mediated tone; the design's in the combined tone.
SERIES = (("as_is", "As-is workflows", WORKFLOW_TONE[Workflow.ADMIN_MEDIATED], -0.2),
          ("designed", "Designed routing", SAVING_TONE, 0.2))


def _count_label(value: float) -> str:
    return f"{value:,.0f}"


class CliffChart(MoneyPlot):
    """Grouped bars per rule date: as-is beside designed, each labelled with its value.

    Built once; `set_values` updates the bars with `setOpts` and moves the labels.
    """

    def __init__(self, title: str, formatter: Callable[[float], str], *, money: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, title)
        self._format = formatter
        self._money = money
        # At the top right, beside the last date's bars: the x range leaves it its own room
        # (`_fit`), as the Cost tab's chart does. Over the bars at the left it covered the
        # first date's labels on a projector.
        self.legend = legend = self.getPlotItem().addLegend(
            offset=(-8, 8), labelTextColor=CHART_TEXT, brush=pg.mkBrush(255, 255, 255, 230))
        self.bars: dict[str, pg.BarGraphItem] = {}
        self.labels: dict[str, list[pg.TextItem]] = {key: [] for key, *_ in SERIES}
        for key, label, tone, _offset in SERIES:
            bar = pg.BarGraphItem(x=[0], height=[0], width=BAR_WIDTH, brush=tone,
                                  pen=pg.mkPen("w", width=1))
            self.addItem(bar)
            legend.addItem(bar, label)
            self.bars[key] = bar
        self._font = sized_font(self, 9.5, bold=True)
        self._dates: tuple[str, ...] = ()
        self._top = 1.0  # the tallest bar
        self._x_range = (0.0, 0.0)
        self._labels_style()

    def restyle(self) -> None:
        """Legend and value labels too follow the widget's font (presentation mode)."""
        super().restyle()
        self._labels_style()

    def _labels_style(self) -> None:
        size = f"{9 * text_scale(self):.1f}pt"
        self.legend.setLabelTextSize(size)
        for _sample, label in self.legend.items:
            label.setText(label.text, size=size)
        self._font = sized_font(self, 9.5, bold=True)
        for labels in getattr(self, "labels", {}).values():
            for item in labels:
                item.setFont(self._font)

    def _label(self, key: str, n: int) -> pg.TextItem:
        labels = self.labels[key]
        while len(labels) <= n:
            item = pg.TextItem(color=CHART_TEXT, anchor=(0.5, 1.1))
            item.setFont(self._font)
            self.addItem(item)
            labels.append(item)
        return labels[n]

    def set_values(self, dates: Sequence[str], as_is: Sequence[float],
                   designed: Sequence[float]) -> None:
        """One group of bars per date, in order."""
        x = np.arange(len(dates), dtype=float)
        values = {"as_is": np.asarray(as_is, dtype=float),
                  "designed": np.asarray(designed, dtype=float)}
        for key, _label, _tone, offset in SERIES:
            self.bars[key].setOpts(x=x + offset, height=values[key])
            for n, item in enumerate(self.labels[key]):
                item.setVisible(n < len(dates))
            for n, value in enumerate(values[key]):
                item = self._label(key, n)
                item.setText(self._format(float(value)))
                item.setPos(x[n] + offset, value)
        if tuple(dates) != self._dates:  # the axes repaint only when they change
            self._dates = tuple(dates)
            self.getPlotItem().getAxis("bottom").setTicks([list(enumerate(dates))])
        self._top = max([*values["as_is"], *values["designed"], 1.0])
        self._fit()

    def _fit(self) -> None:
        """The x range with room for the legend right of the bars, and the y range with room
        for the labels on them (both in pixels, so they depend on the chart's size)."""
        groups = max(1, len(self._dates))
        beside = self.span_beside_legend(groups, 16)
        # A legend wider than two thirds of the plot would squeeze the bars to nothing.
        span = beside if beside is not None and beside < 3 * groups else groups
        if (-0.6, span) != self._x_range:
            self._x_range = (-0.6, span)
            self.setXRange(-0.6, -0.6 + span, padding=0)
        labels = [item for items in self.labels.values() for item in items if item.isVisible()]
        self.show_y(0.0, self.label_top(self._top, labels),
                    None if self._money else _count_label)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if hasattr(self, "labels"):  # after pyqtgraph laid out the view box for the size
            QTimer.singleShot(0, self._fit)

    def heights(self, key: str) -> list[float]:
        """The bar heights shown for a series (for tests: charts are checked by their data)."""
        return [float(h) for h in self.bars[key].opts["height"]]
