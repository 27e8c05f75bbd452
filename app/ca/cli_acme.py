"""The ACME verbs of `certroute ca`: serve, eab add/list/revoke, orders (ACME.md).

Cheap to import: the ACME server and the CA service load inside the command functions.
"""

from __future__ import annotations

import argparse
import getpass
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.ca.cli_shared import load_project, open_ca, print_json, run
from app.cli import CliError

if TYPE_CHECKING:
    from app.ca.provenance import ProjectSource
    from app.ca.service import CaService
    from models.project import Project

BUILT_IN = "built-in example"


def pinned_project(service: CaService, path: str | None) -> tuple[Project, ProjectSource]:
    """--project FILE, else the project the CA is pinned to (its file, or the example)."""
    from app.ca.provenance import pinned

    if path:
        return load_project(path)
    pin = pinned(service.ledger) or {}
    label = str(pin.get("label") or "")
    if not pin or label.startswith(BUILT_IN):
        return load_project(None)
    if Path(label).is_file():
        return load_project(label)
    raise CliError(f"the CA is pinned to {label or 'no project'}, which is not a file here: "
                   "give --project FILE")


def cmd_serve(args: argparse.Namespace) -> int:
    from app.ca.acme.front import ServeOptions, parse_host_port, parse_resolve, serve
    from app.ca.authority import ROOT_CERT

    service = open_ca(args, unlock=True)
    project, source = pinned_project(service, args.project)
    options = ServeOptions(
        host=args.host, port=args.port, http_01_port=args.http_01_port,
        dns_resolver=run(args, lambda: parse_host_port(args.dns_resolver))
        if args.dns_resolver else None,
        resolve=run(args, lambda: parse_resolve(args.resolve or [])))
    running = run(args, lambda: serve(service, project, source, options, background=False))
    stopping = threading.Event()

    def stop(signum: int, _frame: Any) -> None:
        if not stopping.is_set():  # shutdown() must run outside the serving thread
            stopping.set()
            threading.Thread(target=running.httpd.shutdown, daemon=True).start()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    print(f"ACME directory {running.directory_url}", flush=True)
    print(f"  CA root      {service.folder / ROOT_CERT} (trust it: REQUESTS_CA_BUNDLE for "
          "certbot, LEGO_CA_CERTIFICATES for lego)", flush=True)
    print(f"  project      {source.describe()}", flush=True)
    print(f"  http-01 port {options.http_01_port}"
          + (f", dns-01 via {args.dns_resolver}" if args.dns_resolver else ""), flush=True)
    print("  Ctrl+C stops it", flush=True)
    try:
        running.serve()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        running.httpd.server_close()  # waits for the requests in flight
        running.acme.store.close()
        service.close()
    print("ACME server stopped; every change was committed", flush=True)
    return 0


def cmd_eab(args: argparse.Namespace) -> int:
    from app.ca.acme.store import AcmeStore

    service = open_ca(args)
    store = AcmeStore(service.ledger)
    actor = getattr(args, "actor", None) or getpass.getuser()
    if args.eab_command == "add":
        key = run(args, lambda: store.eab_add(args.name, actor=actor))
        if args.json:
            print_json(key.to_json(with_key=True))
        else:
            print(f"EAB key for {key.requester}")
            print(f"  key id    {key.kid}")
            print(f"  HMAC key  {key.hmac_key}")
            print(f"  certbot   --eab-kid {key.kid} --eab-hmac-key {key.hmac_key}")
        return 0
    if args.eab_command == "revoke":
        key = run(args, lambda: store.eab_revoke(args.kid, actor=actor))
        if args.json:
            print_json(key.to_json())
        else:
            print(f"EAB key {key.kid} of {key.requester} revoked; accounts bound to it stay")
        return 0
    keys = store.eab_keys()
    if args.json:
        print_json([k.to_json() for k in keys])
    elif not keys:
        print("No EAB keys (certroute ca eab add NAME)")
    for k in [] if args.json else keys:
        state = f"revoked {k.revoked_at}" if k.revoked_at else "active"
        print(f"{k.kid:<22} {k.requester:<24} created {k.created_at}  {state}")
    return 0


def cmd_orders(args: argparse.Namespace) -> int:
    from app.ca.acme.store import AcmeStore

    service = open_ca(args)
    orders = AcmeStore(service.ledger).orders()
    if args.json:
        print_json([o.to_json() for o in orders])
        return 0
    if not orders:
        print("No ACME orders")
    for o in orders:
        extra = f" request {o.request_id}" if o.request_id else ""
        extra += f" serial {o.serial}" if o.serial else ""
        extra += f" — {o.error.get('detail')}" if o.error else ""
        print(f"order {o.id:<4} {o.status:<10} {o.type_id:<16} {', '.join(o.identifiers)}"
              f"{extra}")
    return 0


def register_verbs(verbs: Any, common: Any) -> None:
    """Add serve, eab and orders to `certroute ca` (called by app.ca.cli.register)."""
    serve = verbs.add_parser(
        "serve", help="serve ACME (RFC 8555) on the CA: orders routed by the project",
        description="An ACME server on this CA: profiles are the project's certificate "
        "types, orders without one are classified by their names, combined types are issued "
        "at finalize, admin-mediated types wait in the approval queue. HTTPS with a "
        "certificate from the CA itself; the CA passphrase comes from "
        "$CERTROUTE_CA_PASSPHRASE or is asked for.")
    serve.add_argument("--ca", metavar="DIR", help="the CA folder (default: $CERTROUTE_CA_DIR)")
    serve.add_argument("--project", metavar="FILE",
                       help="project file (default: the project the CA is pinned to)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=14000, help="HTTPS port (default 14000)")
    serve.add_argument("--http-01-port", type=int, default=80, metavar="PORT",
                       help="port http-01 validation connects to (default 80)")
    serve.add_argument("--dns-resolver", metavar="HOST:PORT",
                       help="DNS server dns-01 validation asks (default: the system's)")
    serve.add_argument("--resolve", action="append", metavar="NAME=IP",
                       help="address http-01 validation uses for NAME (repeatable; NAME * is "
                       "any name)")
    serve.set_defaults(func=cmd_serve, json=False)

    eab = verbs.add_parser("eab", help="external account binding keys: one per requester")
    eab.set_defaults(func=cmd_eab, eab_command="list", ca=None, json=False)
    eab_verbs = eab.add_subparsers(dest="eab_command", metavar="ACTION")
    add = eab_verbs.add_parser("add", help="a key id and HMAC key naming a requester")
    common(add)
    add.add_argument("name", metavar="NAME", help="the requester the ACME account acts as")
    add.add_argument("--actor", metavar="NAME")
    listing = eab_verbs.add_parser("list", help="the EAB keys and whom they name")
    common(listing)
    revoke = eab_verbs.add_parser("revoke", help="no new account can bind with this key")
    common(revoke)
    revoke.add_argument("kid", metavar="KID")
    revoke.add_argument("--actor", metavar="NAME")

    orders = verbs.add_parser("orders", help="ACME orders: type, names, state")
    common(orders)
    orders.set_defaults(func=cmd_orders)
