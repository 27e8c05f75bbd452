"""`certroute discover`: the one command over every source, its JSON, --into and --replay."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from app.cli import main
from app.discovery.endpoints import fetch, parse_endpoints
from app.discovery.files import Found, ScanProblem
from models.project_file import load_example, load_project, save_project
from tests.discovery.estate import (
    CLM_CSV,
    NOW,
    crtsh_json,
    leaf,
    make_ca,
    pem,
)


@pytest.fixture
def small_estate(tmp_path: Path) -> Path:
    ca = make_ca("Corp Root CA", "Example Corp")
    certs = [leaf(ca, names=(f"svc{i}.corp.example.net",), days=365, issued_days_ago=i)
             for i in range(20)]
    folder = tmp_path / "certs"
    folder.mkdir()
    (folder / "svc.pem").write_bytes(pem([ca.cert, *certs]))
    (folder / "bad.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n"
                                    "-----END CERTIFICATE-----\n")
    return folder


def test_a_source_that_reads_nothing_is_an_error_and_writes_nothing(tmp_path: Path, capsys):
    base, out = tmp_path / "base.certroute.json", tmp_path / "proposed.certroute.json"
    save_project(load_example(), base)
    assert main(["discover", str(tmp_path / "certz"), "--into", str(base), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == (f"certroute: error: discover: no certificate read: {tmp_path / 'certz'}: "
                   "no such file or folder\n")
    assert not out.exists()
    empty = tmp_path / "empty"
    empty.mkdir()  # nothing to read is not a mistake: zero certificates, exit 0
    assert main(["discover", str(empty)]) == 0


def test_discover_prints_proposals_and_problems(small_estate: Path, capsys):
    assert main(["discover", str(small_estate), "--as-of", NOW.date().isoformat()]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "21 certificates (0 duplicates counted once), 1 source not read"
    assert out[1].startswith(f"  not read: {small_estate / 'bad.pem'}: corrupt PEM")
    assert out[2] == "2 proposed certificate types:"
    assert out[3] == ("  Internal TLS (private, medium validity): 20 certificates, serverAuth, "
                      "issued by 1 private CA, 365-day lifetimes, *.corp.example.net")


def test_discover_json_into_and_replay(small_estate: Path, tmp_path: Path, capsys):
    csv_file = tmp_path / "clm.csv"
    csv_file.write_text(CLM_CSV)
    ct = tmp_path / "ct.json"
    ct.write_text(crtsh_json(5))
    out_project = tmp_path / "out.certroute.json"
    verdicts = tmp_path / "verdicts.csv"
    example = tmp_path / "example.certroute.json"
    save_project(load_example(), example)
    assert main(["discover", str(small_estate), "--csv", str(csv_file), "--crtsh", str(ct),
                 "--into", str(example), "-o", str(out_project), "--replay", "--verdicts",
                 str(verdicts), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["certificates"] == 21 + 2 + 5
    assert data["duplicates"] == 5  # crt.sh lists each certificate twice
    assert [p["reason"] for p in data["problems"]][-1] == "'not a date' is not a date"
    assert sum(p["certificates"] for p in data["proposals"]) == 28
    assert data["replay"]["summary"].startswith("0 of 27 would be refused")
    project = load_project(out_project)
    assert len(project.types) == 6 + len(data["proposals"])
    lines = verdicts.read_text().splitlines()
    assert lines[0].startswith("source,fingerprint,common_name,names,issuer")
    assert len(lines) == 1 + 27


def test_names_no_profile_can_hold_are_left_out_said_so(tmp_path: Path, capsys):
    """Real estates hold `localhost` and free text in DNS SANs: discover proposed a type
    from them and crashed with a pydantic traceback building its profile."""
    ca = make_ca("Corp Root CA", "Example Corp")
    folder = tmp_path / "certs"
    folder.mkdir()
    (folder / "odd.pem").write_bytes(pem([
        leaf(ca, names=("localhost", "app.corp.example.net"), days=365, issued_days_ago=3),
        leaf(ca, names=("Release Signing",), days=365, issued_days_ago=3,
             ekus=(ExtendedKeyUsageOID.CODE_SIGNING,))]))
    example = tmp_path / "example.certroute.json"
    save_project(load_example(), example)
    out_project = tmp_path / "out.certroute.json"
    assert main(["discover", str(folder), "--into", str(example), "-o", str(out_project),
                 "--json", "--as-of", NOW.date().isoformat()]) == 0
    proposals = json.loads(capsys.readouterr().out)["proposals"]
    assert [p["assumptions"][-1] for p in proposals] == [
        "left out of the profile, not a name pattern it can hold: 'release signing'",
        "left out of the profile, not a name pattern it can hold: 'localhost'"]
    added = load_project(out_project).types[6:]
    assert [t.profile.san_patterns if t.profile else None for t in added] == [
        None, ("app.corp.example.net",)]


@pytest.mark.parametrize(("argv", "message"), [
    (["discover"], "name at least one source"),
    (["discover", "x", "--into", "p.json"], "--into PROJECT and -o OUT go together"),
    (["discover", "x", "--map", "a=b"], "--map applies to --csv"),
    (["discover", "x", "--as-of", "2026-13-01"], "is not a date"),
])
def test_bad_arguments_are_one_line_errors(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1


def test_a_bad_mapping_is_reported_as_the_csv_problem(tmp_path: Path, capsys):
    csv_file = tmp_path / "clm.csv"
    csv_file.write_text(CLM_CSV)
    # Nothing else to read, so nothing was read: an error naming the CSV's problem.
    assert main(["discover", "--csv", str(csv_file), "--map", "Nope=common_name"]) == 2
    assert "no column 'Nope' in the CSV" in capsys.readouterr().err


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[int]:
    """A loopback TLS server presenting one certificate, for the live-endpoint source."""
    ca = make_ca("Edge CA", "Example Corp")
    cert = leaf(ca, names=("edge.example.net",), days=30, issued_days_ago=1)
    from tests.discovery.estate import _EC
    (tmp_path / "cert.pem").write_bytes(pem([cert]))
    (tmp_path / "key.pem").write_bytes(_EC.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    import socket
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    stop.set()
    thread.join(timeout=2)
    listener.close()


def test_live_endpoints_on_loopback(tls_server: int, tmp_path: Path, capsys):
    result = fetch("127.0.0.1", tls_server, timeout=3)
    assert isinstance(result, Found)
    endpoints = tmp_path / "endpoints.txt"
    endpoints.write_text(f"# estate\n127.0.0.1:{tls_server}\n127.0.0.1:1\nnot:a:port:x\n")
    assert main(["discover", "--endpoints", str(endpoints), "--timeout", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["certificates"] == 1
    reasons = {p["source"]: p["reason"] for p in data["problems"]}
    assert reasons["127.0.0.1:1"].startswith("no TLS handshake")
    assert "endpoints line 4" in reasons
    assert data["proposals"][0]["san_patterns"] == ["edge.example.net"]


def test_endpoint_lines_parse():
    targets, problems = parse_endpoints("a.example:8443\n[::1]:443\nb.example\n:\n")
    assert targets == [("a.example", 8443), ("::1", 443), ("b.example", 443)]
    assert [p.source for p in problems] == ["endpoints line 4"]
    assert isinstance(fetch("127.0.0.1", 1, timeout=1), ScanProblem)
