"""Challenge validation that really connects (ACME.md): http-01 fetches the token over HTTP,
dns-01 asks a DNS server for the TXT record. Both return an RFC 8555 problem or None."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field

import dns.exception
import dns.message
import dns.query
import dns.rdatatype
import dns.resolver
from acme import challenges
from josepy.jwk import JWK

from app.ca.acme.problems import AcmeProblem

TIMEOUT_S = 5.0
MAX_BODY = 8192  # a key authorization is ~90 bytes; never read a large answer


@dataclass(frozen=True, slots=True)
class Validator:
    """Where validation connects: the http-01 port, a name → IP table, a DNS server."""

    http_port: int = 80
    resolve: Mapping[str, str] = field(default_factory=dict)  # --resolve NAME=IP
    dns_server: tuple[str, int] | None = None  # --dns-resolver HOST:PORT; None: the system's

    def address(self, name: str) -> str:
        """The IP to connect to for `name`: --resolve first (`*` stands for any name), then
        the system resolver."""
        ip = self.resolve.get(name.lower()) or self.resolve.get("*")
        if ip:
            return ip
        try:
            return str(socket.getaddrinfo(name, self.http_port, type=socket.SOCK_STREAM)[0][4][0])
        except OSError as exc:
            raise AcmeProblem("dns", f"cannot resolve {name}: {exc}", identifier=name) from None

    def validate(self, kind: str, name: str, token: bytes,
                 account_key: JWK) -> AcmeProblem | None:
        """Validate one challenge of `kind` for `name`; the problem, or None when valid."""
        try:
            if kind == "http-01":
                self._http01(name, challenges.HTTP01(token=token), account_key)
            elif kind == "dns-01":
                self._dns01(name, challenges.DNS01(token=token), account_key)
            else:
                raise AcmeProblem("malformed", f"{kind} is not validated by this server")
        except AcmeProblem as problem:
            return problem
        return None

    def _http01(self, name: str, chall: challenges.HTTP01, key: JWK) -> None:
        expected = chall.validation(key)
        path = chall.path
        ip = self.address(name)
        conn = http.client.HTTPConnection(ip, self.http_port, timeout=TIMEOUT_S)
        where = f"http://{name}:{self.http_port}{path}"
        try:
            conn.request("GET", path, headers={"Host": name, "User-Agent": "certroute-acme"})
            response = conn.getresponse()
            body = response.read(MAX_BODY)
        except (OSError, http.client.HTTPException) as exc:
            raise AcmeProblem("connection", f"{where} ({ip}): {exc}", identifier=name) from None
        finally:
            conn.close()
        if response.status != 200:
            raise AcmeProblem("unauthorized", f"{where} answered HTTP {response.status}",
                              identifier=name)
        if body.strip() != expected.encode("ascii"):
            raise AcmeProblem("incorrectResponse", f"{where} served "
                              f"{body[:60].decode('latin-1')!r}, not the key authorization",
                              identifier=name)

    def _dns01(self, name: str, chall: challenges.DNS01, key: JWK) -> None:
        expected = chall.validation(key)
        record = chall.validation_domain_name(name)
        try:
            values = self._txt(record)
        except (dns.exception.DNSException, OSError) as exc:
            raise AcmeProblem("dns", f"TXT {record}: {exc}", identifier=name) from None
        if expected not in values:
            found = ", ".join(values) or "no TXT record"
            raise AcmeProblem("unauthorized", f"TXT {record} holds {found}, not the expected "
                              "digest", identifier=name)

    def _txt(self, record: str) -> list[str]:
        if self.dns_server is None:
            try:
                answer = dns.resolver.resolve(record, "TXT", lifetime=TIMEOUT_S)
            except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
                return []
            rrsets = [answer.rrset] if answer.rrset is not None else []
        else:
            host, port = self.dns_server
            reply = dns.query.udp(dns.message.make_query(record, "TXT"), host, port=port,
                                  timeout=TIMEOUT_S)
            rrsets = [r for r in reply.answer if r.rdtype == dns.rdatatype.TXT]
        return [b"".join(item.strings).decode("utf-8", "replace")
                for rrset in rrsets for item in rrset]
