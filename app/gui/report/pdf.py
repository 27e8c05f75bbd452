"""The client report as PDF (QTextDocument on QPdfWriter) and as HTML with inline SVG charts.

The content is exporters/report_html.py's; this module lays it out on pages: a header and
"Page N of M" footer on every page but the title, a table of contents whose page numbers
come from the laid-out document, tables whose `<thead>` repeats on every page they cross,
and charts painted as vectors by app/gui/report/charts.py into the text flow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QLocale,
    QMarginsF,
    QRect,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPyTextObject,
    QTextDocument,
    QTextFormat,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtSvg import QSvgGenerator

from app.gui.palette import CHART_GRID, MUTED_TEXT
from app.gui.report.charts import paint_cost_bars, paint_payback, paint_radar
from exporters.report_html import STYLE, Chunk, ReportMeta, report_chunks, report_html
from models import display
from models.cost import cost_components, payback_curve
from models.evaluation import Evaluation
from models.file_write import write_file
from models.project import Project

DPI = 96  # the document is laid out in CSS pixels, so HTML sizes mean what they say
MARGIN_MM = 18.0
HEADER_PX = 34.0
FOOTER_PX = 34.0
FONT_FAMILIES = ["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial", "Helvetica"]
CHART_PREFIX = "chart:"
# Territories that print on US Letter (QLocale: the rest of the world uses A4).
LETTER_TERRITORIES = {
    QLocale.Country.UnitedStates, QLocale.Country.Canada, QLocale.Country.Mexico,
    QLocale.Country.Philippines, QLocale.Country.Chile, QLocale.Country.Colombia,
    QLocale.Country.Venezuela, QLocale.Country.CostaRica, QLocale.Country.Guatemala,
    QLocale.Country.PuertoRico,
}


class Paper(StrEnum):
    """The two paper sizes a client prints on."""

    A4 = "a4"
    LETTER = "letter"

    @property
    def page_size(self) -> QPageSize:
        return QPageSize(QPageSize.PageSizeId.A4 if self is Paper.A4
                         else QPageSize.PageSizeId.Letter)


def locale_paper(locale: QLocale | None = None) -> Paper:
    """Letter where the locale's territory prints on it, A4 elsewhere."""
    territory = (locale or QLocale.system()).territory()
    return Paper.LETTER if territory in LETTER_TERRITORIES else Paper.A4


def pixel_font(font: QFont, points: float) -> QFont:
    """`font` at `points`, sized in the layout's 96-dpi pixels: a point size would be resolved
    at the device's own resolution (1200 dpi on a printer) and then scaled a second time."""
    sized = QFont(font)
    sized.setPixelSize(max(1, round(points * DPI / 72)))
    return sized


def page_layout(size: QPageSize) -> QPageLayout:
    """Portrait pages of `size` with the report's margins."""
    return QPageLayout(size, QPageLayout.Orientation.Portrait,
                       QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                       QPageLayout.Unit.Millimeter)


def report_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(10)
    # No "fi" ligatures: text copied or searched in the PDF reads "financial", not "ﬁnancial".
    font.setFeature(QFont.Tag("liga"), 0)
    return font


@dataclass(frozen=True, slots=True)
class ChartData:
    """What the three charts draw, from the project and its evaluation."""

    project: Project
    evaluation: Evaluation

    def paint(self, name: str, painter: QPainter, rect: QRectF, font: QFont) -> None:
        costs = self.evaluation.costs
        inputs = self.project.cost.inputs
        if name == "radar":
            scores = self.project.assessment
            paint_radar(painter, rect, scores.current, scores.target, font)
        elif name == "cost":
            paint_cost_bars(painter, rect, cost_components(
                costs, combined_run_cost=inputs.combined_run_cost),
                today_total=costs.total_cost, projected_total=costs.projected_cost, font=font,
                currency=self.project.currency)
        elif name == "payback":
            paint_payback(painter, rect, payback_curve(costs, inputs.migration_cost),
                          payback_text=display.months(costs.payback_months), font=font,
                          currency=self.project.currency)
        else:
            raise ValueError(f"no chart called {name!r}")


