"""CSV import of rows without an ID (issue 16: was quadratic), against the stdlib csv reader.

1,000,000 rows are imported, and 100,000 first: the time per row of the two sizes shows the
import is linear (the quadratic version took 117 s for 100,000 rows). The peer is Python's csv
reader alone reading the same file, the floor any CSV import in Python starts from.
"""

from __future__ import annotations

import csv
import functools
import resource
import tempfile
from pathlib import Path

from benchmarks.timing import median_seconds, report
from exporters.routing_import import import_csv
from exporters.routing_table import HEADERS

ROW = ["", "Internal service", "tls-internal", "private", "medium", "strong", "low", "", "",
       "no", "1200", "16", "admin-mediated", "Platform team", "", ""]


def write_matrix(path: Path, rows: int) -> None:
    """The exported header, no IDs, and `rows` copies of one row."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(ROW for _ in range(rows))


def _csv_reader_alone(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle))


def main(*, smoke: bool = False) -> None:
    small, large = (1_000, 10_000) if smoke else (100_000, 1_000_000)
    with tempfile.TemporaryDirectory() as tmp:
        per_row, against_peer = {}, {}
        for n in (small, large):
            path = Path(tmp) / f"rows_{n}.csv"
            write_matrix(path, n)
            kept: list[tuple[int, int]] = []

            def run(path: Path = path, kept: list[tuple[int, int]] = kept) -> None:
                result = import_csv(path)
                kept.append((result.rows_kept, result.problem_count))

            # Medians: three runs of the smaller size, one of the larger (about a minute);
            # the peer, cheap, three times at both sizes.
            ours = median_seconds(run, warmup=0, repeat=3 if n == small else 1)
            if set(kept) != {(n, 0)}:
                raise RuntimeError(f"import kept (rows, problems) {set(kept)} of {n} rows")
            peer = median_seconds(functools.partial(_csv_reader_alone, path), repeat=3)
            per_row[n] = ours / n
            against_peer[n] = ours / peer  # steadier than raw times on a shared machine
            report(f"CSV import of {n:,} rows without an ID", ours, "s",
                   target="linear: ≤ 1.5× the per-row time of 1/10 the rows",
                   peer=("csv.reader alone", peer))
        report(f"  per-row time, {large:,} rows / {small:,} rows",
               per_row[large] / per_row[small], "×", target="≤ 1.5 (quadratic would be 10)")
        report("  the same, each time divided by the peer's",
               against_peer[large] / against_peer[small], "×", target="≤ 1.5")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        report("  peak memory of the run", peak, "MiB")


if __name__ == "__main__":
    main()
