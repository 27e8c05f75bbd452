"""The audit checkpoint: the chain's heads, appended to a file beside the ledger after every commit.

The hash chain shows an edited or a missing middle entry, but deleting the newest entries and
resetting the head kept in the ledger leaves a shorter chain that is whole (review 2026-12,
ca.md defect 3: a revocation silently undone). The checkpoint is outside the SQLite file, so
such a rollback leaves heads in it that the chain no longer has, and `verify` says so by
default, without a head noted by hand (`--expect-head`).

One line per committed transaction, `SEQ HASH`, appended with O_APPEND (concurrent writers
never interleave a line) and without fsync: the ledger's commit is what is durable, so after
a power loss the checkpoint may lag the chain, which is harmless; it can never be ahead of an
intact chain. It is not signed: someone who can rewrite both the ledger and this file can
hide a rollback from it (the CRLs already published still show it, see `CaService.verify`).
"""

from __future__ import annotations

import os
from pathlib import Path

from app.ca.files import FILE_MODE

CHECKPOINT = "audit.checkpoint"


def append(path: Path, head: str) -> None:
    """Append the head `seq:hash` as a line `SEQ HASH` (owner-only, never through a link)."""
    seq, digest = head.split(":")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, FILE_MODE)
    try:
        os.write(fd, f"{seq} {digest}\n".encode("ascii"))
    finally:
        os.close(fd)


def create(path: Path, head: str | None) -> None:
    """Start the checkpoint (exclusively) with the chain's current head, if it has one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, FILE_MODE)
    os.close(fd)
    if head is not None and not head.startswith("0:"):
        append(path, head)


def problems(path: Path, chain: dict[int, str], *, required: bool) -> list[str]:
    """Every way the checkpoint disagrees with the chain (`seq -> hash` of every entry).

    A head the chain no longer reaches means entries were deleted from its end; a head whose
    entry has another hash means the chain was rewritten from there on.
    """
    return Reader(path).problems(chain, required=required)


class Reader:
    """`problems`, reading only the lines appended since the last call: the Issue tab asks
    after every action, and a 10,000-entry checkpoint is 700 kB. The chain it is held against
    may only have grown meanwhile (`app.ca.audited_view` verifies in full otherwise); a file
    that shrank or was replaced is read again from its start."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._restart()

    def _restart(self) -> None:
        self._offset = 0
        self._lines = 0
        self._inode: int | None = None
        self._found: list[str] = []
        self._ahead: dict[int, str] = {}  # seq -> hash of heads the chain had not reached

    def problems(self, chain: dict[int, str], *, required: bool) -> list[str]:
        path = self.path
        if path.is_symlink():
            return [f"the audit checkpoint {path.name} was replaced by a symbolic link"]
        try:
            with path.open("rb") as file:
                status = os.fstat(file.fileno())
                if status.st_ino != self._inode or status.st_size < self._offset:
                    self._restart()
                    self._inode = status.st_ino
                file.seek(self._offset)
                data = file.read()
        except FileNotFoundError:
            self._restart()
            return [f"the audit checkpoint {path.name} is missing (deleted): entries removed "
                    "from the end of the chain could not be detected"] if required else []
        except OSError as exc:
            return [f"the audit checkpoint {path.name} cannot be read ({exc.strerror})"]
        complete = data.rfind(b"\n") + 1  # a line being appended is read next time
        self._offset += complete
        last = max(chain, default=0)
        pending, self._ahead = self._ahead, {}
        for seq, digest in pending.items():
            self._check(seq, digest, chain, last)
        for line in data[:complete].decode("ascii", "replace").splitlines():
            self._lines += 1
            parts = line.split()
            if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
                self._found.append(f"the audit checkpoint {path.name} line {self._lines} is "
                                   "not a head (edited)")
                continue
            self._check(int(parts[0]), parts[1], chain, last)
        if not self._ahead:
            return list(self._found)
        ahead = max(self._ahead)
        return [f"audit entries {last + 1}–{ahead} are missing: the checkpoint {path.name} "
                f"recorded entry {ahead}, the chain ends at {last} (the newest entries were "
                "deleted)", *self._found]

    def _check(self, seq: int, digest: str, chain: dict[int, str], last: int) -> None:
        if seq > last:
            self._ahead[seq] = digest
        elif seq in chain and chain[seq] != digest:
            self._found.append(f"audit entry {seq} is not the one the checkpoint recorded: "
                               "the chain was rewritten from there on (rolled back)")
