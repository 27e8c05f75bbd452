"""AssessTab: the PKI Health Radar — eight sliders, the radar, and the derived maturity level."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.gui import commands, file_dialogs
from app.gui.palette import ACCENT, CHART_TEXT, MUTED_TEXT, TARGET
from app.gui.radar_chart import MAX_SCORE, RadarChart
from app.gui.store import ProjectStore
from app.gui.tab_pages import RefreshWhenShown
from app.gui.widgets import FittingScrollArea, heading, narrower_than, wrapped_label
from models.assessment import DIMENSIONS, LEVEL_BASIS, LEVEL_NAMES, AssessmentScores
from models.evaluation import Evaluation

# ASSESSMENT.md scale, aligned with the PKI Consortium maturity model (PKIMM).
SCALE_TEXT = "0 absent · 1 Initial · 2 Basic · 3 Advanced · 4 Managed · 5 Optimized"
ANCHOR_SCORES = (1, 3, 5)
SERIES_TEXT = {"current": "current", "target": "target"}
REASON_LINES = 8
COMPACT_REASON_LINES = 4
COMPACT_CHARS = 190  # narrower, or shorter than COMPACT_LINES: the compact level card
COMPACT_LINES = 36
RADAR_MINIMUM = QSize(360, 320)
COMPACT_RADAR = QSize(300, 240)
COMPACT_RADAR_TEXT = 0.85  # the radar's labels, of the tab's type size, on a small screen


def _anchor_colour(anchor: int, score: int) -> QColor:
    """The anchor that describes the score stands out; the ones it lies between are plain."""
    if score == anchor:
        return ACCENT
    if abs(score - anchor) == 1:
        return CHART_TEXT
    return MUTED_TEXT


class AnchorLabel(QLabel):
    """A wrapped anchor description whose colour changes with a repaint only.

    A style sheet or palette change re-polishes the label and lays out the whole grid of
    wrapped labels again, on every slider step; a bolder weight would also re-wrap it.
    """

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._colour = QColor(MUTED_TEXT)

    def colour(self) -> QColor:
        return QColor(self._colour)

    def set_colour(self, colour: QColor) -> None:
        if colour != self._colour:
            self._colour = QColor(colour)
            self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setPen(self._colour)
        painter.setFont(self.font())
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(self.contentsRect(), int(flags.value), self.text())
        painter.end()


class DimensionRow:
    """One dimension's widgets: title, current slider and value, target spin box, anchors."""

    def __init__(self, index: int) -> None:
        dim = DIMENSIONS[index]
        self.title = QLabel(f"{index + 1}  {dim.title}")
        self.title.setProperty("role", "h2")
        self.title.setWordWrap(True)
        self.title.setToolTip(dim.definition)
        self.definition = wrapped_label(dim.definition, muted=True, selectable=False)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, MAX_SCORE)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.setTickInterval(1)
        self.slider.setMinimumWidth(120)
        self.slider.setToolTip(f"{dim.title}: current score, 0–5 ({SCALE_TEXT})")
        self.slider.setAccessibleName(f"{dim.title} current score")
        self.value = QLabel("0")
        # Fixed size: a new value then never asks the grid to lay itself out again.
        self.value.setFixedSize(self.value.fontMetrics().horizontalAdvance("0") * 2 + 4,
                                self.value.fontMetrics().height() + 4)
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value.setStyleSheet(f"color: {ACCENT.name()}; font-weight: 700;")
        self.target = QSpinBox()
        self.target.setRange(0, MAX_SCORE)
        self.target.setPrefix("target ")
        self.target.setToolTip(f"{dim.title}: target score, 0–5")
        self.target.setAccessibleName(f"{dim.title} target score")
        self.anchors = {
            score: AnchorLabel(f"{score}  {dim.anchors[score]}")
            for score in ANCHOR_SCORES
        }
        self._shown: int | None = None

    def show(self, current: int, target: int) -> None:
        """Show the scores without emitting edits; untouched widgets are left alone."""
        for widget, value in ((self.slider, current), (self.target, target)):
            if widget.value() != value:
                widget.blockSignals(True)
                widget.setValue(value)
                widget.blockSignals(False)
        if current == self._shown:
            return
        self.value.setText(str(current))
        for score, label in self.anchors.items():
            label.set_colour(_anchor_colour(score, current))
        self._shown = current


