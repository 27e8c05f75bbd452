"""Run every benchmark module (bench_*.py), or the named ones; --smoke for a quick check."""

from __future__ import annotations

import argparse
import pkgutil
import subprocess
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="e.g. evaluate issuance (default: all)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes: check they run")
    args = parser.parse_args()
    here = Path(__file__).parent
    available = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(here)])
                       if m.name.startswith("bench_"))
    chosen = args.names or available
    unknown = set(chosen) - set(available)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; available: {available}")
    failed = []
    for name in chosen:
        print(f"== {name}{' (smoke)' if args.smoke else ''}", flush=True)
        # Each in a fresh process: a benchmark measured after others inherits their heap (the
        # 5,000-type open took 0.62 s after the edit benchmarks' windows, 0.28–0.39 s alone)
        # and their peak memory.
        code = f"from benchmarks.bench_{name} import main; main(smoke={args.smoke})"
        if subprocess.run([sys.executable, "-c", code], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"benchmarks failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
