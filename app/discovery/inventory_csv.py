"""A CLM inventory export (CSV) -> observed certificates, columns matched forgivingly.

Header names are matched after folding case, spaces, underscores and punctuation, against the
aliases below; a user mapping (`--map "Cert Name=common_name"`) wins. The presets are the
column names seen in the CSV exports of common certificate-lifecycle tools (Venafi TLS
Protect, Keyfactor Command, AppViewX, DigiCert CertCentral); they are aliases, not a promise
about any version of those products. Columns that map to no field are kept as notes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.discovery.files import ScanProblem
from app.discovery.trust import TrustStore
from app.discovery.x509_facts import utc
from models.discovery import ObservedCertificate

MAX_CSV_BYTES = 512 * 1024 * 1024
MAX_CELL = 32_768  # Excel's own cell limit
FIELDS = ("common_name", "sans", "issuer", "not_before", "not_after", "key_algorithm",
          "key_size", "serial", "owner", "fingerprint", "ekus")

ALIASES: dict[str, tuple[str, ...]] = {
    "common_name": ("common name", "cn", "subject cn", "subject common name", "name",
                    "certificate name", "subject"),
    "sans": ("sans", "san", "subject alternative names", "subject alt names", "dns names",
             "dns name", "alternative names", "x509 subject alt name dns", "san dns names"),
    "issuer": ("issuer", "issuer dn", "issuer name", "issuer cn", "issuing ca", "ca",
               "certificate authority", "x509 issuer"),
    "not_before": ("not before", "valid from", "issued", "issued date", "issue date",
                   "start date", "validity start", "x509 valid from"),
    "not_after": ("not after", "valid to", "valid until", "expires", "expiry", "expiration",
                  "expiration date", "expiry date", "expires on", "validity end",
                  "x509 valid to"),
    "key_algorithm": ("key algorithm", "key type", "public key algorithm", "algorithm",
                      "key algorithm name"),
    "key_size": ("key size", "key length", "key bits", "key strength", "public key size"),
    "serial": ("serial", "serial number", "certificate serial number"),
    "owner": ("owner", "contact", "owner email", "certificate owner", "app owner",
              "application owner", "team"),
    "fingerprint": ("sha256 fingerprint", "sha 256 thumbprint", "sha256", "fingerprint",
                    "thumbprint sha256"),
    "ekus": ("extended key usage", "eku", "ekus", "enhanced key usage"),
}
PRESETS: dict[str, dict[str, str]] = {
    "venafi": {"X509 Subject": "common_name", "X509 SubjectAltName DNS": "sans",
               "X509 Issuer": "issuer", "X509 ValidFrom": "not_before",
               "X509 ValidTo": "not_after", "X509 Key Algorithm": "key_algorithm",
               "X509 Key Size": "key_size", "X509 Serial": "serial", "Contact": "owner",
               "X509 Thumbprint": "fingerprint"},
    "keyfactor": {"IssuedCN": "common_name", "SANs": "sans", "IssuerDN": "issuer",
                  "NotBefore": "not_before", "NotAfter": "not_after",
                  "KeyType": "key_algorithm", "KeySizeInBits": "key_size",
                  "SerialNumber": "serial", "Thumbprint": "fingerprint"},
    "appviewx": {"Common Name": "common_name", "Subject Alternative Name": "sans",
                 "Issuer Common Name": "issuer", "Valid From": "not_before",
                 "Valid To": "not_after", "Key Algorithm": "key_algorithm",
                 "Key Length": "key_size", "Serial Number": "serial",
                 "Certificate Owner": "owner"},
    "digicert": {"Common Name": "common_name", "SANs": "sans", "Issuing CA": "issuer",
                 "Valid From": "not_before", "Valid Till": "not_after",
                 "Key Type": "key_algorithm", "Key Size": "key_size",
                 "Serial Number": "serial", "Requested By": "owner"},
}
_EKU_WORDS = {"server": "1.3.6.1.5.5.7.3.1", "client": "1.3.6.1.5.5.7.3.2",
              "code": "1.3.6.1.5.5.7.3.3", "email": "1.3.6.1.5.5.7.3.4",
              "protection": "1.3.6.1.5.5.7.3.4"}


def fold(header: str) -> str:
    """Header comparison key: lower case, punctuation and spacing folded to single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Column index per field, and the columns kept as notes."""

    fields: Mapping[str, int]
    notes: Mapping[int, str]


def map_columns(headers: Sequence[str], overrides: Mapping[str, str] | None = None,
                preset: str | None = None) -> ColumnMap:
    """Match headers to fields: overrides, then the preset, then the aliases."""
    wanted: dict[str, str] = {}  # folded header -> field
    for name, fieldname in (PRESETS[preset] if preset else {}).items():
        wanted[fold(name)] = fieldname
    for name, fieldname in (overrides or {}).items():
        if fieldname not in FIELDS:
            raise ValueError(f"--map {name}={fieldname}: the field must be one of "
                             f"{', '.join(FIELDS)}")
        wanted[fold(name)] = fieldname
    aliases = {fold(a): f for f, names in ALIASES.items() for a in names}
    fields: dict[str, int] = {}
    notes: dict[int, str] = {}
    for index, header in enumerate(headers):
        key = fold(header)
        target = wanted.get(key) or aliases.get(key)
        if target and target not in fields:
            fields[target] = index
        else:
            notes[index] = header
    for name in (overrides or {}):
        if fold(name) not in {fold(h) for h in headers}:
            raise ValueError(f"--map {name}=…: no column {name!r} in the CSV")
    return ColumnMap(fields, notes)


def _date(text: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    for parse in (dt.datetime.fromisoformat,
                  lambda t: dt.datetime.strptime(t, "%m/%d/%Y %H:%M:%S"),
                  lambda t: dt.datetime.strptime(t, "%m/%d/%Y"),
                  lambda t: dt.datetime.strptime(t, "%d/%m/%Y"),
                  lambda t: dt.datetime.strptime(t, "%b %d %H:%M:%S %Y GMT")):
        try:
            return utc(parse(text.replace("Z", "+00:00")))
        except ValueError:
            continue
    raise ValueError(f"{text[:40]!r} is not a date")


def _key(algorithm: str, size: str) -> tuple[str, int, str | None]:
    algo = algorithm.strip().lower()
    bits = int(re.sub(r"[^0-9]", "", size) or 0) if size.strip() else 0
    if "ed25519" in algo:
        return "ed25519", 256, None
    if "ec" in algo or "ecdsa" in algo or algo.startswith("p-") or "prime256" in algo:
        digits = re.search(r"(256|384|521)", algo + " " + size)
        bits = int(digits.group(1)) if digits else bits
        return "ec", bits, {256: "secp256r1", 384: "secp384r1", 521: "secp521r1"}.get(bits)
    if "rsa" in algo or (not algo and bits >= 1024):
        return "rsa", bits, None
    return algo, bits, None


def read_inventory(text: str, source: str, store: TrustStore, *,
                   overrides: Mapping[str, str] | None = None, preset: str | None = None
                   ) -> tuple[list[ObservedCertificate], list[ScanProblem]]:
    """Every row of a CSV inventory as an observed certificate; bad rows as problems."""
    if len(text) > MAX_CSV_BYTES:
        return [], [ScanProblem(source, "over the 512 MiB limit for a CSV inventory")]
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, ",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    try:
        headers = next(rows)
    except (StopIteration, csv.Error):
        return [], [ScanProblem(source, "empty CSV: no header row")]
    columns = map_columns(headers, overrides, preset)
    if "common_name" not in columns.fields and "sans" not in columns.fields:
        return [], [ScanProblem(source, "no column names the certificates (common name or "
                                "SANs); map one with --map COLUMN=common_name")]
    certs: list[ObservedCertificate] = []
    problems: list[ScanProblem] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"{source} row {number}"
        try:
            certs.append(_row(row, columns, where, store))
        except (ValueError, csv.Error) as exc:
            problems.append(ScanProblem(where, str(exc)[:200]))
    return certs, problems


def _row(row: Sequence[str], columns: ColumnMap, where: str,
         store: TrustStore) -> ObservedCertificate:
    width = len(row)
    if max(map(len, row), default=0) > MAX_CELL:
        raise ValueError(f"a cell is longer than {MAX_CELL:,} characters")
    values = dict.fromkeys(FIELDS, "")  # "" for a field without a column
    values.update((name, row[i].strip()) for name, i in columns.fields.items() if i < width)
    cell = values.__getitem__

    names = [n.strip().removeprefix("DNS:").removeprefix("dns:")
             for n in re.split(r"[,;\s|]+", cell("sans")) if n.strip()]
    dns = tuple(n.lower() for n in names if "@" not in n and "=" not in n)
    emails = tuple(n for n in names if "@" in n)
    cn = cell("common_name")
    if cn.upper().startswith("CN="):
        cn = cn[3:].split(",")[0]
    if not cn and not dns and not emails:
        raise ValueError("no common name or SAN")
    kind, size, curve = _key(cell("key_algorithm"), cell("key_size"))
    issuer = cell("issuer") or "(issuer not given)"
    trust, reason = store.judge_issuer_name(issuer)
    ekus = tuple(dict.fromkeys(oid for word, oid in _EKU_WORDS.items()
                               if word in cell("ekus").lower()))
    notes = tuple(f"{header}: {row[i].strip()}" for i, header in columns.notes.items()
                  if i < len(row) and row[i].strip())
    return ObservedCertificate(
        source=where, fingerprint=cell("fingerprint").replace(":", "").lower() or None,
        common_name=cn or None,
        dns_names=dns or ((cn.lower(),) if cn and "." in cn and " " not in cn
                          and "@" not in cn else ()),
        email_addresses=emails, issuer=issuer,
        not_before=_date(cell("not_before")), not_after=_date(cell("not_after")),
        key_kind=kind, key_size=size, curve=curve,
        ekus=ekus or (("1.3.6.1.5.5.7.3.1",) if dns or "." in cn else ()),
        serial=cell("serial").replace(":", "").lower(), owner=cell("owner")[:200],
        trust=trust, trust_reason=reason, notes=notes,
    )
