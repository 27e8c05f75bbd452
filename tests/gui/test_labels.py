"""WrappedLabel: cached measurements that always equal QLabel's own."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel

from app.gui.labels import WrappedLabel
from app.gui.widgets import wrapped_label

LONG = ("Low-blast-radius certificate with adequate service identity. Combined workflow is the "
        "right fit — fast issuance, automated renewal, and policy maintenance.")
SHORT = "Standard logic  ·  rule 8"


def _measures(label: QLabel) -> tuple:
    return (label.sizeHint(), label.minimumSizeHint(),
            *(label.heightForWidth(w) for w in (120, 300, 483, 515)))


def test_wrapped_label_measures_like_qlabel_as_text_and_font_change(qtbot):
    plain = wrapped_label()
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
