"""Limits on what an import reads: the .xlsx archive is checked before any parser sees it.

A hostile workbook (a zip bomb, a 1 GB shared string, a cell at XFD1048576 that makes a reader
allocate the whole grid) is refused with one line before python-calamine parses it, so an
import takes a bounded time and memory (docs/reliability.md gives the figures).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

# Rows, columns and characters per cell, for CSV and workbooks alike. 32,767 is Excel's own
# limit on the characters in a cell.
MAX_ROWS = 1_000_000
MAX_COLUMNS = 64
MAX_CELL_CHARS = 32_767
# A CSV line, read before the csv module splits it: a line of a billion commas would otherwise
# become a billion fields in memory before the column limit could be checked.
MAX_LINE_CHARS = MAX_COLUMNS * (MAX_CELL_CHARS + 3)
# Row problems kept for the report; the rest are only counted.
MAX_PROBLEMS = 1_000

# The archive: entries, uncompressed bytes per entry and in all, compression ratio. A
# 10,000-type export's largest entry (the Routing sheet) is 7.2 MB at 7:1.
MAX_ENTRIES = 1_000
MAX_ENTRY_BYTES = 80 * 1024 * 1024
MAX_TOTAL_BYTES = 160 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024  # small entries may compress better; they are cheap anyway
# Worksheets: a reader allocates (last row × last column) cells, so both are bounded by the
# cell references before parsing: columns beyond BL (64), row numbers of 6 digits or more.
MAX_SHEET_ROW = 99_999
# It starts with the literal `r="` (no `\s` before it): re then skips ahead by the literal,
# 5× faster on a 7 MB sheet. Another attribute ending in r with such a value is refused too.
_WIDE_OR_LONG = re.compile(rb'r="(?:(?:[A-Z]{3,}|[C-Z][A-Z]|B[M-Z])\d+|[A-Z]*\d{6,})"')
_CHUNK = 1024 * 1024


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):,.0f} MiB"


def check_workbook_archive(path: Path, error: type[Exception]) -> None:
    """Raise `error(one line)` unless the .xlsx at `path` is within every limit above.

    Every entry is decompressed once, in chunks: its real size and CRC are checked against the
    declared ones, so a header that lies about a size is caught too.
    """
    name = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise error(f"{name}: {len(entries):,} entries in the archive (at most "
                            f"{MAX_ENTRIES:,})")
            total = sum(e.file_size for e in entries)
            if total > MAX_TOTAL_BYTES:
                raise error(f"{name}: unpacks to {_mib(total)} (at most {_mib(MAX_TOTAL_BYTES)})")
            for entry in entries:
                _check_entry(entry, name, error)
            for entry in entries:
                _read_entry(archive, entry, name, error)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError,
            ValueError, zlib.error) as exc:
        raise error(f"{name}: not a readable .xlsx workbook ({exc})") from None
    except OSError as exc:
        raise error(f"{name}: cannot read ({exc.strerror or exc})") from None


def _check_entry(entry: zipfile.ZipInfo, name: str, error: type[Exception]) -> None:
    if entry.file_size > MAX_ENTRY_BYTES:
        raise error(f"{name}: {entry.filename} unpacks to {_mib(entry.file_size)} (at most "
                    f"{_mib(MAX_ENTRY_BYTES)} per part)")
    if (entry.file_size > RATIO_CHECKED_FROM
            and entry.file_size > MAX_RATIO * max(entry.compress_size, 1)):
        ratio = entry.file_size / max(entry.compress_size, 1)
        raise error(f"{name}: {entry.filename} is compressed {ratio:,.0f}:1 (at most "
                    f"{MAX_RATIO}:1), as a zip bomb is")


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, name: str,
                error: type[Exception]) -> None:
    """Decompress one entry (zipfile stops at the declared size and checks the CRC)."""
    is_sheet = entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml")
    tail = b""
    with archive.open(entry) as handle:
        while chunk := handle.read(_CHUNK):
            if is_sheet:
                window = tail + chunk
                if _WIDE_OR_LONG.search(window):
                    raise error(f"{name}: {entry.filename} has cells beyond column "
                                f"{MAX_COLUMNS} or row {MAX_SHEET_ROW:,}")
                tail = window[-64:]
