"""Child-process bodies for the crash and concurrency tests (importable under spawn)."""

from __future__ import annotations

import os
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from typing import Any

from app.ca.errors import Refused
from app.ca.service import CaService
from tests.ca.conftest import NOW, PASSPHRASE, ROOT_PASSPHRASE

CRITERIA = ["1", "2"]
CRASH_STATUS = 17


def approve_then_crash(folder: str, request_id: int) -> None:
    """Approve, then die before fulfilment without closing anything."""
    service = CaService.open(folder)
    service.admin.approve(request_id, approver="Bob", role="Team lead", confirmed=CRITERIA,
                          now=NOW)
    os._exit(CRASH_STATUS)


def crash_inside_fulfil(folder: str, request_id: int) -> None:
    """Die in the middle of the fulfilment transaction: certificate signed and inserted,
    audit entry about to be written, nothing committed."""
    service = CaService.open(folder)
    service.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    real_append = service.ledger.append

    def dying_append(conn: Any, **entry: Any) -> int:
        if entry["action"] == "fulfil":
            os._exit(CRASH_STATUS)
        return real_append(conn, **entry)

    service.ledger.append = dying_append  # type: ignore[method-assign]
    service.admin.fulfil(request_id, operator="ops", now=NOW)


def approve_and_fulfil(folder: str, request_id: int, approver: str, barrier: Barrier,
                       results: Queue) -> None:
    """Race another process: both approve, then both fulfil, the same request."""
    service = CaService.open(folder)
    service.unlock(PASSPHRASE, ROOT_PASSPHRASE)
    outcome: dict[str, str] = {"approver": approver}
    barrier.wait(timeout=30)
    try:
        service.admin.approve(request_id, approver=approver, role="Team lead",
                              confirmed=CRITERIA, now=NOW)
        outcome["approve"] = "ok"
    except Refused as exc:
        outcome["approve"] = str(exc)
    try:
        outcome["fulfil"] = service.admin.fulfil(request_id, operator=f"ops-{approver}",
                                                 now=NOW).record.serial
    except Refused as exc:
        outcome["fulfil"] = f"refused: {exc}"
    results.put(outcome)
    service.close()
