"""RouteTab: organisation controls, the inventory table, the decision card and the findings."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import (
    QCoreApplication,
    QDate,
    QEvent,
    QItemSelectionModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui import commands
from app.gui.decision_card import DecisionCard
from app.gui.delegates import EnumComboDelegate
from app.gui.find_bar import FindBar
from app.gui.findings_panel import FindingsPanel
from app.gui.frozen_table import FrozenColumnTable
from app.gui.steady_scroll_area import SteadyScrollArea
from app.gui.store import ProjectStore
from app.gui.table_clipboard import TypeClipboard
from app.gui.type_filter import TypeFilterProxy
from app.gui.type_table import CertTypeTableModel, RoutingColumnsFit
from app.gui.widgets import narrower_than, set_text_quietly
from models.certificate import TypeId
from models.columns import COLUMNS
from models.enums import Tolerance

# Layout requests climb one widget per event-loop pass (label → card → scroll area → …):
# enough passes to finish the deepest chain in this tab before the window paints.
LAYOUT_DEPTH = 8
# Stacked: the table's share of the height, enough for this many rows, at most TABLE_SHARE.
STACKED_ROWS = 6
TABLE_SHARE = 0.66
CARD_MARGIN = 24  # pixels under the card's controls list: its frame and a breath
COMPACT_CHARS = 190  # narrower than this many characters: a one-line header does not fit
STACKED_CHARS = 190  # narrower: the decision card goes under the table, which needs
# the width for the name, workflow and reason at presentation size


class RouteTab(QWidget):
    """The routing designer: edit types, watch workflow and reason change live.

    `model` is the inventory (sorted for the view when a header was clicked); the table
    shows it through `proxy` (find, chips). Rows in this class's methods are project rows.

    Signals:
        message(text): a passing status-bar message (what a paste, copy or delete did).
    """

    message = Signal(str)
    _settle_requested = Signal()  # internal: a queued layout settle, see _settle_layout

    def __init__(self, store: ProjectStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self.model = CertTypeTableModel(store, self)
        self.proxy = TypeFilterProxy(self.model, store, self)
        self.table: QTableView = FrozenColumnTable()
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(EnumComboDelegate(self.table))
        # Cells, not whole rows: a selection is what Ctrl+C copies and Ctrl+V writes over
        # (the row header selects a whole type).
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked)
        self.table.setAlternatingRowColors(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(True)
        self.table.verticalHeader().setDefaultSectionSize(34)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorClearable(True)  # a third click: back to the saved order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # header clicks sort the view, not the project
        self._columns_fit = RoutingColumnsFit(self.table)
        self.find_bar = FindBar(store, self.proxy)
        self.clipboard = TypeClipboard(store, self.table, self.proxy, self.model)
        self.clipboard.message.connect(self.message)
        self.clipboard.appended.connect(self._on_clipboard_appended)
        self.proxy.layoutChanged.connect(self._on_view_order_changed)

        self.card = DecisionCard(store)
        self.findings = FindingsPanel(store)
        self.findings.show_type.connect(self.select_type)

        self._card_scroll = card_scroll = SteadyScrollArea(self.card)
        card_scroll.setMinimumWidth(440)
        card_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        left = QSplitter(Qt.Orientation.Vertical)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        table_layout.addLayout(self._build_toolbar())
        table_layout.addWidget(self.find_bar)
        table_layout.addWidget(self.table)
        left.addWidget(table_box)
        left.addWidget(self.findings)
        left.setStretchFactor(0, 2)
        left.setStretchFactor(1, 1)

        # Stacked (see _adapt) the findings join the card, side by side under the table; the
        # card itself never moves (a field being typed in keeps the cursor).
        self._left = left
        self._right = right = QSplitter(Qt.Orientation.Horizontal)
        right.setChildrenCollapsible(False)
        right.addWidget(card_scroll)
        self.body = body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(left)
        body.addWidget(right)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 2)
        body.setSizes([1060, 540])
        body.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addLayout(self._build_header())
        layout.addWidget(body, 1)

        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        # Queued after the card's own refresh, so both run before the window paints.
        self._settle_pending = False
        self._settle_requested.connect(self._settle_layout, Qt.ConnectionType.QueuedConnection)
        for signal in (store.types_changed, store.evaluation_changed, store.project_replaced):
            signal.connect(self._schedule_settle)
        store.project_replaced.connect(self._on_store_project_replaced)
        store.evaluation_changed.connect(self._refresh_header)
        store.types_changed.connect(self._refresh_header)
        self._split_by_hand = False
        self._share_timer = QTimer(self)
        self._share_timer.setSingleShot(True)
        self._share_timer.setInterval(0)
        self._share_timer.timeout.connect(self._share_stacked_height)
        body.splitterMoved.connect(self._on_body_split_moved)
        self._refit_timer = QTimer(self)
        self._refit_timer.setSingleShot(True)
        self._refit_timer.setInterval(0)
        self._refit_timer.timeout.connect(self._on_font_changed)
        self._refresh_header()
        self._fit_columns()
        if store.project.types:
            self.select_row(0)

    # --- layout --------------------------------------------------------------------------

    def _build_header(self) -> QHBoxLayout:
        self.org_name = QLineEdit()
        self.org_name.setMinimumWidth(320)
        self.org_name.setToolTip("Name of the organisation whose routing policy this is")
        self.org_name.editingFinished.connect(self._commit_org_name)
        self.tolerance = QComboBox()
        for tolerance in Tolerance:
            self.tolerance.addItem(tolerance.value, tolerance.value)
        self.tolerance.setToolTip("Automated-issuance risk accepted for medium-blast-radius "
                                  "certificates (routing rules 6 and 7)")
        self.tolerance.activated.connect(self._commit_tolerance)
        self.reviewed_known = QCheckBox("Policy last reviewed")
        self.reviewed = QDateEdit()
        self.reviewed.setCalendarPopup(True)
        self.reviewed.setDisplayFormat("yyyy-MM-dd")
        self.reviewed_known.toggled.connect(self._commit_reviewed)
        self.reviewed.editingFinished.connect(self._commit_reviewed)
        self.as_of = QDateEdit()
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.setToolTip("The date whose public validity caps (CA/B Forum) the design is "
                              "judged against: today, or a date to plan for")
        self.as_of.editingFinished.connect(self._commit_as_of)
        self.summary = QLabel()
        self.summary.setProperty("role", "summary")
        self.summary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.summary.setMinimumWidth(1)

        row = QHBoxLayout()
        row.setSpacing(10)
        self.org_label = org_label = QLabel("Routing policy for")
        org_label.setProperty("role", "muted")
        row.addWidget(org_label)
        row.addWidget(self.org_name)
        row.addSpacing(12)
        row.addWidget(QLabel("Tolerance"))
        row.addWidget(self.tolerance)
        row.addSpacing(12)
        row.addWidget(self.reviewed_known)
        row.addWidget(self.reviewed)
        row.addSpacing(12)
        row.addWidget(QLabel("Rules as of"))
        row.addWidget(self.as_of)
        row.addStretch(1)
        row.addWidget(self.summary)
        self._header_row = row
        return row

    def _build_toolbar(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        # Not `actions`: that would hide QWidget.actions(), which Qt's own code calls.
        self.type_actions: dict[str, QAction] = {}
        specs = (
            ("add", "Add type", "Ctrl+Shift+N", self.add_type, True),
            ("duplicate", "Duplicate", "Ctrl+D", self.duplicate_type, True),
            ("delete", "Delete", QKeySequence.StandardKey.Delete, self.delete_types, True),
            ("up", "Move up", "Alt+Up", lambda: self.move_type(-1), True),
            ("down", "Move down", "Alt+Down", lambda: self.move_type(1), True),
            ("copy", "Copy", QKeySequence.StandardKey.Copy, self.clipboard.copy, False),
            ("paste", "Paste", QKeySequence.StandardKey.Paste, self.clipboard.paste, True),
            ("paste_new", "Paste as new types", "Ctrl+Shift+V",
             lambda: self.clipboard.paste(as_new=True), False),
            ("find", "Find…", QKeySequence.StandardKey.Find, self.find_bar.focus_find, False),
        )
        for key, text, shortcut, slot, button_shown in specs:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            (self if key == "find" else self.table).addAction(action)
            if button_shown:
                button = QToolButton()
                button.setDefaultAction(action)
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                row.addWidget(button)
            self.type_actions[key] = action
        self.type_actions["paste"].setToolTip(
            "Paste rows copied from Excel or LibreOffice (Ctrl+V): under a header row they "
            "are added as new types; without one they fill the cells from the current cell")
        row.addStretch(1)
        self.hint = QLabel("Double-click or type to edit · Tab moves between cells · "
                          "click a header to sort")
        self.hint.setProperty("role", "muted")
        # Neither it nor the summary holds the window wider than a projector: below
        # COMPACT_CHARS the hint goes and the summary moves here (see _adapt).
        self.hint.setMinimumWidth(1)
        row.addWidget(self.hint)
        self._toolbar_row = row
        return row

    # --- adapting to the width (presentation mode on a projector) ------------------------

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._adapt()
        self._share_timer.start()

    def _adapt(self) -> None:
        """Narrow: the summary moves beside the buttons (the hint goes); very narrow: the
        decision card goes under the table instead of beside it."""
        compact = narrower_than(self, COMPACT_CHARS)
        if compact != self.compact:
            self.compact = compact
            target = self._toolbar_row if compact else self._header_row
            target.addWidget(self.summary)
            self.hint.setVisible(not compact)
            self.org_label.setVisible(not compact)
            self.find_bar.set_compact(compact)
        stacked = narrower_than(self, STACKED_CHARS)
        orientation = Qt.Orientation.Vertical if stacked else Qt.Orientation.Horizontal
        if self.body.orientation() != orientation and not self._restack_pending:
            # Not inside a resize or a style change: moving splitter children there crashes.
            self._restack_pending = True
            QTimer.singleShot(0, self._restack)

    _restack_pending = False

    def _restack(self) -> None:
        self._restack_pending = False
        stacked = narrower_than(self, STACKED_CHARS)
        if (self.body.orientation() == Qt.Orientation.Vertical) != stacked:
            self._stack(stacked)

    def _stack(self, stacked: bool) -> None:
        """Stacked: the table takes the width above, a compact card and the findings share
        the room below it; otherwise the table and findings on the left, the card right."""
        body, left, right = self.body, self._left, self._right
        body.setOrientation(Qt.Orientation.Vertical if stacked else Qt.Orientation.Horizontal)
        self._card_scroll.setMinimumWidth(0 if stacked else 440)
        self.card.set_compact(stacked)
        (right if stacked else left).addWidget(self.findings)
        for splitter, shares in ((body, (50, 50) if stacked else (1060, 540)),
                                 (right, (60, 40)), (left, (2, 1))):
            splitter.setSizes([share * 100 for share in shares])
        body.setStretchFactor(0, 1 if stacked else 3)
        body.setStretchFactor(1, 1 if stacked else 2)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        self._split_by_hand = False
        self._share_timer.start()

    def _on_body_split_moved(self) -> None:
        self._split_by_hand = True  # kept until the layout changes between stacked and not

    def _share_stacked_height(self) -> None:
        """Stacked on a short screen: the table gets the height of its first few rows (the
        room sees every type of a workshop's inventory), up to TABLE_SHARE of the body; the
        card and findings keep the rest. Run once the layout settled (`_share_timer`) after a
        restack, a resize or a new type size, unless the splitter was dragged."""
        body = self.body
        total = sum(body.sizes())
        if (body.orientation() != Qt.Orientation.Vertical or total <= 0
                or self._split_by_hand):
            return
        table = self.table
        rows = min(self.proxy.rowCount(), STACKED_ROWS)
        controls = table.y()  # the toolbar and the find bar above it, as laid out
        wanted = (controls + table.horizontalHeader().height() + 2 * table.frameWidth()
                  + rows * table.verticalHeader().defaultSectionSize()
                  + table.horizontalScrollBar().sizeHint().height())
        # The card keeps room for its essentials: the type, workflow, reason, rationale and
        # the controls to document (tests/gui/test_presentation.py holds them whole).
        card, last = self.card, self.card.controls
        essentials = last.mapTo(card, last.rect().bottomLeft()).y() + CARD_MARGIN
        top = min(wanted, int(total * TABLE_SHARE), total - essentials)
        top = max(top, total // 2)
        body.setSizes([top, total - top])

    compact = False

    def _fit_columns(self) -> None:
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        # Measure the first rows only (a few screenfuls): every row of 5,000 took over a
        # second to open, 200 rows a sixth of the 0.3 s an open of 5,000 types may take.
        header.setResizeContentsPrecision(60)
        self.table.resizeColumnsToContents()
        contents = [self.table.columnWidth(col) for col in range(len(COLUMNS))]
        # Room for longer names and labels than the example's, and for the drop-down arrow.
        minimum = {"name": 230, "reason": 190, "workflow": 130, "owner": 160}
        for col, column in enumerate(COLUMNS):
            wanted = max(self.table.columnWidth(col) + 12, minimum.get(column.key, 0))
            self.table.setColumnWidth(col, wanted)
        self._columns_fit.refit(contents)  # name to Reason stay in view if they can

    def changeEvent(self, event: QEvent) -> None:
        # Presentation mode changes the font: widen the columns so nothing is elided.
        # A style change arrives as a burst of events: refit once, after the burst.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._refit_timer.start()
        super().changeEvent(event)

    def _on_font_changed(self) -> None:
        self.table.verticalHeader().setDefaultSectionSize(
            max(34, self.fontMetrics().height() + 14))
        self._fit_columns()
        self._adapt()  # the same width holds fewer characters of a larger type
        self._share_timer.start()

    # --- selection -----------------------------------------------------------------------

    def current_row(self) -> int | None:
        """The project row of the current cell (None: no current cell)."""
        index = self.table.currentIndex()
        return self.proxy.source_row(index.row()) if index.isValid() else None

    def select_row(self, row: int) -> None:
        """Make the type in project row `row` current; a filter hiding it is cleared."""
        if not 0 <= row < self.model.rowCount():
            return
        if self.proxy.proxy_row(row) is None:
            self.find_bar.clear()
            self.message.emit("Find cleared to show the type")
        proxy_row = self.proxy.proxy_row(row)
        if proxy_row is None:
            return
        column = max(self.table.currentIndex().column(), 0)
        index = self.proxy.index(proxy_row, column)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.table.scrollTo(index)
        self.card.show_row(row)

    def select_type(self, type_id: TypeId) -> None:
        try:
            self.select_row(self._store.project.index_of(type_id))
        except KeyError:
            return

    def selected_rows(self) -> list[int]:
        """Project rows of every selected cell (or of the current cell), in project order."""
        rows = {self.proxy.source_row(i.row())
                for i in self.table.selectionModel().selectedIndexes()}
        rows.discard(None)
        if not rows and self.current_row() is not None:
            rows = {self.current_row()}
        return sorted(r for r in rows if r is not None)

    def _on_clipboard_appended(self, rows: list[int]) -> None:
        if rows and self.proxy.filtering:
            self.find_bar.clear()  # the new types must be in view
        if rows:
            self.select_row(rows[0])

    def _on_view_order_changed(self, *_args) -> None:
        # Rows move with the view's order only in the saved order: no Move up/down while
        # the view is sorted.
        saved = not self.proxy.sorted_view
        header = self.table.horizontalHeader()
        if saved and header.sortIndicatorSection() != -1:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # "Saved order" clicked
        for key in ("up", "down"):
            self.type_actions[key].setEnabled(saved)
            self.type_actions[key].setToolTip("" if saved else
                                         "Show the saved order to move types")
        self.find_bar._refresh_count()
        current = self.table.currentIndex()
        if current.isValid():
            self.table.scrollTo(current)

    def _on_current_row_changed(self, current, _previous) -> None:
        self.card.show_row(self.proxy.source_row(current.row()) if current.isValid() else None)
        self._schedule_settle()

    def _schedule_settle(self, *_args) -> None:
        if not self._settle_pending and self.isVisible():  # behind another tab: no paint
            self._settle_pending = True
            self._settle_requested.emit()

    def _settle_layout(self) -> None:
        """Finish the re-layouts an edit started, so the window paints their result once.

        Qt passes a layout request one widget up per event-loop pass and shows or hides a
        scroll bar on a queued call, but paints after the first pass: a re-routing edit
        painted the card and the findings half laid out, then again once or twice.
        """
        self._settle_pending = False
        scroll_areas = (self._card_scroll, self.findings.scroll_area)
        for _ in range(LAYOUT_DEPTH):
            QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
            for area in scroll_areas:
                QCoreApplication.sendPostedEvents(area, QEvent.Type.MetaCall)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.UpdateLater)

    def _on_store_project_replaced(self) -> None:
        self._refresh_header()
        self.select_row(0)
        if not self._store.project.types:
            self.card.show_row(None)

    # --- header --------------------------------------------------------------------------

    def _refresh_header(self, *_args) -> None:
        org = self._store.project.organisation
        set_text_quietly(self.org_name, org.name)
        self.tolerance.setCurrentIndex(self.tolerance.findData(org.tolerance.value))
        known = org.policy_last_reviewed is not None
        self.reviewed_known.blockSignals(True)
        self.reviewed_known.setChecked(known)
        self.reviewed_known.blockSignals(False)
        self.reviewed.setEnabled(known)
        reviewed = org.policy_last_reviewed
        if reviewed is not None and not self.reviewed.hasFocus():
            self.reviewed.blockSignals(True)
            self.reviewed.setDate(QDate(reviewed.year, reviewed.month, reviewed.day))
            self.reviewed.blockSignals(False)
        if not self.as_of.hasFocus():
            as_of = self._store.project.as_of
            self.as_of.blockSignals(True)
            self.as_of.setDate(QDate(as_of.year, as_of.month, as_of.day))
            self.as_of.blockSignals(False)
        self.summary.setText(self._store.evaluation.summary)

    def _commit_org_name(self) -> None:
        name = self.org_name.text().strip()
        if name != self._store.project.organisation.name:
            commands.edit_organisation(self._store, "Rename organisation", name=name)

    def _commit_tolerance(self) -> None:
        value = self.tolerance.currentData()
        if value != self._store.project.organisation.tolerance.value:
            commands.edit_organisation(self._store, f"Set tolerance {value}", tolerance=value)

    def _commit_reviewed(self) -> None:
        value = self.reviewed.date().toPython() if self.reviewed_known.isChecked() else None
        if value != self._store.project.organisation.policy_last_reviewed:
            commands.edit_organisation(self._store, "Set policy review date",
                                       policy_last_reviewed=value)

    def _commit_as_of(self) -> None:
        picked = self.as_of.date()
        value = dt.date(picked.year(), picked.month(), picked.day())
        if value != self._store.project.as_of:
            commands.set_as_of(self._store, value)

    # --- row actions ---------------------------------------------------------------------

    def add_type(self) -> None:
        row = commands.add_type(self._store, self.current_row())
        self.select_row(row)
        proxy_row = self.proxy.proxy_row(row)
        if proxy_row is not None:
            self.table.edit(self.proxy.index(proxy_row, 0))

    def duplicate_type(self) -> None:
        row = self.current_row()
        if row is not None:
            self.select_row(commands.duplicate_type(self._store, row))

    def delete_types(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        names = [self._store.project.types[r].name for r in rows]
        commands.remove_types(self._store, rows)
        if self.model.rowCount():
            self.select_row(min(rows[0], self.model.rowCount() - 1))
        what, it = (f"“{names[0]}”", "it") if len(names) == 1 else (f"{len(names)} types", "them")
        self.message.emit(f"Deleted {what} — Ctrl+Z (Edit ▸ Undo) brings {it} back")

    def move_type(self, delta: int) -> None:
        row = self.current_row()
        if row is not None and not self.proxy.sorted_view:
            self.select_row(commands.move_type(self._store, row, delta))
