"""Recovery files: unsaved work written aside while editing, offered back after a crash."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path

from models.excerpt import excerpt_message
from models.file_write import remove_stale_temp_files, write_text
from models.project import Project
from models.project_file import ProjectFileError, parse_project

RECOVERY_DIR_NAME = "recovery"
LOCK_SUFFIX = ".lock"


def recovery_dir(config_dir: Path) -> Path:
    return config_dir / RECOVERY_DIR_NAME


def lock_path(file: Path) -> Path:
    """The lock file beside a recovery file; its writer holds it for as long as it runs."""
    return file.with_suffix(LOCK_SUFFIX)


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _owner_alive(file: Path) -> bool:
    """Whether a running window still holds the lock beside `file`.

    The OS drops a flock when its process dies, so a PID reused after a crash or a reboot
    cannot make dead work look owned, as checking that the PID exists did.
    """
    try:
        fd = os.open(lock_path(file), os.O_RDONLY)
    except FileNotFoundError:
        return False  # moved aside or written before locks: nobody claims it
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _sweep_stale_locks(folder: Path) -> None:
    """Remove lock files left by dead windows whose recovery file is gone (restored, discarded)."""
    for lock in folder.glob(f"*{LOCK_SUFFIX}"):
        try:
            fd = os.open(lock, os.O_RDONLY)
        except OSError:
            continue
        try:
            # Holding the lock, a missing recovery file cannot appear: only the owner writes it.
            if _try_lock(fd) and not lock.with_suffix(".json").exists():
                lock.unlink(missing_ok=True)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class Recoverable:
    """A recovery file left by a process that is gone."""

    file: Path
    project: Project
    original: Path | None
    saved_at: dt.datetime


class RecoveryWriter:
    """Owns one window's recovery file: write on idle, remove on save, close with the window.

    Before its first write it takes an OS lock on a file beside the recovery file and keeps it
    until `close()` or the process's death; `find_recoverable` skips files whose lock is held.
    """

    def __init__(self, config_dir: Path) -> None:
        self.folder = recovery_dir(config_dir)
        self.file = self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.json"
        self.lock_file = lock_path(self.file)
        self._release: weakref.finalize | None = None

    def _hold_lock(self) -> None:
        while self._release is None:
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits out a scan that is testing this lock
            if _same_file(fd, self.lock_file):
                # The fd (and with it the lock) goes when the writer does, closed or not.
                self._release = weakref.finalize(self, os.close, fd)
            else:  # swept away while we waited for it: lock a fresh one
                os.close(fd)

    def write(self, project: Project, original: Path | None, *,
              now: dt.datetime | None = None) -> None:
        """Atomically replace the recovery file with the current document."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._hold_lock()
        envelope = {
            "pid": os.getpid(),  # for a reader of the folder; liveness is the lock
            "original": str(original) if original else None,
            "saved_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
            "project": json.loads(project.model_dump_json()),
        }
        write_text(self.file, json.dumps(envelope), private=True)

    def remove(self) -> None:
        """Remove the recovery file; the lock stays while the window may write again."""
        self.file.unlink(missing_ok=True)

    def close(self) -> None:
        """Remove the recovery file and give up the lock: the window is closing cleanly."""
        self.remove()
        if self._release is not None:
            self.lock_file.unlink(missing_ok=True)  # while still held, so no scan reuses it
            self._release()
            self._release = None


def find_recoverable(config_dir: Path) -> tuple[list[Recoverable], list[str]]:
    """Recovery files whose writer has died, newest first, and one-line problems with others.

    A file that cannot be read is reported and left in place, never deleted silently.
    """
    folder = recovery_dir(config_dir)
    found: list[Recoverable] = []
    problems: list[str] = []
    if not folder.is_dir():
        return found, problems
    _sweep_stale_locks(folder)
    remove_stale_temp_files(folder)  # each window writes its own file: sweep them all here
    for file in sorted(folder.glob("*.json")):
        if _owner_alive(file):
            continue  # another window, in this process or another, is still running
        try:
            envelope = json.loads(file.read_text("utf-8"))
            project = parse_project(json.dumps(envelope["project"]), source=file.name)
            original = Path(envelope["original"]) if envelope.get("original") else None
            saved_at = dt.datetime.fromisoformat(envelope["saved_at"])
        except FileNotFoundError:
            continue  # its window closed cleanly while we looked
        except (OSError, ValueError, KeyError, TypeError, RecursionError,
                ProjectFileError) as exc:
            problems.append(f"{file.name}: unreadable recovery file ({excerpt_message(exc)})")
            continue
        found.append(Recoverable(file, project, original, saved_at))
    found.sort(key=lambda r: r.saved_at, reverse=True)
    return found, problems
