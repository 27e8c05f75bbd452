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
TABS = ("route", "assess", "cost", "cliff", "issue")

MEASURE = textwrap.dedent("""
    import json
    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QAbstractScrollArea, QScrollArea
    from app.gui.application import _application, build_window
    from models.columns import COLUMNS

    app = _application()
    window = build_window(None)
    window.show()
    window.toggle_presentation()

    def settle():
        for _ in range(12):
            app.processEvents()

    def on_window(widget):
        return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())

    def clipped(widget):
        \"\"\"Why `widget` is not wholly on screen, or "" when it is: shown, inside the window
        and inside every parent (a scroll area's viewport clips what needs scrolling to see),
        with no sideways scroll bar on any scroll area holding it.\"\"\"
        if not widget.isVisibleTo(window):
            return "hidden"
        rect = on_window(widget)
        if not window.rect().contains(rect):
            return "outside the window"
        parent = widget.parentWidget()
        while parent is not None and parent is not window:
            if not on_window(parent).contains(rect):
                area = parent.parentWidget()
                return ("outside its scroll area's viewport" if isinstance(area, QScrollArea)
                        else f"cut by its {type(parent).__name__}")
            if (isinstance(parent, QAbstractScrollArea)
                    and parent.horizontalScrollBar().isVisible()):
                return "in a scroll area that scrolls sideways"
            parent = parent.parentWidget()
        return ""

    def whole(widget):
        need = widget.minimumSizeHint()
        return widget.width() >= need.width() and widget.height() >= need.height()

    def essentials(name, tab):
        if name == "route":
            card = tab.card
            return {"table": tab.table, "summary": tab.summary, "name": card.title,
                    "workflow": card.badge, "reason": card.reason,
                    "rationale": card.rationale, "controls": card.controls}
        if name == "assess":
            return {"radar": tab.chart, "level": tab.level, "overall": tab.overall}
        if name == "cost":
            return {**tab.tiles, "bar chart": tab.bar_chart,
                    "payback chart": tab.payback_chart}
        if name == "cliff":
            return {**tab.tiles, "headline": tab.headline, "table": tab.table,
                    "tickets chart": tab.tickets_chart, "cost chart": tab.cost_chart}
        csr, combined, admin = tab.csr, tab.pages.combined, tab.pages.admin
        path = ({"evidence": combined.identity_edit, "requester": combined.requester_edit,
                 "issue": combined.issue_button}
                if tab.pages.currentWidget() is combined else
                {"requester": admin.requester_edit, "justification": admin.justification_edit,
                 "raise": admin.request_button})
        return {"type": tab.profile.type_combo, "workflow": tab.profile.badge,
                "source": csr.source_combo, "DNS names": csr.dns_edit,
                "common name": csr.cn_edit, "key": csr.key_combo,
                "validity": csr.validity_spin, "check": csr.check_button,
                **path, "ledger": tab.ledger_tabs, "queue": tab.approvals.queue,
                "new CA": tab.folder_bar.new_button, "verify": tab.folder_bar.verify_button}

    report = {"point_size": app.font().pointSizeF()}
    for name in ("route", "assess", "cost", "cliff", "issue"):
        tab = window.tab_widgets.show(name)
        settle()
        rows = range(tab.model.rowCount()) if name == "route" else [None]
        cut = {}
        for row in rows:  # every type's decision card, not only the first
            if row is not None:
                tab.select_row(row)
                settle()
            for key, widget in essentials(name, tab).items():
                why = clipped(widget)
                if why:
                    cut[key if row is None else f"{key} (row {row})"] = why
        shown = {"window": [window.width(), window.height()], "tab_whole": whole(tab),
                 "clipped": cut}
        if name in ("route", "cliff"):
            table, view = tab.table, tab.table.viewport().width()
            keys = ("name", "workflow", "reason") if name == "route" else ("name",)
            columns = {}
            for key in keys:
                col = (next(n for n, c in enumerate(COLUMNS) if c.key == key)
                       if name == "route" else 0)
                left = table.columnViewportPosition(col)
                columns[key] = 0 <= left and left + table.columnWidth(col) <= view
            shown["columns"] = columns
        if name == "route":
            view_height = table.viewport().height()
            shown.update(rows=tab.proxy.rowCount(), whole_rows=sum(
                1 for r in range(tab.proxy.rowCount())
                if 0 <= table.rowViewportPosition(r)
                and table.rowViewportPosition(r) + table.rowHeight(r) <= view_height))
            chip = tab.find_bar.workflow_chips[next(iter(tab.find_bar.workflow_chips))]
            shown["chip_lines"] = round(tab.find_bar._chip_row.geometry().height()
                                        / max(1, chip.height()))
            shown.update(stacked=tab.body.orientation().name == "Vertical",
                         card_wide_enough=tab._card_scroll.viewport().width()
                         >= tab.card.minimumSizeHint().width())
        elif name == "cost":
            tiles = {key: v.width() >= v.fontMetrics().horizontalAdvance(v.text())
                     for key, v in tab.tiles.items()}
            charts = [c.width() >= 300 and c.height() >= 150
                      for c in (tab.bar_chart, tab.payback_chart)]
            tick = tab.bar_chart.getPlotItem().getAxis("left").style["tickFont"].pointSizeF()
            chart = tab.bar_chart
            box = chart.getViewBox().sceneBoundingRect()
            shown.update(tiles=tiles, charts=charts, tick_point_size=tick, totals_clear=[
                box.contains(label.sceneBoundingRect()) for label in chart.totals])
        elif name == "cliff":
            shown["charts"] = [c.width() >= 300 and c.height() >= 150
                               for c in (tab.tickets_chart, tab.cost_chart)]
            clear = []
            for chart in (tab.tickets_chart, tab.cost_chart):
                box = chart.getViewBox().sceneBoundingRect()
                legend = chart.legend.sceneBoundingRect()
                clear += [box.contains(item.sceneBoundingRect())
                          and not legend.intersects(item.sceneBoundingRect())
                          for items in chart.labels.values() for item in items
                          if item.isVisible()]
            shown["labels_clear"] = clear
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


@pytest.mark.parametrize("tab", TABS)
def test_no_essential_widget_is_clipped_or_scrolls_sideways(shown, tab):
    # Route: the table, the summary and every type's card (name, workflow, reason,
    # rationale, controls); Assess: radar, level, overall; Cost: the four tiles and both
    # charts; Cliff: tiles, headline, both charts, the table; Issue: type, CSR fields,
    # the path's fields and button, the ledger, the CA folder buttons.
    _size, report = shown
    assert report[tab]["clipped"] == {}


def test_route_shows_name_workflow_reason_and_the_card(shown):
    _size, report = shown
    route = report["route"]
    assert route["columns"] == {"name": True, "workflow": True, "reason": True}
    assert route["card_wide_enough"]


def test_route_table_gets_the_height_the_card_can_spare(shown):
    # Stacked on a projector, the table takes the height of a workshop's first rows, leaving
    # the card its essentials (held whole above): every type of the example from 1080
    # lines, four at 720 (two and a half before, with the chips on two lines).
    size, report = shown
    route = report["route"]
    assert route["rows"] == 6
    assert route["whole_rows"] >= (6 if size[1] >= 1080 else 4)
    assert route["chip_lines"] == 1


def test_cost_summary_and_both_charts_are_whole_and_chart_text_scaled(shown):
    size, report = shown
    cost = report["cost"]
    assert all(cost["tiles"].values()), cost["tiles"]
    assert cost["charts"] == [True, True]
    assert cost["tick_point_size"] == pytest.approx(9.5 * presentation_scale(size[1]), rel=0.02)


def test_cliff_charts_have_room_and_the_type_names_show(shown):
    _size, report = shown
    assert report["cliff"]["charts"] == [True, True]
    # Every bar's value label inside its plot and clear of the legend (at 720 lines the
    # legend covered the first date's labels, and the Cost chart's total touched its title).
    assert report["cliff"]["labels_clear"] == [True] * 12
    assert report["cost"]["totals_clear"] == [True, True]
    assert report["cliff"]["columns"] == {"name": True}


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
