"""The one writer every save, export, `import -o` and recovery file goes through.

What a careful tool does with whatever is already at the path (docs/reliability.md):

- nothing there: a new file with the usual permissions (0666 less the umask), or owner-only
  when `private` (recovery files);
- a regular file: its contents are replaced atomically (an exclusive, unpredictable temporary
  file in the same folder, fsync, rename, fsync of the folder), keeping its mode, owner and
  group. A read-only file, one whose owner or group cannot be kept, or one with other hard
  links is refused with a one-line reason: replacing it would silently change something the
  user chose (the other names of a hard link would keep the old contents);
- a symbolic link: followed, and its final target is written as above (a project kept in a
  synced folder through a link stays in that folder); a link loop is an error;
- `/dev/stdout`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`: written to that open
  descriptor, whatever it is;
- a character device or a FIFO (`/dev/null`, a terminal, a pipe), and any other path under
  /dev/fd or /proc: opened and written directly, never replaced; a write error (`/dev/full`'s
  "No space left on device") is raised;
- a directory, a block device or a socket: refused;
- `-` when `dash_is_stdout`: standard output.

Temporary files left by a writer that was killed mid-save are removed by the next write to the
same file, once no process holds them (each writer holds an OS lock on its own).
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import stat
import sys
import time
from pathlib import Path

# A temporary file younger than this is never swept, even if unlocked: its writer may be
# between creating it and locking it.
STALE_AFTER_S = 60.0
_FD_ALIASES = ("/dev/stdout", "/dev/stderr")
_FD_ALIAS_PREFIXES = ("/dev/fd/", "/proc/")
_TMP_SUFFIX = ".tmp"


def _temp_pattern(name: str) -> re.Pattern[str]:
    # 8 characters: names of earlier versions (tempfile.mkstemp); 16 hex: this writer's.
    return re.compile(re.escape(f".{name}.") + r"[A-Za-z0-9_]{8,16}" + re.escape(_TMP_SUFFIX))


def _refuse(code: int, reason: str) -> OSError:
    return OSError(code, reason)


def _final_target(path: Path) -> Path:
    """`path` with every symbolic link followed; an OSError for a loop."""
    target = Path(os.path.realpath(path))
    if target.is_symlink():  # realpath stops at a loop and leaves the link in place
        raise _refuse(errno.ELOOP, "Too many levels of symbolic links")
    return target


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_direct(path: Path, data: bytes) -> None:
    """A device, FIFO or /dev, /proc path: open it as it is and write; errors propagate."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _alias_fd(path: Path) -> int | None:
    """The descriptor `/dev/stdout`, `/dev/fd/N` or `/proc/self/fd/N` names, else None.

    Written through the descriptor already open, never reopened: reopening a pipe another user
    created (`setpriv … certroute export --csv /dev/stdout | …`) is "Permission denied".
    """
    absolute = str(path.absolute())
    named = {"/dev/stdout": 1, "/dev/stderr": 2}.get(absolute)
    if named is not None:
        return named
    for prefix in ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/"):
        if absolute.startswith(prefix) and absolute[len(prefix):].isdigit():
            return int(absolute[len(prefix):])
    return None


def _write_fd(fd: int, data: bytes) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None and stream.fileno() == fd:
                stream.flush()  # what Python already buffered for it comes first
        except (OSError, ValueError):  # io.UnsupportedOperation: a stream without a descriptor
            continue
    _write_all(fd, data)


def _writes_in_place(path: Path) -> bool:
    """A device or FIFO (through any links), or a file-descriptor alias such as /dev/stdout."""
    absolute = str(path.absolute())
    if absolute in _FD_ALIASES or absolute.startswith(_FD_ALIAS_PREFIXES):
        return True
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return False  # missing, a loop, a NUL in the name: the normal path reports it
    return stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode)


