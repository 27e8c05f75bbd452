"""Cost charts (pyqtgraph): today vs after migration by component, and the payback line."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QResizeEvent
from PySide6.QtWidgets import QWidget

from app.gui.palette import (
    CHART_GRID,
    CHART_TEXT,
    COST_COMPONENT_TONE,
    MUTED_TEXT,
    SAVING_TINT,
    SAVING_TONE,
    SPENDING_TINT,
)
from app.gui.style import BASE_POINT_SIZE
from models import display
from models.cost import CostComponent, PaybackCurve
from models.currency import GBP, Currency

BAR_WIDTH = 0.56
BAR_HEADROOM = 1.18  # room above the taller bar for its total
LABEL_LIFT = 1.3  # a bar's label stands this many of its heights above the bar (anchor + gap)
# An axis keeps its range while the data still fills this much of it: an edit then shows as
# the bars and the curve moving against a still scale, not as relabelled axes (and the axes,
# the costliest part of a chart to paint, are not redrawn).
KEEP_WHILE_FILLED = 0.5
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)
MIN_SPAN = 10.0  # pounds: below it every tick would read "£0"


def _over_white(color: QColor, opacity: float) -> QColor:
    """`color` at `opacity` as it shows on the charts' white background, as an opaque colour:
    the same pixels, without the blending that made each grid line 0.3 ms to paint in software
    (a sixth of an edit with the Cliff tab in front)."""
    return QColor(*(round(c * opacity + 255 * (1 - opacity))
                    for c in (color.red(), color.green(), color.blue())))


GRID_LINE = _over_white(CHART_GRID.darker(130), 0.25)  # the axis pen at a quarter opacity


def nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) giving about `ticks` steps over `span`."""
    raw = max(span, 1e-9) / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in NICE_STEPS if m * magnitude >= raw * (1 - 1e-9))


@dataclass(frozen=True)
class AxisScale:
    """A y range on round ticks: `low` and `high` are multiples of `step`."""

    low: float
    high: float
    step: float

    @property
    def ticks(self) -> list[float]:
        first, last = round(self.low / self.step), round(self.high / self.step)
        return [k * self.step for k in range(first, last + 1)]


def sticky_scale(low: float, high: float, current: AxisScale | None) -> AxisScale:
    """The scale to show `low`–`high` on: `current` while it still fits, else a round one."""
    if current is not None and current.low <= low and high <= current.high and (
            high - low) >= KEEP_WHILE_FILLED * (current.high - current.low):
        return current
    high = max(high, low + MIN_SPAN)  # all-zero costs still get a readable £0–£10 scale
    step = nice_step(high - low)
    return AxisScale(math.floor(low / step) * step, math.ceil(high / step) * step, step)


def tick_label(value: float, currency: Currency = GBP) -> str:
    """A round tick as money without trailing zeros: £4M, £2.5M, −£500k, £0."""
    text = display.money(value, currency)
    return re.sub(r"\.?0+(?=[kMB]$)", "", text) if "." in text else text


def text_scale(widget: QWidget) -> float:
    """The widget's type size against the normal 10 pt: presentation mode scales chart
    text (axes, legend, labels) with the widget fonts, for a room to read."""
    return max(1.0, widget.font().pointSizeF() / BASE_POINT_SIZE)


def sized_font(widget: QWidget, points: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(points * text_scale(widget))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    return font


def _plot_style(plot: pg.PlotWidget) -> None:
    item = plot.getPlotItem()
    item.hideButtons()
    item.setMenuEnabled(False)
    item.setMouseEnabled(x=False, y=False)
    font = sized_font(plot, 9.5)
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(CHART_GRID.darker(130)))
        axis.setTextPen(pg.mkPen(CHART_TEXT))
        axis.setStyle(tickFont=font)


def _title(plot: pg.PlotWidget, text: str, short: str = "") -> str:
    """Set the chart's title; the short one where the full one would not fit its width (a
    title wider than the chart widens pyqtgraph's scene past the widget, cutting the chart
    at the window's edge on a projector). Returns the title shown."""
    size = 11 * text_scale(plot)
    font = QFont(plot.font())
    font.setPointSizeF(size)
    font.setBold(True)
    fits = QFontMetricsF(font).horizontalAdvance(text) <= plot.width() - 24
    shown = text if fits or not short else short
    plot.getPlotItem().setTitle(shown, color=CHART_TEXT.name(), size=f"{size:.1f}pt",
                                bold=True)
    return shown


