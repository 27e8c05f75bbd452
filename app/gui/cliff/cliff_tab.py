"""CliffTab: what staying admin-mediated costs as the public caps fall, as-is vs designed."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.gui.cliff.cliff_chart import CliffChart
from app.gui.cliff.cliff_table import CliffTableModel
from app.gui.cost_cards import card
from app.gui.palette import SAVING_TONE, WORKFLOW_TONE
from app.gui.store import ProjectStore
from app.gui.tab_pages import RefreshWhenShown
from app.gui.widgets import heading, wrapped_label
from models import display
from models.cliff import cliff_headline
from models.enums import Workflow
from models.industry_rules import CLIFF_END, CapScope, cap_rule

TILES = (("as_is_tickets", "As-is admin-mediated tickets a year"),
         ("designed_tickets", "Designed routing: tickets a year"),
         ("as_is_cost", "As-is annual cost"),
         ("designed_cost", "Designed annual cost"))


class CliffTab(QWidget):
    """The 47-day cliff view: tiles, two charts and the per-type table, all from the
    Evaluation's cliff; the live populations are edited in the table through the store."""

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.tiles: dict[str, QLabel] = {}
        self.intro = wrapped_label(muted=True)
        self.headline = wrapped_label()
        self.headline.setStyleSheet("color: #1d2733;")  # 1.2 × the type: _fit_heights
        self.tickets_chart = CliffChart("Admin-mediated tickets a year, by rule date",
                                        lambda v: f"{v:,.0f}", money=False)
        self.cost_chart = CliffChart("Their annual cost (the Cost tab's model)",
                                     lambda v: display.money(v, store.project.currency),
                                     money=True)
        charts = QHBoxLayout()
        charts.setSpacing(12)
        charts.addWidget(self.tickets_chart, 1)
        charts.addWidget(self.cost_chart, 1)

        self.model = CliffTableModel(store, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        # Columns fit their contents when the rows or the rule dates change, measured on the
        # first rows (a few screenfuls): fitting on every edit (ResizeToContents) measured
        # every cell of the table again, 5,000 types' worth.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(60)
        self.model.modelReset.connect(self.table.resizeColumnsToContents)
        self.model.headerDataChanged.connect(self.table.resizeColumnsToContents)
        self.table.resizeColumnsToContents()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(10)
        layout.addWidget(heading("The 47-day cliff", level=1))
        layout.addWidget(self.intro)
        layout.addLayout(self._build_tiles())
        layout.addWidget(self.headline)
        layout.addLayout(charts, 3)
        layout.addWidget(self.table, 2)
        store.evaluation_changed.connect(RefreshWhenShown(self, self._refresh))
        store.project_replaced.connect(self._refresh)
        # A currency change leaves the evaluation equal: relabel the amounts all the same.
        store.types_changed.connect(self._on_store_types_changed)
        self._fit_heights()
        self._refresh()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_heights()  # presentation type: the charts keep room to read
            self.table.resizeColumnsToContents()

    def _fit_heights(self) -> None:
        """Minimums in lines of the current type: the charts stay readable on a 720-line
        projector, the table shows its header and a few rows and scrolls the rest."""
        font = QFont(self.font())
        font.setPointSizeF(1.2 * font.pointSizeF())
        self.headline.setFont(font)
        line = self.fontMetrics().height()
        for chart in (self.tickets_chart, self.cost_chart):
            chart.setMinimumHeight(8 * line)
        self.table.setMinimumHeight(5 * line)

    def _on_store_types_changed(self, _rows: object) -> None:
        if self._store.project.currency != self.cost_chart.currency:
            self._refresh()

    def _build_tiles(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.tile_captions: dict[str, QLabel] = {}
        for key, caption in TILES:
            tile, inner = card(padding=10, spacing=0)
            name = QLabel(caption)
            name.setProperty("role", "muted")
            name.setWordWrap(True)  # four dated captions never widen the window
            value = QLabel()
            value.setProperty("role", "figure")
            tone = SAVING_TONE if key.startswith("designed") else WORKFLOW_TONE[
                Workflow.ADMIN_MEDIATED]
            value.setStyleSheet(f"color: {tone.name()};")
            inner.addWidget(name)
            inner.addWidget(value)
            self.tile_captions[key] = name
            self.tiles[key] = value
            row.addWidget(tile, 1)
        return row

    def _refresh(self) -> None:
        evaluation = self._store.evaluation
        cliff = evaluation.cliff
        last = cliff.dates[-1]
        caps = ", ".join(f"{cap_rule(CapScope.TLS, d.date).max_days} days from "
                         f"{d.date.isoformat()}" for d in cliff.dates)
        self.intro.setText(
            f"Public rules as of {evaluation.as_of.isoformat()} (set on the Route tab) to "
            f"{CLIFF_END.isoformat()}: public TLS certificates live at most {caps} "
            f"({cap_rule(CapScope.TLS, last.date).source}). Every renewal of an "
            "admin-mediated certificate is a ticket: live certificates × 365 / (validity − "
            "renewal lead); a type without a live population keeps its annual volume.")
        for key, caption in TILES:
            self.tile_captions[key].setText(f"{caption} on {last.date.isoformat()}")
        self.tiles["as_is_tickets"].setText(f"{last.as_is_tickets:,.0f}")
        self.tiles["designed_tickets"].setText(f"{last.designed_tickets:,.0f}")
        currency = self._store.project.currency
        self.cost_chart.set_currency(currency)
        self.tiles["as_is_cost"].setText(display.money(last.as_is_cost, currency))
        self.tiles["designed_cost"].setText(display.money(last.designed_cost, currency))
        self.headline.setText(cliff_headline(cliff, currency))
        dates = [d.date.isoformat() for d in cliff.dates]
        self.tickets_chart.set_values(dates, [d.as_is_tickets for d in cliff.dates],
                                      [d.designed_tickets for d in cliff.dates])
        self.cost_chart.set_values(dates, [d.as_is_cost for d in cliff.dates],
                                   [d.designed_cost for d in cliff.dates])
