"""Vector charts drawn with QPainter in page coordinates: the radar, cost bars and payback.

These are the print and SVG versions of the app's pyqtgraph charts, drawn from the same
data. Everything is placed in the painter's own coordinates with ordinary (scaling) pens and
no transform, so the drawing is the same in Qt, librsvg, a browser or a PDF viewer: no
`vector-effect="non-scaling-stroke"` inside a scaled matrix, which other renderers ignore.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from app.gui.cost_charts import sticky_scale, tick_label
from app.gui.palette import (
    ACCENT,
    CHART_GRID,
    CHART_TEXT,
    COST_COMPONENT_TONE,
    MUTED_TEXT,
    SAVING_TINT,
    SAVING_TONE,
    SPENDING_TINT,
    TARGET,
)
from models import display
from models.assessment import DIMENSIONS
from models.cost import CostComponent, PaybackCurve
from models.currency import GBP, Currency

MAX_SCORE = 5
ALIGN_CENTRE = Qt.AlignmentFlag.AlignCenter


def _tinted(colour: QColor, alpha: int) -> QColor:
    tint = QColor(colour)
    tint.setAlpha(alpha)
    return tint


def _pen(colour: QColor, width: float, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    pen = QPen(colour, width, style)
    pen.setCosmetic(False)  # a scaling pen: its width is in page units, as SVG expects
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def _sized(font: QFont, factor: float, *, bold: bool = False) -> QFont:
    sized = QFont(font)
    if font.pixelSize() > 0:  # a print font is sized in pixels (app/gui/report/pdf.py)
        sized.setPixelSize(max(1, round(font.pixelSize() * factor)))
    else:
        sized.setPointSizeF(font.pointSizeF() * factor)
    if bold:
        sized.setWeight(QFont.Weight.DemiBold)
    return sized


def _text(painter: QPainter, rect: QRectF, flags: Qt.AlignmentFlag, text: str,
          font: QFont, colour: QColor = CHART_TEXT) -> None:
    painter.setFont(font)
    painter.setPen(_pen(colour, 1))
    painter.drawText(rect, int(flags), text)


def radar_labels(current: Sequence[int], target: Sequence[int]) -> list[str]:
    """Each axis label: the dimension title wrapped at 16 characters, then "now → goal"."""
    return ["\n".join([*textwrap.wrap(dim.title, 16), f"{now} → {goal}"])
            for dim, now, goal in zip(DIMENSIONS, current, target, strict=True)]


def paint_radar(painter: QPainter, rect: QRectF, current: Sequence[int],
                target: Sequence[int], font: QFont) -> None:
    """The PKI Health Radar in `rect`: rings 1–5, eight labelled spokes, both series, legend."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    label_font = _sized(font, 1.0, bold=True)
    metrics = QFontMetricsF(label_font)
    labels = radar_labels(current, target)
    boxes = [metrics.boundingRect(QRectF(0, 0, 1000, 1000), int(ALIGN_CENTRE), text)
             for text in labels]
    legend_h = metrics.height() * 1.8
    label_w = max(box.width() for box in boxes)
    label_h = max(box.height() for box in boxes)
    area = QRectF(rect.left(), rect.top(), rect.width(), rect.height() - legend_h)
    radius = max(10.0, min(area.width() / 2 - label_w - 6, area.height() / 2 - label_h - 4))
    centre = area.center()
    n = len(DIMENSIONS)
    angles = [math.pi / 2 - k * 2 * math.pi / n for k in range(n)]

    def point(score: float, angle: float) -> QPointF:
        r = radius * score / MAX_SCORE
        return QPointF(centre.x() + r * math.cos(angle), centre.y() - r * math.sin(angle))

    painter.setBrush(Qt.BrushStyle.NoBrush)
    for score in range(1, MAX_SCORE + 1):
        painter.setPen(_pen(CHART_GRID.darker(115) if score == MAX_SCORE else CHART_GRID,
                            1.5 if score == MAX_SCORE else 1))
        painter.drawPolygon([point(score, a) for a in angles])
    painter.setPen(_pen(CHART_GRID, 1))
    for angle in angles:
        painter.drawLine(centre, point(MAX_SCORE, angle))
    tick_font = _sized(font, 0.8)
    between = math.pi / 2 + math.pi / n
    for score in range(1, MAX_SCORE + 1):
        spot = point(score, between)
        _text(painter, QRectF(spot.x() - 12, spot.y() - 10, 24, 20), ALIGN_CENTRE,
              str(score), tick_font, MUTED_TEXT)

    for scores, colour, width, style, fill, dot in (
            (target, TARGET, 2.0, Qt.PenStyle.DashLine, 40, 3.0),
            (current, ACCENT, 3.0, Qt.PenStyle.SolidLine, 70, 4.0)):
        points = [point(s, a) for s, a in zip(scores, angles, strict=True)]
        painter.setPen(_pen(colour, width, style))
        painter.setBrush(QBrush(_tinted(colour, fill)))
        painter.drawPolygon(points)
        painter.setBrush(QBrush(colour))
        painter.setPen(_pen(QColor("white"), 1.5) if colour == ACCENT else Qt.PenStyle.NoPen)
        for spot in points:
            painter.drawEllipse(spot, dot, dot)

    for text, box, angle in zip(labels, boxes, angles, strict=True):
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = point(MAX_SCORE * 1.13, angle)
        # The side of the text nearest the centre sits at the anchor point.
        x = anchor.x() - box.width() * (0.5 - 0.5 * max(-1.0, min(1.0, 2 * cos)))
        y = anchor.y() - box.height() * (0.5 - 0.5 * sin)
        _text(painter, QRectF(x, y, box.width(), box.height()), ALIGN_CENTRE, text,
              label_font)

    _legend(painter, QRectF(rect.left(), area.bottom(), rect.width(), legend_h),
            [("Current", ACCENT, Qt.PenStyle.SolidLine), ("Target", TARGET,
                                                           Qt.PenStyle.DashLine)], font)
    painter.restore()


