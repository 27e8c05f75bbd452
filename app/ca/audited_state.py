"""The CA's state as its audit log recorded it: revocations and the renewal calendar.

Read from the row images the hash-chained audit entries carry (`Ledger.bound_rows()`), never
from the mutable tables: a certificate "un-revoked", a renewal date moved or a notice deleted
in SQLite changes neither the CRL nor the calendar, and `verify` names the edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.ca.audit_chain import BoundRows
from app.ca.bindings import images_of
from app.ca.records import RenewalNotice, parse_iso


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
        (serial, cert["renew_at"], _days_between(cert["renew_at"], cert["not_after"]),
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


def _days_between(start: str, end: str) -> int:
    return (parse_iso(end) - parse_iso(start)).days
