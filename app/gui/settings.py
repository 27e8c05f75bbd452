"""Every QSettings key with its default, declared once (window state, recent files)."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

# Tests and portable installs point this at a folder; otherwise the platform's user scope.
CONFIG_DIR_ENV = "CERTROUTE_CONFIG_DIR"
MAX_RECENT = 8

GEOMETRY = "window/geometry"
WINDOW_STATE = "window/state"
RECENT_FILES = "files/recent"
LAST_DIR = "files/last_dir"
CA_FOLDER = "ca/folder"  # the Issue tab reopens it, locked; never a passphrase


def open_settings() -> QSettings:
    folder = os.environ.get(CONFIG_DIR_ENV)
    if folder:
        return QSettings(str(Path(folder) / "certroute.ini"), QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "Certroute",
                     "Certroute")


def config_dir(settings: QSettings) -> Path:
    """The folder that holds the settings file (and the recovery files beside it)."""
    return Path(settings.fileName()).parent


def recent_files(settings: QSettings) -> list[str]:
    value = settings.value(RECENT_FILES, [])
    if isinstance(value, str):  # QSettings returns a lone string for one-element lists
        value = [value]
    if not isinstance(value, list):
        return []
    return [str(v) for v in value][:MAX_RECENT]


def remember_file(settings: QSettings, path: Path) -> list[str]:
    text = str(path.resolve())
    files = [text] + [f for f in recent_files(settings) if f != text]
    settings.setValue(RECENT_FILES, files[:MAX_RECENT])
    remember_dir(settings, path.resolve().parent)
    return files[:MAX_RECENT]


def remember_dir(settings: QSettings, folder: Path) -> None:
    """The folder every file dialog starts in next time (open, save, export, import, CA)."""
    settings.setValue(LAST_DIR, str(folder))


def forget_file(settings: QSettings, path: str) -> None:
    settings.setValue(RECENT_FILES, [f for f in recent_files(settings) if f != path])


def geometry(settings: QSettings) -> QByteArray | None:
    value = settings.value(GEOMETRY)
    return value if isinstance(value, QByteArray) else None


def last_dir(settings: QSettings) -> str:
    return str(settings.value(LAST_DIR, str(Path.home())))


def ca_folder(settings: QSettings) -> str:
    """The CA folder open last, or "" when there is none."""
    return str(settings.value(CA_FOLDER, "") or "")


def remember_ca_folder(settings: QSettings, folder: Path) -> None:
    settings.setValue(CA_FOLDER, str(folder))
