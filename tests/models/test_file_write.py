"""The one writer (models/file_write.py): what it does with whatever is already at the path."""

from __future__ import annotations

import errno
import fcntl
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from models import file_write
from models.file_write import remove_stale_temp_files, write_file, write_text

ROOT = Path(__file__).resolve().parents[2]


def _only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_new_file_gets_the_umask_permissions_and_private_ones_owner_only(tmp_path):
    old = os.umask(0o022)
    try:
        write_text(tmp_path / "a.csv", "x")
        write_text(tmp_path / "b.json", "x", private=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "b.json").stat().st_mode) == 0o600


def test_existing_mode_is_kept(tmp_path):
    path = tmp_path / "shared.csv"
    path.write_text("old")
    path.chmod(0o664)
    write_text(path, "new")
    assert path.read_text() == "new"
    assert stat.S_IMODE(path.stat().st_mode) == 0o664


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_existing_owner_is_kept(tmp_path):
    path = tmp_path / "theirs.csv"
    path.write_text("old")
    os.chown(path, 65534, 65534)
    write_text(path, "new")
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)
    assert path.read_text() == "new"


def test_an_owner_that_cannot_be_kept_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "theirs.csv"
    path.write_text("old")
    real = os.stat(path)
    fake = os.stat_result((real.st_mode, real.st_ino, real.st_dev, 1, real.st_uid + 1,
                           real.st_gid, *tuple(real)[6:10]))

    def no_chown(*_args):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    real_stat = os.stat
    monkeypatch.setattr(os, "stat", lambda p, **kw: fake if Path(p) == path
                        else real_stat(p, **kw))
    monkeypatch.setattr(os, "fchown", no_chown)
    with pytest.raises(OSError, match="cannot keep"):
        write_text(path, "new")
    assert path.read_text() == "old"
    assert _only(tmp_path) == ["theirs.csv"]


def test_read_only_file_is_refused_even_for_root(tmp_path):
    path = tmp_path / "ro.csv"
    path.write_text("old")
    path.chmod(0o444)
    with pytest.raises(PermissionError, match="read-only"):
        write_text(path, "new")
    assert path.read_text() == "old"
    assert _only(tmp_path) == ["ro.csv"]


def test_hard_linked_file_is_refused_and_both_names_keep_their_contents(tmp_path):
    path, other = tmp_path / "hard.csv", tmp_path / "hard2.csv"
    path.write_text("old")
    os.link(path, other)
    with pytest.raises(OSError, match="2 hard links") as info:
        write_text(path, "new")
    assert info.value.errno == errno.EMLINK
    assert path.read_text() == other.read_text() == "old"
    assert path.stat().st_ino == other.stat().st_ino


def test_symlink_is_written_through_to_its_target(tmp_path):
    real = tmp_path / "sub" / "real.csv"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert _only(real.parent) == ["real.csv"]  # the temporary file went beside the target


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "target.csv")
    write_text(link, "new")
    assert link.is_symlink()
    assert (tmp_path / "target.csv").read_text() == "new"


