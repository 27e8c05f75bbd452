"""`certroute timeline`: the 47-day cliff per rule date, as a table or JSON (models.cliff)."""

from __future__ import annotations

import argparse
from typing import Any

from app.cli import as_of_date, dated, open_project, print_json
from models import display
from models.cliff import Cliff, cliff_json
from models.evaluation import evaluate
from models.project import Project


def print_cliff(project: Project, cliff: Cliff) -> None:
    """The consultant's table: per date each type's cap and renewals, then the totals."""
    print(f"The 47-day cliff for {project.organisation.name}")
    names = {t.id: t.name for t in project.types}
    for date in cliff.dates:
        print()
        print(f"{date.date.isoformat()}  as-is {date.as_is_tickets:,.0f} admin-mediated "
              f"tickets/yr ({display.money(date.as_is_cost, project.currency)})  ·  designed "
              f"{date.designed_tickets:,.0f} "
              f"({display.money(date.designed_cost, project.currency)})")
        for row in date.types:
            print(f"   {names[row.type_id][:32]:<32} {row.max_validity_days:>4} d  "
                  f"{row.renewals_per_certificate:>6.2f} renewals/cert/yr  as-is "
                  f"{row.as_is_tickets:>9,.0f}  designed {row.designed_tickets:>9,.0f}")


def _cmd_timeline(args: argparse.Namespace) -> int:
    project = dated(open_project(args.file), args.as_of)
    cliff = evaluate(project).cliff
    if args.json:
        print_json(cliff_json(cliff))
    else:
        print_cliff(project, cliff)
    return 0


def register(sub: Any) -> None:
    """Add `timeline` to the `certroute` sub-commands."""
    timeline = sub.add_parser(
        "timeline", help="print the 47-day cliff: caps, renewals, tickets and cost by date")
    timeline.add_argument("file", nargs="?", metavar="FILE")
    timeline.add_argument("--as-of", type=as_of_date, metavar="YYYY-MM-DD",
                          help="start from this date (default: the project's as-of date)")
    timeline.add_argument("--json", action="store_true", help="print the dates as JSON")
    timeline.set_defaults(func=_cmd_timeline)
