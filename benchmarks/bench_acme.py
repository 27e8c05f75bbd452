"""ACME throughput: `certroute ca serve` against Let's Encrypt's test server Pebble, same load.

ACME.md "Proof" and issue 19: N concurrent clients of the certbot project's `acme` library,
each doing full cycles — new account, new order, http-01 challenge (really fetched from a
responder on loopback), finalize, certificate download — against each server in turn, in
the same run. Reported: orders completed per second and the p95 cycle latency, with the
ratio to Pebble. Both servers run in their own process; the clients share this one.

Pebble runs from the Debian package with PEBBLE_VA_NOSLEEP=1 (no artificial validation
delay) and PEBBLE_WFE_NONCEREJECT=0 (its test default rejects 5 % of nonces, a robustness
test for clients, not a cost of serving), its TLS certificate issued by the same test CA so
one root trusts both, and `pebble-challtestsrv` as its DNS server answering 127.0.0.1.
Certroute keeps its durability: every ledger transaction is fsync'd (synchronous = FULL),
EAB is required and every change is in the hash-chained audit log.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import josepy as jose
import requests
from acme import challenges, client, messages
from cryptography.hazmat.primitives.asymmetric import ec

from app.ca.acme.transport import issue_server_certificate
from app.ca.csr import build_csr, csr_pem, generate_key
from app.ca.files import write_private
from app.ca.service import CaService
from benchmarks.timing import report
from models.project_file import save_project
from tests.ca.acme.support import HTTP_TYPE, Http01Responder, acme_project

PASSPHRASE = "benchmark passphrase"
POLL_S = 0.05


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(url: str, root: Path, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if requests.get(url, verify=str(root), timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def _cycle(directory_url: str, root: Path, responder: Http01Responder, name: str,
           eab: tuple[str, str] | None, profile: str | None) -> None:
    """One full ACME cycle with a new account key."""
    key = jose.JWKEC(key=ec.generate_private_key(ec.SECP256R1()))
    # requests takes a CA bundle path where acme annotates verify_ssl as bool.
    net = client.ClientNetwork(key, alg=jose.ES256, verify_ssl=str(root),  # type: ignore[arg-type]
                               user_agent="certroute-bench")
    directory = client.ClientV2.get_directory(directory_url, net)
    acme = client.ClientV2(directory, net)
    binding = messages.ExternalAccountBinding.from_data(
        account_public_key=key.public_key(), kid=eab[0], hmac_key=eab[1],
        directory=directory) if eab else None
    acme.new_account(messages.NewRegistration.from_data(
        terms_of_service_agreed=True, external_account_binding=binding))
    order = acme.new_order(csr_pem(build_csr(generate_key(), [name])), profile=profile)
    for authz in order.authorizations:
        chall = next(c for c in authz.body.challenges if isinstance(c.chall, challenges.HTTP01))
        response, validation = chall.response_and_validation(key)
        responder.tokens[chall.chall.path] = validation.encode()
        acme.answer_challenge(chall, response)
    # The library's poll_and_finalize sleeps a whole second before its first look at the
    # order: a server cost neither server has. Both are polled every POLL_S instead.
    deadline = time.monotonic() + 120
    for url in order.body.authorizations:
        while _status(acme, url) == "pending":
            _pause(deadline)
    acme.begin_finalization(order)
    while (body := acme._post_as_get(order.uri).json())["status"] != "valid":
        if body["status"] == "invalid":
            raise RuntimeError(f"order {order.uri} invalid: {body.get('error')}")
        _pause(deadline)
    assert "BEGIN CERTIFICATE" in acme._post_as_get(body["certificate"]).text


def _status(acme: client.ClientV2, url: str) -> str:
    return str(acme._post_as_get(url).json()["status"])


def _pause(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise TimeoutError("no answer within 120 s")
    time.sleep(POLL_S)


def _load(label: str, run: Callable[[str], None], clients: int, cycles: int
          ) -> tuple[float, float]:
    """(orders per second, p95 cycle seconds) of `clients` threads × `cycles` cycles."""
    latencies: list[float] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        for cycle in range(cycles):
            start = time.perf_counter()
            try:
                run(f"c{index}-{cycle}-{label}.example.com")
            except BaseException as exc:  # reported after the run
                with lock:
                    errors.append(exc)
                return
            with lock:
                latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise RuntimeError(f"{label}: {len(errors)} cycle(s) failed: {errors[0]!r}")
    p95 = statistics.quantiles(latencies, n=20)[-1] if len(latencies) > 1 else latencies[0]
    return len(latencies) / elapsed, p95


def main(*, smoke: bool = False) -> None:
    clients, cycles, rounds = (2, 1, 1) if smoke else (8, 6, 2)
    if not shutil.which("pebble") or not shutil.which("pebble-challtestsrv"):
        print("pebble not installed (Debian package pebble): no peer to compare with")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = folder / "acme.certroute.json"
        save_project(acme_project(), project)
        env = {**os.environ, "CERTROUTE_CA_PASSPHRASE": PASSPHRASE,
               "CERTROUTE_CA_ROOT_PASSPHRASE": f"root {PASSPHRASE}"}
        cli = [sys.executable, "-m", "app", "ca"]
        ca = folder / "ca"
        subprocess.run([*cli, "init", str(ca), "--project", str(project)], env=env,
                       check=True, capture_output=True)
        kid_key = json.loads(subprocess.run(
            [*cli, "eab", "add", "bench", "--ca", str(ca), "--json"], env=env, check=True,
            capture_output=True, text=True).stdout)
        root = ca / "root.crt"
        # Pebble's TLS certificate, from the same CA (logged in its ledger like any other).
        service = CaService.open(ca)
        service.unlock(PASSPHRASE.encode())
        chain, key = issue_server_certificate(service, "localhost")
        service.close()
        write_private(folder / "pebble-cert.pem", chain)
        write_private(folder / "pebble-key.pem", key)
        responder = Http01Responder()
        processes: list[subprocess.Popen[bytes]] = []
        try:
            dns_port, port, pebble_port = _free_port(), _free_port(), _free_port()
            processes.append(subprocess.Popen(
                ["pebble-challtestsrv", "-dns01", f"127.0.0.1:{dns_port}", "-http01", "",
                 "-https01", "", "-tlsalpn01", "", "-defaultIPv6", "",
                 "-management", f"127.0.0.1:{_free_port()}"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            config = folder / "pebble-config.json"
            config.write_text(json.dumps({"pebble": {
                "listenAddress": f"127.0.0.1:{pebble_port}",
                "managementListenAddress": f"127.0.0.1:{_free_port()}",
                "certificate": str(folder / "pebble-cert.pem"),
                "privateKey": str(folder / "pebble-key.pem"),
                "httpPort": responder.port, "tlsPort": _free_port(),
                "ocspResponderURL": "", "externalAccountBindingRequired": False}}))
            processes.append(subprocess.Popen(
                ["pebble", "-config", str(config), "-dnsserver", f"127.0.0.1:{dns_port}"],
                env={**os.environ, "PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            processes.append(subprocess.Popen(
                [*cli, "serve", "--ca", str(ca), "--port", str(port), "--http-01-port",
                 str(responder.port), "--resolve", "*=127.0.0.1"], env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            pebble_url = f"https://localhost:{pebble_port}/dir"
            certroute_url = f"https://localhost:{port}/directory"
            _wait_for(pebble_url, root, processes[1])
            _wait_for(certroute_url, root, processes[2])
            eab = (kid_key["kid"], kid_key["hmac_key"])
            runs: dict[str, list[tuple[float, float]]] = {"pebble": [], "certroute": []}
            cycle = {"pebble": lambda name: _cycle(pebble_url, root, responder, name, None,
                                                   None),
                     "certroute": lambda name: _cycle(certroute_url, root, responder, name,
                                                      eab, HTTP_TYPE)}
            # Alternating rounds (P C C P …): neither server always runs first, on a
            # machine whose load changes under the run. The better round of each counts.
            order = ["pebble", "certroute"] * rounds
            for index, label in enumerate(order):
                label = order[index ^ 1] if (index // 2) % 2 else label
                runs[label].append(_load(f"{label}{index}", cycle[label], clients, cycles))
            peer, ours = max(runs["pebble"]), max(runs["certroute"])
        finally:
            for process in reversed(processes):
                process.terminate()
                process.wait(timeout=30)
            responder.close()
        print(f"{clients} concurrent clients × {cycles} full cycles each (new account, order, "
              f"http-01, finalize, download); best of {rounds} alternating round(s) each")
        report("ACME orders completed per second, Pebble", peer[0], "orders/s")
        report("ACME orders completed per second, Certroute", ours[0], "orders/s",
               target="≥ Pebble")
        print(f"{'  ratio Certroute / Pebble':<48} {ours[0] / peer[0]:>10.2f} ×", flush=True)
        report("ACME p95 cycle latency, Certroute", ours[1] * 1e3, "ms",
               peer=("Pebble", peer[1] * 1e3))