class ChartObject(QPyTextObject):
    """Draws `<img src="chart:NAME">` as a vector chart instead of loading an image."""

    def __init__(self, charts: ChartData, font: QFont) -> None:
        super().__init__()
        self._charts = charts
        self._font = font

    def intrinsicSize(self, doc: QTextDocument, pos: int, fmt: QTextFormat) -> QSizeF:
        image = fmt.toImageFormat()
        return QSizeF(image.width(), image.height())

    def drawObject(self, painter: QPainter, rect: QRectF | QRect, doc: QTextDocument, pos: int,
                   fmt: QTextFormat) -> None:
        name = fmt.toImageFormat().name()
        if name.startswith(CHART_PREFIX):
            self._charts.paint(name.removeprefix(CHART_PREFIX), painter, QRectF(rect),
                               self._font)


def _chart_tag(name: str, width: int, height: int) -> str:
    return f'<img src="{CHART_PREFIX}{name}" width="{width}" height="{height}"/>'


class ReportDocument:
    """The report laid out on pages, ready to paint onto a PDF writer or a printer.

    Each chunk of the report (a chapter, a type's card) is its own QTextDocument starting on
    a new page: painting a page then walks one small document, not the whole report.
    """

    def __init__(self, project: Project, evaluation: Evaluation, meta: ReportMeta,
                 layout: QPageLayout, metrics: QPdfWriter) -> None:
        """Lay the report out on pages of `layout`, measuring text as `metrics` (96 dpi)."""
        self.project, self.evaluation, self.meta = project, evaluation, meta
        self.font = report_font()
        metrics.setPageLayout(layout)
        metrics.setResolution(DPI)
        self._metrics = metrics
        self.paint_rect = QRectF(layout.paintRectPixels(DPI))
        self.body_height = self.paint_rect.height() - HEADER_PX - FOOTER_PX
        self._charts = ChartObject(ChartData(project, evaluation), pixel_font(self.font, 9))
        self.pages: dict[str, int] = {}
        chunks = report_chunks(project, evaluation, meta, _chart_tag)
        self.docs = [self._document(chunk.html) for chunk in chunks]
        # The contents need the pages; numbering them does not add rows, but a second
        # round settles it should a number's width ever wrap a line.
        for _round in range(3):
            pages = self._section_pages(chunks)
            if pages == self.pages:
                break
            self.pages = pages
            contents = next(n for n, chunk in enumerate(chunks) if "contents" in chunk.anchors)
            chunks[contents] = report_chunks(project, evaluation, meta, _chart_tag,
                                             pages)[contents]
            self.docs[contents] = self._document(chunks[contents].html)

    def _document(self, html: str) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self._metrics)
        doc.setDefaultFont(self.font)
        doc.setDefaultStyleSheet(STYLE)
        doc.setDocumentMargin(0)
        doc.setPageSize(QSizeF(self.paint_rect.width(), self.body_height))
        doc.documentLayout().registerHandler(QTextFormat.ObjectTypes.ImageObject, self._charts)
        doc.setHtml(f"<html><body>{html}</body></html>")
        return doc

    def _section_pages(self, chunks: list[Chunk]) -> dict[str, int]:
        """Each section's anchor and the page (1-based) its chunk, and so its heading, starts."""
        pages: dict[str, int] = {}
        first = 1
        for chunk, doc in zip(chunks, self.docs, strict=True):
            for anchor in chunk.anchors:
                pages[anchor] = first
            first += doc.pageCount()
        return pages

    def page_count(self) -> int:
        return sum(doc.pageCount() for doc in self.docs)

    def paint(self, painter: QPainter, new_page: Callable[[], bool]) -> None:
        """Every page: its slice of its document, the running header and the footer.

        The painter works in the layout's 96-dpi units (scaled by the caller for a printer);
        `new_page` starts the next page (QPdfWriter.newPage, QPrinter.newPage).
        """
        total = self.page_count()
        width = self.paint_rect.width()
        number = 0
        for doc in self.docs:
            layout = doc.documentLayout()
            for index in range(doc.pageCount()):
                if number and not new_page():
                    raise OSError("cannot start a new page")
                if number:  # the title page has no running header
                    self._header(painter, width)
                painter.save()
                painter.translate(0, HEADER_PX - index * self.body_height)
                clip = QRectF(0, index * self.body_height, width, self.body_height)
                painter.setClipRect(clip)
                context = QAbstractTextDocumentLayout.PaintContext()
                context.clip = clip
                layout.draw(painter, context)
                painter.restore()
                number += 1
                self._footer(painter, width, number, total)

    def _header(self, painter: QPainter, width: float) -> None:
        painter.setFont(pixel_font(self.font, 8.5))
        painter.setPen(MUTED_TEXT)
        band = QRectF(0, 0, width, HEADER_PX - 12)
        painter.drawText(band, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                         self.project.organisation.name)
        painter.drawText(band, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom),
                         "Certificate-issuance routing")
        painter.setPen(QPen(CHART_GRID, 1))
        painter.drawLine(0, int(HEADER_PX - 8), int(width), int(HEADER_PX - 8))

    def _footer(self, painter: QPainter, width: float, page: int, total: int) -> None:
        painter.setFont(pixel_font(self.font, 8.5))
        painter.setPen(QColor(MUTED_TEXT))
        top = HEADER_PX + self.body_height + 10
        band = QRectF(0, top, width, FOOTER_PX - 10)
        painter.drawText(band, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
                         f"As of {self.meta.as_of.isoformat()}")
        painter.drawText(band, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                         f"Page {page} of {total}")


