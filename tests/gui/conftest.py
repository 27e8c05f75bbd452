"""GUI test setup: offscreen Qt, throwaway settings, the `gui` marker, store and window."""

from __future__ import annotations

import datetime as dt
import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or write the user's real settings (window geometry, recent files).
os.environ["CERTROUTE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="certroute-test-config-")

from app.gui.main_window import MainWindow
from app.gui.store import ProjectStore
from models.project_file import load_example

TODAY = dt.date(2026, 11, 26)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/gui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def store(qapp):
    return ProjectStore(load_example().model_copy(update={"as_of": TODAY}), today=TODAY)


@pytest.fixture
def window(qtbot, store):
    win = MainWindow(store)
    # Tests leave documents dirty on purpose; close without the "save changes?" prompt.
    qtbot.addWidget(win, before_close_func=lambda w: w.store.undo_stack.setClean())
    win._ask_save_changes = lambda: pytest.fail("unexpected 'save changes?' prompt")
    win.warnings = []
    win.warn = lambda title, message: win.warnings.append((title, message))
    return win


@pytest.fixture
def route_tab(qtbot, store):
    """A Route tab on the worked example; its status messages collect in `.messages`."""
    from app.gui.route_tab import RouteTab

    widget = RouteTab(store)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.messages = []
    widget.message.connect(widget.messages.append)
    return widget
