"""The `certroute` command line (argparse); imports the GUI lazily, only for gui/screenshot."""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import importlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from models import display
from models.cost import (
    INPUT_KEYS,
    SCALE_PRESETS,
    CostInputs,
    MigrationShareSource,
    Scale,
    TicketsSource,
)
from models.evaluation import Evaluation, evaluate
from models.excerpt import bounded, printable
from models.project import Project
from models.project_file import (
    ProjectFileError,
    describe_validation_error,
    load_example,
    load_project,
)

# Modules that add their own sub-commands with `register(subparsers)`; each stays cheap to import.
PLUGIN_MODULES: tuple[str, ...] = ("app.ca.cli", "app.transfer_cli", "app.discovery.cli",
                                   "app.timeline_cli")


class CliError(Exception):
    """A bad argument or input: printed as one line, exit status 2."""


def one_line(text: str) -> str:
    """Escape control characters (a newline in a file name, say) and cut an over-long message,
    so an error stays one short line."""
    return bounded("".join(c if c.isprintable() else repr(c)[1:-1] for c in text))


def open_project(path: str | None) -> Project:
    """The project at `path`, or the built-in example when no path is given."""
    if path is None:
        return load_example()
    try:
        return load_project(path)
    except ProjectFileError as exc:
        raise CliError(str(exc)) from None


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


# --- route ---------------------------------------------------------------------------------

def route_rows(project: Project, evaluation: Evaluation) -> list[dict[str, Any]]:
    """The documented `route --json` objects, one per type in inventory order."""
    return [
        {
            "id": t.id,
            "name": t.name,
            "purpose": t.purpose.value,
            "ca": t.ca.value,
            "validity": t.validity.value,
            "identity": t.identity.value,
            "blast_radius": t.blast_radius.value,
            "workflow": d.workflow.value,
            "reason": d.reason.value,
            "label": d.label,
            "rule": d.rule,
            "overridden": d.overridden,
            "rationale": d.rationale,
            "note": d.note,
            "controls": list(d.controls),
            "exceptions": list(d.exceptions),
            "max_validity_days": limit.days,
            "evaluated_validity": c.value,
            "validity_limited_by": limit.kind.value,
        }
        for t, d, limit, c in zip(project.types, evaluation.decisions, evaluation.limits,
                                  evaluation.validity_classes, strict=True)
    ]


def as_of_date(text: str) -> dt.date:
    """argparse type of `--as-of`: an ISO date, else one clear line (exit 2)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def dated(project: Project, as_of: dt.date | None) -> Project:
    """The project evaluated on `--as-of` instead of its own as-of date."""
    return project if as_of is None else project.model_copy(update={"as_of": as_of})


def _cmd_route(args: argparse.Namespace) -> int:
    project = dated(open_project(args.file), args.as_of)
    evaluation = evaluate(project)
    if args.json:
        print_json(route_rows(project, evaluation))
        return 0

    def show(text: str) -> None:
        # Free text (a justification) never spans or forges lines, nor sends a terminal escape.
        print(printable(text))

    show(f"Routing policy for {project.organisation.name}")
    show(evaluation.summary)
    show(f"Public rules as of {project.as_of.isoformat()}")
    rows = zip(project.types, evaluation.decisions, evaluation.limits,
               evaluation.validity_classes, strict=True)
    for n, (t, d, limit, c) in enumerate(rows, 1):
        print()
        show(f"{n}. {t.name} — {d.workflow.value}")
        show(f"   {d.label}")
        show(f"   {display.describe(t)}")
        evaluated = "" if c is t.validity else f"; evaluated as {c.value}"
        show(f"   Maximum validity {limit.days} days: {limit.reason}{evaluated}")
        show(f"   {d.rationale}")
        if d.note:
            show(f"   Note: {d.note}")
        for exception in d.exceptions:
            show(f"   Exception: {exception}")
    return 0


# --- cost ----------------------------------------------------------------------------------

def parse_assignment(text: str) -> tuple[str, float]:
    """`KEY=VALUE` for a cost input; unknown keys and bad numbers name themselves."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep:
        raise CliError(f"--set {text!r}: expected KEY=VALUE")
    if key not in INPUT_KEYS:
        raise CliError(f"--set: unknown cost input {key!r} (known: {', '.join(INPUT_KEYS)})")
    try:
        number = float(value.replace(",", "").replace("_", ""))
    except ValueError:
        raise CliError(f"--set {key}: {value!r} is not a number") from None
    return key, number


def cost_inputs(base: CostInputs, assignments: Sequence[str]) -> CostInputs:
    """`base` with the `--set` assignments applied and validated."""
    values = base.model_dump()
    for text in assignments:
        key, number = parse_assignment(text)
        values[key] = number
    try:
        return CostInputs.model_validate(values)
    except ValidationError as exc:
        raise CliError(f"--set {describe_validation_error(exc)}") from None


