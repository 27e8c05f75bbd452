"""The CA's state as its audit log recorded it: revocations, the certificate list, renewals.

Read from the row images the hash-chained audit entries carry (`Ledger.bound_rows()`), never
from the mutable tables: a certificate "un-revoked", a renewal date moved or a notice deleted
in SQLite changes neither the CRL, the listing nor the calendar, and `verify` names the edit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from app.ca.audit_chain import BoundRows, row_problem
from app.ca.bindings import certificate_row, images_of
from app.ca.records import CertificateRecord, RenewalNotice, parse_iso


@dataclass(frozen=True, slots=True)
class Revocation:
    """A revocation as the audit log recorded it."""

    serial: str
    revoked_at: str
    reason: str


def revocations(bound: BoundRows) -> dict[str, Revocation]:
    """Serial -> revocation, for every certificate the audit log records as revoked."""
    return {image["serial"]: Revocation(image["serial"], image["revoked_at"],
                                        image["revocation_reason"])
            for image in images_of(bound, "certificates") if image["revoked_at"]}


def audited_certificate(record: CertificateRecord, latest: tuple[int, dict[str, Any] | None]
                        | None, actual: dict[str, Any] | None, *, ledger_verified: bool
                        ) -> CertificateRecord:
    """The certificate row with the audit log's revocation, marked as `verify` sees it.

    Args:
        record: the row as it stands in the certificates table.
        latest, actual: its latest audit image (`BoundRows` value) and its image now.
        ledger_verified: whether the whole ledger passes `verify`.
    """
    label = certificate_row(record.serial).label
    image = latest[1] if latest else None
    revoked = bool(image and image["revoked_at"])
    return replace(
        record, revoked_at=image["revoked_at"] if image and revoked else None,
        revocation_reason=image["revocation_reason"] if image and revoked else None,
        row_problem=row_problem(label, latest, actual) or "", ledger_verified=ledger_verified)


def renewal_calendar(bound: BoundRows, *, now: str, horizon: str | None = None
                     ) -> list[RenewalNotice]:
    """Combined renewal points and admin-mediated notices of unrevoked certificates, by date.

    Args:
        bound: `Ledger.bound_rows()`.
        now: ISO time that decides each entry's status (upcoming, due, expired).
        horizon: ISO time; entries due later are left out (None: keep all).
    """
    certs = {image["serial"]: image for image in images_of(bound, "certificates")
             if not image["revoked_at"]}
    rows: list[tuple[str, str, int, str]] = [
        (serial, cert["renew_at"], days_between(cert["renew_at"], cert["not_after"]),
         "renewal") for serial, cert in certs.items() if cert["renew_at"]]
    rows += [(n["serial"], n["due_at"], n["days_before"], "notice")
             for n in sorted(images_of(bound, "renewal_notices"),
                             key=lambda n: (n["due_at"], n["serial"])) if n["serial"] in certs]
    calendar = []
    for serial, due, days, kind in sorted(rows, key=lambda r: (r[1], r[0])):
        cert = certs[serial]
        status = ("expired" if now >= cert["not_after"]
                  else "due" if due <= now else "upcoming")
        if horizon is None or due <= horizon:
            calendar.append(RenewalNotice(serial, cert["type_id"], cert["subject"], due,
                                          cert["not_after"], kind, days, status))
    return calendar


@lru_cache(maxsize=1 << 16)  # asked again for every certificate on every refresh
def days_between(start: str, end: str) -> int:
    """Whole days from one ISO time to another."""
    return (parse_iso(end) - parse_iso(start)).days
