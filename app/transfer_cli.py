"""`certroute export` and `certroute import`: the exports of SPEC.md §4 from the command line.

Cheap to import (app.cli loads it for every command): the exporters, xlsxwriter and
python-calamine are imported inside the commands.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.evaluation import Evaluation
    from models.project import Project


def register(subparsers: Any) -> None:
    """Add the `export` and `import` sub-commands to `certroute`."""
    export = subparsers.add_parser(
        "export", help="write the workbook, the matrix as CSV/Markdown, JSON, policy as code")
    export.add_argument("file", nargs="?", metavar="FILE")
    export.add_argument("--xlsx", metavar="OUT", help="the Excel workbook (WORKBOOK.md); "
                        "OUT may be - for standard output, here and below")
    export.add_argument("--csv", metavar="OUT", help="the routing matrix as CSV")
    export.add_argument("--md", metavar="OUT", help="the routing matrix as Markdown")
    export.add_argument("--json", metavar="OUT", help="the project and its evaluation")
    export.add_argument("--policy", metavar="DIR",
                        help="cert-manager, Vault and step-ca policy for the combined types")
    export.set_defaults(func=_cmd_export)

    imp = subparsers.add_parser(
        "import", help="bring an edited Routing sheet (.xlsx) or matrix (.csv) back")
    imp.add_argument("source", metavar="WORKBOOK|CSV")
    imp.add_argument("-o", "--output", metavar="PROJECT", required=True,
                     help="the project file to write (- for standard output); an existing "
                          "project is never replaced by one holding less unless --base or "
                          "--replace is given")
    imp.add_argument("--base", metavar="PROJECT",
                     help="the project the matrix came from: keeps what the sheet does not "
                          "carry (workflow designs, overrides, profiles) for matching IDs")
    imp.add_argument("--replace", action="store_true",
                     help="replace an existing PROJECT even with what drops some of its "
                          "content (listed)")
    imp.set_defaults(func=_cmd_import)


def _cmd_export(args: argparse.Namespace) -> int:
    from app.cli import CliError, open_project
    from models.evaluation import evaluate

    outputs = [args.xlsx, args.csv, args.md, args.json, args.policy]
    if not any(outputs):
        raise CliError("export: name at least one output (--xlsx, --csv, --md, --json, "
                       "--policy)")
    if outputs.count("-") > 1:
        raise CliError("export: only one output can be - (standard output)")
    if args.policy == "-":
        raise CliError("export: --policy names a folder; it cannot be - (standard output)")
    project = open_project(args.file)
    evaluation = evaluate(project)
    for path, write in ((args.xlsx, _write_workbook), (args.csv, _csv), (args.md, _markdown),
                        (args.json, _json), (args.policy, _policy)):
        if not path:
            continue
        try:
            write(project, evaluation, path)
        except OSError as exc:
            raise CliError(f"export: cannot write {path}: {exc.strerror or exc}") from None
    # With the data on standard output, the confirmations go to standard error.
    report = sys.stderr if "-" in outputs else sys.stdout
    for path in filter(None, outputs):
        print(f"wrote {'standard output' if path == '-' else path}", file=report)
    return 0


def _write_workbook(project: Project, evaluation: Evaluation, path: str) -> None:
    from exporters.workbook import write_workbook

    write_workbook(project, evaluation, path, dash_is_stdout=True)


def _csv(project: Project, evaluation: Evaluation, path: str) -> None:
    from exporters.text_export import routing_csv, write_text

    write_text(path, routing_csv(project, evaluation), dash_is_stdout=True)


def _markdown(project: Project, evaluation: Evaluation, path: str) -> None:
    from exporters.text_export import routing_markdown, write_text

    write_text(path, routing_markdown(project, evaluation), dash_is_stdout=True)


def _json(project: Project, evaluation: Evaluation, path: str) -> None:
    from exporters.text_export import project_json, write_text

    write_text(path, project_json(project, evaluation), dash_is_stdout=True)


def _policy(project: Project, evaluation: Evaluation, path: str) -> None:
    from exporters.policy.export import write_policy

    write_policy(project, evaluation, path)


def _existing_project(path: str, replace: bool) -> Project | None:
    """The project already at `path` (a regular file), None if there is none.

    Raises:
        CliError: the file is there but not a readable project, and `replace` is not given.
    """
    from app.cli import CliError
    from models.project_file import ProjectFileError, load_project

    if path == "-" or not os.path.isfile(path):
        return None
    try:
        return load_project(path)
    except ProjectFileError as exc:
        if replace:
            return None
        raise CliError(f"import: not replacing {path}: it is not a readable Certroute project "
                       f"({exc}); give --replace to overwrite it") from None


def _cmd_import(args: argparse.Namespace) -> int:
    from app.cli import CliError, open_project
    from exporters.carry_over import not_carried_over
    from exporters.routing_import import RoutingImportError, import_file
    from models.project_file import save_project

    existing = _existing_project(args.output, args.replace)
    base = open_project(args.base) if args.base else None
    try:
        result = import_file(args.source, base=base)
    except RoutingImportError as exc:
        raise CliError(str(exc)) from None
    lost = not_carried_over(existing, result.project,
                            settings_carried=result.carries_settings) if existing else []
    if lost and not (args.base or args.replace):
        # The way out first: a long list of losses may be cut at the end of the line.
        raise CliError(f"import: not replacing {args.output} (give --base {args.output} to "
                       "keep what the matrix does not carry, or --replace to replace it "
                       f"anyway): the import would drop {'; '.join(lost)}")
    try:
        save_project(result.project, args.output, dash_is_stdout=True)
    except OSError as exc:
        raise CliError(f"import: cannot write {args.output}: {exc.strerror or exc}") from None
    report = sys.stderr if args.output == "-" else sys.stdout
    for problem in result.problems:
        print(f"certroute: {args.source}: {problem}", file=sys.stderr)
    if result.more_problems:
        print(f"certroute: {args.source}: … and {result.more_problems:,} more problem(s)",
              file=sys.stderr)
    where = "standard output" if args.output == "-" else args.output
    print(f"imported {result.rows_kept} of {result.rows_read} row(s) into {where}", file=report)
    if result.unchanged:
        print(f"kept the previous version of {len(result.unchanged)} type(s) with bad rows: "
              f"{', '.join(result.unchanged)}", file=report)
    if lost:
        print(f"not carried over from the previous {args.output}: {'; '.join(lost)}",
              file=report)
    # The good rows are saved either way; a non-zero status tells scripts some were not.
    return 1 if result.problems else 0