def cost_json(project: Project, evaluation: Evaluation) -> dict[str, Any]:
    """Every input and output of COST-MODEL.md under its own key, plus the displayed texts."""
    c = evaluation.costs
    return {
        "scale": project.cost.scale.value if project.cost.scale else None,
        **project.cost.inputs.model_dump(),
        "tickets_per_year": evaluation.tickets.value,  # the count used: input or inventory
        "tickets_source": evaluation.tickets.source.value,
        "migration_share_source": evaluation.migration.source.value,
        "design_migration_share": evaluation.migration.design_value,
        **c.as_dict(),
        "currency": project.currency.model_dump(),
        "display": cost_display(project, evaluation),
    }


def cost_display(project: Project, evaluation: Evaluation) -> dict[str, str]:
    """The article's rounded figures."""
    c = evaluation.costs
    cur = project.currency
    return {
        "base_hours": display.hours(project.cost.inputs.base_hours),
        "rework_hours": display.hours(c.rework_hours),
        "reopen_hours": display.hours(c.reopen_hours),
        "ticket_hours": display.hours(c.ticket_hours),
        "hidden_of_base": display.percent(c.hidden_of_base),
        "analyst_cost": display.money(c.analyst_cost, cur),
        "hidden_cost": display.money(c.hidden_cost, cur),
        "blocked_cost": display.money(c.blocked_cost, cur),
        "total_cost": display.money(c.total_cost, cur),
        "hidden_share": display.percent(c.hidden_share),
        "migration_share": display.percent(c.migration_share),
        "projected_cost": display.money(c.projected_cost, cur),
        "annual_savings": display.money(c.annual_savings, cur),
        "payback_months": display.months(c.payback_months),
    }


def _cmd_cost(args: argparse.Namespace) -> int:
    project = open_project(args.file)
    settings = project.cost
    inputs = settings.inputs
    if args.scale:
        inputs = SCALE_PRESETS[Scale(args.scale)]
        settings = settings.model_copy(update={"scale": Scale(args.scale)})
    inputs = cost_inputs(inputs, args.set or [])
    if args.migration_source:
        settings = settings.model_copy(
            update={"migration_share_source": MigrationShareSource(args.migration_source)}
        )
    if args.tickets_source:
        settings = settings.model_copy(
            update={"tickets_source": TicketsSource(args.tickets_source)})
    project = project.model_copy(update={"cost": settings.model_copy(update={"inputs": inputs})})
    evaluation = evaluate(project)
    if args.json:
        print_json(cost_json(project, evaluation))
        return 0
    shown = cost_display(project, evaluation)
    scale = f"{project.cost.scale.value.capitalize()} scale" if project.cost.scale else "Custom"
    print(f"Cost analysis for {project.organisation.name} ({project.currency.label})")
    print(f"{scale} — hidden rework cost")
    print()
    print("Time per ticket")
    print(f"  Base time (approval + fulfilment)  {shown['base_hours']} hours")
    print(f"  Hidden — rework                    {shown['rework_hours']} hours")
    print(f"  Hidden — reopens                   {shown['reopen_hours']} hours")
    print(f"  Total effective time per ticket: {shown['ticket_hours']} hours. Hidden time "
          f"(rework + reopens) is {shown['hidden_of_base']} of base time.")
    print()
    print("Annual cost")
    print(f"  Analyst time (visible)       {shown['analyst_cost']}")
    print(f"  Hidden — rework + reopens    {shown['hidden_cost']}")
    print(f"  Blocked services             {shown['blocked_cost']}")
    print(f"  Total annual cost            {shown['total_cost']}")
    print(f"  Hidden costs account for {shown['hidden_share']} of total.")
    print()
    print("Migration projection")
    print(f"  If approximately {shown['migration_share']} of admin-mediated volume migrates to "
          f"combined workflow ({evaluation.migration.explanation}):")
    print(f"  Projected annual cost        {shown['projected_cost']}")
    print(f"  Annual savings               {shown['annual_savings']}")
    print(f"  Payback period               {shown['payback_months']}")
    print("  Estimated migration cost: "
          f"{display.money(project.cost.inputs.migration_cost, project.currency)}.")
    return 0


# --- gui -----------------------------------------------------------------------------------

def _cmd_gui(args: argparse.Namespace) -> int:
    from app.loading import loading
    from app.startup_check import problem

    # Read once, before the display check (a bad file is its own one-line error, display or
    # not), with the GC paused and the document frozen as every open does (app.loading).
    with loading():
        project = open_project(args.file)
    reason = problem()  # before Qt, which would abort with a message naming one library
    if reason:
        raise CliError(reason)
    from app.gui.application import run  # lazy: Qt only when a window is wanted

    return run(project, Path(args.file) if args.file else None)


def _cmd_screenshot(args: argparse.Namespace) -> int:
    from app.gui.application import screenshot

    return screenshot(args.out, file=args.file, tab=args.tab, width=args.width,
                      height=args.height, presentation=args.presentation)