def _legend(painter: QPainter, rect: QRectF,
            entries: Sequence[tuple[str, QColor, Qt.PenStyle]], font: QFont) -> None:
    metrics = QFontMetricsF(font)
    swatch = metrics.height() * 1.6
    widths = [swatch + 6 + metrics.horizontalAdvance(label) for label, _, _ in entries]
    gap = metrics.height() * 1.5
    x = rect.center().x() - (sum(widths) + gap * (len(entries) - 1)) / 2
    y = rect.center().y()
    for (label, colour, style), width in zip(entries, widths, strict=True):
        painter.setPen(_pen(colour, 3, style))
        painter.drawLine(QPointF(x, y), QPointF(x + swatch, y))
        _text(painter, QRectF(x + swatch + 6, rect.top(), width, rect.height()),
              Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label, font)
        x += width + gap


def _money_axis(painter: QPainter, plot: QRectF, low: float, high: float,
                font: QFont, currency: Currency) -> tuple[float, float]:
    """Round money ticks and grid lines on the left of `plot`; returns the (low, high) shown."""
    scale = sticky_scale(low, high, None)
    grid = _pen(_tinted(CHART_GRID.darker(130), 90), 1)
    metrics = QFontMetricsF(font)
    for value in scale.ticks:
        y = plot.bottom() - (value - scale.low) / (scale.high - scale.low) * plot.height()
        painter.setPen(grid)
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        _text(painter, QRectF(plot.left() - 200 - 6, y - metrics.height() / 2, 200,
                              metrics.height()),
              Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
              tick_label(value, currency), font)
    painter.setPen(_pen(CHART_GRID.darker(130), 1))
    painter.drawLine(plot.bottomLeft(), plot.topLeft())
    return scale.low, scale.high


def _plot_area(rect: QRectF, font: QFont, title: str, painter: QPainter,
               *, bottom_lines: float) -> QRectF:
    title_font = _sized(font, 1.15, bold=True)
    title_h = QFontMetricsF(title_font).height() * 1.6
    _text(painter, QRectF(rect.left(), rect.top(), rect.width(), title_h), ALIGN_CENTRE,
          title, title_font)
    metrics = QFontMetricsF(font)
    left = metrics.horizontalAdvance("−£10.0M") + 12
    return QRectF(rect.left() + left, rect.top() + title_h, rect.width() - left - 8,
                  rect.height() - title_h - metrics.height() * bottom_lines)


