"""The CA lifecycle verbs of `certroute ca`: init, pin-project, revoke, crl, serve-files.

Cheap to import: the CA service and `cryptography` load inside the command functions.
"""

from __future__ import annotations

import argparse
import getpass
from pathlib import Path
from typing import Any

from app.ca.cli_shared import (
    ENV_NEW_PASSPHRASE,
    ENV_PASSPHRASE,
    ENV_ROOT_PASSPHRASE,
    load_project,
    open_ca,
    pin_json,
    print_json,
    root_secret,
    run,
    secret,
    warn,
)
from app.cli import CliError


def _sha256() -> Any:
    from cryptography.hazmat.primitives import hashes

    return hashes.SHA256()


def cmd_init(args: argparse.Namespace) -> int:
    from app.ca.authority import EC_KEYS, RSA_KEYS
    from app.ca.publication import checked_base_url
    from app.ca.service import CaService

    _, source = load_project(args.project)
    base_url = run(args, lambda: checked_base_url(args.base_url))
    passphrase = secret(ENV_PASSPHRASE, "New CA passphrase", confirm=True)
    root_passphrase = secret(ENV_ROOT_PASSPHRASE, "New root CA passphrase (a different one)",
                             confirm=True)
    keys = RSA_KEYS if args.key_type == "rsa" else EC_KEYS
    service = run(args, lambda: CaService.init(Path(args.dir), passphrase,
                                               root_passphrase=root_passphrase, keys=keys,
                                               organisation=args.organisation,
                                               project=source, base_url=base_url))
    tiers = {"root": service.authority.root, "issuing": service.authority.issuing}
    data: dict[str, Any] = {"folder": str(service.folder), **{
        tier: {"subject": cert.subject.rfc4514_string(),
               "not_after": cert.not_valid_after_utc.isoformat(),
               "fingerprint": cert.fingerprint(_sha256()).hex()}
        for tier, cert in tiers.items()}, "project": source.to_json(),
        "base_url": service.publication.base_url}
    if args.json:
        print_json(data)
    else:
        print(f"Created a two-tier CA in {service.folder}")
        for tier in tiers:
            print(f"  {tier:<8} {data[tier]['subject']} (until {data[tier]['not_after'][:10]})")
        print(f"  pinned   to project {source.describe()}")
        print(f"  publishes at {base_url} (certroute ca serve-files serves it)")
    return 0


def cmd_serve_files(args: argparse.Namespace) -> int:
    """Serve the CA's certificates and CRLs at the URLs its certificates name, until ^C."""
    from app.ca.publication import SERVED, file_server, with_port

    service = open_ca(args)
    base_url = service.publication.base_url
    service.close()
    try:
        server = run(args, lambda: file_server(service.folder, base_url, port=args.port))
    except OSError as exc:
        raise CliError(f"cannot serve on {base_url}: {exc.strerror}") from None
    served = with_port(base_url, server.server_address[1])
    print(f"Serving {service.folder} at {served}: {', '.join(SERVED)} (Ctrl+C stops)",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_pin_project(args: argparse.Namespace) -> int:
    _, source = load_project(args.file)
    service = open_ca(args)
    previous = run(args, lambda: service.pin_project(
        source, actor=args.actor or getpass.getuser()))
    if args.json:
        print_json({"project": source.to_json(), "previous": pin_json(previous)})
    else:
        print(f"The CA in {service.folder} now issues for project {source.describe()}")
        if previous is not None:
            print(f"  was      {previous.get('label')} (digest "
                  f"{str(previous.get('digest'))[:12]}…)")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    service = open_ca(args)
    record = run(args, lambda: service.revoke(args.serial, reason=args.reason,
                                              actor=args.actor or getpass.getuser()))
    if record.row_problem:  # revoked all the same, as the audit log recorded it
        warn(f"{record.row_problem}: the ledger row was edited or deleted outside "
              "Certroute; the revocation was recorded against the audited certificate (see "
              "certroute ca verify)")
    if args.json:
        print_json({k: v for k, v in record.to_json().items() if k != "pem"})
    else:
        print(f"Revoked certificate {record.serial} ({record.revocation_reason}); "
              "publish new CRLs with `certroute ca crl`")
    return 0


def cmd_crl(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives import serialization

    from app.ca.files import check_destination, write_private
    from app.ca.revocation import CRL_FILE, ROOT_CRL_FILE

    service = open_ca(args, unlock=True, root=True)
    for out in filter(None, (args.out, args.root_out)):  # checked before anything is signed
        run(args, lambda out=out: check_destination(Path(out)))
    published = run(args, lambda: service.publish_crls(
        actor=args.actor or getpass.getuser(), next_update_days=args.next_update_days))
    for warning in published.warnings:  # read from the audit chain, which holds
        warn(f"{warning} (edited outside Certroute; the CRLs come from the audit log)")
    data: dict[str, Any] = {}
    for tier, crl, out, default in (("issuing", published.issuing, args.out, CRL_FILE),
                                    ("root", published.root, args.root_out, ROOT_CRL_FILE)):
        if crl is None:
            data[tier] = None
            continue
        path = Path(out) if out else service.folder / default
        if out:
            write_private(path, crl.public_bytes(serialization.Encoding.PEM))
        data[tier] = _crl_json(crl, path)
    if args.json:
        # The issuing CA's CRL also at the top level, as before the root CRL existed.
        print_json({**data["issuing"], **data, "root_problem": published.root_problem,
                    "unpublished_subordinates": published.unpublished,
                    "warnings": list(published.warnings)})
    else:
        for tier, label in (("issuing", "CRL"), ("root", "Root CRL")):
            if data[tier]:
                print(f"{label} {data[tier]['number']} with {len(data[tier]['revoked'])} "
                      f"revoked certificate(s) written to {data[tier]['path']}")
        if published.root_problem and not published.unpublished:
            print(f"  no root CRL signed: {published.root_problem}")
    if published.unpublished:
        raise CliError(f"no root CRL signed ({published.root_problem}): "
                       f"{published.unpublished} revoked subordinate CA(s) are on no new root "
                       "CRL; the issuing CA's CRL was published")
    return 0


def _crl_json(crl: Any, path: Path) -> dict[str, Any]:
    from cryptography import x509

    return {"number": crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number,
            "path": str(path), "revoked": [format(r.serial_number, "x") for r in crl],
            "next_update": crl.next_update_utc.isoformat() if crl.next_update_utc else None}


def cmd_passphrase(args: argparse.Namespace) -> int:
    """Give the issuing key (or with --root the root key) a new passphrase, from
    $CERTROUTE_CA_NEW_PASSPHRASE or asked twice. On a CA whose root still shares the CA
    passphrase, either change separates them."""
    service = open_ca(args)
    current = secret(ENV_PASSPHRASE, "CA passphrase")
    shared = service.root_shares_passphrase()
    root = current if shared else root_secret(ask=args.root)
    if args.root and root is None:
        raise CliError(f"give the current root passphrase (${ENV_ROOT_PASSPHRASE})")
    tier = "root" if args.root else "issuing"
    new = secret(ENV_NEW_PASSPHRASE, f"New {'root' if args.root else 'CA'} passphrase",
                 confirm=True)
    old, other = (root or b"", current) if args.root else (current, root)
    run(args, lambda: service.change_passphrase(tier, old, new, other=other,
                                                actor=args.actor or getpass.getuser()))
    print(f"The {tier} CA key in {service.folder} has a new passphrase (scrypt)")
    if shared and not args.root:
        print("  the root key keeps the old CA passphrase, which is now its own root "
              "passphrase")
    return 0
