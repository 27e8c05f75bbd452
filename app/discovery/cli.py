"""`certroute discover`: build an inventory from existing certificates and replay them."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import getpass
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.discovery.scan import ScanResult
    from models.discovery import Proposal
    from models.discovery_replay import Verdict

ENV_P12_PASSWORD = "CERTROUTE_P12_PASSWORD"


def register(subparsers: Any) -> None:
    """Add the `discover` sub-command to `certroute`."""
    cmd = subparsers.add_parser(
        "discover", help="propose certificate types from existing certificates; replay them")
    cmd.add_argument("paths", nargs="*", metavar="PATH",
                     help="certificate files or folders (PEM, DER, .p7b, .p12/.pfx)")
    cmd.add_argument("--csv", metavar="FILE", help="a CLM inventory export (CSV)")
    cmd.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                     help="map a CSV column to a field (common_name, sans, issuer, not_before, "
                          "not_after, key_algorithm, key_size, serial, owner, fingerprint, ekus)")
    cmd.add_argument("--preset", choices=("venafi", "keyfactor", "appviewx", "digicert"),
                     help="column names of a CLM tool's CSV export")
    cmd.add_argument("--crtsh", metavar="FILE.json", help="a crt.sh JSON export")
    cmd.add_argument("--endpoints", metavar="FILE", help="host:port lines to fetch live")
    cmd.add_argument("--timeout", type=float, default=5.0, help="seconds per endpoint")
    cmd.add_argument("--into", metavar="PROJECT",
                     help="add the proposals to this project (with -o)")
    cmd.add_argument("-o", "--output", metavar="OUT", help="where to save the project")
    cmd.add_argument("--replay", action="store_true",
                     help="check every certificate against its type's profile and route")
    cmd.add_argument("--verdicts", metavar="OUT.csv", help="the per-certificate verdicts (CSV)")
    cmd.add_argument("--as-of", metavar="YYYY-MM-DD", help="the date volumes are counted to")
    cmd.add_argument("--json", action="store_true", help="print JSON")
    cmd.set_defaults(func=_cmd_discover)


def _password(path: Path) -> bytes | None:
    if ENV_P12_PASSWORD in os.environ:
        return os.environ[ENV_P12_PASSWORD].encode("utf-8")
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"Password for {path}: ").encode("utf-8")
    return None


def _mapping(items: Sequence[str]) -> dict[str, str]:
    from app.cli import CliError

    mapping = {}
    for item in items:
        column, sep, fieldname = item.rpartition("=")
        if not sep or not column.strip() or not fieldname.strip():
            raise CliError(f"--map {item!r}: expected COLUMN=FIELD")
        mapping[column.strip()] = fieldname.strip()
    return mapping


def _cmd_discover(args: argparse.Namespace) -> int:
    from app.cli import CliError, one_line, open_project
    from app.discovery.scan import Sources, scan
    from exporters.text_export import write_text
    from models import discovery
    from models.discovery_replay import replay, summary
    from models.evaluation import evaluate
    from models.project_file import load_example, save_project

    if not (args.paths or args.csv or args.crtsh or args.endpoints):
        raise CliError("discover: name at least one source (PATH, --csv, --crtsh, --endpoints)")
    if bool(args.into) != bool(args.output):
        raise CliError("discover: --into PROJECT and -o OUT go together")
    if args.map and not args.csv:
        raise CliError("discover: --map applies to --csv")
    try:
        today = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        raise CliError(f"discover: --as-of {args.as_of!r} is not a date (YYYY-MM-DD)") from None
    sources = Sources(
        paths=[Path(p) for p in args.paths], csv=Path(args.csv) if args.csv else None,
        csv_map=_mapping(args.map), csv_preset=args.preset,
        crtsh=Path(args.crtsh) if args.crtsh else None,
        endpoints=Path(args.endpoints) if args.endpoints else None, timeout=args.timeout)
    result = scan(sources, password=_password)
    certs = result.certificates
    if not certs and result.problems:  # a mistyped path: an error, not an empty proposal
        more = len(result.problems) - 1
        raise CliError("discover: no certificate read: " + one_line(str(result.problems[0]))
                       + (f" (and {more} more source(s) not read)" if more else ""))
    proposals = discovery.propose(certs, today=today)
    base = open_project(args.into) if args.into else load_example().model_copy(
        update={"types": ()})
    project, ids = discovery.into_project(base, proposals)
    verdicts: tuple[Verdict, ...] = ()
    if args.replay or args.verdicts:
        mapping = {m: type_id for p, type_id in zip(proposals, ids, strict=True)
                   for m in p.members}
        verdicts = replay(certs, mapping, project, evaluate(project))
    if args.output:
        try:
            save_project(project, args.output)
        except OSError as exc:
            raise CliError(f"discover: cannot write {args.output}: "
                           f"{exc.strerror or exc}") from None
    if args.verdicts:
        try:
            write_text(args.verdicts, verdicts_csv(verdicts))
        except OSError as exc:
            raise CliError(f"discover: cannot write {args.verdicts}: "
                           f"{exc.strerror or exc}") from None
    if args.json:
        print(json.dumps(_json(result, proposals, verdicts, summary(verdicts)
                               if verdicts else None), indent=2, ensure_ascii=False))
    else:
        _print(result, proposals, summary(verdicts) if verdicts else None)
        for path in filter(None, (args.output, args.verdicts)):
            print(f"wrote {path}")
    return 0


def _print(result: ScanResult, proposals: Sequence[Proposal], replayed: str | None) -> None:
    from models.discovery import plural
    from models.excerpt import printable

    print(f"{plural(len(result.certificates), 'certificate')} "
          f"({plural(result.duplicates, 'duplicate')} counted once), "
          f"{plural(len(result.problems), 'source')} not read")
    for problem in result.problems:
        print(f"  not read: {printable(str(problem))}")
    print(f"{plural(len(proposals), 'proposed certificate type')}:")
    for proposal in proposals:
        print(f"  {printable(proposal.name)}: {printable(proposal.explanation)}")
    if replayed:
        print(f"Replay: {replayed}")


def _json(result: ScanResult, proposals: Sequence[Proposal], verdicts: Sequence[Verdict],
          replayed: str | None) -> dict[str, Any]:
    return {
        "certificates": len(result.certificates),
        "duplicates": result.duplicates,
        "problems": [{"source": p.source, "reason": p.reason} for p in result.problems],
        "proposals": [{
            "name": p.name, "purpose": p.key.purpose.value, "ca": p.key.ca.value,
            "validity": p.key.validity.value, "level": p.key.level,
            "certificates": len(p.members), "population": p.population,
            "annual_volume": p.annual_volume, "renewals": p.renewals,
            "lifetime_days": p.lifetime_days, "san_patterns": list(p.san_patterns),
            "email_patterns": list(p.email_patterns),
            "keys_seen": dict(p.keys_seen), "issuers": dict(p.issuers),
            "explanation": p.explanation, "assumptions": list(p.assumptions),
        } for p in proposals],
        "replay": None if replayed is None else {
            "summary": replayed,
            "verdicts": [_verdict_row(v) for v in verdicts],
        },
    }


VERDICT_COLUMNS = ("source", "fingerprint", "common_name", "names", "issuer", "not_after",
                   "key", "type_id", "type_name", "verdict", "workflow", "reasons")


def _verdict_row(v: Verdict) -> dict[str, str]:
    c = v.certificate
    return {
        "source": c.source, "fingerprint": c.fingerprint or "",
        "common_name": c.common_name or "", "names": " ".join(
            (*c.dns_names, *c.email_addresses)),
        "issuer": c.issuer, "not_after": c.not_after.date().isoformat() if c.not_after else "",
        "key": c.key_label, "type_id": v.type_id, "type_name": v.type_name,
        "verdict": "refused" if v.refused else "issued",
        "workflow": v.workflow.value, "reasons": "; ".join(str(x) for x in v.violations),
    }


def verdicts_csv(verdicts: Sequence[Verdict]) -> str:
    """The verdicts as CSV, with formula-looking cells neutralised for spreadsheets."""
    from exporters.text_export import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(VERDICT_COLUMNS)
    for verdict in verdicts:
        row = _verdict_row(verdict)
        writer.writerow([neutralise(row[c]) for c in VERDICT_COLUMNS])
    return out.getvalue()
