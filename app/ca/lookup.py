"""Inputs the CA service takes from outside: the clock, a CSR in any form, a project's type."""

from __future__ import annotations

import datetime as dt

from cryptography import x509

from app.ca.csr import load_csr
from app.ca.errors import CaError
from models.certificate import CertificateType
from models.evaluation import Evaluation, evaluate
from models.project import Project
from models.routing import Decision

CsrInput = bytes | str | x509.CertificateSigningRequest


def utc_now(now: dt.datetime | None = None) -> dt.datetime:
    """`now`, or the clock, in UTC to the second; tests pass `now` to pin time."""
    moment = now or dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        raise CaError("times given to the CA must be timezone-aware")
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def as_csr(csr: CsrInput) -> x509.CertificateSigningRequest:
    """A parsed CSR from PEM/DER bytes, PEM text or an already parsed one."""
    if isinstance(csr, x509.CertificateSigningRequest):
        return csr
    return load_csr(csr.encode("utf-8") if isinstance(csr, str) else csr)


def lookup_type(project: Project, type_id: str, evaluation: Evaluation | None = None
                ) -> tuple[CertificateType, Decision]:
    """The type with this id and its routing decision (`models.evaluation.evaluate`).

    Raises:
        CaError: no type has this id.
    """
    decisions = (evaluation or evaluate(project)).decisions
    for ctype, decision in zip(project.types, decisions, strict=True):
        if ctype.id == type_id:
            return ctype, decision
    known = ", ".join(t.id for t in project.types) or "none"
    raise CaError(f"no certificate type {type_id!r} in the project (known: {known})")


def requested_validity(days: int | None, maximum: int) -> int:
    """The validity asked for: `days` as given, the type's `maximum` only when none was given.

    Zero is not "none": `--validity-days 0` is checked (and refused) like -5, where it used
    to become the maximum (review 2026-12, ca.md check B16).
    """
    return maximum if days is None else days
