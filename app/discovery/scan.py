"""One discovery run: every source read, certificates judged public or private, deduplicated."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from app.discovery import crtsh, inventory_csv
from app.discovery import endpoints as live
from app.discovery.files import (
    Found,
    PasswordSource,
    ScanProblem,
    candidate_files,
    read_certificates,
)
from app.discovery.trust import TrustStore
from app.discovery.x509_facts import observe
from models.discovery import ObservedCertificate, deduplicate
from models.gc_pause import gc_paused

MAX_TEXT_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Sources:
    """What to read."""

    paths: Sequence[Path] = ()
    csv: Path | None = None
    csv_map: Mapping[str, str] = field(default_factory=dict)
    csv_preset: str | None = None
    crtsh: Path | None = None
    endpoints: Path | None = None
    timeout: float = live.DEFAULT_TIMEOUT


@dataclass(frozen=True)
class ScanResult:
    """The certificates found (each once), what could not be read, and how many repeats."""

    certificates: tuple[ObservedCertificate, ...]
    problems: tuple[ScanProblem, ...]
    duplicates: int
    files_read: int


def _text(path: Path, problems: list[ScanProblem]) -> str | None:
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            problems.append(ScanProblem(str(path), "over the 512 MiB limit"))
            return None
        return path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        problems.append(ScanProblem(str(path), f"cannot read: {exc.strerror or exc}"))
        return None


def scan(sources: Sources, *, store: TrustStore | None = None,
         password: PasswordSource | None = None) -> ScanResult:
    """Read every source; nothing is fatal but a programming error.

    The certificates and facts built form no reference cycles, yet the cyclic collector kept
    walking them as they grew (100,000 certificates: 12.5 s of CPU with it, 9.6 s without),
    so it is paused for the scan and runs again afterwards.
    """
    with gc_paused():
        return _scan(sources, store or TrustStore.mozilla(), password)


def _scan(sources: Sources, store: TrustStore, password: PasswordSource | None
          ) -> ScanResult:
    problems: list[ScanProblem] = []
    found: list[Found] = []
    files_read = 0
    for item in candidate_files(sources.paths):
        if isinstance(item, ScanProblem):
            problems.append(item)
            continue
        files_read += 1
        certs, trouble = read_certificates(item, password=password)
        found += certs
        problems += trouble
    if sources.endpoints is not None:
        text = _text(sources.endpoints, problems)
        targets, trouble = live.parse_endpoints(text or "")
        problems += trouble
        with ThreadPoolExecutor(max_workers=16) as pool:
            for result in pool.map(lambda t: live.fetch(*t, timeout=sources.timeout),
                                   targets):
                if isinstance(result, Found):
                    found.append(result)
                else:
                    problems.append(result)
    store.add_pool(f.certificate for f in found)
    observed: list[ObservedCertificate] = []
    for one in found:
        try:
            observed.append(observe(one.certificate, one.source, judge=store.judge))
        except ValueError as exc:
            problems.append(ScanProblem(one.source, f"unreadable contents: {str(exc)[:120]}"))
    if sources.csv is not None and (text := _text(sources.csv, problems)) is not None:
        try:
            rows, trouble = inventory_csv.read_inventory(
                text, str(sources.csv), store, overrides=sources.csv_map,
                preset=sources.csv_preset)
        except ValueError as exc:
            rows, trouble = [], [ScanProblem(str(sources.csv), str(exc))]
        observed += rows
        problems += trouble
    if sources.crtsh is not None and (text := _text(sources.crtsh, problems)) is not None:
        entries, trouble = crtsh.read_crtsh(text, str(sources.crtsh))
        observed += entries
        problems += trouble
    unique = deduplicate(observed)
    return ScanResult(unique, tuple(problems), len(observed) - len(unique), files_read)