def paint_cost_bars(painter: QPainter, rect: QRectF, components: Sequence[CostComponent],
                    *, today_total: float, projected_total: float, font: QFont,
                    currency: Currency = GBP) -> None:
    """Stacked bars today vs after migration, each bar's total on top, legend on the right."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    metrics = QFontMetricsF(font)
    legend_w = max(metrics.horizontalAdvance(c.label) for c in components) + metrics.height() * 2
    chart = QRectF(rect.left(), rect.top(), rect.width() - legend_w, rect.height())
    plot = _plot_area(chart, font, "Annual cost: today vs after migration", painter,
                      bottom_lines=1.8)
    top = max(today_total, projected_total, 1.0) * 1.15
    low, high = _money_axis(painter, plot, 0.0, top, font, currency)

    def y_of(value: float) -> float:
        return plot.bottom() - (value - low) / (high - low) * plot.height()

    slot = plot.width() / 2
    bar_w = slot * 0.56
    total_font = _sized(font, 1.1, bold=True)
    for x, (name, total) in enumerate((("Today", today_total),
                                       ("After migration", projected_total))):
        left = plot.left() + slot * x + (slot - bar_w) / 2
        base = 0.0
        for component in components:
            height = component.today if x == 0 else component.projected
            if height > 0:
                painter.setPen(_pen(QColor("white"), 1))
                painter.setBrush(COST_COMPONENT_TONE[component.key])
                painter.drawRect(QRectF(left, y_of(base + height), bar_w,
                                        y_of(base) - y_of(base + height)))
            base += height
        total_h = QFontMetricsF(total_font).height()
        _text(painter, QRectF(left - slot / 4, y_of(total) - total_h * 1.2, bar_w + slot / 2,
                              total_h), ALIGN_CENTRE, display.money(total, currency), total_font)
        _text(painter, QRectF(plot.left() + slot * x, plot.bottom() + 4, slot,
                              metrics.height() * 1.4), ALIGN_CENTRE, name, font)
    painter.setPen(_pen(CHART_GRID.darker(130), 1))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    # Legend: a swatch and a label per component, top to bottom as the bars stack down.
    y = plot.top()
    for component in reversed(components):
        box = QRectF(chart.right() + 8, y + metrics.height() * 0.2, metrics.height() * 0.9,
                     metrics.height() * 0.9)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(COST_COMPONENT_TONE[component.key])
        painter.drawRect(box)
        _text(painter, QRectF(box.right() + 6, y, legend_w, metrics.height() * 1.3),
              Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, component.label,
              font)
        y += metrics.height() * 1.5
    painter.restore()


def paint_payback(painter: QPainter, rect: QRectF, curve: PaybackCurve, *,
                  payback_text: str, font: QFont, currency: Currency = GBP) -> None:
    """Cumulative savings minus the migration cost per month, break-even marked."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    metrics = QFontMetricsF(font)
    plot = _plot_area(rect, font, "Payback: cumulative savings minus migration cost", painter,
                      bottom_lines=3.0)
    low_net, high_net = min(min(curve.net), 0.0), max(max(curve.net), 0.0)
    pad = (high_net - low_net) * 0.12 or 1.0
    low, high = _money_axis(painter, plot, low_net - pad * 0.5, high_net + pad, font,
                            currency)
    last = curve.months[-1] or 1

    def at(month: float, value: float) -> QPointF:
        return QPointF(plot.left() + month / last * plot.width(),
                       plot.bottom() - (value - low) / (high - low) * plot.height())

    for clip, tint in ((lambda v: min(v, 0.0), SPENDING_TINT),
                       (lambda v: max(v, 0.0), SAVING_TINT)):
        area = QPainterPath(at(curve.months[0], 0.0))
        for month, value in zip(curve.months, curve.net, strict=True):
            area.lineTo(at(month, clip(value)))
        area.lineTo(at(curve.months[-1], 0.0))
        area.closeSubpath()
        painter.fillPath(area, tint)
    painter.setPen(_pen(CHART_TEXT, 1))
    painter.drawLine(at(0, 0.0), at(last, 0.0))
    line = QPainterPath(at(curve.months[0], curve.net[0]))
    for month, value in zip(curve.months[1:], curve.net[1:], strict=True):
        line.lineTo(at(month, value))
    painter.setPen(_pen(SAVING_TONE, 3))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(line)
    for month in range(0, last + 1, 6):
        spot = at(month, low)
        painter.setPen(_pen(CHART_GRID.darker(130), 1))
        painter.drawLine(spot, QPointF(spot.x(), spot.y() + 4))
        _text(painter, QRectF(spot.x() - 30, spot.y() + 4, 60, metrics.height() * 1.2),
              ALIGN_CENTRE, str(month), font)
    _text(painter, QRectF(plot.left(), plot.bottom() + metrics.height() * 1.4, plot.width(),
                          metrics.height() * 1.4), ALIGN_CENTRE,
          "months after the migration", font, MUTED_TEXT)
    label_font = _sized(font, 1.05, bold=True)
    if curve.break_even_month is not None:
        spot = at(curve.break_even_month, 0.0)
        painter.setPen(_pen(CHART_TEXT, 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(spot.x(), plot.top()), QPointF(spot.x(), plot.bottom()))
        painter.setPen(_pen(QColor("white"), 2))
        painter.setBrush(SAVING_TONE)
        painter.drawEllipse(spot, 5.5, 5.5)
        _text(painter, QRectF(spot.x() + 8, spot.y() + 6, plot.right() - spot.x() - 8,
                              metrics.height() * 1.5),
              Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
              f"Break-even after {payback_text}", label_font)
    else:
        text = "Never breaks even" if payback_text == "never" else (
            f"No break-even within {last} months ({payback_text})")
        _text(painter, QRectF(plot.left(), plot.top() + 4, plot.width() - 8,
                              metrics.height() * 1.5),
              Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, text, label_font)
    painter.restore()
