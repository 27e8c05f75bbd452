"""Live TLS endpoints (`host:port`, one a line): the certificate each one presents.

The handshake does not verify the chain (discovery wants to see what is deployed, trusted or
not); each connection has a timeout, and an endpoint that cannot be reached is a problem, not
a failure of the scan.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl

from cryptography import x509

from app.discovery.files import Found, ScanProblem

DEFAULT_TIMEOUT = 5.0
MAX_ENDPOINTS = 10_000


def parse_endpoints(text: str) -> tuple[list[tuple[str, int]], list[ScanProblem]]:
    """`host:port` lines (`[v6]:port`, default port 443; `#` comments) -> targets."""
    targets: list[tuple[str, int]] = []
    problems: list[ScanProblem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        host, port = line, "443"
        if line.startswith("["):
            host, _, rest = line[1:].partition("]")
            port = rest.removeprefix(":") or "443"
        elif line.count(":") == 1:
            host, port = line.split(":")
        elif ":" in line:
            try:
                host = str(ipaddress.IPv6Address(line))  # a bare IPv6 address, port 443
            except ValueError:
                host = ""
        if not port.isdigit() or not 0 < int(port) < 65536 or not host:
            problems.append(ScanProblem(f"endpoints line {number}",
                                        f"{line[:80]!r} is not host:port"))
            continue
        targets.append((host, int(port)))
    if len(targets) > MAX_ENDPOINTS:
        problems.append(ScanProblem("endpoints", f"more than {MAX_ENDPOINTS:,}; the rest "
                                    "were not fetched"))
    return targets[:MAX_ENDPOINTS], problems


def fetch(host: str, port: int, *, timeout: float = DEFAULT_TIMEOUT) -> Found | ScanProblem:
    """The leaf certificate `host:port` presents in a TLS handshake."""
    source = f"{host}:{port}"
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        ipaddress.ip_address(host)
        server_name = None
    except ValueError:
        server_name = host
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=server_name) as tls:
            der = tls.getpeercert(binary_form=True)
    except (OSError, ssl.SSLError) as exc:
        return ScanProblem(source, f"no TLS handshake: {str(exc)[:120]}")
    if not der:
        return ScanProblem(source, "the server presented no certificate")
    try:
        return Found(x509.load_der_x509_certificate(der), source)
    except ValueError as exc:
        return ScanProblem(source, f"unreadable certificate: {str(exc)[:120]}")
