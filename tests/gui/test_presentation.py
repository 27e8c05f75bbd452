"""Presentation mode fits the screen: at projector and monitor sizes every tab stays whole.

A real full-screen window needs a screen of that size: the offscreen platform's own is
800×800, so each size runs the app in a child process on a configured screen (as
test_main_window's 1080p test does), presses F5, and reports what it measured per tab.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from app.gui.style import presentation_scale

SIZES = ((1280, 720), (1366, 768), (1920, 1080), (3840, 2160))
TABS = ("route", "assess", "cost", "issue")

MEASURE = textwrap.dedent("""
    import json
    from PySide6.QtCore import QRect
    from app.gui.application import _application, build_window
    from models.columns import COLUMNS

    app = _application()
    window = build_window(None)
    window.show()
    window.toggle_presentation()

    def settle():
        for _ in range(12):
            app.processEvents()

    def inside(widget):
        if not widget.isVisibleTo(window):
            return False
        corner = widget.mapTo(window, widget.rect().topLeft())
        return window.rect().contains(QRect(corner, widget.size()))

    def whole(widget):
        need = widget.minimumSizeHint()
        return widget.width() >= need.width() and widget.height() >= need.height()

    report = {"point_size": app.font().pointSizeF()}
    for name in ("route", "assess", "cost", "issue"):
        tab = window.tab_widgets.show(name)
        settle()
        shown = {"window": [window.width(), window.height()],
                 "tab_whole": whole(tab)}
        if name == "route":
            table, view = tab.table, tab.table.viewport().width()
            columns = {}
            for key in ("name", "workflow", "reason"):
                col = next(n for n, c in enumerate(COLUMNS) if c.key == key)
                left = table.columnViewportPosition(col)
                columns[key] = 0 <= left and left + table.columnWidth(col) <= view
            shown.update(columns=columns, stacked=tab.body.orientation().name == "Vertical",
                         inside=all(inside(w) for w in (table, tab.summary, tab._card_scroll)),
                         card_wide_enough=tab._card_scroll.viewport().width()
                         >= tab.card.minimumSizeHint().width())
        elif name == "cost":
            tiles = {key: inside(v) and v.width() >= v.fontMetrics().horizontalAdvance(v.text())
                     for key, v in tab.tiles.items()}
            charts = [inside(c) and c.width() >= 300 and c.height() >= 150
                      for c in (tab.bar_chart, tab.payback_chart)]
            tick = tab.bar_chart.getPlotItem().getAxis("left").style["tickFont"].pointSizeF()
            shown.update(tiles=tiles, charts=charts, tick_point_size=tick)
        elif name == "assess":
            shown.update(inside=all(inside(w) and whole(w)
                                    for w in (tab.chart, tab.level, tab.overall)))
        report[name] = shown
    print(json.dumps(report))
""")


def present(tmp_path, width: int, height: int) -> dict:
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [
        {"name": "projector", "x": 0, "y": 0, "width": width, "height": height,
         "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}"}
    result = subprocess.run([sys.executable, "-c", MEASURE], env=env, capture_output=True,
                            text=True, timeout=240)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module", params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def shown(request, tmp_path_factory):
    width, height = request.param
    return (width, height), present(tmp_path_factory.mktemp("screen"), width, height)


def test_every_tab_fits_the_screen_unsqueezed(shown):
    size, report = shown
    assert report["point_size"] == pytest.approx(10 * presentation_scale(size[1]))
    for tab in TABS:
        assert report[tab]["window"] == list(size), tab  # never wider or taller
        assert report[tab]["tab_whole"], tab  # laid out at or above its minimum size


def test_route_shows_name_workflow_reason_and_the_card(shown):
    _size, report = shown
    route = report["route"]
    assert route["columns"] == {"name": True, "workflow": True, "reason": True}
    assert route["inside"]
    assert route["card_wide_enough"]


def test_cost_summary_and_both_charts_are_whole_and_chart_text_scaled(shown):
    size, report = shown
    cost = report["cost"]
    assert all(cost["tiles"].values()), cost["tiles"]
    assert cost["charts"] == [True, True]
    assert cost["tick_point_size"] == pytest.approx(9.5 * presentation_scale(size[1]), rel=0.02)


def test_assess_radar_and_level_are_whole(shown):
    _size, report = shown
    assert report["assess"]["inside"]


def test_narrow_screens_stack_the_card_under_the_table(shown):
    _size, report = shown
    # At presentation type a 16:9 screen holds too few characters for table and card side
    # by side: the card goes under the table instead of cutting the Reason column.
    assert report["route"]["stacked"]


def test_a_wide_screen_keeps_the_card_beside_the_table(tmp_path):
    report = present(tmp_path, 2560, 900)
    assert not report["route"]["stacked"]
    assert report["route"]["columns"] == {"name": True, "workflow": True, "reason": True}
    assert report["route"]["card_wide_enough"]


def test_presentation_type_follows_the_screen_height():
    assert presentation_scale(720) == presentation_scale(900) == 1.35
    assert presentation_scale(2160) == pytest.approx(2 * presentation_scale(1080))
