"""Owner-only files: the CA makes its own folders private and leaves the user's alone."""

from __future__ import annotations

import stat

from app.ca.files import make_private_dir


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
