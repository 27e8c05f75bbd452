"""Load (SPEC.md §7): 5,000 types open/edit/save/export and a 10,000-certificate CA ledger.

Prints the time of each step and the process's peak memory (ru_maxrss) after each, against
the peak right after the imports, so growth is visible.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.bench_evaluate import synthetic_project
from benchmarks.timing import report

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _timed(name: str, fn, baseline: float):
    start = time.perf_counter()
    result = fn()
    report(name, time.perf_counter() - start, "s")
    report(f"  peak memory after it (at start: {baseline:.0f} MiB)", _peak_mib(), "MiB")
    return result


def _project_steps(folder: Path, n_types: int, baseline: float) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from app.gui import commands
    from app.gui.application import build_window
    from app.gui.main_window import MainWindow
    from app.gui.store import ProjectStore
    from exporters.workbook import write_workbook
    from models.project_file import load_project, save_project

    app = QApplication.instance() or QApplication([])
    path = folder / "big.certroute.json"
    save_project(synthetic_project(n_types), path)

    def open_in_window() -> MainWindow:
        """As the app opens a file: loaded with the GC paused, then frozen (app.loading)."""
        window = build_window(str(path))
        window.show()
        app.processEvents()
        return window

    def open_gc_as_usual() -> MainWindow:
        window = MainWindow(ProjectStore(load_project(path), path))
        window.show()
        app.processEvents()
        return window

    samples: dict[str, list[float]] = {"app": [], "usual": []}
    for _ in range(1 if n_types < 1000 else 3):  # interleaved, each from a collected heap
        for name, opener in (("usual", open_gc_as_usual), ("app", open_in_window)):
            gc.unfreeze()
            gc.collect()
            start = time.perf_counter()
            opened = opener()
            samples[name].append(time.perf_counter() - start)
            opened.store.undo_stack.setClean()
            opened.close()
            opened.deleteLater()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # really gone
    gc.unfreeze()
    gc.collect()
    report(f"open {n_types:,} types in the window", statistics.median(samples["app"]), "s",
           target="≤ 0.3 s", peer=("the same with the GC as usual",
                                   statistics.median(samples["usual"])))
    window = _timed(f"open {n_types:,} types in the window (measured once more)",
                    open_in_window, baseline)
    store = window.store
    _timed("edit every 50th type (one undo step each)", lambda: [
        commands.edit_type(store, row, "load", owner=f"team {row}")
        for row in range(0, n_types, 50)], baseline)
    _timed("save", lambda: save_project(store.project, path), baseline)
    _timed("export the workbook",
           lambda: write_workbook(store.project, store.evaluation, folder / "big.xlsx"), baseline)
    store.undo_stack.setClean()
    window.close()


def _ledger_steps(folder: Path, n_certs: int, baseline: float) -> None:
    from app.ca.csr import build_csr, generate_key
    from app.ca.service import CaService
    from models.project_file import load_example

    service = CaService.init(folder / "ca", b"load passphrase",
                             root_passphrase=b"load root passphrase", now=NOW)
    project = load_example()
    key = generate_key()  # one key for all: the ledger, not key generation, is under load
    _timed(f"issue {n_certs:,} certificates into the ledger", lambda: [
        service.issue(project, "internal-tls", build_csr(key, [f"h{i}.internal.example"]),
                      requester="load", now=NOW) for i in range(n_certs)], baseline)
    service.close()
    reopened = _timed("reopen the CA", lambda: CaService.open(folder / "ca"), baseline)
    certs = _timed("list every certificate", reopened.ledger.certificates, baseline)
    assert len(certs) == n_certs
    report_ = _timed("verify the audit chain", reopened.verify, baseline)
    assert report_.ok, report_
    reopened.close()
    _issue_tab_refresh(folder / "ca", n_certs)


def _issue_tab_refresh(folder: Path, n_certs: int) -> None:
    """The Issue tab's refresh after an issuance, against the full verify every refresh did
    before (the view reset first), interleaved; and an issuance's time at this ledger size."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.ca.csr import build_csr, generate_key
    from app.ca.service import CaService
    from app.gui.issue_tab import IssueTab
    from app.gui.store import ProjectStore
    from models.project_file import load_example

    app = QApplication.instance() or QApplication([])
    project = load_example()
    tab = IssueTab(ProjectStore(project))
    tab.resize(1600, 1000)
    tab.show()
    service = CaService.open(folder)
    service.unlock(b"load passphrase")
    start = time.perf_counter()
    tab.session._set_service(service)  # as opening the folder: lists it, verified in full
    app.processEvents()
    report(f"issue tab open, {n_certs:,} certificates (full verify)",
           time.perf_counter() - start, "s")
    key = generate_key()
    incremental: list[float] = []
    full: list[float] = []
    issuing: list[float] = []
    for i in range(3 if n_certs < 1000 else 12):
        start = time.perf_counter()
        service.issue(project, "internal-tls", build_csr(key, [f"r{i}.internal.example"]),
                      requester="load", now=NOW)
        issuing.append(time.perf_counter() - start)
        for samples, reset in ((incremental, False), (full, True)):
            if reset:
                service.ledger.view.reset()
            start = time.perf_counter()
            tab.refresh_lists()
            app.processEvents()
            samples.append(time.perf_counter() - start)
    count = len(service.ledger.certificate_rows())
    report(f"issue tab refresh, {n_certs:,} certificates (incremental)",
           statistics.median(incremental) * 1e3, "ms", target="≤ 50 ms",
           peer=("a refresh verifying in full", statistics.median(full) * 1e3))
    report(f"  issuance incl. ledger record at {count:,} certificates",
           statistics.median(issuing) * 1e3, "ms")
    tab.session.service = None
    service.close()
    tab.close()


def main(*, smoke: bool = False) -> None:
    # The Issue tab remembers the CA folder it opened: not in the user's settings.
    os.environ["CERTROUTE_CONFIG_DIR"] = tempfile.mkdtemp(prefix="certroute-bench-config-")
    n_types, n_certs = (200, 20) if smoke else (5_000, 10_000)
    baseline = _peak_mib()
    with tempfile.TemporaryDirectory() as tmp:
        _project_steps(Path(tmp), n_types, baseline)
        _ledger_steps(Path(tmp), n_certs, baseline)


if __name__ == "__main__":
    main()
