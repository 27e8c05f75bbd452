"""CostTab: the hidden rework cost of admin-mediated issuance and the migration business case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.gui import commands
from app.gui.cost_cards import card, figure_grid, figure_row
from app.gui.cost_charts import CostBarChart, PaybackChart
from app.gui.cost_inputs import INPUT_GROUPS, edited_inputs, explanation, format_input, tooltip
from app.gui.palette import ACCENT, SAVING_TONE, WARNING_TONE
from app.gui.store import ProjectStore
from app.gui.tab_pages import RefreshWhenShown
from app.gui.widgets import (
    FittingScrollArea,
    heading,
    narrower_than,
    set_text_quietly,
    wrapped_label,
)
from models import display
from models.cost import (
    SCALE_PRESETS,
    MigrationShareSource,
    Scale,
    TicketsSource,
    cost_components,
    input_unit,
    payback_curve,
)
from models.currency import COMMON_CURRENCIES, Currency
from models.project import CostSettings

PRESET_HINT = {
    Scale.SMALL: "600 tickets a year, {migration} migration",
    Scale.MID: "the article's table: 3,000 tickets a year, {migration} migration",
    Scale.LARGE: "15,000 tickets a year, {migration} migration",
}


def preset_hint(scale: Scale, currency: Currency) -> str:
    migration = display.money(SCALE_PRESETS[scale].migration_cost, currency)
    return PRESET_HINT[scale].format(migration=migration)
TAB_STYLE = (
    f'QLineEdit[invalid="true"] {{ border: 2px solid {WARNING_TONE.name()}; }}'
    'QPushButton[preset="true"] { background: white; border: 1px solid #c9d0d8;'
    " border-radius: 4px; padding: 4px 16px; }"
    f'QPushButton[preset="true"]:checked {{ background: {ACCENT.name()}; color: white;'
    f" border-color: {ACCENT.name()}; font-weight: 600; }}"
)


COMPACT_CHARS = 200  # narrower than this many characters: the compact layout (_adapt)


class CostTab(QWidget):
    """Edits the cost inputs through the store; every figure comes from the Evaluation."""

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.editors: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.figures: dict[str, QLabel] = {}
        self.tiles: dict[str, QLabel] = {}
        self.units: dict[str, QLabel] = {}
        self._shown_currency: Currency | None = None
        self.setStyleSheet(TAB_STYLE)

        self.bar_chart = CostBarChart(
            [c.key for c in self._components()], [c.label for c in self._components()])
        self.payback_chart = PaybackChart()
        charts = QVBoxLayout()
        charts.setSpacing(12)
        charts.addWidget(self.bar_chart, 1)
        charts.addWidget(self.payback_chart, 1)

        self._body = body = QHBoxLayout()
        body.setSpacing(14)
        self.figures_box = self._build_figures()
        body.addWidget(self.figures_box, 0)
        body.addLayout(charts, 1)
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addLayout(self._build_tiles())
        right.addWidget(self.headline)
        right.addLayout(body, 1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(14)
        layout.addWidget(self._build_inputs(), 0)
        layout.addLayout(right, 1)
        self._fit_editors()

        store.evaluation_changed.connect(RefreshWhenShown(self, self._refresh))
        store.types_changed.connect(self._on_store_types_changed)
        store.project_replaced.connect(self._on_store_project_replaced)
        self._refresh()

    # --- layout --------------------------------------------------------------------------

    def _build_inputs(self) -> FittingScrollArea:
        inner = QWidget()
        inner.setObjectName("costInputs")
        inner.setStyleSheet("QWidget#costInputs { background: white; }")
        column = QVBoxLayout(inner)
        column.setContentsMargins(14, 10, 14, 10)
        column.setSpacing(8)
        column.addWidget(heading("Inputs", level=2))
        column.addLayout(self._build_presets())
        for title, keys in INPUT_GROUPS:
            group = QLabel(title.upper())
            group.setProperty("role", "muted")
            group.setStyleSheet("font-weight: 600; letter-spacing: 1px; padding-top: 6px;")
            column.addWidget(group)
            grid = QGridLayout()
            grid.setHorizontalSpacing(8)
            grid.setVerticalSpacing(2)
            for n, key in enumerate(keys):
                self._add_input_row(grid, 2 * n, key)
            grid.setColumnStretch(0, 1)
            column.addLayout(grid)
            if title == "Migration":
                column.addWidget(self._build_source())
            elif "tickets_per_year" in keys:
                column.addWidget(self._build_tickets_source())
        column.addStretch(1)
        self._inputs_column = column
        scroll = FittingScrollArea(inner, "costInputsScroll")
        scroll.setMinimumWidth(420)
        return scroll

    def _build_presets(self) -> QVBoxLayout:
        self.preset_buttons: dict[Scale, QPushButton] = {}
        self._preset_group = QButtonGroup(self)
        self._preset_group.setExclusive(False)  # "none checked" means custom inputs
        row = QHBoxLayout()
        row.setSpacing(6)
        row.addWidget(QLabel("Scale preset"))
        for scale in Scale:
            button = QPushButton(scale.value.capitalize())
            button.setCheckable(True)
            button.setProperty("preset", True)
            button.setToolTip(preset_hint(scale, self._store.project.currency))
            button.clicked.connect(lambda _=False, s=scale: self._on_preset_clicked(s))
            self._preset_group.addButton(button)
            self.preset_buttons[scale] = button
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(QLabel("Currency"))
        self.currency_combo = QComboBox()
        self.currency_combo.setToolTip("The currency amounts are shown in, here, on the command "
                                       "line and in the workbook (figures are not converted)")
        self.currency_combo.activated.connect(self._on_currency_activated)
        row.addWidget(self.currency_combo)
        self.preset_note = wrapped_label(muted=True, selectable=False)
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addLayout(row)
        box.addWidget(self.preset_note)
        return box

    def _add_input_row(self, grid: QGridLayout, line: int, key: str) -> None:
        label = wrapped_label(explanation(key), selectable=False)
        editor = QLineEdit()
        editor.setAlignment(Qt.AlignmentFlag.AlignRight)
        editor.setAccessibleName(explanation(key))
        editor.setToolTip(tooltip(key))
        editor.editingFinished.connect(lambda k=key: self._on_editor_editing_finished(k))
        unit = QLabel(input_unit(key))
        self.units[key] = unit
        unit.setProperty("role", "muted")
        unit.setMinimumWidth(62)
        error = QLabel()
        error.setProperty("role", "error")
        error.setWordWrap(True)
        error.hide()
        grid.addWidget(label, line, 0)
        grid.addWidget(editor, line, 1)
        grid.addWidget(unit, line, 2)
        grid.addWidget(error, line + 1, 0, 1, 3)
        self.editors[key] = editor
        self.errors[key] = error

    @staticmethod
    def _radio_box(title: str, options: dict[Any, str],
                   clicked: Callable[[Any], None]) -> tuple[QWidget, dict[Any, QRadioButton]]:
        """A titled column of exclusive radio buttons, one per source."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(QLabel(title))
        group = QButtonGroup(box)
        buttons = {}
        for source, text in options.items():
            button = QRadioButton(text)
            group.addButton(button)
            button.clicked.connect(lambda _=False, s=source: clicked(s))
            layout.addWidget(button)
            buttons[source] = button
        return box, buttons

    def _build_source(self) -> QWidget:
        box, self.source_buttons = self._radio_box("Migration share comes from", {
            MigrationShareSource.PRESET: "the input above",
            MigrationShareSource.DESIGN:
                "the routing design (admin-mediated today, routed to combined)",
        }, self._on_source_clicked)
        return box

    def _build_tickets_source(self) -> QWidget:
        """Tickets per year: typed, or the inventory's as-is admin-mediated volumes — the
        volumes the design's migration share is a share of (COST-MODEL.md, issue 14)."""
        box, self.tickets_buttons = self._radio_box("Tickets per year come from", {
            TicketsSource.INPUT: "the input above",
            TicketsSource.INVENTORY: "tickets per year from the inventory",
        }, self._on_tickets_source_clicked)
        return box

    def _build_tiles(self) -> QGridLayout:
        row = QGridLayout()
        row.setSpacing(12)
        self._tiles_grid = row
        self._tile_frames: list[QWidget] = []
        for key, caption in (("total_cost", "Annual cost today"),
                             ("projected_cost", "Annual cost after migration"),
                             ("annual_savings", "Annual savings"),
                             ("payback_months", "Payback period")):
            tile, inner = card(padding=10, spacing=0)
            name = QLabel(caption)
            name.setProperty("role", "muted")
            value = QLabel()
            value.setProperty("role", "figure")
            if key in ("annual_savings", "payback_months"):
                value.setStyleSheet(f"color: {SAVING_TONE.name()};")
            inner.addWidget(name)
            inner.addWidget(value)
            self.tiles[key] = value
            row.addWidget(tile, 0, len(self._tile_frames))
            self._tile_frames.append(tile)
        self.headline = wrapped_label()
        self.headline.setProperty("role", "value")  # sized by the style sheet, so it scales
        return row

    def _build_figures(self) -> QWidget:
        column = QVBoxLayout()
        column.setSpacing(12)
        column.setContentsMargins(0, 0, 0, 0)

        frame, layout = card("Time per ticket")
        grid = figure_grid(layout)
        self._figure_row(grid, "base_hours", "Base time (approval + fulfilment)", "hours")
        self._figure_row(grid, "rework_hours", "Hidden — rework", "hours")
        self._figure_row(grid, "reopen_hours", "Hidden — reopens", "hours")
        self._figure_row(grid, "ticket_hours", "Total effective time per ticket", "hours",
                         total=True)
        self._figure_row(grid, "hidden_of_base", "Hidden time, share of base time", "")
        column.addWidget(frame)

        frame, layout = card("Annual cost")
        grid = figure_grid(layout)
        self._figure_row(grid, "analyst_cost", "Analyst time (visible)", "")
        self._figure_row(grid, "hidden_cost", "Hidden — rework + reopens", "")
        self._figure_row(grid, "blocked_cost", "Blocked services", "")
        self._figure_row(grid, "total_cost", "Total annual cost", "", total=True)
        self._figure_row(grid, "hidden_share", "Hidden costs, share of total", "")
        column.addWidget(frame)

        frame, layout = card("Migration projection")
        self.migration_intro = wrapped_label()
        self.migration_source = wrapped_label(muted=True)
        layout.addWidget(self.migration_intro)
        layout.addWidget(self.migration_source)
        grid = figure_grid(layout)
        self._figure_row(grid, "projected_cost", "Projected annual cost", "")
        self._figure_row(grid, "annual_savings", "Annual savings", "")
        self._figure_row(grid, "payback_months", "Payback period", "", total=True)
        self._figure_row(grid, "migration_cost", "Estimated migration cost", "")
        column.addWidget(frame)
        column.addStretch(1)

        box = QWidget()
        box.setLayout(column)
        box.setMinimumWidth(400)
        box.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        return box

    # --- adapting to the width (presentation mode on a projector) ------------------------

    compact = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._adapt()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and self.editors:
            self._fit_editors()
            self._adapt()

    def _fit_editors(self) -> None:
        # Room for "10,000,000" at the current type size (presentation mode).
        width = max(104, self.fontMetrics().horizontalAdvance("10,000,000") + 24)
        for editor in self.editors.values():
            editor.setFixedWidth(width)

    def _adapt(self) -> None:
        """Narrow: the figure cards go under the inputs (both scroll) and the four summary
        tiles take two rows, so the tiles and both charts stay whole beside them."""
        compact = narrower_than(self, COMPACT_CHARS)
        if compact == self.compact:
            return
        self.compact = compact
        if compact:
            self._inputs_column.insertWidget(self._inputs_column.count() - 1, self.figures_box)
        else:
            self._body.insertWidget(0, self.figures_box, 0)
        self.headline.setVisible(not compact)  # the tiles say it; the charts need the room
        per_row = 2 if compact else len(self._tile_frames)
        for n, tile in enumerate(self._tile_frames):
            self._tiles_grid.addWidget(tile, n // per_row, n % per_row)

    def _figure_row(self, grid: QGridLayout, key: str, caption: str, unit: str, *,
                    total: bool = False) -> None:
        self.figures[key] = figure_row(grid, caption, unit, total=total)

    # --- edits ---------------------------------------------------------------------------

    def _on_editor_editing_finished(self, key: str) -> None:
        editor = self.editors[key]
        settings = self._store.project.cost
        try:
            inputs = edited_inputs(settings.inputs, key, editor.text())
        except ValueError as exc:
            self._show_error(key, str(exc))
            return
        self._show_error(key, "")
        editor.setText(format_input(getattr(inputs, key)))
        if inputs == settings.inputs:
            return
        # A preset stays recorded only while the inputs still are that preset.
        scale = settings.scale if (settings.scale is not None
                                   and inputs == SCALE_PRESETS[settings.scale]) else None
        self._edit(settings.model_copy(update={"inputs": inputs, "scale": scale}),
                   f"Set {explanation(key).lower()}")

    def _on_preset_clicked(self, scale: Scale) -> None:
        settings = self._store.project.cost
        for key in self.editors:
            self._show_error(key, "")
        self._edit(settings.model_copy(update={"inputs": SCALE_PRESETS[scale], "scale": scale}),
                   f"Apply the {scale.value} scale preset")
        self._refresh()  # re-check the button even when nothing changed

    def _on_source_clicked(self, source: MigrationShareSource) -> None:
        settings = self._store.project.cost
        self._edit(settings.model_copy(update={"migration_share_source": source}),
                   f"Take the migration share from the {source.value}")

    def _on_tickets_source_clicked(self, source: TicketsSource) -> None:
        settings = self._store.project.cost
        self._edit(settings.model_copy(update={"tickets_source": source}),
                   f"Take tickets per year from the {source.value}")

    def _edit(self, settings: CostSettings, text: str) -> None:
        # Validate the whole section again: model_copy(update=...) does not.
        valid = CostSettings.model_validate(settings.model_dump())
        commands.edit_section(self._store, "cost", valid, text)

    def _show_error(self, key: str, message: str) -> None:
        label, editor = self.errors[key], self.editors[key]
        label.setText(message)
        label.setVisible(bool(message))
        if editor.property("invalid") != bool(message):
            editor.setProperty("invalid", bool(message))
            editor.style().unpolish(editor)
            editor.style().polish(editor)

    # --- display -------------------------------------------------------------------------

    def _on_store_types_changed(self, _rows) -> None:
        if self._store.project.currency != self._shown_currency:
            self._refresh()  # the figures are the same; their currency is not
            return
        self._show_inputs()  # an input edit that leaves every figure as it was

    def _on_currency_activated(self, index: int) -> None:
        chosen = self.currency_combo.itemData(index)
        if isinstance(chosen, Currency) and chosen != self._store.project.currency:
            commands.edit_section(self._store, "currency", chosen,
                                  f"Set currency {chosen.label}")

    def _show_currency(self) -> None:
        currency = self._store.project.currency
        self._shown_currency = currency
        offered = list(COMMON_CURRENCIES)
        if currency not in offered:
            offered.append(currency)  # one set in the project file
        combo = self.currency_combo
        combo.blockSignals(True)
        combo.clear()
        for option in offered:
            combo.addItem(option.label, option)
        combo.setCurrentIndex(offered.index(currency))
        combo.blockSignals(False)
        for key, label in self.units.items():
            label.setText(input_unit(key, currency.symbol))
        for scale, button in self.preset_buttons.items():
            button.setToolTip(preset_hint(scale, currency))
        self.bar_chart.set_currency(currency)
        self.payback_chart.set_currency(currency)

    def _on_store_project_replaced(self) -> None:
        for key in self.editors:
            self._show_error(key, "")
        self._refresh()

    def _components(self):
        costs = self._store.evaluation.costs
        return cost_components(costs,
                               combined_run_cost=self._store.project.cost.inputs.combined_run_cost)

    def _show_inputs(self) -> None:
        settings = self._store.project.cost
        for key, editor in self.editors.items():
            if not editor.hasFocus() and self.errors[key].isHidden():
                set_text_quietly(editor, format_input(getattr(settings.inputs, key)))
        for scale, button in self.preset_buttons.items():
            button.setChecked(settings.scale is scale)
        self.preset_note.setText(
            preset_hint(settings.scale, self._store.project.currency)
            if settings.scale is not None
            else "Custom inputs: edited away from the presets.")
        design_available = self._store.evaluation.migration.design_value is not None
        design = self.source_buttons[MigrationShareSource.DESIGN]
        design.setEnabled(design_available)
        design.setToolTip("" if design_available else self._store.evaluation.migration.explanation)
        wanted = settings.migration_share_source
        for source, radio in self.source_buttons.items():
            radio.setChecked(source is wanted)
        # The input share is not used while the routing design supplies it.
        from_design = self._store.evaluation.migration.source is MigrationShareSource.DESIGN
        share = self.editors["migration_share"]
        share.setEnabled(not from_design)
        share.setToolTip("Not used: the share comes from the routing design." if from_design
                         else tooltip("migration_share"))
        self._show_tickets_source()

    def _show_tickets_source(self) -> None:
        tickets = self._store.evaluation.tickets
        inventory = self.tickets_buttons[TicketsSource.INVENTORY]
        inventory.setEnabled(tickets.inventory_value is not None)
        inventory.setText("tickets per year from the inventory" + (
            f" ({tickets.inventory_value:,} admin-mediated as-is)"
            if tickets.inventory_value is not None else ""))
        inventory.setToolTip(tickets.explanation)
        wanted = self._store.project.cost.tickets_source
        for source, button in self.tickets_buttons.items():
            button.setChecked(source is wanted)
        from_inventory = tickets.source is TicketsSource.INVENTORY
        editor = self.editors["tickets_per_year"]
        editor.setEnabled(not from_inventory)
        if from_inventory and not editor.hasFocus():
            set_text_quietly(editor, format_input(tickets.value))
        editor.setToolTip("Not used: tickets per year come from the inventory."
                          if from_inventory else tooltip("tickets_per_year"))

    def _refresh(self) -> None:
        self._show_currency()
        self._show_inputs()
        evaluation = self._store.evaluation
        costs, inputs = evaluation.costs, self._store.project.cost.inputs
        cur = self._store.project.currency
        shown = {
            "base_hours": display.hours(inputs.base_hours),
            "rework_hours": display.hours(costs.rework_hours),
            "reopen_hours": display.hours(costs.reopen_hours),
            "ticket_hours": display.hours(costs.ticket_hours),
            "hidden_of_base": display.percent(costs.hidden_of_base),
            "analyst_cost": display.money(costs.analyst_cost, cur),
            "hidden_cost": display.money(costs.hidden_cost, cur),
            "blocked_cost": display.money(costs.blocked_cost, cur),
            "total_cost": display.money(costs.total_cost, cur),
            "hidden_share": display.percent(costs.hidden_share),
            "projected_cost": display.money(costs.projected_cost, cur),
            "annual_savings": display.money(costs.annual_savings, cur),
            "payback_months": display.months(costs.payback_months),
            "migration_cost": display.money(inputs.migration_cost, cur),
        }
        for key, text in shown.items():
            self.figures[key].setText(text)
            if key in self.tiles:
                self.tiles[key].setText(text)
        share = display.percent(costs.migration_share)
        self.migration_intro.setText(
            f"If {share} of admin-mediated volume migrates to the combined workflow:")
        self.migration_source.setText(f"Source: {evaluation.migration.explanation}.")
        self.headline.setText(self._headline(shown, share))
        self.bar_chart.set_components(self._components(), today_total=costs.total_cost,
                                      projected_total=costs.projected_cost)
        self.payback_chart.set_curve(payback_curve(costs, inputs.migration_cost),
                                     payback_text=shown["payback_months"])

    def _headline(self, shown: dict[str, str], share: str) -> str:
        first = (f"Admin-mediated issuance costs {shown['total_cost']} a year, "
                 f"{shown['hidden_share']} of it hidden in rework and reopens. ")
        if self._store.evaluation.costs.payback_months is None:
            return first + (f"Moving {share} of that volume to the combined workflow saves "
                            f"nothing, so the {shown['migration_cost']} migration never pays "
                            "back.")
        return first + (f"Moving {share} of that volume to the combined workflow saves "
                        f"{shown['annual_savings']} a year; the {shown['migration_cost']} "
                        f"migration pays back in {shown['payback_months']}.")

