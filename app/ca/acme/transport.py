"""The ACME server on a socket: HTTPS with a certificate from the CA itself.

Why the standard library's `ThreadingHTTPServer` with `ssl`: this is a loopback test service
for one CA folder, its work per request is dominated by the ledger's fsync'd transactions
(serialised by SQLite's write lock anyway) and by outbound challenge validation, which a
thread per connection overlaps well; it needs no new dependency, no event loop to bridge into
the synchronous CA service, and it stops cleanly (`shutdown` finishes the requests in flight;
every change is one SQLite transaction, so nothing is half-written). A production front door
would sit behind a hardened server; this one binds loopback unless a host is named.
"""

from __future__ import annotations

import datetime as dt
import logging
import ssl
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socket import IPPROTO_TCP, TCP_NODELAY, socket
from typing import Any

from cryptography.hazmat.primitives import serialization

from app.ca.acme.protocol import MAX_BODY, AcmeServer
from app.ca.bindings import certificate_row
from app.ca.csr import build_csr, facts_from_csr, generate_key, key_pem
from app.ca.files import make_private_dir, write_private
from app.ca.lookup import utc_now
from app.ca.records import iso
from app.ca.service import CaService
from models.enums import CaKind, Purpose, Workflow
from models.issuance_policy import IssuanceProfile
from models.key_rules import ExtendedKeyUsage, KeyKind, KeyRequirement

_log = logging.getLogger(__name__)
DRAIN_LIMIT = 1024 * 1024  # an oversized body up to this is read and dropped, not cut off
SERVER_DAYS = 7  # the server's own TLS certificate: short-lived, a new one each start
SERVER_TYPE = "acme-server"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def server_name(host: str) -> str:
    """The DNS name in the server certificate and URL: `localhost` for loopback addresses
    (the CA issues DNS names only), else the host as named."""
    return "localhost" if host in LOOPBACK else host


def issue_server_certificate(service: CaService, name: str) -> tuple[bytes, bytes]:
    """(certificate chain PEM, key PEM) for the server, issued and logged by the CA."""
    now = utc_now()
    key = generate_key("ec")
    csr = build_csr(key, [name])
    profile = IssuanceProfile(
        type_id=SERVER_TYPE, purpose=Purpose.TLS_INTERNAL, san_patterns=(name,),
        allow_wildcards=False, requires_dns_name=True,
        key_types=(KeyRequirement(kind=KeyKind.EC, min_size=256),),
        max_validity_days=SERVER_DAYS, class_max_days=SERVER_DAYS,
        ekus=(ExtendedKeyUsage.SERVER_AUTH,), ca=CaKind.PRIVATE)
    with service.ledger.transaction() as conn:
        issued = service.sign_and_record(
            conn, csr, facts_from_csr(csr), profile, workflow=Workflow.COMBINED,
            validity_days=SERVER_DAYS, request_id=None,
            identity="the CA's own ACME server", now=now)
        service.ledger.record(conn, at=iso(now), actor="system", action="issue",
                              subject=f"certificate {issued.record.serial}",
                              detail={"type": SERVER_TYPE, "workflow": "combined",
                                      "names": [name], "validity_days": SERVER_DAYS},
                              rows=[certificate_row(issued.record.serial)])
    chain = b"".join(c.public_bytes(serialization.Encoding.PEM)
                     for c in [issued.certificate, *issued.chain[:-1]])
    return chain, key_pem(key)


def tls_context(chain: bytes, key: bytes) -> ssl.SSLContext:
    """A server context from PEM bytes; the key touches disk only in an owner-only temporary
    folder that is gone when this returns (ssl loads certificates from files alone)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    with tempfile.TemporaryDirectory(prefix="certroute-acme-") as folder:
        private = Path(folder) / "tls"
        make_private_dir(private)
        write_private(private / "cert.pem", chain)
        write_private(private / "key.pem", key)
        context.load_cert_chain(private / "cert.pem", private / "key.pem")
    return context


class _Handler(BaseHTTPRequestHandler):
    server: _HttpsServer
    protocol_version = "HTTP/1.1"
    timeout = 30  # a silent connection is dropped, never holds a thread for ever
    # Buffered: headers and body leave in one write when the request is done (the base
    # class flushes), not as small segments that wait for delayed ACKs.
    wbufsize = 64 * 1024

    def log_message(self, format: str, *args: Any) -> None:
        _log.debug("%s %s", self.address_string(), format % args)

    def _answer(self, method: str) -> None:
        length = self.headers.get("Content-Length")
        try:
            size = int(length) if length else 0
        except ValueError:
            size = -1
        if size < 0 or size > DRAIN_LIMIT:
            # Never read a huge body; the connection closes after the answer.
            body, self.close_connection = b"x" * (MAX_BODY + 1), True
        elif size > MAX_BODY:
            # Read and drop it (in pieces) so the client, still sending, reads the 413.
            while size > 0 and (chunk := self.rfile.read(min(size, 65536))):
                size -= len(chunk)
            body = b"x" * (MAX_BODY + 1)
        else:
            body = self.rfile.read(size) if size else b""
        response = self.server.acme.handle(method, self.path.split("?")[0],
                                           self.headers.get("Content-Type", ""), body)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)

    def do_GET(self) -> None:
        self._answer("GET")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")


class _HttpsServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = True  # shutdown waits for the requests in flight

    def __init__(self, address: tuple[str, int], acme: AcmeServer) -> None:
        self.acme = acme
        self.context: ssl.SSLContext | None = None  # set before serving starts
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket, Any]:
        conn, address = self.socket.accept()
        assert self.context is not None
        conn.setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)  # answers are small: send at once
        # The handshake happens in the connection's own thread, not in the accept loop.
        return self.context.wrap_socket(conn, server_side=True,
                                        do_handshake_on_connect=False), address


class RunningServer:
    """An ACME server listening on HOST:PORT in a background thread; `stop` ends it cleanly."""

    def __init__(self, acme: AcmeServer, host: str, port: int) -> None:
        self.acme = acme
        self.httpd = _HttpsServer((host, port), acme)
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(target=self.httpd.serve_forever,
                                        kwargs={"poll_interval": 0.2},
                                        name="certroute-acme", daemon=True)
        self.started = dt.datetime.now(dt.UTC)

    @property
    def directory_url(self) -> str:
        return self.acme.directory_url

    def start(self) -> RunningServer:
        self._thread.start()
        return self

    def serve(self) -> None:
        """Serve in the calling thread until `stop` is called from another."""
        self.httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        """Stop accepting, finish the requests in flight, close the socket."""
        self.httpd.shutdown()
        self.httpd.server_close()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        self.acme.store.close()


def start_server(service: CaService, acme: AcmeServer, *, host: str = "127.0.0.1",
                 port: int = 14000, background: bool = True) -> RunningServer:
    """Issue the server certificate, bind HOST:PORT (0: a free port) and start serving.

    The ACME server's base URL is set here, from the name in the certificate and the port
    actually bound.
    """
    name = server_name(host)
    running = RunningServer(acme, host, port)  # bound first: no certificate for a busy port
    running.httpd.context = tls_context(*issue_server_certificate(service, name))
    acme.base = f"https://{name}:{running.port}"
    return running.start() if background else running
