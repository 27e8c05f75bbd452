"""Revocation for a CA service: revoke an issued certificate, sign the CRLs of the revoked ones.

`CaService.revoke` and `CaService.crl` are the entry points; they call these functions. Both
read what is revoked, and each CRL's number, from the audit log (`app.ca.audited_state`,
`Ledger.last_crl_number`), never from columns an SQLite edit could change: revoke acts on a
certificate's latest audit image even when its row was edited or deleted, and the CRL refuses
only an audit chain that fails `verify`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPublicKeyTypes

from app.ca import bindings, row_index
from app.ca.audit_chain import CRL_ACTION, ROOT_CRL_ACTION, BoundRows, crl_subject
from app.ca.audited_state import revocations
from app.ca.bindings import certificate_row
from app.ca.errors import CaError
from app.ca.files import write_private
from app.ca.ledger import CRL_NUMBER_KEY, Ledger
from app.ca.lookup import utc_now
from app.ca.records import CertificateRecord, iso, parse_iso

if TYPE_CHECKING:  # service.py calls these functions; import only for the types
    from app.ca.service import CaService

_log = logging.getLogger(__name__)
# CA/B Forum TLS BR §4.9.7: a CRL's nextUpdate is at most 10 days after its thisUpdate.
MAX_NEXT_UPDATE_DAYS = 10
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
    """Mark an issued certificate revoked (see `CaService.revoke`).

    Tampering never blocks a revocation: a row edited or deleted in SQLite is revoked as the
    audit log last recorded it (the entry records that image, revoked, and names the edit,
    which `verify` goes on reporting); the returned record's `row_problem` says what was
    edited. A serial no audit entry records, and no row holds, is no such certificate.
    """
    moment = utc_now(now)
    try:
        key = normalise_serial(serial)
    except CaError as exc:
        raise service.log_refusal(actor=actor, action="revoke", subject="certificate",
                                  message=str(exc), now=moment, serial=serial[:100]) from None
    if reason not in REVOCATION_REASONS:
        raise service.log_refusal(actor=actor, action="revoke", subject=f"certificate {key}",
                                  message=f"unknown revocation reason {reason!r} (one of: "
                                  f"{', '.join(REVOCATION_REASONS)})", now=moment)
    ledger, ref, subject = service.ledger, certificate_row(key), f"certificate {key}"
    with ledger.transaction() as conn:
        problems = ledger.row_problems(conn, [ref])
        try:
            image = row_index.latest_image(conn, ref)
        except (ValueError, sqlite3.OperationalError) as exc:
            image, problems = None, [*problems, str(exc)]
        if image is None and not problems:  # neither a row nor an audit entry knows it
            raise service.refuse(conn, moment, actor=actor, action="revoke", subject=subject,
                                 message=f"no certificate with serial {key}")
        if image is None:  # the audit log does not vouch for this certificate
            service.require_audited(conn, moment, [ref], actor=actor, action="revoke",
                                    subject=subject)
            raise service.refuse(conn, moment, actor=actor, action="revoke", subject=subject,
                                 message=f"{'; '.join(problems)}: the revoke is refused "
                                 "(see certroute ca verify)", problems=problems)
        # What is revoked is what the audit log recorded, never the edited column.
        if image["revoked_at"] is not None:
            raise service.refuse(conn, moment, actor=actor, action="revoke", subject=subject,
                                 message=f"certificate {key} was already revoked on "
                                 f"{image['revoked_at']}")
        change = {"revoked_at": iso(moment), "revocation_reason": reason}
        # A deleted row stays deleted (verify keeps naming it); the entry records the image.
        conn.execute("UPDATE certificates SET revoked_at = ?, revocation_reason = ? "
                     "WHERE serial = ?", (change["revoked_at"], reason, key))
        detail: dict[str, Any] = {"reason": reason}
        if problems:
            detail["tampering"] = problems
            _log.warning("revoking %s although its ledger row was edited outside Certroute: "
                         "%s", subject, "; ".join(problems))
        ledger.record(conn, at=iso(moment), actor=actor, action="revoke", subject=subject,
                      detail=detail, rows=[ref],
                      audited={ref.label: {**image, **change}} if problems else None)
        try:
            record = ledger.certificate(key, conn)
        except CaError:  # the row was deleted: the record is the audited image, revoked
            record = _audited_record({**image, **change})
    return replace(record, row_problem="; ".join(problems))


def _audited_record(image: dict[str, Any]) -> CertificateRecord:
    """A certificate as its audit image holds it; the image keeps only the PEM's digest, so
    the record's `pem` is empty."""
    return CertificateRecord(
        image["serial"], image["type_id"], image["workflow"], image["request_id"],
        image["subject"], tuple(json.loads(image["names"])), image["not_before"],
        image["not_after"], image["fingerprint"], "", image.get("identity", ""),
        image.get("renew_at"), image["issued_at"], image["revoked_at"],
        image["revocation_reason"])


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
    # Rows edited outside Certroute: the CRLs, read from the audit chain, were still signed.
    warnings: tuple[str, ...] = ()


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
        problem = _next_update_problem(service, moment, next_update_days)
        if problem:
            raise service.refuse(conn, moment, actor=actor, action="crl", subject="crl",
                                 message=problem, next_update_days=next_update_days)
        report = service.verify()
        if not report.chain_ok:
            broken = [p for p in report.problems if p not in report.row_level]
            raise service.refuse(
                conn, moment, actor=actor, action="crl", subject="crl",
                message=f"no CRL signed: the audit chain fails verification "
                f"({'; '.join(broken)}); see certroute ca verify", problems=broken)
        # The chain holds: what is revoked comes from it, whatever the tables say now.
        issuing, root = [], []
        bound = ledger.bound_rows(conn)
        for r in revocations(bound).values():
            entry = (int(r.serial, 16), parse_iso(r.revoked_at), REVOCATION_REASONS[r.reason])
            signer = _signer(service, conn, r.serial,
                             bound[certificate_row(r.serial).label][1] or {})
            if signer in ("issuing", None):
                issuing.append(entry)
            if signer in ("root", None):  # unknown: on both, never on neither
                root.append(entry)
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
    if report.row_level:
        _log.warning("CRLs signed although the ledger was edited outside Certroute: %s",
                     "; ".join(report.row_level))
    return PublishedCrls(issuing_crl, root_crl, problem, len(root) if problem else 0,
                         report.row_level)


