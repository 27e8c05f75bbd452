"""ACME test support: the project the ACME tests serve, a CA with a server on a free loopback
port, an http-01 responder, and `acme`-library clients (the certbot project's)."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import josepy as jose
from acme import challenges, client, messages
from acme.client import ClientV2
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from app.ca.acme.front import ServeOptions, serve
from app.ca.acme.store import AcmeStore
from app.ca.acme.transport import RunningServer
from app.ca.authority import ROOT_CERT
from app.ca.csr import build_csr, csr_pem, generate_key
from app.ca.provenance import ProjectSource
from app.ca.service import CaService
from models.issuance_policy import IssuanceProfileSettings
from models.project import Project
from models.project_file import load_example

PASSPHRASE = b"correct horse battery"
HTTP_TYPE, DNS_TYPE, ADMIN_TYPE, MESH_TYPE = "customer-tls", "web-dns", "mainframe-tls", \
    "mesh-mtls"


def acme_project() -> Project:
    """The example, with customer-tls proved by HTTP-01 and a combined `web-dns` type
    (names under dns.test) proved by DNS-01; mainframe-tls stays admin-mediated."""
    example = load_example()
    types = []
    for ctype in example.types:
        if ctype.id == HTTP_TYPE:
            types.append(ctype.model_copy(update={"combined": ctype.combined.model_copy(
                update={"identity_method": "ACME HTTP-01"})}))
            types.append(ctype.model_copy(update={
                "id": DNS_TYPE, "name": "Web TLS by DNS",
                "profile": IssuanceProfileSettings(san_patterns=("**.dns.test",))}))
        else:
            types.append(ctype)
    return example.model_copy(update={"types": tuple(types)})


class Http01Responder:
    """A plain HTTP server on a free loopback port serving key authorizations."""

    def __init__(self) -> None:
        self.tokens: dict[str, bytes] = {}
        tokens = self.tokens

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = tokens.get(self.path)
                self.send_response(200 if body else 404)
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Env:
    """A CA with its ACME server, the http-01 responder and the served project."""

    service: CaService
    server: RunningServer
    responder: Http01Responder
    project: Project
    folder: Path
    eab: dict[str, Any] = field(default_factory=dict)

    @property
    def directory(self) -> str:
        return self.server.directory_url

    @property
    def root(self) -> Path:
        return self.folder / ROOT_CERT

    @property
    def store(self) -> AcmeStore:
        return self.server.acme.store

    def key_for(self, requester: str) -> Any:
        if requester not in self.eab:
            self.eab[requester] = self.store.eab_add(requester, actor="test")
        return self.eab[requester]

    def client(self, requester: str = "alice", *, key: jose.JWK | None = None,
               register: bool = True) -> ClientV2:
        """A ClientV2 with a fresh account key, registered with `requester`'s EAB key."""
        key = key or jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
        alg = jose.ES256 if isinstance(key, jose.JWKEC) else jose.RS256
        # requests takes a CA bundle path where acme annotates verify_ssl as bool.
        net = client.ClientNetwork(key, alg=alg, verify_ssl=str(self.root),  # type: ignore[arg-type]
                                   user_agent="certroute-tests")
        directory = client.ClientV2.get_directory(self.directory, net)
        acme = client.ClientV2(directory, net)
        if register:
            eab = self.key_for(requester)
            binding = messages.ExternalAccountBinding.from_data(
                account_public_key=key.public_key(), kid=eab.kid, hmac_key=eab.hmac_key,
                directory=directory)
            acme.new_account(messages.NewRegistration.from_data(
                email=f"{requester}@example.com", terms_of_service_agreed=True,
                external_account_binding=binding))
        return acme

    def answer_http01(self, acme: ClientV2, order: messages.OrderResource) -> None:
        key = acme.net.key
        for authz in order.authorizations:
            chall = next(c for c in authz.body.challenges
                         if isinstance(c.chall, challenges.HTTP01))
            response, validation = chall.response_and_validation(key)
            self.responder.tokens[chall.chall.path] = validation.encode()
            acme.answer_challenge(chall, response)


def ready_order(env: Env, acme: client.ClientV2, *names: str,
                profile: str | None = None) -> messages.OrderResource:
    """An order for `names` whose http-01 challenges are answered and valid."""
    order = acme.new_order(new_csr(*names)[0], profile=profile)
    env.answer_http01(acme, order)
    return acme.poll_authorizations(order, deadline())


def new_csr(*names: str, kind: str = "ec") -> tuple[bytes, Any]:
    key = generate_key(kind)
    return csr_pem(build_csr(key, list(names))), key


def key_pem_of(key: Any) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def rsa_account_key() -> jose.JWK:
    return jose.JWKRSA(key=rsa.generate_private_key(65537, 2048))


@contextmanager
def acme_env(tmp_path: Path, *, dns_resolver: tuple[str, int] | None = None
             ) -> Iterator[Env]:
    """A new CA pinned to `acme_project()`, unlocked, serving ACME on a free port."""
    project = acme_project()
    source = ProjectSource.of(project, "ACME test project")
    service = CaService.init(tmp_path / "ca", PASSPHRASE, project=source)
    responder = Http01Responder()
    options = ServeOptions(port=0, http_01_port=responder.port,
                           resolve={"*": "127.0.0.1"}, dns_resolver=dns_resolver)
    server = serve(service, project, source, options)
    try:
        yield Env(service, server, responder, project, service.folder)
    finally:
        server.stop()
        responder.close()
        service.close()


def deadline(seconds: float = 30) -> dt.datetime:
    return dt.datetime.now() + dt.timedelta(seconds=seconds)
