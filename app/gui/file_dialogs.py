"""File and folder dialogs that all start in one remembered last folder, and remember it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from app.gui import settings as keys


def _remember(chosen: str, *, is_folder: bool = False) -> str:
    if chosen:
        path = Path(chosen)
        folder = path if is_folder and path.is_dir() else path.parent
        keys.remember_dir(keys.open_settings(), folder)
    return chosen


def start_in(name: str = "") -> str:
    """The last folder used in any dialog (home at first), with `name` in it if given."""
    folder = Path(keys.last_dir(keys.open_settings()))
    return str(folder / name) if name else str(folder)


def open_file(parent: QWidget | None, title: str, file_filter: str = "") -> str:
    chosen, _ = QFileDialog.getOpenFileName(parent, title, start_in(), file_filter)
    return _remember(chosen)


def open_files(parent: QWidget | None, title: str, file_filter: str = "") -> list[str]:
    chosen, _ = QFileDialog.getOpenFileNames(parent, title, start_in(), file_filter)
    if chosen:
        _remember(chosen[0])
    return list(chosen)


def save_file(parent: QWidget | None, title: str, name: str, file_filter: str = "") -> str:
    """A path to write; `name` is suggested in the last folder (a path is kept as given)."""
    suggested = name if Path(name).is_absolute() else start_in(name)
    chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return _remember(chosen)


def existing_folder(parent: QWidget | None, title: str) -> str:
    return _remember(QFileDialog.getExistingDirectory(parent, title, start_in()),
                     is_folder=True)


class NewFolderDialog(QFileDialog):
    """Choose a folder, or type the name of one that does not exist yet (it is created by
    whoever uses it): Qt's folder dialog refuses such a name with "Directory not found"."""

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent, title, start_in())
        self.setFileMode(QFileDialog.FileMode.Directory)
        self.setOption(QFileDialog.Option.ShowDirsOnly, True)
        self.setOption(QFileDialog.Option.DontUseNativeDialog, True)  # accept() decides
        self.setLabelText(QFileDialog.DialogLabel.FileName, "Folder:")
        self.chosen = ""

    def accept(self) -> None:
        typed = self.selectedFiles()
        path = Path(typed[0]) if typed else None
        if path is not None and not path.exists() and path.parent.is_dir():
            self.chosen = str(path)
            self.done(QFileDialog.DialogCode.Accepted)  # a new name: no "not found"
            return
        super().accept()
        if self.result() == QFileDialog.DialogCode.Accepted and typed:
            self.chosen = typed[0]


def new_or_empty_folder(parent: QWidget | None, title: str) -> str:
    dialog = NewFolderDialog(parent, title)
    dialog.exec()
    chosen = dialog.chosen if dialog.result() == QFileDialog.DialogCode.Accepted else ""
    if chosen:
        keys.remember_dir(keys.open_settings(), Path(chosen).parent)
    return chosen
