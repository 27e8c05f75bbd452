"""A crt.sh JSON export (`https://crt.sh/?q=…&output=json`) -> observed certificates.

Every entry was logged to Certificate Transparency, which only publicly-trusted CAs do for
their subscribers, so entries are public. crt.sh lists a precertificate and its certificate
as two entries with the same serial: they are one certificate here. crt.sh gives no key or
usage data; replay skips those checks for these entries and says so.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from app.discovery.files import ScanProblem
from app.discovery.x509_facts import utc
from models.discovery import ObservedCertificate, Trust

MAX_JSON_BYTES = 256 * 1024 * 1024
SERVER_AUTH = "1.3.6.1.5.5.7.3.1"


def read_crtsh(text: str, source: str) -> tuple[list[ObservedCertificate], list[ScanProblem]]:
    if len(text) > MAX_JSON_BYTES:
        return [], [ScanProblem(source, "over the 256 MiB limit for a crt.sh export")]
    try:
        entries = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return [], [ScanProblem(source, f"not JSON: {str(exc)[:120]}")]
    if not isinstance(entries, list):
        return [], [ScanProblem(source, "not a crt.sh export: expected a JSON list")]
    certs: list[ObservedCertificate] = []
    problems: list[ScanProblem] = []
    for position, entry in enumerate(entries):
        where = f"{source} entry {position + 1}"
        try:
            certs.append(_entry(entry, where))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(ScanProblem(where, f"not a crt.sh entry: {str(exc)[:120]}"))
    return certs, problems


def _time(value: Any) -> dt.datetime:
    return utc(dt.datetime.fromisoformat(str(value)))


def _entry(entry: dict[str, Any], where: str) -> ObservedCertificate:
    names = [n.strip() for n in str(entry.get("name_value", "")).split("\n") if n.strip()]
    cn = entry.get("common_name")
    dns = tuple(dict.fromkeys(n.lower() for n in names if "@" not in n))
    emails = tuple(n for n in names if "@" in n)
    serial = str(entry["serial_number"]).lower().lstrip("0") or "0"
    return ObservedCertificate(
        source=f"{where} (crt.sh id {entry.get('id', '?')})", fingerprint=None,
        common_name=str(cn) if cn else None, dns_names=dns, email_addresses=emails,
        issuer=_issuer(str(entry["issuer_name"])), serial=serial,
        not_before=_time(entry["not_before"]), not_after=_time(entry["not_after"]),
        key_kind="", key_size=0, ekus=(SERVER_AUTH,) if dns else (),
        trust=Trust.PUBLIC, trust_reason="logged to Certificate Transparency (crt.sh)",
        notes=("key and usages not in the crt.sh export",),
    )


def _issuer(name: str) -> str:
    """"C=US, O=Let's Encrypt, CN=R10" -> "R10 · Let's Encrypt"."""
    parts = dict(p.strip().split("=", 1) for p in name.split(", ") if "=" in p)
    shown = " · ".join(v for v in (parts.get("CN"), parts.get("O")) if v)
    return shown or name