def _check_replaceable(target: Path, st: os.stat_result) -> None:
    """Refuse a regular file whose replacement would change more than its contents."""
    try:
        read_only_fs = bool(os.statvfs(target.parent).f_flag & os.ST_RDONLY)
    except OSError:
        read_only_fs = False
    if read_only_fs:  # say so, rather than blame the file's permissions
        raise _refuse(errno.EROFS, "Read-only file system")
    if not stat.S_IMODE(st.st_mode) & 0o222 or not os.access(target, os.W_OK):
        raise _refuse(errno.EACCES, "Permission denied: the file is read-only")
    if st.st_nlink > 1:
        raise _refuse(errno.EMLINK, f"the file has {st.st_nlink} hard links; saving replaces "
                      "it and the other names would keep the old contents (save elsewhere, "
                      "or remove the other links)")


def _create_temp(folder: Path, name: str, mode: int) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _attempt in range(100):
        tmp = folder / f".{name}.{secrets.token_hex(8)}{_TMP_SUFFIX}"
        try:
            return os.open(tmp, flags, mode), tmp
        except FileExistsError:
            continue
    raise _refuse(errno.EEXIST, f"cannot create a temporary file in {folder}")


def _keep_owner(fd: int, st: os.stat_result) -> None:
    held = os.fstat(fd)
    if (held.st_uid, held.st_gid) == (st.st_uid, st.st_gid):
        return
    try:
        os.fchown(fd, st.st_uid if held.st_uid != st.st_uid else -1,
                  st.st_gid if held.st_gid != st.st_gid else -1)
    except PermissionError:
        raise _refuse(errno.EPERM, f"the file belongs to user {st.st_uid}, group "
                      f"{st.st_gid}, which a replacement written by this user cannot keep "
                      "(save elsewhere)") from None


def _fsync_folder(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def remove_stale_temp_files(folder: Path, name: str | None = None) -> list[Path]:
    """Remove temporary files a killed writer left in `folder` (for `name`, or any).

    A file is removed only when it is a regular file of ours, at least STALE_AFTER_S old,
    and no process holds its lock; returns the files removed.
    """
    pattern = _temp_pattern(name) if name else re.compile(r"\..+\.[A-Za-z0-9_]{8,16}\.tmp")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid()
                    or now - st.st_mtime < STALE_AFTER_S):
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live writer holds it
        try:
            os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _replace(target: Path, data: bytes, st: os.stat_result | None, private: bool) -> None:
    folder = target.parent
    fd, tmp = _create_temp(folder, target.name, 0o600 if private or st else 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # tells remove_stale_temp_files this writer is alive
        if st is not None:
            _keep_owner(fd, st)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))  # after chown, which may clear set-id bits
        _write_all(fd, data)
        os.fsync(fd)
        os.replace(tmp, target)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    _fsync_folder(folder)
    remove_stale_temp_files(folder, target.name)


def write_file(path: str | os.PathLike[str], data: bytes, *, private: bool = False,
               dash_is_stdout: bool = False) -> None:
    """Write `data` to `path` with the semantics of this module's docstring.

    Args:
        private: a new file is readable by its owner only (an existing file keeps its mode).
        dash_is_stdout: `-` means standard output (command-line outputs).

    Raises:
        OSError: with a one-line `strerror`; a regular file at `path` is unchanged and no
            temporary file is left.
    """
    if dash_is_stdout and os.fspath(path) == "-":
        _write_stdout(data)
        return
    path = Path(path)
    fd = _alias_fd(path)
    if fd is not None:
        _write_fd(fd, data)
        return
    if _writes_in_place(path):
        _write_direct(path, data)
        return
    target = _final_target(path)
    try:
        st: os.stat_result | None = os.stat(target, follow_symlinks=False)
    except FileNotFoundError:
        st = None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise _refuse(errno.EINVAL, "not a regular file (a block device or a socket)")
        _check_replaceable(target, st)
    _replace(target, data, st, private)


def write_text(path: str | os.PathLike[str], text: str, *, private: bool = False,
               dash_is_stdout: bool = False) -> None:
    """`write_file` of UTF-8 text."""
    write_file(path, text.encode("utf-8"), private=private, dash_is_stdout=dash_is_stdout)
