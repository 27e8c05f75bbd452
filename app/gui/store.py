"""ProjectStore: the current Project, its Evaluation and the undo stack — the GUI's one source."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from models.evaluation import Evaluation
from models.incremental import IncrementalEvaluation
from models.project import Project


class ReplaceProject(QUndoCommand):
    """Every edit: swap in a new frozen Project (value snapshots make undo trivial).

    Commands with the same `merge_key` pushed one after another collapse into one undo step,
    so dragging a slider or spinning a spin box is one user action.
    """

    _MERGE_ID = 1

    def __init__(self, store: ProjectStore, before: Project, after: Project, text: str,
                 rows: tuple[int, ...] | None, merge_key: str | None) -> None:
        super().__init__(text)
        self._store = store
        self.before = before
        self.after = after
        self.rows = rows
        self.merge_key = merge_key

    def id(self) -> int:
        return self._MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ReplaceProject) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        self.setText(other.text())  # the undo menu names the value the drag ended on
        if self.after == self.before:
            self.setObsolete(True)
        return True

    def redo(self) -> None:
        self._store._apply(self.after, self.rows)

    def undo(self) -> None:
        self._store._apply(self.before, self.rows)


class ProjectStore(QObject):
    """Holds the document; every change goes through `edit()` and the undo stack.

    Signals:
        project_replaced(): a new document (new, open, revert): views reset.
        types_changed(rows): the input cells of these rows changed (None: rows were added,
            removed or moved, so the table resets).
        evaluation_changed(evaluation): derived values changed; emitted only when they differ.
        error(message): an edit was rejected; shown in the status bar.
        path_changed(path): the document's file changed (save as, open).
    """

    project_replaced = Signal()
    types_changed = Signal(object)
    evaluation_changed = Signal(object)
    error = Signal(str)
    path_changed = Signal(object)

    def __init__(self, project: Project, path: Path | None = None, *,
                 today: dt.date | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.project = project
        # Each edit re-evaluates only what it touched; equal to evaluate(project) throughout.
        self._evaluator = IncrementalEvaluation(project, today=today)
        self.evaluation: Evaluation = self._evaluator.evaluation
        self.path = path
        self.undo_stack = QUndoStack(self)

    # --- whole documents ---------------------------------------------------------------

    def replace_document(self, project: Project, path: Path | None) -> None:
        """New / open / revert: not undoable; the stack starts clean."""
        self.undo_stack.clear()
        self.project = project
        self._evaluator = IncrementalEvaluation(project, today=self._today)
        self.evaluation = self._evaluator.evaluation
        self.set_path(path)
        self.project_replaced.emit()
        self.evaluation_changed.emit(self.evaluation)

    @property
    def as_of(self) -> dt.date:
        """The date the evaluation's findings are measured against."""
        return self._today or dt.date.today()

    def set_path(self, path: Path | None) -> None:
        self.path = path
        self.path_changed.emit(path)

    # --- edits ---------------------------------------------------------------------------

    def edit(self, after: Project, text: str, *, rows: tuple[int, ...] | None = (),
             merge_key: str | None = None) -> bool:
        """Push one undoable edit; `rows` = rows whose inputs changed, None = structure."""
        if after == self.project:
            return False
        self.undo_stack.push(ReplaceProject(self, self.project, after, text, rows, merge_key))
        return True

    def _apply(self, project: Project, rows: tuple[int, ...] | None) -> None:
        # Project and evaluation change together, before any signal: views read both.
        evaluation = self._evaluator.update(project)
        changed = evaluation != self.evaluation
        self.project, self.evaluation = project, evaluation
        self.types_changed.emit(None if rows is None else list(rows))
        if changed:
            self.evaluation_changed.emit(evaluation)
