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
    if path.is_symlink():
        return [f"the audit checkpoint {path.name} was replaced by a symbolic link"]
    try:
        text = path.read_bytes().decode("ascii", "replace")
    except FileNotFoundError:
        return [f"the audit checkpoint {path.name} is missing (deleted): entries removed from "
                "the end of the chain could not be detected"] if required else []
    except OSError as exc:
        return [f"the audit checkpoint {path.name} cannot be read ({exc.strerror})"]
    last = max(chain, default=0)
    found: list[str] = []
    ahead = 0
    for number, line in enumerate(text.splitlines(), 1):
        parts = line.split()
        if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
            found.append(f"the audit checkpoint {path.name} line {number} is not a head "
                         "(edited)")
            continue
        seq, digest = int(parts[0]), parts[1]
        if seq > last:
            ahead = max(ahead, seq)
        elif seq in chain and chain[seq] != digest:
            found.append(f"audit entry {seq} is not the one the checkpoint recorded: the "
                         "chain was rewritten from there on (rolled back)")
    if ahead:
        found.insert(0, f"audit entries {last + 1}–{ahead} are missing: the checkpoint "
                     f"{path.name} recorded entry {ahead}, the chain ends at {last} (the "
                     "newest entries were deleted)")
    return found
