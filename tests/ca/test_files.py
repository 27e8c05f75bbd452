"""Owner-only files: the CA makes its own folders private and leaves the user's alone."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from app.ca.errors import CaError
from app.ca.files import check_target, exposure_warnings, make_private_dir, write_private


def test_new_folders_are_owner_only(tmp_path):
    folder = tmp_path / "a" / "b"
    make_private_dir(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_existing_delivery_folder_keeps_its_permissions(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o755)
    make_private_dir(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755


# --- review 2026-12 (ca.md defect 1): no fixed temporary name ----------------------------

OTHER_UID = 65534  # nobody


def test_a_planted_temporary_file_never_sees_the_key(tmp_path):
    """The review's reproduction: another user pre-creates `.privkey.pem.tmp` in a shared
    folder and keeps it open; the key must not reach that inode, nor the user own the result."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    planted = shared / ".privkey.pem.tmp"
    fd = os.open(planted, os.O_RDWR | os.O_CREAT, 0o666)
    if os.geteuid() == 0:
        os.fchown(fd, OTHER_UID, OTHER_UID)
    try:
        write_private(shared / "privkey.pem", b"-----BEGIN PRIVATE KEY-----\nsecret\n")
        os.lseek(fd, 0, os.SEEK_SET)
        assert os.read(fd, 4096) == b""
    finally:
        os.close(fd)
    delivered = (shared / "privkey.pem").stat()
    assert delivered.st_uid == os.geteuid()
    assert stat.S_IMODE(delivered.st_mode) == 0o600
    assert (shared / "privkey.pem").read_bytes().endswith(b"secret\n")
    # Nothing of ours is left behind: only the planted file besides the key.
    assert sorted(p.name for p in shared.iterdir()) == [".privkey.pem.tmp", "privkey.pem"]


def test_temporary_names_are_unpredictable(tmp_path, monkeypatch):
    seen = []
    real = os.replace

    def spy(src, dst):
        seen.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    for _ in range(3):
        write_private(tmp_path / "key.pem", b"x")
    assert len(set(seen)) == 3
    assert all(name.startswith(".key.pem.") and name != ".key.pem.tmp" for name in seen)


def test_a_link_at_the_target_is_refused_and_its_victim_untouched(tmp_path):
    victim = tmp_path / "victim"
    victim.write_bytes(b"keep me")
    (tmp_path / "privkey.pem").symlink_to(victim)
    with pytest.raises(CaError, match="symbolic link"):
        write_private(tmp_path / "privkey.pem", b"secret")
    assert victim.read_bytes() == b"keep me"
    assert (tmp_path / "privkey.pem").is_symlink()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_file_another_user_owns_is_refused(tmp_path):
    target = tmp_path / "privkey.pem"
    target.write_bytes(b"theirs")
    os.chown(target, OTHER_UID, OTHER_UID)
    with pytest.raises(CaError, match="belongs to another user"):
        write_private(target, b"secret")
    assert target.read_bytes() == b"theirs"


def test_a_folder_device_or_fifo_at_the_target_is_refused(tmp_path):
    (tmp_path / "dir").mkdir()
    os.mkfifo(tmp_path / "fifo")
    for name in ("dir", "fifo"):
        with pytest.raises(CaError, match="not a regular file"):
            write_private(tmp_path / name, b"secret")
    with pytest.raises(CaError, match="not a regular file"):
        check_target(Path("/dev/null"))


def test_loosened_permissions_are_named(tmp_path):
    folder = tmp_path / "ca"
    make_private_dir(folder)
    write_private(folder / "root.key", b"k")
    write_private(folder / "ledger.sqlite3", b"l")
    assert exposure_warnings(folder, ["root.key", "ledger.sqlite3"]) == []
    (folder / "root.key").chmod(0o644)
    folder.chmod(0o755)
    warnings = exposure_warnings(folder, ["root.key", "ledger.sqlite3"])
    assert len(warnings) == 2
    assert "mode 0755" in warnings[0]
    assert "chmod 700" in warnings[0]
    assert "root.key" in warnings[1]
    assert "mode 0644" in warnings[1]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="running as another user needs root and setpriv")
def test_the_reviews_reproduction_as_a_real_other_user():
    """ca.md defect 1 as run: uid nobody opens `.privkey.pem.tmp` in a sticky shared folder,
    waits for the delivery, then reads what its descriptor sees."""
    shared = Path(tempfile.mkdtemp(prefix="certroute-shared-"))  # pytest's tmp is 0700
    shared.chmod(0o1777)
    try:
        _attack(shared)
    finally:
        shutil.rmtree(shared)


def _attack(shared: Path) -> None:
    script = ("import os,sys,time\n"
              "fd = os.open(sys.argv[1], os.O_RDONLY | os.O_CREAT, 0o666)\n"
              "print('ready', flush=True)\n"
              "sys.stdin.readline()\n"
              "os.lseek(fd, 0, 0); sys.stdout.write(str(len(os.read(fd, 4096))))\n")
    attacker = subprocess.Popen(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
         "/usr/bin/python3" if Path("/usr/bin/python3").exists() else sys.executable,
         "-c", script, str(shared / ".privkey.pem.tmp")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert attacker.stdout is not None
    assert attacker.stdout.readline().strip() == "ready"
    write_private(shared / "privkey.pem", b"-----BEGIN PRIVATE KEY-----\nsecret\n")
    stolen, _ = attacker.communicate("go\n", timeout=30)
    assert stolen == "0"
    assert (shared / "privkey.pem").stat().st_uid == os.geteuid()
