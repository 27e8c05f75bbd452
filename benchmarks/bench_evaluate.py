"""evaluate() of 100,000 types (target ≤ 1 s), against routing the same types one by one."""

from __future__ import annotations

import datetime as dt
import itertools

from benchmarks.timing import median_seconds, report
from models.certificate import CertificateType, TypeId
from models.enums import BlastRadius, CaKind, Identity, Purpose, Validity
from models.evaluation import evaluate
from models.project import Project
from models.project_file import load_example


def synthetic_project(n: int) -> Project:
    """`n` types cycling through every combination of the routing fields."""
    combos = itertools.cycle(itertools.product(Purpose, CaKind, Validity, Identity, BlastRadius))
    types = tuple(
        CertificateType(id=TypeId(f"t{i}"), name=f"Type {i}", purpose=p, ca=c, validity=v,
                        identity=idn, blast_radius=b, annual_volume=i % 500,
                        integration_hours=float(i % 3000))
        for i, (p, c, v, idn, b) in zip(range(n), combos, strict=False)
    )
    return load_example().model_copy(update={"types": types})


def main(*, smoke: bool = False) -> None:
    n = 1_000 if smoke else 100_000
    project = synthetic_project(n)
    today = dt.date(2026, 11, 26)
    seconds = median_seconds(lambda: evaluate(project, today=today), repeat=3 if smoke else 5)
    report(f"evaluate() of {n:,} types", seconds, "s", target="≤ 1 s for 100,000")
    report("  per type", seconds / n * 1e6, "µs")


if __name__ == "__main__":
    main()
