"""FrozenColumnTable: a QTableView whose first column stays in view while it scrolls right."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QTableView, QWidget

Index = QModelIndex | QPersistentModelIndex


class FrozenColumnTable(QTableView):
    """Qt's frozen-column pattern: a second view over the same model and selection shows the
    first column on top of the table's left edge once the table scrolls right.

    The overlay only appears while scrolled (at the left edge the table shows the column
    itself), and editing the first column scrolls back to the left edge, so editors always
    open in the table, never under the overlay.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.frozen = QTableView(self)
        frozen = self.frozen
        frozen.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        frozen.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        frozen.verticalHeader().hide()
        frozen.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        frozen.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        frozen.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        frozen.setWordWrap(False)
        frozen.setFrameShape(QFrame.Shape.NoFrame)
        frozen.setProperty("role", "frozen")
        frozen.setStyleSheet("QTableView { border-right: 2px solid #c9d3e0; }")
        frozen.hide()
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.horizontalScrollBar().valueChanged.connect(self._on_horizontal_scrolled)
        self.verticalScrollBar().valueChanged.connect(frozen.verticalScrollBar().setValue)
        frozen.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.horizontalHeader().sectionResized.connect(self._on_section_resized)
        self.verticalHeader().sectionResized.connect(self._on_row_resized)
        frozen.pressed.connect(self._on_frozen_pressed)
        frozen.doubleClicked.connect(self._on_frozen_double_clicked)

    def setModel(self, model) -> None:
        super().setModel(model)
        self.frozen.setModel(model)
        self.frozen.setSelectionModel(self.selectionModel())
        self._show_first_column_only()
        self.model().columnsInserted.connect(self._show_first_column_only)
        self.model().modelReset.connect(self._show_first_column_only)

    def setItemDelegate(self, delegate) -> None:
        super().setItemDelegate(delegate)
        self.frozen.setItemDelegate(delegate)

    def _show_first_column_only(self, *_args) -> None:
        model = self.model()
        for col in range(1, model.columnCount()):
            self.frozen.setColumnHidden(col, True)
        self.frozen.setColumnWidth(0, self.columnWidth(0))
        self.frozen.verticalHeader().setDefaultSectionSize(
            self.verticalHeader().defaultSectionSize())
        self._place_frozen()

    # --- keep the overlay in line ---------------------------------------------------------

    def _on_horizontal_scrolled(self, value: int) -> None:
        self.frozen.setVisible(value > 0 and self.model() is not None)
        self._place_frozen()

    def _on_section_resized(self, col: int, _old: int, new: int) -> None:
        if col == 0:
            self.frozen.setColumnWidth(0, new)
            self._place_frozen()

    def _on_row_resized(self, row: int, _old: int, new: int) -> None:
        self.frozen.setRowHeight(row, new)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place_frozen()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self._place_frozen()

    def _place_frozen(self) -> None:
        frozen = self.frozen
        if not frozen.isVisible():
            return  # placed when it is shown (scrolled right)
        frame = self.frameWidth()
        size = self.verticalHeader().defaultSectionSize()
        if frozen.verticalHeader().defaultSectionSize() != size:
            frozen.verticalHeader().setDefaultSectionSize(size)
        geometry = QRect(self.verticalHeader().width() + frame, frame, self.columnWidth(0),
                         self.viewport().height() + self.horizontalHeader().height())
        if frozen.geometry() != geometry:
            frozen.setGeometry(geometry)
        frozen.verticalScrollBar().setValue(self.verticalScrollBar().value())

    # --- cursor and editing -----------------------------------------------------------------

    def scrollTo(self, index: Index,
                 hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible
                 ) -> None:
        super().scrollTo(index, hint)
        if not index.isValid() or index.column() == 0:
            return
        # Keep the cell clear of the overlay that now covers the left edge.
        rect = self.visualRect(index)
        covered = self.columnWidth(0) if self.horizontalScrollBar().value() > 0 else 0
        if rect.left() < covered:
            bar = self.horizontalScrollBar()
            bar.setValue(max(0, bar.value() - (covered - rect.left())))

    # Qt's virtual edit(index, trigger, event) and the public edit(index) slot share a name;
    # one Python method serves both (a None event is what the slot passes in C++).
    def edit(self, index: Index,  # type: ignore[override]
             trigger: QAbstractItemView.EditTrigger = QAbstractItemView.EditTrigger.AllEditTriggers,
             event: QEvent | None = None) -> bool:
        if index.isValid() and index.column() == 0:
            self.horizontalScrollBar().setValue(0)  # the editor opens in plain sight
        return super().edit(index, trigger, event)  # type: ignore[arg-type]

    def _on_frozen_pressed(self, index: QModelIndex) -> None:
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.setCurrentIndex(index)

    def _on_frozen_double_clicked(self, index: QModelIndex) -> None:
        self.edit(index)
