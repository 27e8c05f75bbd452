"""`certroute ca …`: the local CA from the command line (SPEC.md §3, §5).

Cheap to import: the CA service and `cryptography` load inside the command functions.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import CliError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import (
        CertificateIssuerPrivateKeyTypes,
    )

    from app.ca.delivery import DeliveryPlan
    from app.ca.provenance import ProjectSource
    from app.ca.service import CaService, Issued
    from models.project import Project

    PrivateKey = CertificateIssuerPrivateKeyTypes | None

ENV_PASSPHRASE = "CERTROUTE_CA_PASSPHRASE"
ENV_P12_PASSPHRASE = "CERTROUTE_P12_PASSPHRASE"
ENV_CA_DIR = "CERTROUTE_CA_DIR"
VERBS = ("init", "pin-project", "issue", "request", "approve", "reject", "fulfil",
         "acknowledge", "list", "revoke", "crl", "verify")


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _secret(env: str, prompt: str, *, confirm: bool = False) -> bytes:
    """A passphrase from `env` (scripts) or asked for on the terminal, never an argument.

    Command-line arguments are visible to every user in the process list, so there is no
    `--passphrase` option.
    """
    value = os.environ.get(env)
    if value is not None:
        return value.encode("utf-8")
    if not sys.stdin.isatty():
        raise CliError(f"no passphrase: set {env} or run in a terminal")
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass(f"{prompt} (again): ") != first:
        raise CliError("the passphrases do not match")
    return first.encode("utf-8")


def _ca_dir(args: argparse.Namespace) -> Path:
    folder = args.ca or os.environ.get(ENV_CA_DIR)
    if not folder:
        raise CliError(f"give the CA folder with --ca DIR or {ENV_CA_DIR}")
    return Path(folder)


def _open(args: argparse.Namespace, *, unlock: bool = False) -> CaService:
    from app.ca.errors import CaError
    from app.ca.service import CaService

    try:
        service = CaService.open(_ca_dir(args))
        if unlock:
            service.unlock(_secret(ENV_PASSPHRASE, "CA passphrase"))
    except CaError as exc:
        raise CliError(str(exc)) from None
    return service


def _run(args: argparse.Namespace, action: Any) -> Any:
    """Call `action()`, turning CA errors into one-line CLI errors (violations listed first)."""
    from app.ca.errors import CaError, PolicyRefused

    try:
        return action()
    except PolicyRefused as exc:
        if getattr(args, "json", False):
            _print_json({"issued": False, "violations": [
                {"code": v.code.value, "subject": v.subject, "message": v.message}
                for v in exc.violations]})
        else:
            for violation in exc.violations:
                print(f"  violation: {violation.message}")
        raise CliError(str(exc)) from None
    except CaError as exc:
        raise CliError(str(exc)) from None


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None


def _project(path: str | None) -> tuple[Project, ProjectSource]:
    """The project at `path` (or the built-in example) and where it came from.

    The file is read once: the bytes that are parsed are the bytes that are hashed.
    """
    from importlib import resources

    from app.ca.provenance import ProjectSource
    from models.project_file import EXAMPLE_NAME, ProjectFileError, parse_project

    if path:
        data, label, name = _read(path, "project file"), str(Path(path).absolute()), \
            Path(path).name
    else:
        data = resources.files("resources.examples").joinpath(EXAMPLE_NAME).read_bytes()
        label, name = f"built-in example ({EXAMPLE_NAME})", EXAMPLE_NAME
    try:
        project = parse_project(data, source=name)
    except ProjectFileError as exc:
        raise CliError(str(exc)) from None
    return project, ProjectSource.of(project, label, data)


def _pin_json(pin: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if pin is None else {k: pin.get(k) for k in ("label", "digest", "file_sha256")}


# --- CSR source and delivery ---------------------------------------------------------------

def _csr_and_key(args: argparse.Namespace) -> tuple[x509.CertificateSigningRequest, PrivateKey]:
    """The CSR from --csr FILE, or a key and CSR generated for --dns names (SPEC.md §3)."""
    from app.ca.csr import build_csr, generate_key, load_csr

    if args.csr and args.dns:
        raise CliError("give either --csr FILE or --dns NAME, not both")
    if args.csr:
        key = _load_key(args.key) if getattr(args, "key", None) else None
        return _run(args, lambda: load_csr(_read(args.csr, "CSR"))), key
    if not args.dns and not args.cn:
        raise CliError("give --csr FILE, or --dns NAME (repeatable) to generate a key and CSR")
    key = _run(args, lambda: generate_key(args.key_type, args.key_size))
    return _run(args, lambda: build_csr(key, args.dns or [], args.cn)), key


def _load_key(path: str) -> CertificateIssuerPrivateKeyTypes:
    from app.ca.delivery import load_private_key
    from app.ca.errors import CaError

    try:
        return load_private_key(Path(path))
    except CaError as exc:
        raise CliError(str(exc)) from None


def _plan(args: argparse.Namespace, key: CertificateIssuerPrivateKeyTypes | None,
          public_key: Any) -> DeliveryPlan:
    """The delivery asked for, checked (and its password read) before anything is issued."""
    from app.ca.delivery import DeliveryPlan

    if (args.p12 or args.k8s_secret) and key is None:
        raise CliError("--p12 and --k8s-secret need the private key: generate it with --dns, "
                       "or give the CSR's key with --key FILE")
    password = _secret(ENV_P12_PASSPHRASE, "PKCS#12 password", confirm=True) if args.p12 \
        else b""
    plan = DeliveryPlan(
        folder=Path(args.out) if args.out else None,
        pkcs12=Path(args.p12) if args.p12 else None, pkcs12_password=password,
        secret=Path(args.k8s_secret) if args.k8s_secret else None,
        secret_name=args.secret_name, namespace=args.namespace, key=key)
    _run(args, lambda: plan.validate(public_key))
    return plan


def _deliver(args: argparse.Namespace, plan: DeliveryPlan, issued: Issued) -> list[str]:
    written = _run(args, lambda: plan.deliver(issued.certificate, issued.chain))
    return [str(p) for p in written]


def _issued_json(issued: Issued, delivered: list[str]) -> dict[str, Any]:
    record = issued.record.to_json()
    return {**record, "issued": True, "delivered": delivered}


def _print_issued(issued: Issued, delivered: list[str]) -> None:
    r = issued.record
    print(f"Issued certificate {r.serial} ({r.workflow}, type {r.type_id})")
    print(f"  subject   {r.subject}")
    print(f"  names     {', '.join(r.names) or '—'}")
    print(f"  valid     {r.not_before} → {r.not_after}")
    print(f"  sha256    {r.fingerprint}")
    if r.renew_at:
        print(f"  renewal   scheduled at {r.renew_at}")
    for path in delivered:
        print(f"  wrote     {path}")
    if not delivered:
        sys.stdout.write(r.pem)


# --- verbs ---------------------------------------------------------------------------------

def _cmd_init(args: argparse.Namespace) -> int:
    from app.ca.authority import EC_KEYS, RSA_KEYS
    from app.ca.service import CaService

    _, source = _project(args.project)
    passphrase = _secret(ENV_PASSPHRASE, "New CA passphrase", confirm=True)
    keys = RSA_KEYS if args.key_type == "rsa" else EC_KEYS
    service = _run(args, lambda: CaService.init(Path(args.dir), passphrase, keys=keys,
                                                organisation=args.organisation,
                                                project=source))
    tiers = {"root": service.authority.root, "issuing": service.authority.issuing}
    data = {"folder": str(service.folder), **{
        tier: {"subject": cert.subject.rfc4514_string(),
               "not_after": cert.not_valid_after_utc.isoformat(),
               "fingerprint": cert.fingerprint(_sha256()).hex()}
        for tier, cert in tiers.items()}, "project": source.to_json()}
    if args.json:
        _print_json(data)
    else:
        print(f"Created a two-tier CA in {service.folder}")
        for tier in tiers:
            print(f"  {tier:<8} {data[tier]['subject']} (until {data[tier]['not_after'][:10]})")
        print(f"  pinned   to project {source.describe()}")
    return 0


def _cmd_pin_project(args: argparse.Namespace) -> int:
    _, source = _project(args.file)
    service = _open(args)
    previous = _run(args, lambda: service.pin_project(
        source, actor=args.actor or getpass.getuser()))
    if args.json:
        _print_json({"project": source.to_json(), "previous": _pin_json(previous)})
    else:
        print(f"The CA in {service.folder} now issues for project {source.describe()}")
        if previous is not None:
            print(f"  was      {previous.get('label')} (digest "
                  f"{str(previous.get('digest'))[:12]}…)")
    return 0


def _sha256() -> Any:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def _deliver_and_report(args: argparse.Namespace, plan, issued) -> int:
    """Deliver an issued certificate as planned, then print it (JSON or text)."""
    delivered = _deliver(args, plan, issued)
    if args.json:
        _print_json(_issued_json(issued, delivered))
    else:
        _print_issued(issued, delivered)
    return 0


def _cmd_issue(args: argparse.Namespace) -> int:
    project, source = _project(args.project)
    service = _open(args, unlock=True)
    csr, key = _csr_and_key(args)
    plan = _plan(args, key, csr.public_key())
    issued = _run(args, lambda: service.issue(
        project, args.type, csr, requester=args.requester or getpass.getuser(),
        validity_days=args.validity_days, identity_evidence=args.identity_evidence or "",
        source=source, accept_project_change=args.accept_project_change))
    return _deliver_and_report(args, plan, issued)


def _cmd_request(args: argparse.Namespace) -> int:
    from app.ca.csr import key_pem
    from app.ca.files import write_private

    project, source = _project(args.project)
    service = _open(args)
    if args.dns and not args.key_out:
        raise CliError("a generated key must be kept: give --key-out FILE")
    csr, key = _csr_and_key(args)
    request = _run(args, lambda: service.admin.request(
        project, args.type, csr, requester=args.requester, justification=args.justification,
        validity_days=args.validity_days, ttl_days=args.expires_in, source=source,
        accept_project_change=args.accept_project_change))
    if key is not None and args.key_out:
        write_private(Path(args.key_out), key_pem(key))
    _show_request(args, request, f"Request {request.id} raised for {request.type_name}")
    return 0


def _show_request(args: argparse.Namespace, request: Any, headline: str) -> None:
    if args.json:
        _print_json(request.to_json())
        return
    print(headline)
    print(f"  state     {request.state.value}"
          + (f" — waiting for {request.waiting_for()}" if request.waiting_for() else ""))
    if request.closed_reason:
        print(f"  closed    {request.closed_reason}")
    for number, criterion in enumerate(request.policy.criteria, 1):
        print(f"  criterion {number}. {criterion}")


def _cmd_approve(args: argparse.Namespace) -> int:
    service = _open(args)
    request = _run(args, lambda: service.admin.approve(
        args.request_id, approver=args.approver, role=args.role, confirmed=args.confirm or []))
    _show_request(args, request, f"Request {request.id} approved by {args.approver}")
    return 0


def _cmd_reject(args: argparse.Namespace) -> int:
    service = _open(args)
    request = _run(args, lambda: service.admin.reject(
        args.request_id, approver=args.approver, role=args.role, reason=args.reason))
    _show_request(args, request, f"Request {request.id} rejected by {args.approver}")
    return 0


def _cmd_fulfil(args: argparse.Namespace) -> int:
    from app.ca.lookup import as_csr

    service = _open(args, unlock=True)
    key = _load_key(args.key) if args.key else None
    request = _run(args, lambda: service.ledger.request(args.request_id))
    csr = _run(args, lambda: as_csr(request.csr_pem))
    plan = _plan(args, key, csr.public_key())
    issued = _run(args, lambda: service.admin.fulfil(
        args.request_id, operator=args.operator or getpass.getuser()))
    return _deliver_and_report(args, plan, issued)


def _cmd_acknowledge(args: argparse.Namespace) -> int:
    service = _open(args)
    request = _run(args, lambda: service.admin.acknowledge(args.request_id,
                                                           requester=args.requester))
    _show_request(args, request, f"Request {request.id} acknowledged; renewal tracking open")
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    from app.ca.records import RequestState

    service = _open(args)
    state = None
    if args.state:
        try:
            state = RequestState(args.state)
        except ValueError:
            raise CliError(f"unknown state {args.state!r} (one of: "
                           f"{', '.join(s.value for s in RequestState)})") from None
    shown = {k for k in ("requests", "certificates", "renewals", "audit") if getattr(args, k)}
    shown = shown or {"requests", "certificates", "renewals"}
    data: dict[str, Any] = {}
    if "requests" in shown:
        data["requests"] = [r.to_json() for r in service.ledger.requests(state)]
    if "certificates" in shown:
        data["certificates"] = [{k: v for k, v in c.to_json().items() if k != "pem"}
                                for c in service.ledger.certificates()]
    if "renewals" in shown:
        data["renewals"] = [n.to_json() for n in service.renewals(within_days=args.within)]
    if "audit" in shown:
        data["audit"] = [e.to_json() for e in service.ledger.audit()]
    if args.json:
        _print_json(data)
    else:
        _print_list(data)
    return 0


def _print_list(data: dict[str, list[dict[str, Any]]]) -> None:
    lines = {
        "requests": lambda r: f"  #{r['id']:<4} {r['state']:<12} {r['type_id']:<16} "
        f"{r['requester']:<14} {r['waiting_for'] or r['closed_reason']}",
        "certificates": lambda c: f"  {c['serial'][:16]}  {c['workflow']:<14} "
        f"{c['type_id']:<16} until {c['not_after'][:10]}"
        f"{'  REVOKED' if c['revoked_at'] else ''}  {', '.join(c['names'])}",
        "renewals": lambda n: f"  {n['due_at'][:10]}  {n['status']:<8} {n['kind']:<8} "
        f"{n['days_before']:>3} d before {n['not_after'][:10]}  {n['subject']}",
        "audit": lambda e: f"  {e['seq']:>5}  {e['at']}  {e['actor']:<14} {e['action']:<20} "
        f"{e['subject']}",
    }
    for section, rows in data.items():
        print(f"{section.capitalize()} ({len(rows)})")
        for row in rows:
            print(lines[section](row))


def _cmd_revoke(args: argparse.Namespace) -> int:
    service = _open(args)
    record = _run(args, lambda: service.revoke(args.serial, reason=args.reason,
                                               actor=args.actor or getpass.getuser()))
    if args.json:
        _print_json({k: v for k, v in record.to_json().items() if k != "pem"})
    else:
        print(f"Revoked certificate {record.serial} ({record.revocation_reason}); "
              "publish a new CRL with `certroute ca crl`")
    return 0


def _cmd_crl(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives import serialization

    from app.ca.files import write_private

    service = _open(args, unlock=True)
    crl = _run(args, lambda: service.crl(actor=args.actor or getpass.getuser(),
                                         next_update_days=args.next_update_days))
    path = Path(args.out) if args.out else service.folder / "crl.pem"
    if args.out:
        write_private(path, crl.public_bytes(serialization.Encoding.PEM))
    revoked = [format(r.serial_number, "x") for r in crl]
    number = str(service.ledger.meta("crl_number"))
    if args.json:
        _print_json({"number": int(number), "path": str(path), "revoked": revoked,
                     "next_update": crl.next_update_utc.isoformat()
                     if crl.next_update_utc else None})
    else:
        print(f"CRL {number} with {len(revoked)} revoked certificate(s) written to {path}")
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from app.ca.provenance import pinned

    service = _open(args)
    report = service.verify(expect_head=args.expect_head)
    pin = _pin_json(pinned(service.ledger))
    if args.json:
        _print_json({"ok": report.ok, "entries": report.entries, "head": report.head,
                     "problems": list(report.problems), "project": pin})
    elif report.ok:
        print(f"Audit chain intact: {report.entries} entries, head {report.head}")
        print("Pinned to project " + (f"{pin['label']} (digest {pin['digest']})" if pin
                                      else "— none: any project may issue (ca pin-project)"))
    if not report.ok:
        raise CliError(f"ledger verification failed: {'; '.join(report.problems)}")
    return 0


def _no_verb(args: argparse.Namespace) -> int:
    raise CliError(f"ca: choose a verb: {', '.join(VERBS)}")


# --- parser --------------------------------------------------------------------------------

def _common(parser: argparse.ArgumentParser, *, json_help: str = "print JSON") -> None:
    parser.add_argument("--ca", metavar="DIR", help=f"the CA folder (default: ${ENV_CA_DIR})")
    parser.add_argument("--json", action="store_true", help=json_help)


def _project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", metavar="FILE",
                        help="project file (default: the built-in example)")


def _csr_source(parser: argparse.ArgumentParser) -> None:
    _project_option(parser)
    parser.add_argument("--accept-project-change", action="store_true",
                        help="the project is not the one the CA is pinned to: accept it and "
                        "re-pin the CA to it (logged)")
    parser.add_argument("--type", required=True, metavar="ID", help="certificate type id")
    parser.add_argument("--csr", metavar="FILE", help="a PEM or DER CSR")
    parser.add_argument("--dns", action="append", metavar="NAME",
                        help="generate a key and CSR for this DNS name (repeatable)")
    parser.add_argument("--cn", metavar="NAME", help="subject common name of a generated CSR")
    parser.add_argument("--key-type", choices=["ec", "rsa", "ed25519"], default="ec",
                        help="key of a generated CSR (default: ec)")
    parser.add_argument("--key-size", type=int, metavar="BITS",
                        help="EC 256/384/521 or RSA bits (default: P-256 or RSA-2048)")
    parser.add_argument("--validity-days", type=int, metavar="N",
                        help="validity (default: the type's maximum)")


def _delivery(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", metavar="DIR",
                        help="write cert.pem, chain.pem, fullchain.pem (and privkey.pem)")
    parser.add_argument("--p12", metavar="FILE",
                        help=f"write a PKCS#12 bundle (password from ${ENV_P12_PASSPHRASE})")
    parser.add_argument("--k8s-secret", metavar="FILE",
                        help="write a kubernetes.io/tls Secret manifest")
    parser.add_argument("--secret-name", metavar="NAME", help="the Secret's name")
    parser.add_argument("--namespace", default="default", help="the Secret's namespace")


def register(subparsers: Any) -> None:
    """Add `ca` and its verbs to the `certroute` parser (app.cli.PLUGIN_MODULES)."""
    ca = subparsers.add_parser(
        "ca", help="local test CA: init, pin-project, issue, "
        "request/approve/reject/fulfil/acknowledge, list, revoke, crl, verify",
        description=f"The local two-tier test CA. The CA passphrase comes from "
        f"${ENV_PASSPHRASE} or is asked for. A CA folder is pinned to the project it was "
        "approved for (init --project, pin-project); issue and request refuse any other "
        "project unless --accept-project-change is given, which re-pins it. Every audit "
        "entry of an issuance names the project and any manual override.")
    ca.set_defaults(func=_no_verb)
    verbs = ca.add_subparsers(dest="ca_command", metavar="VERB")

    init = verbs.add_parser("init", help="create a root and an issuing CA in a new folder, "
                            "pinned to the project")
    init.add_argument("dir", metavar="DIR")
    init.add_argument("--project", metavar="FILE",
                      help="the project the CA issues for (default: the built-in example)")
    init.add_argument("--key-type", choices=["ec", "rsa"], default="ec",
                      help="ec: P-384 root, P-256 issuing (default); rsa: 3072/2048")
    init.add_argument("--organisation", default="Certroute test CA", metavar="NAME")
    init.add_argument("--json", action="store_true", help="print JSON")
    init.set_defaults(func=_cmd_init)

    pin_project = verbs.add_parser(
        "pin-project", help="pin the CA to a project: issue and request refuse any other",
        description="Pin the CA folder to the project it is approved for (logged). The pin is "
        "the SHA-256 of the project's content, so re-saving the file keeps it.")
    _common(pin_project)
    pin_project.add_argument("file", nargs="?", metavar="FILE",
                             help="project file (default: the built-in example)")
    pin_project.add_argument("--actor", metavar="NAME")
    pin_project.set_defaults(func=_cmd_pin_project)

    issue = verbs.add_parser("issue", help="combined path: check the CSR and issue at once")
    _common(issue)
    _csr_source(issue)
    issue.add_argument("--key", metavar="FILE", help="the CSR's private key, for --p12 or "
                       "--k8s-secret")
    issue.add_argument("--requester", metavar="NAME", help="the requesting service")
    issue.add_argument("--identity-evidence", metavar="TEXT",
                       help="how the service proved its identity (recorded)")
    _delivery(issue)
    issue.set_defaults(func=_cmd_issue)

    request = verbs.add_parser("request", help="admin-mediated path: raise a request")
    _common(request)
    _csr_source(request)
    request.add_argument("--requester", required=True, metavar="NAME")
    request.add_argument("--justification", required=True, metavar="TEXT",
                         help="the business justification")
    request.add_argument("--key-out", metavar="FILE", help="where to keep a generated key")
    request.add_argument("--expires-in", type=int, default=30, metavar="DAYS",
                         help="days the request may wait for fulfilment (default 30)")
    request.set_defaults(func=_cmd_request)

    for verb, helptext, func in (("approve", "approve a request", _cmd_approve),
                                 ("reject", "reject a request (ends it)", _cmd_reject)):
        p = verbs.add_parser(verb, help=helptext)
        _common(p)
        p.add_argument("request_id", type=int, metavar="REQUEST")
        p.add_argument("--approver", required=True, metavar="NAME")
        p.add_argument("--role", required=True, metavar="ROLE", help="one of the type's roles")
        if verb == "approve":
            p.add_argument("--confirm", action="append", metavar="CRITERION",
                           help="a criterion verified, by number or text (each one needed)")
        else:
            p.add_argument("--reason", required=True, metavar="TEXT")
        p.set_defaults(func=func)

    fulfil = verbs.add_parser("fulfil", help="issue the certificate of an approved request")
    _common(fulfil)
    fulfil.add_argument("request_id", type=int, metavar="REQUEST")
    fulfil.add_argument("--operator", metavar="NAME", help="who fulfils (default: you)")
    fulfil.add_argument("--key", metavar="FILE", help="the requester's key, for --p12 or "
                        "--k8s-secret")
    _delivery(fulfil)
    fulfil.set_defaults(func=_cmd_fulfil)

    ack = verbs.add_parser("acknowledge", help="the requester confirms delivery")
    _common(ack)
    ack.add_argument("request_id", type=int, metavar="REQUEST")
    ack.add_argument("--requester", required=True, metavar="NAME")
    ack.set_defaults(func=_cmd_acknowledge)

    listing = verbs.add_parser("list", help="requests, certificates, renewals, audit log")
    _common(listing)
    for what in ("requests", "certificates", "renewals", "audit"):
        listing.add_argument(f"--{what}", action="store_true", help=f"show {what}")
    listing.add_argument("--state", help="only requests in this state")
    listing.add_argument("--within", type=int, metavar="DAYS",
                         help="only renewals due within DAYS")
    listing.set_defaults(func=_cmd_list)

    revoke = verbs.add_parser("revoke", help="revoke an issued certificate")
    _common(revoke)
    revoke.add_argument("serial", metavar="SERIAL", help="hexadecimal serial number")
    revoke.add_argument("--reason", default="unspecified",
                        help="unspecified, key-compromise, superseded, "
                        "cessation-of-operation, affiliation-changed, privilege-withdrawn")
    revoke.add_argument("--actor", metavar="NAME")
    revoke.set_defaults(func=_cmd_revoke)

    crl = verbs.add_parser("crl", help="sign a CRL of the revoked certificates")
    _common(crl)
    crl.add_argument("--out", metavar="FILE", help="also write the CRL here")
    crl.add_argument("--next-update-days", type=int, default=7, metavar="N")
    crl.add_argument("--actor", metavar="NAME")
    crl.set_defaults(func=_cmd_crl)

    verify = verbs.add_parser("verify", help="check the audit chain and issued certificates")
    _common(verify)
    verify.add_argument("--expect-head", metavar="SEQ:HASH",
                        help="the audit head noted down earlier")
    verify.set_defaults(func=_cmd_verify)