def published_problems(service: CaService, bound: BoundRows) -> list[str]:
    """The CRLs already published in the CA folder against the audit log (`bound_rows`).

    A published CRL is outside the ledger: its number can only be at most the audit log's
    newest, and every serial it lists must still be revoked in the log. Otherwise entries
    were removed from the log after it was signed (a revocation rolled back), and the next
    CRL would reuse its number without the serial.
    """
    authority, found = service.authority, []
    revoked = {int(serial, 16) for serial in revocations(bound)}
    for name, action, issuer, tier in ((CRL_FILE, CRL_ACTION, authority.issuing, "issuing"),
                                       (ROOT_CRL_FILE, ROOT_CRL_ACTION, authority.root, "root")):
        try:
            crl = x509.load_pem_x509_crl((service.folder / name).read_bytes())
            number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
        except FileNotFoundError:
            continue
        except (OSError, ValueError, x509.ExtensionNotFound) as exc:
            found.append(f"the published {name} cannot be read ({exc})")
            continue
        if not crl.is_signature_valid(cast(CertificateIssuerPublicKeyTypes,
                                           issuer.public_key())):
            found.append(f"the published {name} is not signed by the {tier} CA")
            continue
        last = service.ledger.last_crl_number(action=action)
        if number > last:
            found.append(f"the published {name} is CRL number {number}, but the audit log's "
                         f"newest {tier} CRL is {last or 'none'}: audit entries were removed "
                         "(rolled back)")
        dropped = sorted(format(r.serial_number, "x") for r in crl
                         if r.serial_number not in revoked)
        if dropped:
            found.append(f"the published {name} lists {', '.join(dropped)} as revoked, but the "
                         "audit log no longer does (a revocation was rolled back)")
    return found


def _next_update_problem(service: CaService, now: dt.datetime, days: int) -> str | None:
    """Why a CRL valid `days` days cannot be signed at `now`, or None.

    Zero would publish a CRL already stale, a negative number one that ends before it
    begins, and 100,000 days one valid past its CA (review 2026-12, ca.md check F10).
    """
    if not 1 <= days <= MAX_NEXT_UPDATE_DAYS:
        return (f"a CRL's next update must be 1–{MAX_NEXT_UPDATE_DAYS} days away (CA/B Forum "
                f"BR §4.9.7), not {days}")
    until = now + dt.timedelta(days=days)
    for tier, cert in (("issuing", service.authority.issuing), ("root", service.authority.root)):
        if until > cert.not_valid_after_utc:
            return (f"a CRL valid {days} days would outlive the {tier} CA (valid until "
                    f"{cert.not_valid_after_utc:%Y-%m-%d})")
    return None


def _signer(service: CaService, conn: sqlite3.Connection, serial: str,
            image: dict[str, Any]) -> str | None:
    """Which CA signed the certificate ("root" for a subordinate CA, else "issuing"), read
    from its stored PEM when that is the one its audit `image` recorded; None when not."""
    try:
        pem = service.ledger.certificate(serial, conn).pem
    except CaError:  # the row was deleted
        return None
    if image.get("pem") != bindings.digest(pem):
        return None
    cert = x509.load_pem_x509_certificate(pem.encode("ascii"))
    return "root" if service.authority.signed_by_root(cert) else "issuing"


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
