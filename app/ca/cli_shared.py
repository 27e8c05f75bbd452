"""What every `certroute ca` verb shares: passphrases, opening the CA, reading inputs, errors.

Cheap to import: the CA service and `cryptography` load inside the functions.
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
    from app.ca.provenance import ProjectSource
    from app.ca.service import CaService
    from models.project import Project

ENV_PASSPHRASE = "CERTROUTE_CA_PASSPHRASE"
ENV_ROOT_PASSPHRASE = "CERTROUTE_CA_ROOT_PASSPHRASE"  # the root key's own (init, crl, sub-CAs)
ENV_NEW_PASSPHRASE = "CERTROUTE_CA_NEW_PASSPHRASE"  # for `ca passphrase`
ENV_P12_PASSPHRASE = "CERTROUTE_P12_PASSPHRASE"
ENV_CA_DIR = "CERTROUTE_CA_DIR"


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def secret(env: str, prompt: str, *, confirm: bool = False) -> bytes:
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


def warn(message: str) -> None:
    print(f"certroute: warning: {message}", file=sys.stderr)


def root_secret(*, ask: bool) -> bytes | None:
    """The root passphrase from $CERTROUTE_CA_ROOT_PASSPHRASE, or asked for on a terminal when
    `ask` (an empty answer skips it); None when not given."""
    value = os.environ.get(ENV_ROOT_PASSPHRASE)
    if value is not None:
        return value.encode("utf-8")
    if not ask or not sys.stdin.isatty():
        return None
    answer = getpass.getpass("Root CA passphrase (Enter to leave the root locked): ")
    return answer.encode("utf-8") or None


def open_ca(args: argparse.Namespace, *, unlock: bool = False,
            root: bool = False) -> CaService:
    """The CA in --ca DIR (or $CERTROUTE_CA_DIR), unlocked with its passphrase if asked.

    The root key is unlocked too when $CERTROUTE_CA_ROOT_PASSPHRASE is set, or, with `root`,
    when it is answered on a terminal. What weakens the folder (files others may read, a
    root key sharing the CA passphrase) and key files upgraded to scrypt are told on stderr.
    """
    from app.ca.errors import CaError
    from app.ca.service import CaService

    try:
        service = CaService.open(_ca_dir(args))
        for message in service.warnings():
            warn(message)
        if unlock:
            passphrase = secret(ENV_PASSPHRASE, "CA passphrase")
            root_passphrase = None if service.root_shares_passphrase() else \
                root_secret(ask=root)
            for line in service.unlock(passphrase, root_passphrase):
                warn(f"upgraded the key file {line} (logged)")
    except CaError as exc:
        raise CliError(str(exc)) from None
    return service


def run(args: argparse.Namespace, action: Any) -> Any:
    """Call `action()`, turning CA errors into one-line CLI errors (violations listed first)."""
    from app.ca.errors import CaError, PolicyRefused

    try:
        return action()
    except PolicyRefused as exc:
        if getattr(args, "json", False):
            print_json({"issued": False, "violations": [
                {"code": v.code.value, "subject": v.subject, "message": v.message}
                for v in exc.violations]})
        else:
            for violation in exc.violations:
                print(f"  violation: {violation.message}")
        raise CliError(str(exc)) from None
    except CaError as exc:
        raise CliError(str(exc)) from None


def read_file(path: str, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: cannot read the {what} ({exc.strerror or exc})") from None


def load_project(path: str | None) -> tuple[Project, ProjectSource]:
    """The project at `path` (or the built-in example) and where it came from.

    The file is read once: the bytes that are parsed are the bytes that are hashed.
    """
    from importlib import resources

    from app.ca.provenance import ProjectSource
    from models.project_file import EXAMPLE_NAME, ProjectFileError, parse_project

    if path:
        data, label, name = read_file(path, "project file"), str(Path(path).absolute()), \
            Path(path).name
    else:
        data = resources.files("resources.examples").joinpath(EXAMPLE_NAME).read_bytes()
        label, name = f"built-in example ({EXAMPLE_NAME})", EXAMPLE_NAME
    try:
        project = parse_project(data, source=name)
    except ProjectFileError as exc:
        raise CliError(str(exc)) from None
    return project, ProjectSource.of(project, label, data)


def pin_json(pin: dict[str, Any] | None) -> dict[str, Any] | None:
    """The parts of a project pin that `--json` output shows."""
    return None if pin is None else {k: pin.get(k) for k in ("label", "digest", "file_sha256")}


def san_split(pem: str) -> tuple[list[str], list[str]]:
    """(DNS names, email addresses) among a certificate's SANs."""
    from cryptography import x509

    try:
        cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (ValueError, x509.ExtensionNotFound):
        return [], []
    return san.get_values_for_type(x509.DNSName), san.get_values_for_type(x509.RFC822Name)


def names_text(dns: list[str], emails: list[str]) -> str:
    """DNS names, then email addresses marked `email:`, as `ca list` and `ca issue` print them."""
    return ", ".join([*dns, *(f"email:{a}" for a in emails)])
