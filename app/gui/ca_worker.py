"""CaWorker: slow CA work (keys, a new CA) on a QThreadPool, reported back on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _TaskSignals(QObject):
    # (task number, result, error): error is None on success, else the one-line message.
    finished = Signal(int, object, object)


class CaTask(QRunnable):
    """Run `fn` on the pool; its outcome travels back through a queued signal."""

    def __init__(self, number: int, fn: Callable[[], Any]) -> None:
        super().__init__()
        self.number = number
        self.fn = fn
        self.signals = _TaskSignals()

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # the UI shows every failure as one line
            self.signals.finished.emit(self.number, None, str(exc))
            return
        self.signals.finished.emit(self.number, result, None)


class CaWorker(QObject):
    """Starts tasks on its own pool and keeps each alive until it has reported back."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self._count = 0
        # task number -> (task, on_done, on_failed); holding the task keeps its signals alive
        self._pending: dict[int, tuple[CaTask, Callable[[Any], None], Callable[[str], None]]] = {}

    def start(self, fn: Callable[[], Any], on_done: Callable[[Any], None],
              on_failed: Callable[[str], None]) -> None:
        """Run `fn()` off the UI thread; then `on_done(result)` or `on_failed(message)`."""
        self._count += 1
        task = CaTask(self._count, fn)
        self._pending[task.number] = (task, on_done, on_failed)
        # A bound slot of this UI-thread object makes the connection queued, so the
        # callbacks never run on the pool thread.
        task.signals.finished.connect(self._on_task_finished)
        self.pool.start(task)

    def _on_task_finished(self, number: int, result: Any, error: str | None) -> None:
        _task, on_done, on_failed = self._pending.pop(number)
        if error is None:
            on_done(result)
        else:
            on_failed(error)
