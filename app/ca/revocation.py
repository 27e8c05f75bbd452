"""Revocation for a CA service: revoke an issued certificate, sign the CRL of every revoked one.

`CaService.revoke` and `CaService.crl` are the entry points; they call these functions. Both
read what is revoked, and the CRL number, from the audit log (`app.ca.audited_state`,
`Ledger.last_crl_number`), never from columns an SQLite edit could change: revoke refuses a
certificate row that differs from its latest audit image, the CRL a ledger failing `verify`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.ca.audit_chain import CRL_ACTION, crl_subject
from app.ca.audited_state import revocations
from app.ca.bindings import certificate_row
from app.ca.errors import CaError
from app.ca.files import write_private
from app.ca.ledger import CRL_NUMBER_KEY, Ledger
from app.ca.lookup import utc_now
from app.ca.records import CertificateRecord, iso, parse_iso

if TYPE_CHECKING:  # service.py calls these functions; import only for the types
    from app.ca.service import CaService

CRL_FILE = "crl.pem"
REVOCATION_REASONS = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key-compromise": x509.ReasonFlags.key_compromise,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
    "privilege-withdrawn": x509.ReasonFlags.privilege_withdrawn,
}


def normalise_serial(text: str) -> str:
    """A serial as lower-case hex, accepting `0x`, colons and upper case."""
    cleaned = text.strip().lower().removeprefix("0x").replace(":", "")
    try:
        int(cleaned, 16)
    except ValueError:
        raise CaError(f"{text!r} is not a hexadecimal serial number") from None
    return cleaned.lstrip("0") or "0"


def revoke(service: CaService, serial: str, *, reason: str, actor: str,
           now: dt.datetime | None) -> CertificateRecord:
    """Mark an issued certificate revoked (see `CaService.revoke`)."""
    moment = utc_now(now)
    key = normalise_serial(serial)
    if reason not in REVOCATION_REASONS:
        raise CaError(f"unknown revocation reason {reason!r} "
                      f"(one of: {', '.join(REVOCATION_REASONS)})")
    ledger = service.ledger
    with ledger.transaction() as conn:
        ledger.certificate(key, conn)  # CaError: no such certificate
        service.require_audited(conn, moment, [certificate_row(key)], actor=actor,
                                action="revoke", subject=f"certificate {key}")
        # Checked: the row is what the audit log last recorded, so its revocation is too.
        previous = ledger.certificate(key, conn)
        if previous.revoked_at is not None:
            raise service.refuse(conn, moment, actor=actor, action="revoke",
                                 subject=f"certificate {key}",
                                 message=f"certificate {key} was already revoked on "
                                 f"{previous.revoked_at}")
        conn.execute("UPDATE certificates SET revoked_at = ?, revocation_reason = ? "
                     "WHERE serial = ?", (iso(moment), reason, key))
        ledger.record(conn, at=iso(moment), actor=actor, action="revoke",
                      subject=f"certificate {key}", detail={"reason": reason},
                      rows=[certificate_row(key)])
        return ledger.certificate(key, conn)


def sign_crl(service: CaService, *, actor: str, now: dt.datetime | None,
             next_update_days: int) -> x509.CertificateRevocationList:
    """Sign, save and log a new CRL (see `CaService.crl`)."""
    moment = utc_now(now)
    if not service.authority.unlocked:
        raise CaError("the CA is locked: give its passphrase first")
    ledger = service.ledger
    with ledger.transaction() as conn:
        report = service.verify()
        if not report.ok:
            raise service.refuse(
                conn, moment, actor=actor, action="crl", subject="crl",
                message=f"no CRL signed: the ledger fails verification "
                f"({'; '.join(report.problems)}); see certroute ca verify",
                problems=list(report.problems))
        number = ledger.last_crl_number(conn) + 1
        revoked = sorted(((int(r.serial, 16), parse_iso(r.revoked_at),
                           REVOCATION_REASONS[r.reason])
                          for r in revocations(ledger.bound_rows(conn)).values()),
                         key=lambda r: (r[1], r[0]))
        crl = service.authority.sign_crl(revoked, number=number, now=moment,
                                         next_update_days=next_update_days)
        Ledger.set_meta(conn, CRL_NUMBER_KEY, str(number))
        ledger.append(conn, at=iso(moment), actor=actor, action=CRL_ACTION,
                      subject=crl_subject(number), detail={"revoked": len(revoked)})
    write_private(service.folder / CRL_FILE, crl.public_bytes(serialization.Encoding.PEM))
    return crl