def _cmd_report(args: argparse.Namespace) -> int:
    if not args.pdf and not args.html:
        raise CliError("give --pdf OUT.pdf and/or --html OUT.html")
    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise CliError(f"--as-of {args.as_of!r}: expected a date, YYYY-MM-DD") from None
    # As `route --as-of`: the report's date is also the date of the public rules it applies.
    project = dated(open_project(args.file), as_of)
    from app.gui.report.command import run_report  # lazy: Qt only for this command

    try:
        written = run_report(project, pdf=args.pdf, html=args.html, author=args.author,
                             paper=args.paper, as_of=as_of)
    except OSError as exc:
        where = exc.filename if isinstance(exc.filename, str) else "the report"
        raise CliError(f"report: cannot write {where}: {exc.strerror or exc}") from None
    print(f"wrote {written}")
    return 0


# --- parser --------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="certroute",
        description="Design certificate-issuance routing: combined vs admin-mediated workflows.",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    gui = sub.add_parser("gui", help="open the app (the built-in example without FILE)")
    gui.add_argument("file", nargs="?", metavar="FILE")
    gui.set_defaults(func=_cmd_gui)

    route = sub.add_parser("route", help="print the routing matrix")
    route.add_argument("file", nargs="?", metavar="FILE")
    route.add_argument("--json", action="store_true", help="print JSON objects")
    route.add_argument("--as-of", type=as_of_date, metavar="YYYY-MM-DD",
                       help="evaluate against the public rules of this date (default: the "
                       "project's as-of date)")
    route.set_defaults(func=_cmd_route)

    cost = sub.add_parser("cost", help="print the cost model")
    cost.add_argument("file", nargs="?", metavar="FILE")
    cost.add_argument("--scale", choices=[s.value for s in Scale], help="start from a preset")
    cost.add_argument("--set", action="append", metavar="KEY=VALUE", help="override an input")
    cost.add_argument("--migration-source", choices=[s.value for s in MigrationShareSource],
                      help="migration share from the preset input or the routing design")
    cost.add_argument("--tickets-source", choices=[s.value for s in TicketsSource],
                      help="tickets per year from the input or the inventory's as-is "
                      "admin-mediated annual volumes")
    cost.add_argument("--json", action="store_true", help="print every input and output")
    cost.set_defaults(func=_cmd_cost)

    shot = sub.add_parser("screenshot", help="render the main window to a PNG, offscreen")
    shot.add_argument("out", metavar="OUT.png")
    shot.add_argument("file", nargs="?", metavar="FILE")
    shot.add_argument("--tab", default="route", help="route, assess, cost, cliff or issue")
    shot.add_argument("--width", type=int, default=1600)
    shot.add_argument("--height", type=int, default=1000)
    shot.add_argument("--presentation", action="store_true",
                      help="presentation mode (F5) on a screen of --width × --height")
    shot.set_defaults(func=_cmd_screenshot)

    report = sub.add_parser("report", help="write the client report as PDF and/or HTML")
    report.add_argument("file", nargs="?", metavar="FILE")
    report.add_argument("--pdf", metavar="OUT.pdf", help="the report as PDF")
    report.add_argument("--html", metavar="OUT.html", help="the report as one HTML file")
    report.add_argument("--author", default="", help="the author named on the title page")
    report.add_argument("--paper", choices=("a4", "letter"),
                        help="paper size (default: from the system locale)")
    report.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help="the date the figures are as of and whose public rules "
                        "apply (default: today, with the project's as-of date for the rules)")
    report.set_defaults(func=_cmd_report)

    for name in PLUGIN_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        register: Callable[[Any], None] = module.register
        register(sub)
    return parser


def with_command(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """`certroute FILE` (how desktops and file associations open a file) is `certroute gui
    FILE`; no arguments at all open the app on the built-in example."""
    argv = list(argv)
    if not argv:
        return ["gui"]
    first = argv[0]
    commands = next((a.choices for a in parser._actions
                     if isinstance(a, argparse._SubParsersAction)), None) or {}
    if first in commands or first.startswith("-"):
        return argv
    if _names_a_file(first):
        return ["gui", *argv]
    close = difflib.get_close_matches(first, list(commands), n=1)
    parser.error(f"{first!r} is neither a command nor a file"
                 + (f": did you mean {close[0]!r}?" if close else
                    f" (commands: {', '.join(commands)})"))


def _names_a_file(word: str) -> bool:
    """A word that is a file, or reads as one (a folder in it, a suffix): a mistyped command
    is told so, not reported as a file that cannot be read."""
    return os.path.lexists(word) or os.sep in word or "." in Path(word).name


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(with_command(parser, sys.argv[1:] if argv is None else argv))
    try:
        return int(args.func(args))
    except CliError as exc:
        print(f"certroute: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
