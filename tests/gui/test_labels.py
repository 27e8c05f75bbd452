"""WrappedLabel: cached measurements equal QLabel's; text is selectable where the pointer is."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent, QFont
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from app.gui.labels import WrappedLabel
from app.gui.widgets import wrapped_label

LONG = ("Low-blast-radius certificate with adequate service identity. Combined workflow is the "
        "right fit — fast issuance, automated renewal, and policy maintenance.")
SHORT = "Standard logic  ·  rule 8"
SELECTABLE = Qt.TextInteractionFlag.TextSelectableByMouse


def _measures(label: QLabel) -> tuple:
    return (label.sizeHint(), label.minimumSizeHint(),
            *(label.heightForWidth(w) for w in (120, 300, 483, 515)))


def _hover(label: QLabel) -> None:
    QApplication.sendEvent(label, QEnterEvent(QPointF(2, 2), QPointF(2, 2), QPointF(2, 2)))


def _leave(label: QLabel) -> None:
    QApplication.sendEvent(label, QEvent(QEvent.Type.Leave))


def test_wrapped_label_measures_like_qlabel_as_text_and_font_change(qtbot):
    plain = wrapped_label(selectable=False)
    cached = wrapped_label(cls=WrappedLabel)
    for label in (plain, cached):
        qtbot.addWidget(label)
    for text in (LONG, SHORT, LONG, ""):  # back to a text it has measured before
        plain.setText(text)
        cached.setText(text)
        assert _measures(cached) == _measures(plain)
    bigger = QFont(cached.font())
    bigger.setPointSizeF(bigger.pointSizeF() * 1.35)  # presentation mode
    for label in (plain, cached):
        label.setFont(bigger)
        label.setText(LONG)
    assert _measures(cached) == _measures(plain)


def test_wrapped_label_measures_a_text_once_per_width(qtbot, monkeypatch):
    label = wrapped_label(LONG, cls=WrappedLabel)
    qtbot.addWidget(label)
    calls = []
    original = QLabel.heightForWidth
    monkeypatch.setattr(QLabel, "heightForWidth",
                        lambda self, w: calls.append(w) or original(self, w))
    for text in (LONG, SHORT, LONG, SHORT):
        label.setText(text)
        for _ in range(3):
            label.heightForWidth(400)
    assert calls == [400, 400]  # one measurement per text; the rest come from the cache


def test_wrapped_label_is_selectable_under_the_pointer_and_looks_the_same(qtbot, qapp):
    box = QWidget()
    layout = QVBoxLayout(box)
    label = wrapped_label(LONG, cls=WrappedLabel)
    layout.addWidget(label)
    layout.addStretch(1)
    qtbot.addWidget(box)
    box.resize(400, 300)
    box.show()
    qtbot.waitExposed(box)
    before = label.grab().toImage()
    assert not label.textInteractionFlags() & SELECTABLE  # drawn as plain text

    _hover(label)
    assert label.textInteractionFlags() & SELECTABLE
    assert label.grab().toImage() == before  # the same pixels either way
    label.setSelection(0, 15)
    assert label.selectedText() == "Low-blast-radiu"

    label.setText(SHORT)  # in use (under the pointer): stays selectable
    assert label.textInteractionFlags() & SELECTABLE
    qapp.processEvents()
    _leave(label)
    label.setText(LONG)  # not in use: plain again
    assert not label.textInteractionFlags() & SELECTABLE
    qapp.processEvents()
    assert label.grab().toImage() == before
