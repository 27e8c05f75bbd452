"""Real ACME clients against `certroute ca serve` over loopback sockets (ACME.md "Proof"):
certbot (EAB, standalone http-01 on a high port, --preferred-profile, manual dns-01 hooks
with pebble-challtestsrv as the DNS server) and lego 4.9 (no profiles: classification by
names). The server is the CLI in its own process; approvals go through the CLI too."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509

from models.project_file import save_project
from tests.ca.acme.support import ADMIN_TYPE, DNS_TYPE, HTTP_TYPE, acme_project

PASSPHRASE = "correct horse battery"
BIN = Path(sys.executable).parent
CERTBOT = str(BIN / "certbot")
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "CERTROUTE_CA_PASSPHRASE": PASSPHRASE,
           "CERTROUTE_CA_ROOT_PASSPHRASE": f"root {PASSPHRASE}",
           "PYTHONPATH": str(Path(__file__).resolve().parents[3]), **extra}
    return env


def certroute(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "app", *args], env=_env(), text=True,
                          capture_output=True, timeout=120)
    if check:
        assert done.returncode == 0, done.stderr
    return done


@dataclass
class Served:
    ca: Path
    directory: str
    http_port: int
    kid: str
    hmac: str
    process: subprocess.Popen[str]
    tmp: Path

    @property
    def root(self) -> Path:
        return self.ca / "root.crt"

    def certbot(self, *args: str, name: str, timeout: float = 180
                ) -> subprocess.CompletedProcess[str]:
        base = self.tmp / f"certbot-{name}"
        return subprocess.run(
            [CERTBOT, *args, "--non-interactive", "--agree-tos", "-m", "ops@example.com",
             "--server", self.directory, "--config-dir", str(base / "config"),
             "--work-dir", str(base / "work"), "--logs-dir", str(base / "logs")],
            env=_env(REQUESTS_CA_BUNDLE=str(self.root)), text=True, capture_output=True,
            timeout=timeout)

    def certonly(self, domain: str, *, profile: str | None, name: str, timeout: float = 180,
                 extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        args = ["certonly", "--eab-kid", self.kid, "--eab-hmac-key", self.hmac, "-d", domain,
                "--key-type", "ecdsa", *extra]
        if not extra:
            args += ["--standalone", "--http-01-port", str(self.http_port),
                     "--http-01-address", "127.0.0.1"]
        if profile:
            args += ["--preferred-profile", profile]
        return self.certbot(*args, name=name, timeout=timeout)

    def live(self, name: str, domain: str) -> Path:
        return self.tmp / f"certbot-{name}" / "config" / "live" / domain


def openssl_verify(root: Path, folder: Path) -> str:
    done = subprocess.run(["openssl", "verify", "-CAfile", str(root), "-untrusted",
                           str(folder / "chain.pem"), str(folder / "cert.pem")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    yield from _serve(tmp_path)


def _serve(tmp_path: Path, *extra: str) -> Iterator[Served]:
    project = tmp_path / "acme.certroute.json"
    save_project(acme_project(), project)
    ca = tmp_path / "ca"
    certroute("ca", "init", str(ca), "--project", str(project))
    eab = json.loads(certroute("ca", "eab", "add", "platform-team", "--ca", str(ca),
                               "--json").stdout)
    http_port, port = free_port(), free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "ca", "serve", "--ca", str(ca), "--port", str(port),
         "--http-01-port", str(http_port), "--resolve", "*=127.0.0.1", *extra],
        env=_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("ACME directory https://localhost:"), first + \
        (process.stderr.read() if process.stderr else "")
    directory = first.split()[-1]
    try:
        yield Served(ca, directory, http_port, eab["kid"], eab["hmac_key"], process, tmp_path)
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "ACME server stopped; every change was committed" in out
    assert "Audit chain intact" in certroute("ca", "verify", "--ca", str(ca)).stdout


def _orders(served: Served) -> list[dict[str, object]]:
    return json.loads(certroute("ca", "orders", "--ca", str(served.ca), "--json").stdout)


def test_certbot_gets_a_combined_type_at_once(served: Served):
    done = served.certonly("shop.example.com", profile=HTTP_TYPE, name="combined")
    assert done.returncode == 0, done.stderr
    live = served.live("combined", "shop.example.com")
    assert ": OK" in openssl_verify(served.root, live)
    [order] = _orders(served)
    assert (order["type"], order["profile"], order["status"]) == (HTTP_TYPE, HTTP_TYPE, "valid")
    audit = json.loads(certroute("ca", "list", "--audit", "--ca", str(served.ca),
                                 "--json").stdout)["audit"]
    issue = next(e for e in audit if e["action"] == "issue" and
                 e["detail"].get("type") == HTTP_TYPE)
    assert issue["actor"] == "platform-team"

    # Revocation through ACME shows in the next CRL.
    revoked = served.certbot("revoke", "--cert-path", str(live / "cert.pem"), "--reason",
                             "superseded", "--no-delete-after-revoke", name="combined")
    assert revoked.returncode == 0, revoked.stderr
    crl_path = served.tmp / "crl.pem"
    certroute("ca", "crl", "--ca", str(served.ca), "--out", str(crl_path))
    crl = x509.load_pem_x509_crl(crl_path.read_bytes())
    cert = x509.load_pem_x509_certificate((live / "cert.pem").read_bytes())
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry is not None
    assert entry.extensions.get_extension_for_class(x509.CRLReason).value.reason == \
        x509.ReasonFlags.superseded


def _wait_for_request(served: Served, thread: threading.Thread,
                      result: list[subprocess.CompletedProcess[str]],
                      timeout: float = 120) -> int:
    """The id of the request certbot's order raised; fails with certbot's output if it ended."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if not thread.is_alive():
            raise AssertionError(f"certbot ended first: {result[0].stderr if result else ''}")
        pending = json.loads(certroute("ca", "list", "--requests", "--state", "pending",
                                       "--ca", str(served.ca), "--json").stdout)["requests"]
        if pending:
            return int(pending[0]["id"])
        time.sleep(0.5)
    raise AssertionError("no request reached the approval queue")


