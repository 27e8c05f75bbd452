"""RadarChart: the PKI Health Radar, current and target series over eight axes (pyqtgraph)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy, QWidget

from app.gui.palette import ACCENT, CHART_GRID, CHART_TEXT, MUTED_TEXT, TARGET
from app.gui.report.charts import paint_radar
from models.assessment import DIMENSIONS

MAX_SCORE = 5
LABEL_RADIUS = 1.13  # axis labels sit just outside the outer ring (ring 5 = radius 1)
LABEL_MARGIN_PX = 6
RING_LABEL_ANGLE = math.pi / 2 + math.pi / 8


def axis_angles(n: int) -> np.ndarray:
    """Angles of `n` axes in radians, the first pointing up, then clockwise."""
    return math.pi / 2 - np.arange(n) * 2 * math.pi / n


def polygon(scores: Sequence[float], angles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closed polygon of `scores` (0–5) on the unit radar: the first point is repeated last."""
    radii = np.asarray(scores, dtype=float) / MAX_SCORE
    x = np.append(radii * np.cos(angles), radii[0] * np.cos(angles[0]))
    y = np.append(radii * np.sin(angles), radii[0] * np.sin(angles[0]))
    return x, y


def _tinted(colour: QColor, alpha: int) -> QColor:
    tint = QColor(colour)
    tint.setAlpha(alpha)
    return tint


