"""Test issuance per certificate in process (target ≤ 2 ms) against `openssl x509 -req`.

SPEC.md §6: ≥ 20× faster than the openssl command per certificate, measured in the same run.
In process means what the CA does for one certificate once it is open and unlocked: read the
CSR's facts, check them against the type's profile, build and sign the leaf. The ledger write
(SQLite with fsync) is reported on its own line. openssl gets its best case: the issuing key
unencrypted on disk and an extension file prepared once.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from app.ca.csr import build_csr, csr_pem, facts_from_csr, generate_key
from app.ca.key_at_rest import current_kdf
from app.ca.service import CaService
from benchmarks.timing import median_seconds, report
from models.issuance_policy import check, profile_for
from models.project_file import load_example

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)
PASSPHRASE = b"benchmark passphrase"
ROOT_PASSPHRASE = b"benchmark root passphrase"
TYPE_ID = "internal-tls"
# The same extensions the profile gives an internal TLS leaf, for openssl's -extfile.
OPENSSL_EXT = """basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:{name}
"""


def main(*, smoke: bool = False) -> None:
    n, m = (5, 2) if smoke else (500, 20)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        service = CaService.init(folder / "ca", PASSPHRASE,
                                 root_passphrase=ROOT_PASSPHRASE, now=NOW)
        project = load_example()
        profile = profile_for(next(t for t in project.types if t.id == TYPE_ID),
                              on=project.as_of)
        csrs = [build_csr(generate_key(), [f"host{i}.internal.example"]) for i in range(n)]

        def issue_all() -> None:
            for csr in csrs:
                facts = facts_from_csr(csr)
                assert not check(facts, profile, validity_days=397)
                service.authority.sign_leaf(csr.public_key(), profile,
                                            dns_names=facts.dns_names,
                                            common_name=facts.common_name,
                                            validity_days=397, now=NOW)

        in_process = median_seconds(issue_all, repeat=1 if smoke else 5) / n * 1e3

        def issue_with_ledger() -> None:
            for csr in csrs[:m]:
                service.issue(project, TYPE_ID, csr, requester="bench", now=NOW)

        with_ledger = median_seconds(issue_with_ledger, repeat=1, warmup=0) / m * 1e3
        openssl = _openssl_ms(folder, service, csrs[:m], repeat=1 if smoke else 3)
        service.close()
        unlock = _unlock_seconds(folder / "ca", repeat=1 if smoke else 3)

    peer = ("openssl x509 -req", openssl) if openssl is not None else None
    report("in-process issuance per certificate", in_process, "ms", target="≤ 2 ms, ≥ 20×",
           peer=peer)
    report("  incl. ledger record (SQLite, fsync)", with_ledger, "ms")
    if openssl is None:
        print("openssl command not found: no peer measured", flush=True)
    else:
        report("openssl x509 -req per certificate", openssl, "ms")
    report(f"unlock issuing + root key ({current_kdf()})", unlock, "s")


def _unlock_seconds(folder: Path, *, repeat: int) -> float:
    """Median seconds to decrypt both CA keys once (what each `ca` command that signs pays)."""
    service = CaService.open(folder, now=NOW)
    try:
        return median_seconds(lambda: service.unlock(PASSPHRASE, ROOT_PASSPHRASE),
                              repeat=repeat, warmup=0)
    finally:
        service.close()


def _openssl_ms(folder: Path, service: CaService, csrs: list, *, repeat: int) -> float | None:
    """Median milliseconds per certificate of one `openssl x509 -req` process each."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    work = folder / "openssl"
    work.mkdir()
    key = serialization.load_pem_private_key((service.folder / "issuing.key").read_bytes(),
                                             PASSPHRASE)
    (work / "ca.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))  # openssl's best case: no key decryption
    (work / "ca.crt").write_bytes(service.authority.issuing.public_bytes(
        serialization.Encoding.PEM))
    commands = []
    for i, csr in enumerate(csrs):
        (work / f"{i}.csr").write_bytes(csr_pem(csr))
        (work / f"{i}.ext").write_text(OPENSSL_EXT.format(name=f"host{i}.internal.example"))
        commands.append([openssl, "x509", "-req", "-in", str(work / f"{i}.csr"),
                         "-CA", str(work / "ca.crt"), "-CAkey", str(work / "ca.key"),
                         "-set_serial", str(1000 + i), "-days", "397", "-sha256",
                         "-extfile", str(work / f"{i}.ext"), "-out", str(work / f"{i}.pem")])

    def run_all() -> None:
        for command in commands:
            subprocess.run(command, check=True, capture_output=True)

    return median_seconds(run_all, repeat=repeat, warmup=0) / len(commands) * 1e3


if __name__ == "__main__":
    main()
