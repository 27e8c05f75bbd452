"""The Qt binding keeps Python's reference counts: a leak here aborts the app mid-workshop."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

CALLS = 10_000


class _Emitter(QObject):
    happened = Signal()


def test_void_qt_calls_keep_the_reference_to_none(qapp):
    # PySide6 6.12.0 on CPython 3.11 returned None from void methods without a reference:
    # after a few hundred setText() calls CPython deallocated None and aborted.
    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        label.setText("x")
    assert sys.getrefcount(None) - before > -10


def test_emitting_keeps_the_reference_to_true(qapp):
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(CALLS):
        emitter.happened.emit()
    assert sys.getrefcount(True) - before > -10
