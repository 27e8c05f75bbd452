"""Before/after for the discover benchmark: two source trees timed alternately in one run.

`python -m benchmarks.discover_ab BEFORE_TREE AFTER_TREE [ROUNDS]` runs each tree's
`scan` + `propose` on the cached 100,000-certificate estate of `bench_discover` (PEM folder,
then the CSV), in a fresh process per measurement, alternating trees, and prints wall and CPU
time with the load average beside them. A tree is a checkout, e.g. one made with
`git archive COMMIT | tar -x -C DIR`. Build the estate first with `python -m benchmarks
discover`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ESTATE = Path(tempfile.gettempdir()) / "certroute-bench-discover-100000"
_ONE = """
import datetime as dt, json, os, sys, time
from pathlib import Path
from app.discovery.scan import Sources, scan
from app.discovery.trust import TrustStore
from models.discovery import propose
estate = Path(sys.argv[1])
store = TrustStore.mozilla()
out = {}
for kind, sources in (("pem", Sources(paths=[estate / "pem"])),
                      ("csv", Sources(csv=estate / "inventory.csv"))):
    start, cpu = time.perf_counter(), time.process_time()
    result = scan(sources, store=store)
    propose(result.certificates, today=dt.date(2026, 12, 2))
    out[kind] = (time.perf_counter() - start, time.process_time() - cpu,
                 len(result.certificates), os.getloadavg()[0])
    del result
print(json.dumps(out))
"""


def measure(tree: Path) -> dict[str, list[float]]:
    """One fresh process over `tree`: (wall s, CPU s, certificates, 1-min load) per source."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", _ONE, str(ESTATE)], cwd=tree, env=env,
                          check=True, capture_output=True, text=True)
    result: dict[str, list[float]] = json.loads(done.stdout)
    return result


def main() -> None:
    before, after = Path(sys.argv[1]), Path(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    if not (ESTATE / "done").exists():
        sys.exit(f"no estate in {ESTATE}: run `python -m benchmarks discover` first")
    for n in range(rounds):
        for label, tree in (("before", before), ("after", after)):
            got = measure(tree)
            print(f"round {n + 1} {label:>6}: " + "; ".join(
                f"{kind} {wall:.1f} s wall, {cpu:.1f} s CPU ({int(count):,} certificates, "
                f"load {load:.1f})" for kind, (wall, cpu, count, load) in got.items()),
                flush=True)


if __name__ == "__main__":
    main()
