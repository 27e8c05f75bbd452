"""Owner-only files for the CA folder: keys and ledger readable by their owner alone."""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """Create `path` (and parents) owner-only, whatever the umask.

    A folder that already exists keeps its permissions: delivering into, say, a web
    server's certificate folder must not lock the server out (the files are 0600 anyway).
    """
    if path.is_dir():
        return
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` atomically to a file only its owner can read (SPEC.md §3: keys owner-only).

    The temporary file is created with mode 0600 from the start, so the key is never briefly
    readable by others, then renamed over `path`.
    """
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            # O_CREAT's mode is cut by the umask, and a left-over tmp keeps its own mode.
            os.fchmod(handle.fileno(), FILE_MODE)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_owner_only(path: Path) -> bool:
    """True when neither group nor others have any permission on `path`."""
    return path.stat().st_mode & 0o077 == 0
