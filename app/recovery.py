"""Recovery files: unsaved work written aside while editing, offered back after a crash."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from models.project import Project
from models.project_file import ProjectFileError, atomic_write_text, parse_project

RECOVERY_DIR_NAME = "recovery"


def recovery_dir(config_dir: Path) -> Path:
    return config_dir / RECOVERY_DIR_NAME


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


@dataclass(frozen=True)
class Recoverable:
    """A recovery file left by a process that is gone."""

    file: Path
    project: Project
    original: Path | None
    saved_at: dt.datetime


class RecoveryWriter:
    """Owns one window's recovery file: write on idle, remove on save or clean close."""

    def __init__(self, config_dir: Path) -> None:
        self.folder = recovery_dir(config_dir)
        self.file = self.folder / f"{os.getpid()}-{uuid.uuid4().hex[:8]}.json"

    def write(self, project: Project, original: Path | None, *,
              now: dt.datetime | None = None) -> None:
        """Atomically replace the recovery file with the current document."""
        self.folder.mkdir(parents=True, exist_ok=True)
        envelope = {
            "pid": os.getpid(),
            "original": str(original) if original else None,
            "saved_at": (now or dt.datetime.now(dt.UTC)).isoformat(),
            "project": json.loads(project.model_dump_json()),
        }
        atomic_write_text(self.file, json.dumps(envelope))

    def remove(self) -> None:
        self.file.unlink(missing_ok=True)


def find_recoverable(config_dir: Path) -> tuple[list[Recoverable], list[str]]:
    """Recovery files whose writer has died, newest first, and one-line problems with others.

    A file that cannot be read is reported and left in place, never deleted silently.
    """
    folder = recovery_dir(config_dir)
    found: list[Recoverable] = []
    problems: list[str] = []
    if not folder.is_dir():
        return found, problems
    for file in sorted(folder.glob("*.json")):
        try:
            envelope = json.loads(file.read_text("utf-8"))
            pid = int(envelope["pid"])
            if pid != os.getpid() and _process_alive(pid):
                continue  # another window is still running and owns it
            project = parse_project(json.dumps(envelope["project"]), source=file.name)
            original = Path(envelope["original"]) if envelope.get("original") else None
            saved_at = dt.datetime.fromisoformat(envelope["saved_at"])
        except (OSError, ValueError, KeyError, TypeError, ProjectFileError) as exc:
            problems.append(f"{file.name}: unreadable recovery file ({exc})")
            continue
        found.append(Recoverable(file, project, original, saved_at))
    found.sort(key=lambda r: r.saved_at, reverse=True)
    return found, problems
