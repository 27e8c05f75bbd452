"""Owner-only files for the CA and its deliveries: keys written so no other user can read or own
them, and the permission checks that warn when the CA folder has been opened up."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from app.ca.errors import CaError

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_dir(path: Path) -> None:
    """Create `path` (and parents) owner-only, whatever the umask.

    A folder that already exists keeps its permissions: delivering into, say, a web
    server's certificate folder must not lock the server out (the files are 0600 anyway).

    Raises:
        CaError: `path` exists but is not a folder, or is a symbolic link.
    """
    if path.is_symlink():
        raise CaError(f"{path} is a symbolic link; give the real folder")
    if path.is_dir():
        return
    if path.exists():
        raise CaError(f"{path} is not a folder")
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)


def check_target(path: Path) -> None:
    """Refuse a path a private file must not be written to (checked before anything is signed).

    A symbolic link, anything but a regular file (a folder, device or FIFO), or a file another
    user owns: replacing it would hand a key to whoever planted it, or destroy what it is.

    Raises:
        CaError: naming the path and what is wrong with it.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        raise CaError(f"{path} is a symbolic link; a private file is never written through one")
    if not stat.S_ISREG(info.st_mode):
        raise CaError(f"{path} exists and is not a regular file")
    if info.st_uid != os.geteuid():
        raise CaError(f"{path} belongs to another user (uid {info.st_uid}); remove it or "
                      "choose another place")


def check_folder(folder: Path) -> None:
    """Refuse a delivery folder that is a link or not a folder, or that cannot be written.

    Raises:
        CaError: naming the folder and the problem.
    """
    if folder.is_symlink():
        raise CaError(f"{folder} is a symbolic link; give the real folder")
    if folder.exists() and not folder.is_dir():
        raise CaError(f"{folder} exists and is not a folder")
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise CaError(f"{folder} cannot be created: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CaError(f"{folder} cannot be written: no write permission on {existing}")


def check_destination(path: Path) -> None:
    """`check_folder` of the file's folder, then `check_target` of the file itself."""
    check_folder(path.parent)
    check_target(path)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` atomically to a file only its owner can read (SPEC.md §3: keys owner-only).

    The temporary file is created exclusively (O_EXCL, mode 0600, an unpredictable name) in
    the target folder, so nobody can have it open or own it beforehand, however the folder's
    permissions are set; it is checked to be ours and unshared, then renamed over `path`.

    Raises:
        CaError: the target is a link, not a regular file, or another user's (`check_target`).
        OSError: the file cannot be written.
    """
    check_target(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid() or info.st_nlink != 1 or \
                stat.S_IMODE(info.st_mode) != FILE_MODE:
            raise CaError(f"{tmp}: the temporary file is not ours alone; nothing written")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        check_target(path)  # again: the target may have been replaced by a link meanwhile
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_owner_only(path: Path) -> bool:
    """True when neither group nor others have any permission on `path`."""
    return path.stat().st_mode & 0o077 == 0


def exposure_warnings(folder: Path, names: Iterable[str]) -> list[str]:
    """One line per CA file (or the folder) that group or others may read, or another user owns.

    The keys are encrypted, but a readable key file gives an offline guessing attack its
    input, and a readable ledger shows every request; SPEC.md §3 keeps both owner-only.
    """
    warnings = []
    uid = os.geteuid()
    for path in [folder, *(folder / n for n in names)]:
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        mode = stat.S_IMODE(info.st_mode)
        if mode & 0o077:
            warnings.append(f"{path} is readable or writable by group or others (mode "
                            f"{mode:04o}); run chmod {'700' if path == folder else '600'} {path}")
        if info.st_uid != uid:
            warnings.append(f"{path} belongs to another user (uid {info.st_uid})")
    return warnings
