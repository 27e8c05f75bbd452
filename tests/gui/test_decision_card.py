"""Decision card: refreshed once per edit and painted in the same pass as the table."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from app.gui import commands

MAINFRAME = 5


class _PaintLog(QObject):
    """Records (widget, text) each time one of the watched labels paints."""

    def __init__(self, *labels) -> None:
        super().__init__()
        self.painted: list[tuple[object, str]] = []
        for label in labels:
            label.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted.append((watched, watched.text()))
        return False


def _route_window(window, qtbot, qapp):
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    route = window.tab_widgets["route"]
    route.select_row(MAINFRAME)
    qapp.processEvents()
    return route


def test_rerouting_edit_paints_card_in_the_same_pass_as_the_table(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    card = route.card
    log = _PaintLog(card.badge, card.reason, route.summary)
    commands.edit_type(window.store, MAINFRAME, "Identity", identity="strong")
    qapp.processEvents()  # one pass of the event loop: refresh, layout and paint
    assert (card.badge, "COMBINED") in log.painted
    assert any(w is card.reason and t.startswith("Tolerance modulated") for w, t in log.painted)
    assert (route.summary, "4 combined · 2 admin-mediated") in log.painted


def test_card_refreshes_once_per_edit(window, qtbot, qapp, monkeypatch):
    route = _route_window(window, qtbot, qapp)
    calls = []
    original = type(route.card)._refresh
    monkeypatch.setattr(type(route.card), "_refresh",
                        lambda self, *a: calls.append(1) or original(self, *a))
    commands.edit_type(window.store, MAINFRAME, "Identity", identity="strong")  # 2 signals
    qapp.processEvents()
    assert calls == [1]
    assert route.card.badge.text() == "COMBINED"


class _UpdateCounter(QObject):
    """Counts the window's paint passes (one UpdateRequest per pass)."""

    def __init__(self, window) -> None:
        super().__init__()
        self.count = 0
        window.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:
        if event.type() == QEvent.Type.UpdateRequest:
            self.count += 1
        return False


def test_rerouting_edit_is_laid_out_and_painted_once(window, qtbot, qapp):
    route = _route_window(window, qtbot, qapp)
    for identity in ("strong", "weak", "strong"):  # the card grows and shrinks: scroll bar
        counter = _UpdateCounter(window)
        commands.edit_type(window.store, MAINFRAME, "Identity", identity=identity)
        for _ in range(4):
            qapp.processEvents()
        assert counter.count == 1
        window.removeEventFilter(counter)
    assert route.card.badge.text() == "COMBINED"
