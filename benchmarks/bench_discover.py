"""Discovery (issue 20): parse and classify 100,000 certificates from PEM files and from one
CSV inventory, against a plain `cryptography` load loop over the same files and the
`openssl x509 -noout -text` command per certificate (timed on a sample, scaled up)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.timing import report

PER_FILE = 10
OPENSSL_SAMPLE = 200


def _estate(folder: Path, count: int) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime(2026, 12, 2, tzinfo=dt.UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Bench Issuing CA")])
    folder.mkdir(parents=True)
    batch: list[bytes] = []
    for i in range(count):
        name = f"host{i}.team{i % 97}.example.net"
        start = now - dt.timedelta(days=i % 360)
        cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
                .issuer_name(ca_name).public_key(key.public_key())
                .serial_number(i + 1).not_valid_before(start)
                .not_valid_after(start + dt.timedelta(days=(90, 365, 825)[i % 3]))
                .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
                .sign(key, hashes.SHA256()))
        batch.append(cert.public_bytes(serialization.Encoding.PEM))
        if len(batch) == PER_FILE:
            (folder / f"c{i // PER_FILE:06d}.pem").write_bytes(b"".join(batch))
            batch = []
    if batch:
        (folder / "rest.pem").write_bytes(b"".join(batch))


def _csv(path: Path, count: int) -> None:
    lines = ["Common Name,SANs,Issuer,Valid From,Valid To,Key Algorithm,Key Size,Serial"]
    for i in range(count):
        name = f"host{i}.team{i % 97}.example.net"
        lines.append(f"{name},{name},CN=Bench Issuing CA,2026-0{1 + i % 9}-01,"
                     f"2027-0{1 + i % 9}-01,RSA,2048,{i:x}")
    path.write_text("\n".join(lines) + "\n")


def main(*, smoke: bool = False) -> None:
    from cryptography import x509

    from app.discovery.scan import Sources, scan
    from app.discovery.trust import TrustStore
    from models.discovery import propose

    count = 500 if smoke else 100_000
    cache = Path(tempfile.gettempdir()) / f"certroute-bench-discover-{count}"
    if not (cache / "done").exists():
        start = time.perf_counter()
        _estate(cache / "pem", count)
        _csv(cache / "inventory.csv", count)
        (cache / "done").write_text("")
        print(f"(built {count:,} certificates in {time.perf_counter() - start:.1f} s, "
              f"cached in {cache})")
    today = dt.date(2026, 12, 2)
    files = sorted((cache / "pem").iterdir())

    start = time.perf_counter()
    loaded = sum(len(x509.load_pem_x509_certificates(f.read_bytes())) for f in files)
    plain = time.perf_counter() - start
    assert loaded == count

    store = TrustStore.mozilla()
    start, cpu = time.perf_counter(), time.process_time()
    result = scan(Sources(paths=[cache / "pem"]), store=store)
    proposals = propose(result.certificates, today=today)
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(result.certificates) == count, (len(result.certificates), result.problems[:3])

    sample = [f for f in files[:OPENSSL_SAMPLE]]
    start = time.perf_counter()
    for f in sample:  # openssl reads the first certificate of a file
        subprocess.run(["openssl", "x509", "-noout", "-text", "-in", str(f)],
                       check=True, capture_output=True)
    openssl = (time.perf_counter() - start) / len(sample) * count

    report(f"discover {count:,} certificates from PEM files", ours, "s", target="≤ 10 s",
           peer=(f"openssl x509 -text per certificate ({len(sample)} timed, scaled)", openssl))
    report("  the same, CPU time of this process", ours_cpu, "s")
    report("  plain cryptography load loop over the same files", plain, "s")
    print(f"  {len(proposals)} proposals; {ours / plain:.1f}× the bare load "
          "(extensions, trust and classification)")

    start, cpu = time.perf_counter(), time.process_time()
    rows = scan(Sources(csv=cache / "inventory.csv"), store=store)
    propose(rows.certificates, today=today)
    csv_time, csv_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert len(rows.certificates) == count, rows.problems[:3]
    report(f"discover {count:,} rows of one CSV inventory", csv_time, "s", target="≤ 10 s")
    report("  the same, CPU time of this process", csv_cpu, "s")
    print("  load average (1, 5, 15 min) at the end: "
          + ", ".join(f"{x:.1f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores; "
          "wall time above CPU time is time spent waiting for a core")
