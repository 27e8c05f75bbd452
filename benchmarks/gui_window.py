"""The app's window for the GUI benchmarks: offscreen, styled as the app runs, 1600×1000."""

from __future__ import annotations

import datetime as dt
import os

from benchmarks.bench_evaluate import synthetic_project

TODAY = dt.date(2026, 11, 26)


def styled_app():
    """The QApplication with the app's style sheet: styled widgets lay out and paint slower."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.gui.style import apply_style

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    apply_style(app)
    return app


def open_window(n_types: int):
    """(app, store, window): the main window shown on a synthetic project of `n_types`."""
    app = styled_app()
    from app.gui.main_window import MainWindow
    from app.gui.store import ProjectStore
    from app.loading import loading

    with loading():  # as the app opens a document: the GC paused, then the objects frozen
        store = ProjectStore(synthetic_project(n_types), today=TODAY)
        window = MainWindow(store)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    return app, store, window


def settle(app) -> None:
    """Run what an edit set off: refreshes, then the layout and paint deferred ones ask for."""
    app.processEvents()
    app.processEvents()
