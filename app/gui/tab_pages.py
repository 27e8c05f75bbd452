"""LazyTabs: the main window's tabs, each built (and its imports loaded) when first shown."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator, Mapping

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.gui.store import ProjectStore

# (tab title, module, class): each tab is built from the store alone.
TABS: tuple[tuple[str, str, str], ...] = (
    ("Route", "app.gui.route_tab", "RouteTab"),
    ("Assess", "app.gui.assess_tab", "AssessTab"),
    ("Cost", "app.gui.cost_tab", "CostTab"),
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

    def __getitem__(self, name: str) -> QWidget:
        if name not in self._built:
            page, module_name, class_name = self._pages[name]
            widget = getattr(importlib.import_module(module_name), class_name)(self._store)
            page.layout().addWidget(widget)
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