def _in_background(run) -> tuple[threading.Thread, list[subprocess.CompletedProcess[str]]]:
    result: list[subprocess.CompletedProcess[str]] = []
    thread = threading.Thread(target=lambda: result.append(run()), daemon=True)
    thread.start()
    return thread, result


def test_certbot_admin_type_waits_for_approval_and_fulfilment_in_the_cli(served: Served):
    thread, result = _in_background(lambda: served.certonly(
        "mf.internal.example", profile=ADMIN_TYPE, name="admin"))
    request_id = _wait_for_request(served, thread, result)
    time.sleep(2)  # certbot is polling the order, which stays `processing`
    assert thread.is_alive()
    [order] = _orders(served)
    assert order["status"] == "processing"
    certroute("ca", "approve", str(request_id), "--ca", str(served.ca), "--approver", "bob",
              "--role", "Team lead", "--confirm", "1", "--confirm", "2")
    certroute("ca", "fulfil", str(request_id), "--ca", str(served.ca), "--operator", "ops")
    thread.join(timeout=150)
    [done] = result
    assert done.returncode == 0, done.stderr
    assert ": OK" in openssl_verify(served.root, served.live("admin", "mf.internal.example"))
    request = json.loads(certroute("ca", "list", "--requests", "--ca", str(served.ca),
                                   "--json").stdout)["requests"][0]
    assert request["requester"] == "platform-team"
    assert request["state"] == "acknowledged"  # closed by the download