def pdf_bytes(project: Project, evaluation: Evaluation, meta: ReportMeta,
              paper: Paper) -> bytes:
    """The report as a PDF document."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setTitle(f"Certificate-issuance routing — {project.organisation.name}")
    writer.setCreator("Certroute")
    writer.setAuthor(meta.author or "Certroute")
    document = ReportDocument(project, evaluation, meta, page_layout(paper.page_size), writer)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("cannot start the PDF")
    try:
        document.paint(painter, writer.newPage)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def print_report(project: Project, evaluation: Evaluation, meta: ReportMeta,
                 printer: QPrinter) -> None:
    """Print the report on `printer` (as set up by QPrintDialog), on its paper size."""
    metrics = QPdfWriter(QBuffer())  # lays the text out at 96 dpi; never written
    size = printer.pageLayout().pageSize()
    document = ReportDocument(project, evaluation, meta, page_layout(size), metrics)
    printer.setPageLayout(page_layout(size))
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError(f"cannot print on {printer.printerName() or printer.outputFileName()}")
    try:
        scale = printer.resolution() / DPI
        painter.scale(scale, scale)
        document.paint(painter, printer.newPage)
    finally:
        painter.end()


def chart_svg(charts: ChartData, name: str, width: int, height: int) -> str:
    """One chart as an SVG element (page coordinates, portable), for the HTML report."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSizeF(width, height).toSize())
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setResolution(DPI)
    painter = QPainter(generator)
    charts.paint(name, painter, QRectF(0, 0, width, height), pixel_font(report_font(), 9))
    painter.end()
    text = bytes(data.data()).decode("utf-8")
    return text[text.index("<svg"):]


def write_report(project: Project, evaluation: Evaluation, meta: ReportMeta, *,
                 pdf: str | Path | None = None, html: str | Path | None = None,
                 paper: Paper | None = None) -> None:
    """Write the report as PDF and/or HTML (atomically: a failure leaves no half file).

    Raises OSError naming the file that could not be written.
    """
    outputs: list[tuple[str | Path, bytes]] = []
    if pdf is not None:
        outputs.append((pdf, pdf_bytes(project, evaluation, meta, paper or locale_paper())))
    if html is not None:
        charts = ChartData(project, evaluation)
        outputs.append((html, report_html(project, evaluation, meta, lambda name, w, h:
                                          chart_svg(charts, name, w, h)).encode("utf-8")))
    for path, data in outputs:
        try:
            write_file(path, data)
        except OSError as exc:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
