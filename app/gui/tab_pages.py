"""LazyTabs: the main window's tabs, each built (and its imports loaded) when first shown."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterator, Mapping

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.gui.store import ProjectStore

# (tab title, module, class): each tab is built from the store alone.
TABS: tuple[tuple[str, str, str], ...] = (
    ("Route", "app.gui.route_tab", "RouteTab"),
    ("Assess", "app.gui.assess_tab", "AssessTab"),
    ("Cost", "app.gui.cost_tab", "CostTab"),
    ("Cliff", "app.gui.cliff.cliff_tab", "CliffTab"),
    ("Issue", "app.gui.issue_tab", "IssueTab"),
)


class LazyTabs(Mapping[str, QWidget]):
    """Maps a tab's lower-case title to its widget, building it on first access.

    Only the first tab is needed to show the window; the charts (pyqtgraph, numpy) and the
    CA (cryptography) load when their tab is opened, which keeps the cold start short.
    """

    def __init__(self, tabs: QTabWidget, store: ProjectStore) -> None:
        self._tabs = tabs
        self._store = store
        self._pages: dict[str, tuple[QWidget, str, str]] = {}
        self._built: dict[str, QWidget] = {}
        for title, module_name, class_name in TABS:
            if importlib.util.find_spec(module_name) is None:
                continue  # a tab that is not part of this build
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(0, 0, 0, 0)
            self._pages[title.lower()] = (page, module_name, class_name)
            tabs.addTab(page, title)
        tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._repaint_guard = _TabRelayoutGuard(tabs)

    def __getitem__(self, name: str) -> QWidget:
        if name not in self._built:
            page, module_name, class_name = self._pages[name]
            widget = getattr(importlib.import_module(module_name), class_name)(self._store)
            layout = page.layout()
            assert layout is not None  # every page is built with its layout
            layout.addWidget(widget)
            self._built[name] = widget
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._pages)

    def __len__(self) -> int:
        return len(self._pages)

    def is_built(self, name: str) -> bool:
        return name in self._built

    def show(self, name: str) -> QWidget:
        """Build if needed and bring the tab to the front."""
        widget = self[name]
        self._tabs.setCurrentWidget(self._pages[name][0])
        return widget

    def _on_tabs_current_changed(self, index: int) -> None:
        page = self._tabs.widget(index)
        for name, (candidate, _module, _cls) in self._pages.items():
            if candidate is page:
                self[name]
                return


class _TabRelayoutGuard(QObject):
    """Stops a QTabWidget repainting the whole window when nothing in its layout changed.

    A label whose text changes asks its layouts to re-lay out; the request climbs to the
    QTabWidget, whose handler re-lays out the tab bar and page and then repaints itself
    entirely: every edit on the Cost tab repainted 1600×1000 pixels in software (~10 ms) for
    a few changed figures. The guard lets the request through only when what that layout
    depends on (the tab bar's size, the page's size hints) changed; otherwise each changed
    widget repaints just itself.
    """

    def __init__(self, tabs: QTabWidget) -> None:
        super().__init__(tabs)
        self._tabs = tabs
        self._last: tuple[QSize, ...] | None = None
        tabs.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._tabs and event.type() == QEvent.Type.LayoutRequest:
            page = self._tabs.currentWidget()
            key = (self._tabs.tabBar().sizeHint(), self._tabs.size(),
                   *((page.minimumSizeHint(), page.sizeHint()) if page is not None else ()))
            if key == self._last:
                return True  # swallowed: the tab widget's own layout would not change
            self._last = key
        return False


class RefreshWhenShown(QObject):
    """Calls a tab's refresh now if the tab is on screen, else once when it is next shown.

    A tab behind another has nothing to show: with every tab built, a Route-tab edit also
    refreshed the Cost, Assess and Issue tabs (their figures, charts and forms). A widget
    outside a shown window (built alone, in a test or a screenshot) refreshes at once.
    """

    def __init__(self, widget: QWidget, refresh: Callable[[], object]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._refresh = refresh
        self._stale = False
        widget.installEventFilter(self)

    def __call__(self, *_signal_args: object) -> None:
        if self._widget.isVisible() or not self._widget.window().isVisible():
            self._stale = False
            self._refresh()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._widget and event.type() == QEvent.Type.Show and self._stale:
            self._stale = False
            self._refresh()
        return False
