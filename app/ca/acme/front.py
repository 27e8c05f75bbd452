"""Starting the ACME front door of a CA folder: one call shared by `ca serve` and the Issue tab."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.ca.acme.protocol import AcmeServer
from app.ca.acme.transport import RunningServer, start_server
from app.ca.acme.validation import Validator
from app.ca.errors import CaError
from app.ca.provenance import ProjectSource, pinned
from app.ca.service import CaService
from models.project import Project

DEFAULT_PORT = 14000


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """`certroute ca serve`'s options."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    http_01_port: int = 80
    dns_resolver: tuple[str, int] | None = None
    resolve: Mapping[str, str] = field(default_factory=dict)
    eab_required: bool = True


def parse_host_port(text: str) -> tuple[str, int]:
    """`HOST:PORT` → (host, port).

    Raises:
        CaError: not HOST:PORT with a port number.
    """
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CaError(f"{text!r} is not HOST:PORT")
    return host, int(port)


def parse_resolve(items: list[str]) -> dict[str, str]:
    """`NAME=IP` pairs → {name: ip}.

    Raises:
        CaError: an item without `=`.
    """
    table: dict[str, str] = {}
    for item in items:
        name, sep, ip = item.partition("=")
        if not sep or not name.strip() or not ip.strip():
            raise CaError(f"--resolve {item!r}: give NAME=IP")
        table[name.strip().lower()] = ip.strip()
    return table


def serve(service: CaService, project: Project, source: ProjectSource,
          options: ServeOptions, *, background: bool = True) -> RunningServer:
    """Start the ACME server on the CA (unlocked) for the project it is pinned to.

    Raises:
        CaError: the CA is locked, or the project is not the one the CA is pinned to (every
            issuance would be refused), or the address cannot be bound.
    """
    if not service.authority.unlocked:
        raise CaError("the CA is locked: give its passphrase first")
    pin = pinned(service.ledger)
    if pin is not None and pin.get("digest") != source.digest:
        raise CaError(f"the CA is pinned to {pin.get('label')}, not {source.describe()}: "
                      "serve the pinned project or pin this one (certroute ca pin-project)")
    validator = Validator(http_port=options.http_01_port, resolve=dict(options.resolve),
                          dns_server=options.dns_resolver)
    acme = AcmeServer(service, project, source, base_url="https://localhost",
                      validator=validator, eab_required=options.eab_required)
    try:
        return start_server(service, acme, host=options.host, port=options.port,
                            background=background)
    except OSError as exc:
        raise CaError(f"cannot listen on {options.host}:{options.port}: "
                      f"{exc.strerror or exc}") from None