def test_symlink_loop_is_an_error(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(OSError, match="symbolic links") as info:
        write_text(tmp_path / "a", "x")
    assert info.value.errno == errno.ELOOP


def test_directory_is_refused(tmp_path):
    with pytest.raises(IsADirectoryError):
        write_text(tmp_path, "x")


def test_fifo_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_text(fifo, "through the pipe")
    reader.join(10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def _full_device(tmp_path: Path) -> Path:
    """A /dev/full of our own when root (so a broken writer replaces only that)."""
    if os.geteuid() != 0:
        return Path("/dev/full")
    device = tmp_path / "myfull"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    return device


def test_full_device_reports_no_space_and_stays_a_device(tmp_path):
    device = _full_device(tmp_path)
    with pytest.raises(OSError, match="No space left on device") as info:
        write_text(device, "a,b\n")
    assert info.value.errno == errno.ENOSPC
    assert stat.S_ISCHR(device.lstat().st_mode)


def test_dash_is_stdout_only_when_asked(tmp_path, capfd, monkeypatch):
    write_text("-", "to stdout\n", dash_is_stdout=True)
    assert capfd.readouterr().out == "to stdout\n"
    monkeypatch.chdir(tmp_path)
    write_text("-", "a file named -")
    assert (tmp_path / "-").read_text() == "a file named -"


def test_dev_stdout_is_written_directly(capfd):
    write_text("/dev/stdout", "via /dev/stdout\n")
    assert capfd.readouterr().out == "via /dev/stdout\n"


def test_temporary_files_are_created_exclusively_without_following_links(tmp_path, monkeypatch):
    flags_seen = []
    real_open = os.open

    def spy(path, flags, *args, **kwargs):
        if str(path).endswith(".tmp"):
            flags_seen.append((Path(path).name, flags))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    write_text(tmp_path / "x.csv", "1")
    write_text(tmp_path / "x.csv", "2")
    (first, f1), (second, _f2) = flags_seen
    assert f1 & os.O_EXCL
    assert f1 & os.O_NOFOLLOW
    assert f1 & os.O_CREAT
    assert first != second
    assert first.startswith(".x.csv.")
    assert len(first) > len(".x.csv..tmp") + 12


def test_stale_temporary_files_of_a_killed_writer_are_removed_by_the_next_write(tmp_path):
    path = tmp_path / "p.certroute.json"
    path.write_text("old")
    stale = tmp_path / ".p.certroute.json.ab12cd34.tmp"  # named as earlier versions did
    stale.write_text("half a save")
    young = tmp_path / ".p.certroute.json.0123456789abcdef.tmp"
    young.write_text("a save under way")
    held = tmp_path / ".p.certroute.json.fedcba9876543210.tmp"
    held.write_text("a live writer's")
    unrelated = tmp_path / ".other.json.ab12cd34.tmp"
    unrelated.write_text("not ours to judge here")
    old = time.time() - 3600
    for p in (stale, held, unrelated):
        os.utime(p, (old, old))
    fd = os.open(held, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        write_text(path, "new")
        assert _only(tmp_path) == sorted([path.name, young.name, held.name, unrelated.name])
        # The recovery folder's sweep takes any file's leftovers; never a young or held one.
        assert remove_stale_temp_files(tmp_path) == [unrelated]
        assert _only(tmp_path) == sorted([path.name, young.name, held.name])
    finally:
        os.close(fd)


def test_sigkill_mid_write_never_loses_the_old_file(tmp_path):
    """Kill a process in the middle of 4 MB writes, 8 times: always the old or the new file."""
    path = tmp_path / "p.json"
    old = b"o" * 4_000_000
    path.write_bytes(old)
    script = textwrap.dedent(f"""
        import sys
        from models.file_write import write_file
        data = b"n" * 4_000_000
        print("ready", flush=True)
        while True:
            write_file({str(path)!r}, data)
    """)
    for trial in range(8):
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT)},
                                stdout=subprocess.PIPE)
        assert proc.stdout is not None
        assert proc.stdout.readline() == b"ready\n"
        time.sleep(0.05 + 0.03 * trial)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        assert path.read_bytes() in (old, b"n" * 4_000_000)


def test_write_errors_leave_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "x.csv"
    path.write_text("old")

    def disk_full(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_file(path, b"new")
    assert _only(tmp_path) == ["x.csv"]
    assert path.read_text() == "old"
    assert file_write.STALE_AFTER_S > 0


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists()
                    or not Path("/usr/bin/python3").exists(),
                    reason="needs root, setpriv and a system Python to run as another user")
def test_dev_stdout_works_for_a_user_who_cannot_reopen_the_pipe():
    """`setpriv --reuid=65534 certroute export --csv /dev/stdout | …`: the pipe belongs to root,
    so reopening /dev/stdout is "Permission denied"; the open descriptor is used instead."""
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="certroute-fw-"))
    try:
        folder.chmod(0o755)
        shutil.copy(file_write.__file__, folder / "fw.py")
        (folder / "fw.py").chmod(0o644)
        code = (f"import sys; sys.path.insert(0, {str(folder)!r}); from fw import write_text; "
                "write_text('/dev/stdout', 'as nobody\\n')")
        # The system Python: the module needs only the standard library, and the virtualenv
        # may not be readable by another user.
        done = subprocess.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                               "--clear-groups", "/usr/bin/python3", "-I", "-c", code],
                              capture_output=True, text=True, cwd="/")
        assert done.returncode == 0, done.stderr
        assert done.stdout == "as nobody\n"
    finally:
        shutil.rmtree(folder)


def test_a_read_only_file_system_is_named_as_such(tmp_path, monkeypatch):
    path = tmp_path / "x.csv"
    path.write_text("old")
    real = os.statvfs(tmp_path)

    class ReadOnly:
        f_flag = real.f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", lambda _p: ReadOnly())
    with pytest.raises(OSError, match="Read-only file system") as info:
        write_text(path, "new")
    assert info.value.errno == errno.EROFS
    assert path.read_text() == "old"
