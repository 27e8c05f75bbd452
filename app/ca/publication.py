"""Where the test CA publishes its certificates and CRLs (AIA and CRLDP URLs), and serving them.

Certificates name four URLs under the CA's base URL, which `ca init --base-url` stores in the
ledger's settings (default http://127.0.0.1:8480/): root.crt and issuing.crt (DER, RFC 5280
§4.2.2.1 caIssuers), issuing.crl and root.crl (DER, §4.2.1.13). `certroute ca serve-files`
serves them from the CA folder's files on a loopback address.
"""

from __future__ import annotations

import http.server
import ipaddress
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from app.ca.errors import CaError

if TYPE_CHECKING:  # `certroute ca`'s parser reads DEFAULT_BASE_URL without cryptography
    from cryptography import x509

BASE_URL_KEY = "publication_base_url"  # ledger meta
DEFAULT_BASE_URL = "http://127.0.0.1:8480/"
ROOT_CERT_FILE, ISSUING_CERT_FILE = "root.crt", "issuing.crt"
ISSUING_CRL_FILE, ROOT_CRL_FILE = "issuing.crl", "root.crl"


def checked_base_url(url: str) -> str:
    """`url` as a base for the published files, ending in "/".

    TLS BR 7.1.2.11.2 and 7.1.2.7.7: CRL and caIssuers URLs are plain HTTP (a client fetching
    them may not have a trusted path for HTTPS yet).

    Raises:
        CaError: not an http:// URL with a host, or it carries a query or fragment.
    """
    parts = urlsplit(url.strip())
    if parts.scheme != "http" or not parts.hostname:
        raise CaError(f"publication base URL {url!r} is not an http:// URL with a host "
                      "(CRL and caIssuers URLs are plain HTTP)")
    if parts.query or parts.fragment:
        raise CaError(f"publication base URL {url!r} has a query or fragment")
    text = parts.geturl()
    return text if text.endswith("/") else text + "/"


@dataclass(frozen=True, slots=True)
class Publication:
    """The URLs certificates of this CA point at."""

    base_url: str = DEFAULT_BASE_URL

    def url(self, name: str) -> str:
        return self.base_url + name

    def ca_issuers(self, by_root: bool) -> x509.AuthorityInformationAccess:
        """AIA caIssuers: the certificate of whichever CA signed (RFC 5280 §4.2.2.1)."""
        from cryptography import x509
        from cryptography.x509.oid import AuthorityInformationAccessOID

        name = ROOT_CERT_FILE if by_root else ISSUING_CERT_FILE
        return x509.AuthorityInformationAccess([x509.AccessDescription(
            AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(self.url(name)))])

    def crl_distribution_points(self, by_root: bool) -> x509.CRLDistributionPoints:
        """One distribution point: the CRL of whichever CA signed (RFC 5280 §4.2.1.13)."""
        from cryptography import x509

        name = ROOT_CRL_FILE if by_root else ISSUING_CRL_FILE
        return x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(self.url(name))], relative_name=None,
            reasons=None, crl_issuer=None)])


_Reader = Callable[[bytes], bytes]


def _cert_der(pem: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    return x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)


def _crl_der(pem: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    return x509.load_pem_x509_crl(pem).public_bytes(serialization.Encoding.DER)


# name under the base URL -> (file in the CA folder, how to read it as DER, content type)
SERVED: dict[str, tuple[str, _Reader, str]] = {
    ROOT_CERT_FILE: ("root.crt", _cert_der, "application/pkix-cert"),
    ISSUING_CERT_FILE: ("issuing.crt", _cert_der, "application/pkix-cert"),
    ISSUING_CRL_FILE: ("crl.pem", _crl_der, "application/pkix-crl"),
    ROOT_CRL_FILE: ("root.crl.pem", _crl_der, "application/pkix-crl"),
}


def published(folder: Path, name: str) -> tuple[bytes, str] | None:
    """The DER body and content type of a published file; None when it is not published
    (an unknown name, or a CRL not signed yet: `certroute ca crl` writes it)."""
    entry = SERVED.get(name)
    if entry is None:
        return None
    source, read, content_type = entry
    try:
        return read((folder / source).read_bytes()), content_type
    except FileNotFoundError:
        return None


def loopback_address(base_url: str, port: int | None) -> tuple[str, int]:
    """(host, port) to serve `base_url` on; refused unless the host is a loopback address.

    Raises:
        CaError: the base URL's host is not 127.0.0.1, ::1 or localhost.
    """
    parts = urlsplit(base_url)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise CaError(f"serve-files serves on a loopback address only; the CA's base URL "
                      f"names {host!r} (publish the files with that host's web server)")
    return ("127.0.0.1" if host == "localhost" else host), (
        port if port is not None else parts.port or 80)


def with_port(base_url: str, port: int) -> str:
    """`base_url` with its port replaced: where a server bound to `port` serves it."""
    parts = urlsplit(base_url)
    return parts._replace(netloc=f"{parts.hostname}:{port}").geturl()


def file_server(folder: Path, base_url: str, *, port: int | None = None
                ) -> http.server.ThreadingHTTPServer:
    """An HTTP server for the published files, bound to the base URL's loopback host; call
    `serve_forever` (or `serve_in_thread`). Only GET of the four names under the base path.

    Raises:
        CaError: the host is not a loopback address.
    """
    host, bind_port = loopback_address(base_url, port)
    prefix = urlsplit(base_url).path or "/"

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            found = published(folder, path[len(prefix):]) if path.startswith(prefix) else None
            if found is None:
                self.send_error(404, "not published")
                return
            body, content_type = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return  # quiet: the CLI prints what it serves once

    return http.server.ThreadingHTTPServer((host, bind_port), Handler)


def serve_in_thread(server: http.server.ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