class RadarChart(pg.PlotWidget):
    """Aspect-locked radar with 0–5 rings; items are built once and updated with `setData`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self._angles = axis_angles(len(DIMENSIONS))
        self._static: list[QGraphicsItem] = []
        item = self.getPlotItem()
        item.hideAxis("left")
        item.hideAxis("bottom")
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setMouseEnabled(x=False, y=False)
        self.setAspectLocked(True)
        self.setMinimumSize(QSize(360, 320))
        self._build_grid()
        self._build_labels()
        # Plain curves and scatter items, not PlotDataItem: its setData repaints the whole
        # view, these repaint only the polygon that moved.
        self.current_curve = pg.PlotCurveItem(
            pen=pg.mkPen(ACCENT, width=3), fillLevel="enclosed", brush=_tinted(ACCENT, 70))
        self.current_dots = pg.ScatterPlotItem(
            size=8, brush=pg.mkBrush(ACCENT), pen=pg.mkPen("w", width=1.5))
        self.target_curve = pg.PlotCurveItem(
            pen=pg.mkPen(TARGET, width=2, style=Qt.PenStyle.DashLine), fillLevel="enclosed",
            brush=_tinted(TARGET, 40))
        self.target_dots = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(TARGET), pen=None)
        for z, series in enumerate((self.target_curve, self.target_dots, self.current_curve,
                                    self.current_dots)):
            series.setZValue(z + 1)  # current over target
            self.addItem(series)
        # The legend sits in its own row under the radar, so no axis label can hide under it.
        legend = pg.LegendItem(labelTextColor=CHART_TEXT, horSpacing=20)
        legend.setLabelTextSize("10pt")
        legend.setColumnCount(2)
        legend.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        item.layout.addItem(legend, 4, 1)
        item.layout.setAlignment(legend, Qt.AlignmentFlag.AlignHCenter)
        legend.addItem(self.current_curve, "Current")
        legend.addItem(self.target_curve, "Target")
        unset = (-1,) * len(DIMENSIONS)
        self._shown: tuple[tuple[int, ...], tuple[int, ...]] = (unset, unset)
        self.set_scores((0,) * len(DIMENSIONS), (0,) * len(DIMENSIONS))
        item.getViewBox().sigResized.connect(self._on_view_resized)
        self._fit_view()

    def _build_grid(self) -> None:
        pen = pg.mkPen(CHART_GRID, width=1)
        outer = pg.mkPen(CHART_GRID.darker(115), width=1.5)
        n = len(DIMENSIONS)
        for score in range(1, MAX_SCORE + 1):
            ring = pg.PlotCurveItem(*polygon([score] * n, self._angles),
                                    pen=outer if score == MAX_SCORE else pen)
            self._add_static(ring)
            tick = pg.TextItem(str(score), color=MUTED_TEXT, anchor=(0.5, 0.5))
            tick.setFont(QFont(self.font().family(), 8))
            # Ring numbers halfway between the last and the first spoke, where series rarely
            # meet them.
            tick.setPos(score / MAX_SCORE * math.cos(RING_LABEL_ANGLE),
                        score / MAX_SCORE * math.sin(RING_LABEL_ANGLE))
            self._add_static(tick)
        spokes_x = np.column_stack([np.zeros(n), np.cos(self._angles)]).ravel()
        spokes_y = np.column_stack([np.zeros(n), np.sin(self._angles)]).ravel()
        self._add_static(pg.PlotCurveItem(spokes_x, spokes_y, pen=pen, connect="pairs"))

    def _add_static(self, item: QGraphicsItem) -> None:
        # The view never pans or zooms, so items that rarely change are painted from a
        # pixmap cache: a slider step then repaints the moving polygon, not the whole grid.
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.addItem(item)
        self._static.append(item)

    def _label_font(self) -> QFont:
        # Follows the application's font, so presentation mode enlarges the labels too.
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def _build_labels(self) -> None:
        self.axis_labels: list[pg.TextItem] = []
        font = self._label_font()
        for angle in self._angles:
            cos, sin = math.cos(angle), math.sin(angle)
            # Anchor the side of the text nearest the centre at the label point: diagonal and
            # side labels grow outwards, the top and bottom ones stay centred on their spoke.
            anchor = (0.5 - 0.5 * max(-1.0, min(1.0, 2 * cos)), 0.5 + 0.5 * sin)
            label = pg.TextItem(color=CHART_TEXT, anchor=anchor)
            label.setFont(font)
            label.setPos(LABEL_RADIUS * cos, LABEL_RADIUS * sin)
            self._add_static(label)
            self.axis_labels.append(label)

    def _fit_view(self) -> None:
        """Zoom so the radar is as large as the widget allows with every label inside it."""
        view = self.getPlotItem().getViewBox().size()
        if view.width() < 10 or view.height() < 10:
            return
        half_w, half_h = view.width() / 2, view.height() / 2
        # Pixels per radar unit such that each label's far edge stays inside the view.
        scale = min(half_w, half_h)
        for label, angle in zip(self.axis_labels, self._angles, strict=True):
            rect = label.textItem.boundingRect()
            cos, sin = abs(math.cos(angle)), abs(math.sin(angle))
            if cos > 1e-6:
                scale = min(scale, (half_w - rect.width() * min(1.0, 2 * cos)
                                    - LABEL_MARGIN_PX) / (LABEL_RADIUS * cos))
            if sin > 1e-6:
                scale = min(scale, (half_h - rect.height() * (0.5 + 0.5 * sin)
                                    - LABEL_MARGIN_PX) / (LABEL_RADIUS * sin))
        scale = max(scale, 20.0)
        self.setRange(xRange=(-half_w / scale, half_w / scale),
                      yRange=(-half_h / scale, half_h / scale), padding=0)

    def _on_view_resized(self, _view) -> None:
        self._fit_view()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "axis_labels"):
            font = self._label_font()
            for label in self.axis_labels:
                label.setFont(font)
            self._fit_view()

    def set_scores(self, current: Sequence[int], target: Sequence[int]) -> None:
        """Show both series; labels carry each dimension's "current → target".

        A series that did not change is left alone: dragging one slider touches one curve.
        """
        current, target = tuple(current), tuple(target)
        for scores, shown, curve, dots in ((current, self._shown[0], self.current_curve,
                                            self.current_dots),
                                           (target, self._shown[1], self.target_curve,
                                            self.target_dots)):
            if scores != shown:
                x, y = polygon(scores, self._angles)
                curve.setData(x, y)
                dots.setData(x[:-1], y[:-1])
        for label, dim, now, goal, before in zip(
                self.axis_labels, DIMENSIONS, current, target, zip(*self._shown, strict=True),
                strict=True):
            if (now, goal) != before:
                title = "\n".join(textwrap.wrap(dim.title, 16))
                label.setText(f"{title}\n{now} → {goal}")
        self._shown = (current, target)

    # --- export --------------------------------------------------------------------------

    def export_png(self, path: str | Path) -> None:
        """Write the chart as PNG, pixel for pixel as on screen (pyqtgraph's ImageExporter).

        Asked for more pixels, ImageExporter scales the text but not the cosmetic pens nor
        the legend, so the PNG keeps the on-screen size; the SVG is the scalable export.
        """
        exporter = ImageExporter(self.getPlotItem())
        if not exporter.export(str(path)):
            raise OSError(f"cannot write {path}")

    def export_svg(self, path: str | Path) -> None:
        """Write the chart as SVG, drawn in page coordinates at the widget's size.

        The SVG is painted by `paint_radar`, not by rendering the pyqtgraph scene: the scene
        scales its items by a matrix and strokes them with cosmetic pens, which SVG can only
        express as `vector-effect="non-scaling-stroke"` — and librsvg, ImageMagick and others
        ignore that, drawing a 3 px line 500 px wide. Page coordinates render the same
        everywhere.
        """
        size = self.size()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setResolution(96)  # width/height in mm that other renderers read as px
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setTitle("PKI Health Radar")
        generator.setDescription("Current and target scores, 0–5 per dimension")
        painter = QPainter()
        if not painter.begin(generator):
            raise OSError(f"cannot write {path}")
        try:
            painter.fillRect(QRectF(0, 0, size.width(), size.height()), QColor("white"))
            paint_radar(painter, QRectF(8, 8, size.width() - 16, size.height() - 16),
                        self._shown[0], self._shown[1], self._label_font())
        finally:
            painter.end()
