"""Item delegates: a drop-down for every enumerated column, chosen from the column specs."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from models.columns import COLUMNS

Index = QModelIndex | QPersistentModelIndex


# Drawn over a coloured cell of the selected row, so the workflow colour stays readable.
SELECTION_OVERLAY = QColor(43, 93, 155, 45)


class ListCellCombo(QComboBox):
    """A drop-down cell editor that keeps Alt+Down / Alt+Up (open the list) for itself.

    The table's Move down / Move up shortcuts use the same keys; without this the row moved
    while the editor was open instead of the list opening.
    """

    def event(self, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and _opens_list(event)):
            event.accept()  # no shortcut: the key press comes to the combo box
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if _opens_list(event):
            self.showPopup()
            return
        super().keyPressEvent(event)


def _opens_list(event: QKeyEvent) -> bool:
    """Alt+Down (or Alt+Up): a drop-down's own key for opening its list."""
    return bool(event.modifiers() & Qt.KeyboardModifier.AltModifier) and event.key() in (
        Qt.Key.Key_Down, Qt.Key.Key_Up)


class EnumComboDelegate(QStyledItemDelegate):
    """Edits an enumerated column with a combo box of its values; commits on choice.

    Cells with their own background (the workflow columns) keep it when their row is
    selected, under a light selection tint, so the selected type's workflow stays visible.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if background is None or not option.state & QStyle.StateFlag.State_Selected:
            super().paint(painter, option, index)
            return
        plain = QStyleOptionViewItem(option)
        plain.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, plain, index)  # the cell's own background, text and colour
        painter.fillRect(option.rect, SELECTION_OVERLAY)

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index):
        column = COLUMNS[index.column()]
        if column.choices is None:
            return super().createEditor(parent, option, index)
        combo = ListCellCombo(parent)
        if column.key == "as_is_workflow":
            combo.addItem("(unknown)", "")
        for choice in column.choices:
            combo.addItem(choice.value, choice.value)
        # Commit as soon as the user picks, like a spreadsheet's list cell.
        combo.activated.connect(lambda _i, c=combo: self._commit(c))
        return combo

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            found = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.setCurrentIndex(max(found, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)