def test_certbot_reports_the_rejection_reason(served: Served):
    thread, result = _in_background(lambda: served.certonly(
        "mf3.internal.example", profile=ADMIN_TYPE, name="rejected"))
    request_id = _wait_for_request(served, thread, result)
    certroute("ca", "reject", str(request_id), "--ca", str(served.ca), "--approver", "bob",
              "--role", "Team lead", "--reason", "host is not in the CMDB")
    thread.join(timeout=150)
    [done] = result
    assert done.returncode != 0
    assert "host is not in the CMDB" in done.stderr + done.stdout


def test_certbot_out_of_policy_name_is_refused_with_the_violation(served: Served):
    done = served.certonly("shop.example.org", profile=HTTP_TYPE, name="policy")
    assert done.returncode != 0
    assert "customer-tls: DNS name 'shop.example.org' is outside the allowed SAN patterns " \
        "(example.com, **.example.com)" in done.stderr


@pytest.mark.skipif(shutil.which("lego") is None, reason="Debian package lego not installed")
def test_lego_without_profiles_is_classified_by_names(served: Served, tmp_path: Path):
    done = subprocess.run(
        ["lego", "--server", served.directory, "--accept-tos", "--email", "ops@example.com",
         "--eab", "--kid", served.kid, "--hmac", served.hmac, "--http",
         "--http.port", f"127.0.0.1:{served.http_port}", "--domains", "api.example.com",
         "--key-type", "ec256", "--path", str(tmp_path / "lego"), "run"],
        env=_env(LEGO_CA_CERTIFICATES=str(served.root)), text=True, capture_output=True,
        timeout=180)
    assert done.returncode == 0, done.stderr
    certs = tmp_path / "lego" / "certificates"
    chain = x509.load_pem_x509_certificates((certs / "api.example.com.crt").read_bytes())
    (tmp_path / "split").mkdir()
    (tmp_path / "split" / "cert.pem").write_bytes(chain[0].public_bytes(
        __import__("cryptography").hazmat.primitives.serialization.Encoding.PEM))
    (tmp_path / "split" / "chain.pem").write_bytes(b"".join(c.public_bytes(
        __import__("cryptography").hazmat.primitives.serialization.Encoding.PEM)
        for c in chain[1:]))
    assert ": OK" in openssl_verify(served.root, tmp_path / "split")
    [order] = _orders(served)
    assert (order["type"], order["profile"], order["status"]) == (HTTP_TYPE, None, "valid")


@pytest.mark.skipif(shutil.which("pebble-challtestsrv") is None,
                    reason="Debian package pebble not installed")
def test_certbot_dns01_through_pebble_challtestsrv(tmp_path: Path):
    dns_port, management = free_port(), free_port()
    challtest = subprocess.Popen(
        ["pebble-challtestsrv", "-dns01", f"127.0.0.1:{dns_port}", "-http01", "",
         "-https01", "", "-tlsalpn01", "", "-management", f"127.0.0.1:{management}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    hook = tmp_path / "hook.py"
    hook.write_text(
        "import json, os, urllib.request\n"
        f"url = 'http://127.0.0.1:{management}/set-txt'\n"
        "body = {'host': '_acme-challenge.' + os.environ['CERTBOT_DOMAIN'] + '.',\n"
        "        'value': os.environ['CERTBOT_VALIDATION']}\n"
        "urllib.request.urlopen(urllib.request.Request(url, json.dumps(body).encode()))\n")
    try:
        time.sleep(0.5)
        for served in _serve(tmp_path, "--dns-resolver", f"127.0.0.1:{dns_port}"):
            done = served.certonly(
                "www.dns.test", profile=DNS_TYPE, name="dns",
                extra=("--manual", "--preferred-challenges", "dns",
                       "--manual-auth-hook", f"{sys.executable} {hook}"))
            assert done.returncode == 0, done.stderr
            assert ": OK" in openssl_verify(served.root, served.live("dns", "www.dns.test"))
            [order] = _orders(served)
            assert (order["type"], order["status"]) == (DNS_TYPE, "valid")
    finally:
        challtest.terminate()
        challtest.wait(timeout=10)