class AssessTab(QWidget):
    """Self-assessment in a workshop: the radar redraws while a slider moves; all undoable."""

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._gesture = 0  # bumped per slider press/release: one drag = one undo step
        self.rows = [DimensionRow(i) for i in range(len(DIMENSIONS))]
        self.chart = RadarChart()

        body = QHBoxLayout(self)
        body.setContentsMargins(12, 12, 12, 12)
        body.setSpacing(16)
        body.addWidget(self._build_sliders(), 11)
        body.addLayout(self._build_result(), 9)

        for index, row in enumerate(self.rows):
            row.slider.valueChanged.connect(
                lambda value, i=index: self._on_slider_value_changed(i, value))
            row.slider.sliderPressed.connect(self._on_slider_gesture)
            row.slider.sliderReleased.connect(self._on_slider_gesture)
            row.target.valueChanged.connect(
                lambda value, i=index: self._on_target_value_changed(i, value))
        store.evaluation_changed.connect(
            RefreshWhenShown(self, lambda: self._refresh(self._store.evaluation)))
        store.project_replaced.connect(self._on_store_project_replaced)
        self._refresh(store.evaluation)

    # --- layout --------------------------------------------------------------------------

    def _build_sliders(self) -> FittingScrollArea:
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setContentsMargins(14, 10, 14, 10)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(2)
        grid.addWidget(heading("PKI Health Radar", level=1), 0, 0, 1, 2)
        grid.addLayout(self._build_exports(), 0, 2)
        scale = wrapped_label(f"Score each dimension 0–5: {SCALE_TEXT}", muted=True,
                              selectable=False)
        grid.addWidget(scale, 1, 0, 1, 3)
        for column, text in ((1, "Current · target"), (2, "What scores 1, 3 and 5 look like")):
            header = QLabel(text)
            header.setProperty("role", "muted")
            grid.addWidget(header, 2, column)
        line = 3
        for row in self.rows:
            separator = QFrame()
            separator.setFrameShape(QFrame.Shape.HLine)
            separator.setStyleSheet("color: #e3e6ea;")
            grid.addWidget(separator, line, 0, 1, 3)
            controls = QGridLayout()
            controls.setContentsMargins(0, 0, 0, 0)
            controls.setHorizontalSpacing(8)
            controls.addWidget(row.slider, 0, 0)
            controls.addWidget(row.value, 0, 1)
            controls.addWidget(row.target, 1, 0, 1, 2, Qt.AlignmentFlag.AlignLeft)
            left = QVBoxLayout()
            left.setSpacing(2)
            left.addWidget(row.title)
            left.addWidget(row.definition)
            left.addStretch(1)
            grid.addLayout(left, line + 1, 0)
            grid.addLayout(controls, line + 1, 1, Qt.AlignmentFlag.AlignTop)
            anchors = QVBoxLayout()
            anchors.setSpacing(1)
            for label in row.anchors.values():
                anchors.addWidget(label)
            anchors.addStretch(1)
            grid.addLayout(anchors, line + 1, 2)
            line += 2
        grid.setColumnStretch(0, 4)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 8)
        grid.setRowStretch(line, 1)
        inner.setObjectName("dimensions")
        inner.setStyleSheet("QWidget#dimensions { background: white; }")
        return FittingScrollArea(inner, "dimensionsScroll")

    def _build_result(self) -> QVBoxLayout:
        self.overall = QLabel()
        self.overall.setProperty("role", "figure")
        self.overall.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.overall_target = QLabel()
        self.overall_target.setProperty("role", "muted")
        self.level = QLabel()
        self.level.setProperty("role", "figure")
        self.level.setStyleSheet(f"color: {ACCENT.name()};")
        self.held_by = wrapped_label()
        self.to_next = wrapped_label()
        self.target_level = wrapped_label()
        self.target_level.setStyleSheet(f"color: {TARGET.darker(140).name()};")
        self.design = wrapped_label()
        self.design.setObjectName("designEvidence")
        self.design.setStyleSheet(
            "QLabel#designEvidence { background: #eef4fb; border-left: 4px solid "
            f"{ACCENT.name()}; padding: 8px 10px; color: #1d2733; }}")

        card = QFrame()
        card.setObjectName("levelCard")
        card.setStyleSheet("QFrame#levelCard { background: white; border: 1px solid #dde2e7;"
                           " border-radius: 6px; }")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(16, 12, 16, 14)
        inner.setSpacing(6)
        top = QGridLayout()
        top.setVerticalSpacing(0)
        caption = QLabel("Issuance-workflow maturity")
        caption.setProperty("role", "h2")
        basis = ", ".join(str(i + 1) for i in LEVEL_BASIS)
        rule = (f"Level rule (ASSESSMENT.md): the mean of dimensions {basis}, capped by gates "
                "on single dimensions.")
        for label in (caption, self.level):
            label.setToolTip(rule)
        top.addWidget(caption, 0, 0)
        top.addWidget(self.level, 1, 0)
        self._level_grid = top
        self._place_overall(compact=False)
        inner.addLayout(top)
        # The reasons change on every slider step. They live in their own scroll area of a
        # reserved height: the radar above never jumps, and their re-layout stops there
        # instead of running through the whole tab.
        content = QWidget()
        content.setObjectName("reasons")
        content.setStyleSheet("QWidget#reasons { background: white; }")
        reasons = QVBoxLayout(content)
        reasons.setContentsMargins(0, 0, 0, 0)
        reasons.setSpacing(6)
        reasons.addWidget(self.held_by)
        reasons.addWidget(self.to_next)
        reasons.addStretch(1)
        self.reasons = QScrollArea()
        self.reasons.setFrameShape(QFrame.Shape.NoFrame)
        self.reasons.setWidgetResizable(True)
        self.reasons.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.reasons.setWidget(content)
        inner.addWidget(self.target_level)
        inner.addWidget(self.design)
        inner.addWidget(self.reasons)
        self._card_layout, self._reasons_layout = inner, reasons
        for label in (self.held_by, self.to_next, self.design):
            policy = label.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            label.setSizePolicy(policy)
        self._fit_reasons()

        column = QVBoxLayout()
        column.setSpacing(10)
        column.addWidget(self.chart, 1)
        column.addWidget(card)
        return column

    def _build_exports(self) -> QHBoxLayout:
        self.export_png_button = QPushButton("PNG…")
        self.export_svg_button = QPushButton("SVG…")
        self.export_png_button.setToolTip("Export the radar as a PNG image")
        self.export_svg_button.setToolTip("Export the radar as an SVG drawing")
        self.export_png_button.clicked.connect(lambda: self._ask_export("png"))
        self.export_svg_button.clicked.connect(lambda: self._ask_export("svg"))
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addStretch(1)
        caption = QLabel("Export radar")
        caption.setProperty("role", "muted")
        row.addWidget(caption)
        row.addWidget(self.export_png_button)
        row.addWidget(self.export_svg_button)
        return row

    def _fit_reasons(self) -> None:
        # Two headings and up to six bullets; more scrolls (fewer lines on a small screen).
        lines = COMPACT_REASON_LINES if self.compact else REASON_LINES
        self.reasons.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 6)

    def _place_overall(self, *, compact: bool) -> None:
        """The overall score beside the level, or under it where the width is short."""
        align = Qt.AlignmentFlag.AlignLeft if compact else Qt.AlignmentFlag.AlignRight
        for widget, (row, col) in ((self.overall_target, (2, 0) if compact else (0, 1)),
                                   (self.overall, (3, 0) if compact else (1, 1))):
            self._level_grid.addWidget(widget, row, col, align)

    # --- adapting to the screen (presentation mode on a projector) ------------------------

    compact = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._adapt()

    def _adapt(self) -> None:
        """Small screen: the overall score under the level, fewer reason lines, the design
        note scrolling with the reasons, and slightly smaller radar labels."""
        compact = (narrower_than(self, COMPACT_CHARS)
                   or self.height() < COMPACT_LINES * self.fontMetrics().lineSpacing())
        if compact != self.compact:
            self.compact = compact
            self._place_overall(compact=compact)
            self._fit_reasons()
            self.chart.setMinimumSize(COMPACT_RADAR if compact else RADAR_MINIMUM)
            # The design-evidence note scrolls with the reasons, leaving the radar the room.
            if compact:
                self._reasons_layout.insertWidget(0, self.design)
            else:
                self._card_layout.insertWidget(
                    self._card_layout.indexOf(self.target_level) + 1, self.design)
        # Only the size is set, and only when compact: otherwise the radar inherits the
        # tab's font, and follows it out of presentation mode.
        font = QFont()
        if compact:
            font.setPointSizeF(self.font().pointSizeF() * COMPACT_RADAR_TEXT)
        if font.resolveMask() != self.chart.font().resolveMask() or (
                compact and font.pointSizeF() != self.chart.font().pointSizeF()):
            self.chart.setFont(font)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit_reasons()
            if hasattr(self, "_level_grid"):
                self._adapt()
        super().changeEvent(event)

    # --- edits ---------------------------------------------------------------------------

    def _set_score(self, series: str, index: int, value: int) -> None:
        scores = self._store.project.assessment
        values = list(getattr(scores, series))
        if values[index] == value:
            return
        values[index] = value
        new = AssessmentScores.model_validate({**scores.model_dump(), series: tuple(values)})
        dim = DIMENSIONS[index]
        commands.edit_section(
            self._store, "assessment", new,
            # The text carries no value: merged drag steps keep the first command's text.
            f"Score {dim.title} ({SERIES_TEXT[series]})",
            merge_key=f"assessment:{series}:{dim.key}:{self._gesture}")

    def _on_slider_value_changed(self, index: int, value: int) -> None:
        self._set_score("current", index, value)

    def _on_target_value_changed(self, index: int, value: int) -> None:
        self._set_score("target", index, value)

    def _on_slider_gesture(self) -> None:
        self._gesture += 1

    # --- display -------------------------------------------------------------------------

    def _on_store_project_replaced(self) -> None:
        self._refresh(self._store.evaluation)

    def _refresh(self, evaluation: Evaluation) -> None:
        scores = self._store.project.assessment
        for row, current, target in zip(self.rows, scores.current, scores.target, strict=True):
            row.show(current, target)
        self.chart.set_scores(scores.current, scores.target)
        result = evaluation.assessment
        level = result.current_level
        nxt = min(level.level + 1, 5)
        target_level = result.target_level
        design = evaluation.design_level
        texts = {
            self.overall: f"{result.current_overall:.1f} / 5",
            self.overall_target: f"Overall score · target {result.target_overall:.1f}",
            self.level: f"Level {level.level} · {level.name}",
            self.held_by: _bullets("Held back by", level.held_by),
            self.to_next: _bullets(f"To reach level {nxt} · {LEVEL_NAMES[nxt]}", level.to_next),
            self.target_level: f"Target: level {target_level.level} · {target_level.name}",
            self.design: "" if design is None else (
                f"The routing design evidences level {design} · {LEVEL_NAMES[design]}: every "
                "type is classified and routed by an explicit rule, the article's level-3 "
                f"description. Self-assessed: level {level.level}."),
        }
        for label, text in texts.items():
            if label.text() != text:
                label.setText(text)
        for label, visible in ((self.held_by, bool(level.held_by)),
                               (self.to_next, bool(level.to_next)),
                               (self.design, design is not None and design != level.level)):
            if label.isVisibleTo(self) != visible:
                label.setVisible(visible)

    # --- export --------------------------------------------------------------------------

    def _ask_export(self, kind: str) -> None:
        name = f"{self._store.project.organisation.name} radar.{kind}".replace("/", "-")
        path = file_dialogs.save_file(self, f"Export radar as {kind.upper()}", name,
                                      f"{kind.upper()} image (*.{kind})")
        if path:
            self.export(Path(path))

    def export(self, path: Path) -> None:
        """Write the radar to `path`, PNG or SVG by its suffix."""
        try:
            if path.suffix.lower() == ".svg":
                self.chart.export_svg(path)
            else:
                self.chart.export_png(path)
        except OSError as exc:
            self._store.error.emit(f"Radar not exported: {path}: {exc.strerror or exc}")


def _bullets(title: str, lines: tuple[str, ...]) -> str:
    return "\n".join([f"{title}:", *(f"  • {line}" for line in lines)])