class MoneyPlot(pg.PlotWidget):
    """A plot with a money axis on the left whose scale moves only when it must.

    The horizontal grid is a few lines of its own rather than the axis's grid: an axis with
    a grid covers the whole plot, so every change of a bar or the curve repainted the axis
    and its text too (most of a chart's paint time); now the axis repaints only when its
    scale changes.
    """

    def __init__(self, parent: QWidget | None, title: str, short_title: str = "") -> None:
        super().__init__(parent, background="w")
        self._title_text, self._short_title = title, short_title
        _plot_style(self)
        self._shown_title = _title(self, title, short_title)
        self.scale: AxisScale | None = None
        self._grid: list[pg.InfiniteLine] = []
        self.currency = GBP

    def set_currency(self, currency: Currency) -> None:
        """Label amounts with `currency` (the axis is relabelled on the next show_y)."""
        if currency != self.currency:
            self.currency = currency
            self.scale = None

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "scale"):
            self.restyle()

    def restyle(self) -> None:
        """Size axis, title and label text from the widget's font (presentation mode)."""
        _plot_style(self)
        self._shown_title = _title(self, self._title_text, self._short_title)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if hasattr(self, "_shown_title") and self._short_title:
            self._shown_title = _title(self, self._title_text, self._short_title)

    def span_beside_legend(self, content: float, clear_px: float) -> float | None:
        """The x span that shows `content` data units left of the chart's legend (`legend`, at
        the top right), with `clear_px` pixels between them; None before the plot is laid out
        or when the legend leaves no room."""
        plot_px = self.getViewBox().width()
        room = plot_px - self.legend.boundingRect().width() - clear_px
        return content * plot_px / room if plot_px > 0 and room > 0 else None

    def label_top(self, top: float, labels: Sequence[pg.TextItem]) -> float:
        """The top of a range from 0 that shows bars up to `top` with `labels` standing on
        them, clear of the plot's top edge (and the title above it).

        BAR_HEADROOM alone left too little on a short chart: at 720 lines in presentation
        mode the taller bar's total touched the title. The label's height is in pixels, so
        the room it needs in data units grows as the plot gets shorter.
        """
        plot_px = self.getViewBox().height()
        label_px = max((item.textItem.boundingRect().height() for item in labels),
                       default=0.0) * LABEL_LIFT
        if plot_px <= 2 * label_px:  # not laid out yet, or too small to matter
            return top * BAR_HEADROOM
        return max(top * BAR_HEADROOM, top * plot_px / (plot_px - label_px))

    def show_y(self, low: float, high: float,
               label: Callable[[float], str] | None = None) -> None:
        """Show `low`–`high` on a sticky round scale, and settle the view before the paint.

        pyqtgraph applies a range change while painting, which paints the chart a second
        time; settling it here makes one edit one paint. `label`: a tick's text (money in
        the project's currency by default).
        """
        wanted = sticky_scale(low, high, self.scale)
        if wanted != self.scale:
            self.scale = wanted
            self.setYRange(wanted.low, wanted.high, padding=0)
            ticks = wanted.ticks
            text = label or (lambda value: tick_label(value, self.currency))
            self.getPlotItem().getAxis("left").setTicks([[(value, text(value))
                                                          for value in ticks]])
            self._place_grid(ticks)
        self.getViewBox().updateMatrix()

    def _place_grid(self, ticks: list[float]) -> None:
        while len(self._grid) < len(ticks):
            line = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen(GRID_LINE, width=1))
            line.setZValue(-10)  # behind the bars and the curve
            self.addItem(line, ignoreBounds=True)
            self._grid.append(line)
        for line, value in zip(self._grid, ticks, strict=False):
            line.setPos(value)
        for n, line in enumerate(self._grid):
            line.setVisible(n < len(ticks))


