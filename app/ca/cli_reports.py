"""The reporting verbs of `certroute ca`: list (requests, certificates, renewals, audit), verify.

Cheap to import: the CA service loads inside the command functions.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from app.ca.cli_shared import names_text, open_ca, pin_json, print_json, san_split
from app.cli import CliError

LISTED = ("requests", "certificates", "renewals", "audit")
UNVERIFIED = ("  ! the ledger fails verification (certroute ca verify lists why): revocations "
              "are shown as the audit log records them")


def cmd_list(args: argparse.Namespace) -> int:
    from app.ca.records import RequestState

    service = open_ca(args)
    state = None
    if args.state:
        try:
            state = RequestState(args.state)
        except ValueError:
            raise CliError(f"unknown state {args.state!r} (one of: "
                           f"{', '.join(s.value for s in RequestState)})") from None
    shown = {k for k in LISTED if getattr(args, k)}
    shown = shown or {"requests", "certificates", "renewals"}
    data: dict[str, Any] = {}
    if "requests" in shown:
        data["requests"] = [r.to_json() for r in service.ledger.requests(state)]
    if "certificates" in shown:
        data["certificates"] = [_listed(c.to_json()) for c in service.ledger.certificates()]
    if "renewals" in shown:
        data["renewals"] = [n.to_json() for n in service.renewals(within_days=args.within)]
    if "audit" in shown:
        data["audit"] = [e.to_json() for e in service.ledger.audit()]
    if args.json:
        print_json(data)
    else:
        _print_list(data)
    return 0


def _listed(cert: dict[str, Any]) -> dict[str, Any]:
    """A certificate as `ca list` shows it: no PEM, its SANs split into DNS names and emails."""
    dns, emails = san_split(cert["pem"])
    return {**{k: v for k, v in cert.items() if k != "pem"}, "dns_names": dns,
            "email_addresses": emails}


def _print_list(data: dict[str, list[dict[str, Any]]]) -> None:
    lines: dict[str, Callable[[dict[str, Any]], str]] = {
        "requests": lambda r: f"  #{r['id']:<4} {r['state']:<12} {r['type_id']:<16} "
        f"{r['requester']:<14} {r['waiting_for'] or r['closed_reason']}",
        "certificates": lambda c: f"  {c['serial']}  {c['workflow']:<14} "
        f"{c['type_id']:<16} until {c['not_after'][:10]}"
        f"{'  REVOKED' if c['revoked_at'] else ''}"
        f"{'  [row fails verification]' if c['row_problem'] else ''}  "
        f"{names_text(c['dns_names'], c['email_addresses'])}",
        "renewals": lambda n: f"  {n['due_at'][:10]}  {n['status']:<8} {n['kind']:<8} "
        f"{n['days_before']:>3} d before {n['not_after'][:10]}  {n['subject']}",
        "audit": lambda e: f"  {e['seq']:>5}  {e['at']}  {e['actor']:<14} {e['action']:<20} "
        f"{e['subject']}",
    }
    for section, rows in data.items():
        print(f"{section.capitalize()} ({len(rows)})")
        if section == "certificates" and not all(c["ledger_verified"] for c in rows):
            print(UNVERIFIED)
        for row in rows:
            print(lines[section](row))


def cmd_verify(args: argparse.Namespace) -> int:
    from app.ca.provenance import pinned

    service = open_ca(args)
    report = service.verify(expect_head=args.expect_head)
    pin = pin_json(pinned(service.ledger))
    if args.json:
        print_json({"ok": report.ok, "entries": report.entries, "head": report.head,
                    "problems": list(report.problems), "project": pin})
    elif report.ok:
        print(f"Audit chain intact: {report.entries} entries, head {report.head}")
        print("Pinned to project " + (f"{pin['label']} (digest {pin['digest']})" if pin
                                      else "— none: any project may issue (ca pin-project)"))
    if not report.ok:
        raise CliError(f"ledger verification failed: {'; '.join(report.problems)}")
    return 0
