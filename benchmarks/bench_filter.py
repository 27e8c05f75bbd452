"""Find, sort and scroll on the Route tab of a 5,000-type project, in the real window, offscreen."""

from __future__ import annotations

import time

from benchmarks.gui_window import open_window, settle
from benchmarks.timing import report


def _timed(app, action) -> float:
    start = time.perf_counter()
    action()
    settle(app)
    return time.perf_counter() - start


def _median(samples: list[float]) -> float:
    samples.sort()
    return samples[len(samples) // 2]


def main(*, smoke: bool = False) -> None:
    from PySide6.QtCore import Qt

    from app.gui import commands
    from models.columns import COLUMNS

    n = 100 if smoke else 5_000
    steps = 3 if smoke else 9
    app, store, window = open_window(n)
    route = window.tab_widgets["route"]
    bar, table = route.find_bar, route.table
    column = {c.key: i for i, c in enumerate(COLUMNS)}

    def find(text: str) -> None:
        bar.field.setText(text)
        bar._apply_text()  # what the typing pause triggers

    finds = [_timed(app, lambda w=word: find(w))
             for word in ("code-signing", "public high", "type 12", "")[:4] * (steps // 3)]
    report(f"find (type a word, re-filter), {n:,} types", _median(finds) * 1e3, "ms",
           target="≤ 100 ms")
    sorts = [_timed(app, lambda k=key: table.sortByColumn(column[k], Qt.SortOrder.AscendingOrder))
             for key in ("validity", "name", "annual_volume")[:3] * (steps // 3)]
    report(f"sort by a column, {n:,} types", _median(sorts) * 1e3, "ms", target="≤ 100 ms")
    table.sortByColumn(column["identity"], Qt.SortOrder.AscendingOrder)
    find("tls")
    route.select_row(0)
    edits = [_timed(app, lambda s=step: commands.edit_type(
        store, 0, "bench", identity=("weak", "strong")[s % 2])) for step in range(steps)]
    report(f"re-routing edit, sorted and filtered, {n:,} types", _median(edits) * 1e3, "ms",
           target="≤ 100 ms")
    bar.clear()
    bar.show_saved_order()
    across = table.horizontalScrollBar()
    scrolls = [_timed(app, lambda s=step: across.setValue((s % 2) * across.maximum()))
               for step in range(steps)]
    down = table.verticalScrollBar()
    page = down.pageStep()
    pages = [_timed(app, lambda s=step: down.setValue((s % 2) * page)) for step in range(steps)]
    report(f"scroll right and back (frozen name column), {n:,} types",
           _median(scrolls) * 1e3, "ms",
           peer=("a page down and back, same table", _median(pages) * 1e3))
    store.undo_stack.setClean()
    window.close()


if __name__ == "__main__":
    main()
