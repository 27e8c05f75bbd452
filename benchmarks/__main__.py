"""Run every benchmark module (bench_*.py), or the named ones; --smoke for a quick check."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
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
    for name in chosen:
        print(f"== {name}{' (smoke)' if args.smoke else ''}", flush=True)
        importlib.import_module(f"benchmarks.bench_{name}").main(smoke=args.smoke)
    return 0


if __name__ == "__main__":
    sys.exit(main())