class CostBarChart(MoneyPlot):
    """Stacked bars, one layer per cost component; bars are updated with `setOpts`."""

    def __init__(self, keys: Sequence[str], labels: Sequence[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, "Annual cost: today vs after migration", "Annual cost")
        self.getPlotItem().getAxis("bottom").setTicks(
            [[(0, "Today"), (1, "After migration")]])
        # The right third of the plot is the legend's, clear of both bars at any height
        # (the x range is set with the legend's text size, _labels_style).
        legend = self.getPlotItem().addLegend(offset=(-8, 8), labelTextColor=CHART_TEXT,
                                              brush=pg.mkBrush(255, 255, 255, 230))
        self.legend = legend
        self.bars: dict[str, pg.BarGraphItem] = {}
        for key, label in zip(keys, labels, strict=True):
            bar = pg.BarGraphItem(x=[0, 1], height=[0, 0], y0=[0, 0], width=BAR_WIDTH,
                                  brush=COST_COMPONENT_TONE[key], pen=pg.mkPen("w", width=1))
            self.addItem(bar)
            legend.addItem(bar, label)
            self.bars[key] = bar
        self.totals = [pg.TextItem(color=CHART_TEXT, anchor=(0.5, 1.15)) for _ in range(2)]
        self._top = 1.0  # the taller bar's total
        for x, label in enumerate(self.totals):
            label.setPos(x, 0)
            self.addItem(label)
        self._labels_style()

    def restyle(self) -> None:
        super().restyle()
        self._labels_style()

    def _labels_style(self) -> None:
        scale = text_scale(self)
        self.legend.setLabelTextSize(f"{9 * scale:.1f}pt")
        for _sample, label in self.legend.items:
            label.setText(label.text, size=f"{9 * scale:.1f}pt")
        self._fit_x(scale)
        for label in self.totals:
            label.setFont(sized_font(self, 11, bold=True))

    def _fit_x(self, scale: float) -> None:
        """The legend keeps the right of the plot: the x range leaves the bars (and their
        totals, to x = 1.55) left of it, however wide the legend's text is for the chart."""
        span = 3.05 + 0.6 * (scale - 1)
        # The second bar's total is centred on x = 1: half its text must clear the legend too.
        total_px = max((t.textItem.boundingRect().width() for t in self.totals), default=0.0)
        beside = self.span_beside_legend(1 + 0.55, 24 + total_px / 2)
        if beside is not None:
            span = max(span, beside)
        self.setXRange(-0.55, -0.55 + span, padding=0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if hasattr(self, "totals"):
            # After pyqtgraph has laid out the view box for the new size.
            QTimer.singleShot(0, self._fit_to_size)

    def _fit_to_size(self) -> None:
        self._fit_x(text_scale(self))
        self.show_y(0.0, self.label_top(self._top, self.totals))

    def set_components(self, components: Sequence[CostComponent], *, today_total: float,
                       projected_total: float) -> None:
        """Stack the components bottom-up and label each bar with its total."""
        base = np.zeros(2)
        for component in components:
            heights = np.array([component.today, component.projected])
            self.bars[component.key].setOpts(height=heights, y0=base.copy())
            base += heights
        top = max(today_total, projected_total, 1.0)
        for x, (label, total) in enumerate(zip(self.totals, (today_total, projected_total),
                                               strict=True)):
            label.setText(display.money(total, self.currency))
            label.setPos(x, total)
        self._top = top
        self.show_y(0.0, self.label_top(top, self.totals))


class PaybackChart(MoneyPlot):
    """Cumulative savings minus the migration cost, month by month, break-even marked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, "Payback: cumulative savings minus migration cost", "Payback")
        item = self.getPlotItem()
        item.setLabel("bottom", "months after the migration", color=MUTED_TEXT.name())
        item.getAxis("bottom").setTickSpacing(6, 3)
        # Below zero the migration is still being paid for; above it the savings are banked.
        self.spending = pg.PlotCurveItem(fillLevel=0, brush=SPENDING_TINT, pen=None)
        self.saving = pg.PlotCurveItem(fillLevel=0, brush=SAVING_TINT, pen=None)
        self.line = pg.PlotCurveItem(pen=pg.mkPen(SAVING_TONE, width=3))
        self.zero = pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(CHART_TEXT, width=1))
        self.break_even = pg.InfiniteLine(
            angle=90, pen=pg.mkPen(CHART_TEXT, width=1.5, style=Qt.PenStyle.DashLine))
        self.break_even_dot = pg.ScatterPlotItem(size=11, brush=pg.mkBrush(SAVING_TONE),
                                                 pen=pg.mkPen("w", width=2))
        self.break_even_label = pg.TextItem(color=CHART_TEXT)
        self.break_even_label.setFont(sized_font(self, 10.5, bold=True))
        for piece in (self.spending, self.saving, self.zero, self.line, self.break_even,
                      self.break_even_dot, self.break_even_label):
            self.addItem(piece)

    def restyle(self) -> None:
        super().restyle()
        self.break_even_label.setFont(sized_font(self, 10.5, bold=True))

    def set_curve(self, curve: PaybackCurve, *, payback_text: str) -> None:
        """Draw the curve; `payback_text` is the formatted payback ("9 months", "never")."""
        months = np.asarray(curve.months, dtype=float)
        net = np.asarray(curve.net, dtype=float)
        self.line.setData(months, net)
        self.spending.setData(months, np.minimum(net, 0))
        self.saving.setData(months, np.maximum(net, 0))
        marked = curve.break_even_month is not None
        for piece in (self.break_even, self.break_even_dot):
            piece.setVisible(marked)
        if curve.break_even_month is not None:
            self.break_even.setPos(curve.break_even_month)
            self.break_even_dot.setData([curve.break_even_month], [0.0])
            self.break_even_label.setText(f"Break-even after {payback_text}")
            self.break_even_label.setPos(curve.break_even_month, 0)
            self.break_even_label.setAnchor((-0.08, -0.25))  # below the axis, clear of the line
        else:
            text = "Never breaks even" if payback_text == "never" else (
                f"No break-even within {int(months[-1])} months ({payback_text})")
            self.break_even_label.setText(text)
            self.break_even_label.setPos(months[-1], net[-1])
            self.break_even_label.setAnchor((1.0, 1.3))
        low, high = min(net.min(), 0.0), max(net.max(), 0.0)
        pad = (high - low) * 0.12 or 1.0
        self.setXRange(0, months[-1], padding=0.02)
        self.show_y(low - pad * 0.5, high + pad)

    def break_even_month(self) -> float | None:
        """The month the marker stands at, or None when it is hidden."""
        return float(self.break_even.value()) if self.break_even.isVisible() else None

