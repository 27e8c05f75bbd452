"""`certroute ca …`: the local CA's verbs, options and help texts (SPEC.md §3, §5).

The verbs themselves live in `cli_lifecycle` (init, pin-project, revoke, crl), `cli_issuance`
(issue and the request path) and `cli_reports` (list, verify). Cheap to import: the CA
service and `cryptography` load inside the command functions.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.ca.cli_acme import register_verbs as register_acme_verbs
from app.ca.cli_issuance import (
    cmd_acknowledge,
    cmd_approve,
    cmd_fulfil,
    cmd_issue,
    cmd_reject,
    cmd_request,
)
from app.ca.cli_lifecycle import (
    cmd_crl,
    cmd_init,
    cmd_passphrase,
    cmd_pin_project,
    cmd_revoke,
    cmd_serve_files,
)
from app.ca.cli_reports import LISTED, cmd_list, cmd_verify
from app.ca.cli_shared import (
    ENV_CA_DIR,
    ENV_NEW_PASSPHRASE,
    ENV_P12_PASSPHRASE,
    ENV_PASSPHRASE,
    ENV_ROOT_PASSPHRASE,
)
from app.ca.publication import DEFAULT_BASE_URL
from app.cli import CliError

VERBS = ("init", "pin-project", "issue", "request", "approve", "reject", "fulfil",
         "acknowledge", "list", "revoke", "crl", "verify", "passphrase", "serve-files",
         "serve", "eab", "orders")


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
                        help="generate a key and CSR for this DNS name (repeatable); an "
                        "email address belongs in --email")
    parser.add_argument("--email", action="append", metavar="ADDRESS",
                        help="generate a key and CSR with this email address as an "
                        "rfc822Name SAN (repeatable; S/MIME and client types)")
    parser.add_argument("--cn", metavar="NAME", help="subject common name of a generated CSR "
                        "(default: the first --dns name, else the first --email address)")
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
        "request/approve/reject/fulfil/acknowledge, list, revoke, crl, verify, "
        "serve (ACME), eab, orders",
        description=f"The local two-tier test CA. The CA passphrase comes from "
        f"${ENV_PASSPHRASE} or is asked for; the root key has its own, from "
        f"${ENV_ROOT_PASSPHRASE}, needed only for the root CRL and subordinate CAs. A CA "
        "folder is pinned to the project it was approved for (init --project, pin-project); "
        "issue and request refuse any other project unless --accept-project-change is given, "
        "which re-pins it. Every audit entry of an issuance names the project and any manual "
        "override.")
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
    init.add_argument("--base-url", default=DEFAULT_BASE_URL, metavar="URL",
                      help="where the CA's certificates and CRLs are published, named in "
                      f"every certificate's AIA and CRL DP (default: {DEFAULT_BASE_URL})")
    init.add_argument("--json", action="store_true", help="print JSON")
    init.set_defaults(func=cmd_init)

    pin_project = verbs.add_parser(
        "pin-project", help="pin the CA to a project: issue and request refuse any other",
        description="Pin the CA folder to the project it is approved for (logged). The pin is "
        "the SHA-256 of the project's content, so re-saving the file keeps it.")
    _common(pin_project)
    pin_project.add_argument("file", nargs="?", metavar="FILE",
                             help="project file (default: the built-in example)")
    pin_project.add_argument("--actor", metavar="NAME")
    pin_project.set_defaults(func=cmd_pin_project)

    issue = verbs.add_parser("issue", help="combined path: check the CSR and issue at once")
    _common(issue)
    _csr_source(issue)
    issue.add_argument("--key", metavar="FILE", help="the CSR's private key, for --p12 or "
                       "--k8s-secret")
    issue.add_argument("--requester", metavar="NAME", help="the requesting service")
    issue.add_argument("--identity-evidence", metavar="TEXT",
                       help="how the service proved its identity (recorded)")
    _delivery(issue)
    issue.set_defaults(func=cmd_issue)

    request = verbs.add_parser("request", help="admin-mediated path: raise a request")
    _common(request)
    _csr_source(request)
    request.add_argument("--requester", required=True, metavar="NAME")
    request.add_argument("--justification", required=True, metavar="TEXT",
                         help="the business justification")
    request.add_argument("--key-out", metavar="FILE", help="where to keep a generated key")
    request.add_argument("--expires-in", type=int, default=30, metavar="DAYS",
                         help="days the request may wait for fulfilment (default 30)")
    request.set_defaults(func=cmd_request)

    for verb, helptext, func in (("approve", "approve a request", cmd_approve),
                                 ("reject", "reject a request (ends it)", cmd_reject)):
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
    fulfil.set_defaults(func=cmd_fulfil)

    ack = verbs.add_parser("acknowledge", help="the requester confirms delivery")
    _common(ack)
    ack.add_argument("request_id", type=int, metavar="REQUEST")
    ack.add_argument("--requester", required=True, metavar="NAME")
    ack.set_defaults(func=cmd_acknowledge)

    listing = verbs.add_parser("list", help="requests, certificates, renewals, audit log")
    _common(listing)
    for what in LISTED:
        listing.add_argument(f"--{what}", action="store_true", help=f"show {what}")
    listing.add_argument("--state", help="only requests in this state")
    listing.add_argument("--within", type=int, metavar="DAYS",
                         help="only renewals due within DAYS")
    listing.set_defaults(func=cmd_list)

    revoke = verbs.add_parser("revoke", help="revoke an issued certificate or subordinate CA")
    _common(revoke)
    revoke.add_argument("serial", metavar="SERIAL", help="hexadecimal serial number")
    revoke.add_argument("--reason", default="unspecified",
                        help="unspecified, key-compromise, superseded, "
                        "cessation-of-operation, affiliation-changed, privilege-withdrawn")
    revoke.add_argument("--actor", metavar="NAME")
    revoke.set_defaults(func=cmd_revoke)

    crl = verbs.add_parser(
        "crl", help="sign the CRLs of the revoked certificates: the issuing CA's and the root's",
        description="Sign the issuing CA's CRL (crl.pem) and the root CRL (root.crl.pem) of "
        "revoked subordinate CAs, each with its own number. The root CRL needs the root key; "
        "when it cannot be used the issuing CA's CRL is still published, and the command fails "
        "if a revoked subordinate CA is thereby left off a root CRL.")
    _common(crl)
    crl.add_argument("--out", metavar="FILE", help="also write the issuing CA's CRL here")
    crl.add_argument("--root-out", metavar="FILE", help="also write the root CRL here")
    crl.add_argument("--next-update-days", type=int, default=7, metavar="N")
    crl.add_argument("--actor", metavar="NAME")
    crl.set_defaults(func=cmd_crl)

    passphrase = verbs.add_parser(
        "passphrase", help="give the issuing key (or --root the root key) a new passphrase",
        description=f"Re-encrypt a CA key with a new passphrase (scrypt), from "
        f"${ENV_NEW_PASSPHRASE} or asked twice; the current ones come from ${ENV_PASSPHRASE} "
        f"and ${ENV_ROOT_PASSPHRASE}. On a CA made before the root had its own passphrase, "
        "this separates the two.")
    _common(passphrase)
    passphrase.add_argument("--root", action="store_true", help="the root key's passphrase")
    passphrase.add_argument("--actor", metavar="NAME")
    passphrase.set_defaults(func=cmd_passphrase)

    verify = verbs.add_parser("verify", help="check the audit chain and issued certificates")
    _common(verify)
    verify.add_argument("--expect-head", metavar="SEQ:HASH",
                        help="the audit head noted down earlier")
    verify.set_defaults(func=cmd_verify)

    serve = verbs.add_parser(
        "serve-files", help="serve the CA's certificates and CRLs over HTTP on loopback",
        description="Serve root.crt, issuing.crt (DER) and issuing.crl, root.crl (DER, from "
        "crl.pem and root.crl.pem as `ca crl` last wrote them) at the CA's base URL, the "
        "caIssuers and CRL distribution point URLs its certificates name. Loopback only.")
    serve.add_argument("--ca", metavar="DIR", help=f"the CA folder (default: ${ENV_CA_DIR})")
    serve.add_argument("--port", type=int, metavar="N",
                       help="another port than the base URL's (its certificates still name "
                       "the base URL)")
    serve.set_defaults(func=cmd_serve_files)

    register_acme_verbs(verbs, _common)
