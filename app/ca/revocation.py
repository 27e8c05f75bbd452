"""Revocation for a CA service: revoke an issued certificate, sign the CRLs of the revoked ones.

`CaService.revoke` and `CaService.crl` are the entry points; they call these functions. Both
read what is revoked, and each CRL's number, from the audit log (`app.ca.audited_state`,
`Ledger.last_crl_number`), never from columns an SQLite edit could change: revoke refuses a
certificate row that differs from its latest audit image, the CRL a ledger failing `verify`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from app.ca.audit_chain import CRL_ACTION, ROOT_CRL_ACTION, crl_subject
from app.ca.audited_state import revocations
from app.ca.bindings import certificate_row
from app.ca.errors import CaError
from app.ca.files import write_private
from app.ca.ledger import CRL_NUMBER_KEY, Ledger
from app.ca.lookup import utc_now
from app.ca.records import CertificateRecord, iso, parse_iso

if TYPE_CHECKING:  # service.py calls these functions; import only for the types
    from app.ca.service import CaService

CRL_FILE, ROOT_CRL_FILE = "crl.pem", "root.crl.pem"
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


@dataclass(frozen=True, slots=True)
class PublishedCrls:
    """The CRLs one `ca crl` signed: the issuing CA's always, the root's when its key could.

    `root_problem` says why no root CRL was signed; `unpublished` counts the revoked
    subordinate CAs that are therefore on no new root CRL (0: nothing is missing from one).
    """

    issuing: x509.CertificateRevocationList
    root: x509.CertificateRevocationList | None
    root_problem: str | None = None
    unpublished: int = 0


def publish_crls(service: CaService, *, actor: str, now: dt.datetime | None,
                 next_update_days: int) -> PublishedCrls:
    """Sign, save and log the issuing CA's CRL and the root CRL (see `CaService.crl`).

    Each revocation the audit log records goes on the CRL of the CA that signed the
    certificate: a subordinate CA (signed by the root) on the root CRL, every other on the
    issuing CA's. Each CRL has its own number, read from its own audit entries.
    """
    moment = utc_now(now)
    authority = service.authority
    if not authority.unlocked:
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
        # Verified: every row equals its audit image, so the stored PEM is the audited one.
        issuing, root = [], []
        for r in revocations(ledger.bound_rows(conn)).values():
            cert = x509.load_pem_x509_certificate(
                ledger.certificate(r.serial, conn).pem.encode("ascii"))
            entry = (int(r.serial, 16), parse_iso(r.revoked_at), REVOCATION_REASONS[r.reason])
            (root if authority.signed_by_root(cert) else issuing).append(entry)
        issuing_crl = _sign(service, conn, sorted(issuing, key=_by_date), action=CRL_ACTION,
                            actor=actor, now=moment, next_update_days=next_update_days)
        Ledger.set_meta(conn, CRL_NUMBER_KEY, str(ledger.last_crl_number(conn)))
        problem = authority.root_problem
        root_crl = None if problem else _sign(
            service, conn, sorted(root, key=_by_date), action=ROOT_CRL_ACTION, actor=actor,
            now=moment, next_update_days=next_update_days)
    write_private(service.folder / CRL_FILE,
                  issuing_crl.public_bytes(serialization.Encoding.PEM))
    if root_crl is not None:
        write_private(service.folder / ROOT_CRL_FILE,
                      root_crl.public_bytes(serialization.Encoding.PEM))
    return PublishedCrls(issuing_crl, root_crl, problem, len(root) if problem else 0)


def _by_date(entry: tuple[int, dt.datetime, x509.ReasonFlags]) -> tuple[dt.datetime, int]:
    return entry[1], entry[0]


def _sign(service: CaService, conn: sqlite3.Connection,
          revoked: list[tuple[int, dt.datetime, x509.ReasonFlags]], *, action: str,
          actor: str, now: dt.datetime, next_update_days: int
          ) -> x509.CertificateRevocationList:
    """Sign the next CRL of one CA (`action`: the issuing CA's or the root's) and log it."""
    number = service.ledger.last_crl_number(conn, action=action) + 1
    crl = service.authority.sign_crl(revoked, number=number, now=now,
                                     next_update_days=next_update_days,
                                     by_root=action == ROOT_CRL_ACTION)
    service.ledger.append(conn, at=iso(now), actor=actor, action=action,
                          subject=crl_subject(number, action), detail={"revoked": len(revoked)})
    return crl
