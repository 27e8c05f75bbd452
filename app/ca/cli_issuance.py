"""The issuing verbs of `certroute ca`: issue, and request/approve/reject/fulfil/acknowledge.

Cheap to import: the CA service and `cryptography` load inside the command functions.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.ca.cli_shared import (
    ENV_P12_PASSPHRASE,
    load_project,
    names_text,
    open_ca,
    print_json,
    read_file,
    root_secret,
    run,
    san_split,
    secret,
)
from app.cli import CliError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import (
        CertificateIssuerPrivateKeyTypes,
    )

    from app.ca.delivery import DeliveryPlan
    from app.ca.service import CaService, Issued

    PrivateKey = CertificateIssuerPrivateKeyTypes | None


# --- CSR source and delivery ---------------------------------------------------------------

def _csr_and_key(args: argparse.Namespace, service: CaService, *, actor: str,
                 action: str) -> tuple[x509.CertificateSigningRequest, PrivateKey]:
    """The CSR from --csr FILE, or a key and CSR generated for --dns names and --email
    addresses (SPEC.md §3). A CSR that cannot be read or built (too large, not a CSR, a name
    not in A-label form) is refused and logged like every refusal."""
    from app.ca.csr import build_csr, generate_key, load_csr
    from app.ca.errors import CaError

    dns, emails = generated_names(args)
    if args.csr and (dns or emails):
        raise CliError("give either --csr FILE or --dns NAME / --email ADDRESS, not both")

    def refused(make: Any) -> Any:
        try:
            return make()
        except (CaError, CliError) as exc:
            message = str(exc).removeprefix("certroute: error: ")
            run(args, lambda: service.log_refusal(actor=actor, action=action,
                                                  subject=f"type {args.type}",
                                                  message=message))
            raise CliError(message) from None

    if args.csr:
        key = _load_key(args.key) if getattr(args, "key", None) else None
        return refused(lambda: load_csr(read_file(args.csr, "CSR"))), key
    if not dns and not emails and not args.cn:
        raise CliError("give --csr FILE, or --dns NAME / --email ADDRESS (repeatable) to "
                       "generate a key and CSR")
    key = run(args, lambda: generate_key(args.key_type, args.key_size))
    return refused(lambda: build_csr(key, [*dns, *emails], args.cn)), key


def generated_names(args: argparse.Namespace) -> tuple[list[str], list[str]]:
    """(--dns names, --email addresses) for a generated CSR, each checked to be of its kind.

    A DNS name never holds an `@`, so `--dns alice@example.org` is refused and pointed to
    `--email`, rather than silently becoming an email address.
    """
    dns, emails = list(args.dns or []), list(args.email or [])
    for name in dns:
        if "@" in name:
            raise CliError(f"--dns {name}: a DNS name has no '@'; give an email address "
                           f"with --email {name}")
    for address in emails:
        local, at, domain = address.rpartition("@")
        if not at or not local or not domain:
            raise CliError(f"--email {address}: not an email address (local-part@domain)")
    return dns, emails


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
        raise CliError("--p12 and --k8s-secret need the private key: generate it with --dns "
                       "or --email, or give the CSR's key with --key FILE")
    password = secret(ENV_P12_PASSPHRASE, "PKCS#12 password", confirm=True) if args.p12 \
        else b""
    plan = DeliveryPlan(
        folder=Path(args.out) if args.out else None,
        pkcs12=Path(args.p12) if args.p12 else None, pkcs12_password=password,
        secret=Path(args.k8s_secret) if args.k8s_secret else None,
        secret_name=args.secret_name, namespace=args.namespace, key=key)
    run(args, lambda: plan.validate(public_key))
    return plan


def _print_issued(issued: Issued, delivered: list[str]) -> None:
    r = issued.record
    print(f"Issued certificate {r.serial} ({r.workflow}, type {r.type_id})")
    print(f"  subject   {r.subject}")
    print(f"  names     {names_text(*san_split(r.pem)) or '—'}")
    print(f"  valid     {r.not_before} → {r.not_after}")
    print(f"  sha256    {r.fingerprint}")
    if r.renew_at:
        print(f"  renewal   scheduled at {r.renew_at}")
    for path in delivered:
        print(f"  wrote     {path}")
    if not delivered:
        sys.stdout.write(r.pem)


def _deliver_and_report(args: argparse.Namespace, service: CaService, plan: DeliveryPlan,
                        issued: Issued) -> int:
    """Deliver an issued certificate as planned, then print it (JSON or text).

    The targets were checked before signing; a write that fails all the same keeps the key
    (if one was generated) and the certificate in the CA folder, says where, and exits 2.
    """
    from app.ca.csr import key_pem
    from app.ca.errors import CaError

    try:
        written = plan.deliver(issued.certificate, issued.chain)
    except CaError as exc:
        reason = str(exc)
        files = {"cert.pem": issued.record.pem.encode("ascii")}
        if plan.key is not None:
            files["privkey.pem"] = key_pem(plan.key)
        kept = run(args, lambda: service.keep_undelivered(
            f"certificate-{issued.record.serial}", files, reason=reason,
            actor=getpass.getuser()))
        raise CliError(f"certificate {issued.record.serial} was issued, but {reason}; "
                       f"{' and '.join(sorted(files))} kept in {kept}") from None
    delivered = [str(p) for p in written]
    if args.json:
        print_json({**issued.record.to_json(), "issued": True, "delivered": delivered})
    else:
        _print_issued(issued, delivered)
    return 0


def _show_request(args: argparse.Namespace, request: Any, headline: str) -> None:
    if args.json:
        print_json(request.to_json())
        return
    print(headline)
    print(f"  state     {request.state.value}"
          + (f" — waiting for {request.waiting_for()}" if request.waiting_for() else ""))
    if request.closed_reason:
        print(f"  closed    {request.closed_reason}")
    for number, criterion in enumerate(request.policy.criteria, 1):
        print(f"  criterion {number}. {criterion}")


# --- combined path -------------------------------------------------------------------------

def cmd_issue(args: argparse.Namespace) -> int:
    project, source = load_project(args.project)
    service = open_ca(args, unlock=True)
    requester = args.requester or getpass.getuser()
    csr, key = _csr_and_key(args, service, actor=requester, action="issue")
    plan = _plan(args, key, csr.public_key())
    issued = run(args, lambda: service.issue(
        project, args.type, csr, requester=requester, validity_days=args.validity_days,
        identity_evidence=args.identity_evidence or "", source=source,
        accept_project_change=args.accept_project_change))
    return _deliver_and_report(args, service, plan, issued)


# --- admin-mediated path -------------------------------------------------------------------

def cmd_request(args: argparse.Namespace) -> int:
    from app.ca.csr import key_pem
    from app.ca.errors import CaError
    from app.ca.files import check_destination, make_private_dir, write_private

    project, source = load_project(args.project)
    service = open_ca(args)
    if not args.csr and (args.dns or args.email or args.cn) and not args.key_out:
        raise CliError("a generated key must be kept: give --key-out FILE")
    key_out = Path(args.key_out) if args.key_out else None
    if key_out is not None:  # checked before the request, so the key always has a place
        run(args, lambda: check_destination(key_out))
    csr, key = _csr_and_key(args, service, actor=args.requester, action="request")
    request = run(args, lambda: service.admin.request(
        project, args.type, csr, requester=args.requester, justification=args.justification,
        validity_days=args.validity_days, ttl_days=args.expires_in, source=source,
        accept_project_change=args.accept_project_change))
    if key is not None and key_out is not None:
        try:
            make_private_dir(key_out.parent)
            write_private(key_out, key_pem(key))
        except (CaError, OSError) as exc:
            reason = str(exc) if isinstance(exc, CaError) else f"{exc.strerror or exc}"
            kept = run(args, lambda: service.keep_undelivered(
                f"request-{request.id}", {"privkey.pem": key_pem(key)},
                reason=f"{key_out}: {reason}", actor=args.requester))
            raise CliError(f"request {request.id} was raised, but its key could not be "
                           f"written to {key_out} ({reason}); it was kept in {kept}") from None
    _show_request(args, request, f"Request {request.id} raised for {request.type_name}")
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    service = open_ca(args)
    request = run(args, lambda: service.admin.approve(
        args.request_id, approver=args.approver, role=args.role, confirmed=args.confirm or []))
    _show_request(args, request, f"Request {request.id} approved by {args.approver}")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    service = open_ca(args)
    request = run(args, lambda: service.admin.reject(
        args.request_id, approver=args.approver, role=args.role, reason=args.reason))
    _show_request(args, request, f"Request {request.id} rejected by {args.approver}")
    return 0


def cmd_fulfil(args: argparse.Namespace) -> int:
    from app.ca.errors import CaError
    from app.ca.lookup import as_csr

    service = open_ca(args, unlock=True)
    key = _load_key(args.key) if args.key else None
    operator = args.operator or getpass.getuser()
    try:
        request = service.ledger.request(args.request_id)
    except CaError as exc:  # an unknown request: refused and logged
        message = str(exc)
        run(args, lambda: service.log_refusal(actor=operator, action="fulfil",
                                              subject=f"request {args.request_id}",
                                              message=message))
        raise CliError(message) from None
    csr = run(args, lambda: as_csr(request.csr_pem))
    plan = _plan(args, key, csr.public_key())
    if request.profile.get("purpose") == "ca-signing" and service.authority.root_problem:
        # A subordinate CA is signed by the root: ask for its passphrase now, on a terminal.
        root = root_secret(ask=True)
        if root is not None:
            service.unlock_root(root)
    issued = run(args, lambda: service.admin.fulfil(args.request_id, operator=operator))
    return _deliver_and_report(args, service, plan, issued)


def cmd_acknowledge(args: argparse.Namespace) -> int:
    service = open_ca(args)
    request = run(args, lambda: service.admin.acknowledge(args.request_id,
                                                          requester=args.requester))
    _show_request(args, request, f"Request {request.id} acknowledged; renewal tracking open")
    return 0
