"""Rows copied from a spreadsheet (tab-separated, as Excel and LibreOffice put them on the
clipboard): header detection, forgiving cell reading into type fields, and TSV out."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from models.columns import COLUMN_BY_KEY, COLUMNS, Column

# Words a spreadsheet adds around an enumerated value ("public CA", "long validity",
# "High blast radius", "External-facing TLS certificates") that do not tell values apart.
_FILLER = frozenset({"ca", "validity", "identity", "blast", "radius", "facing", "certificate",
                     "certificates", "cert", "certs", "the", "a", "an"})
_TRUE = frozenset({"yes", "y", "true", "1", "x", "✓", "✔", "ja", "oui"})
_FALSE = frozenset({"no", "n", "false", "0", "", "-", "–", "none"})
_UNKNOWN = frozenset({"", "unknown", "(unknown)", "n/a", "na", "-", "–", "?"})

# Other names a column goes by in inventories; matched after normalising like values.
_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "type", "type name", "cert type", "certificate", "certificate name"),
    "purpose": ("use", "usage", "certificate purpose"),
    "ca": ("ca kind", "ca type", "issuer", "issuing ca", "public private"),
    "validity": ("validity class", "lifetime", "validity period"),
    "identity": ("identity strength", "identity proof"),
    "blast_radius": ("blast", "impact", "blast radius class"),
    "policy_implications": ("policy", "policy impact"),
    "annual_volume": ("volume", "volume per year", "certificates per year", "per year",
                      "issued per year", "yearly volume"),
    "integration_hours": ("integration", "integration effort", "hours to integrate"),
    "as_is_workflow": ("as is workflow", "current workflow", "today", "workflow now",
                       "as is"),
    "owner": ("team", "owning team", "owned by", "contact"),
}


def _words(text: str) -> list[str]:
    return re.sub(r"[^0-9a-z✓✔]+", " ", text.casefold()).split()


def _header_key(text: str) -> str:
    return " ".join(_words(text))


_HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.key.replace("_", " "),
                  *_HEADER_ALIASES.get(_column.key, ())):
        _HEADERS.setdefault(_header_key(_name), _column.key)


def column_for_header(text: str) -> str | None:
    """The column key a header cell names ("Blast radius", "blast_radius", "Volume"), or None."""
    return _HEADERS.get(_header_key(text))


def split_tsv(text: str) -> list[list[str]]:
    """Rows of cells; quoted cells (a tab or line break inside) as Excel writes them; blank
    lines dropped, and every row padded to the widest."""
    rows = [row for row in csv.reader(io.StringIO(text), dialect="excel-tab")
            if any(cell.strip() for cell in row)]
    width = max((len(row) for row in rows), default=0)
    return [row + [""] * (width - len(row)) for row in rows]


def header_columns(first_row: Sequence[str]) -> tuple[str | None, ...] | None:
    """The column key of each cell when `first_row` is a header row, else None.

    A header is a row where most non-blank cells (and at least one) name a column.
    """
    filled = [cell for cell in first_row if cell.strip()]
    keys = tuple(column_for_header(cell) if cell.strip() else None for cell in first_row)
    matched = sum(key is not None for key in keys)
    if not filled or matched * 2 < len(filled) or matched == 0:
        return None
    return keys


def _member_words(member: StrEnum) -> list[frozenset[str]]:
    texts = [member.value, member.value.replace("-", " ")]
    label = getattr(member, "label", None)
    if isinstance(label, str):
        texts.append(label)
    return [_significant(_words(t)) for t in texts]


def _significant(words: list[str]) -> frozenset[str]:
    kept = [w for w in words if w not in _FILLER]
    return frozenset(kept or words)


def read_enum(choices: type[StrEnum], text: str) -> StrEnum | None:
    """The member `text` names, forgivingly: case, spacing, hyphens, word order, labels and
    words like "CA" or "validity" do not matter ("Public", "public CA", "EXTERNAL TLS",
    "External-facing TLS", "S/MIME"). None when no single member fits."""
    words = _words(text)
    if not words:
        return None
    wanted = _significant(words)
    joined = "".join(words)
    exact = [m for m in choices
             if wanted in _member_words(m) or joined == m.value.replace("-", "")]
    if len(exact) == 1:
        return exact[0]
    # Extra words ("Short (≤ 7 days)", "EV TLS cert"): the member whose words are all there,
    # if exactly one is the most specific.
    fits = [(len(ws), m) for m in choices for ws in _member_words(m) if ws and ws <= wanted]
    if not fits:
        return None
    best = max(size for size, _m in fits)
    top = {m for size, m in fits if size == best}
    return top.pop() if len(top) == 1 else None


class Unreadable(ValueError):
    """A cell that cannot be read as its column's kind of value."""


def read_cell(column: Column, text: str) -> Any:
    """The field value of a pasted cell; raises Unreadable with a short reason."""
    cell = text.strip()
    if column.kind == "enum":
        assert column.choices is not None
        if column.key == "as_is_workflow" and cell.casefold() in _UNKNOWN:
            return None
        member = read_enum(column.choices, cell)
        if member is None:
            values = ", ".join(m.value for m in column.choices)
            raise Unreadable(f"{cell!r} is not one of {values}")
        return member.value
    if column.kind == "bool":
        folded = cell.casefold()
        if folded in _TRUE:
            return True
        if folded in _FALSE:
            return False
        raise Unreadable(f"{cell!r} is not yes or no")
    if column.kind in ("int", "float"):
        number_text = re.sub(r"[\s,_£$€'’]", "", cell)
        number_text = re.sub(r"(?i)(h|hrs?|hours?|/yr|/year|pa)$", "", number_text)
        if number_text == "":
            return None
        try:
            number = float(number_text)
        except ValueError:
            raise Unreadable(f"{cell!r} is not a number") from None
        if column.kind == "int":
            if not number.is_integer():
                raise Unreadable(f"{cell!r} is not a whole number")
            return int(number)
        return number
    if column.key == "name" and not cell:
        raise Unreadable("the name is empty")
    return cell


@dataclass(frozen=True)
class PastedRow:
    """One pasted row: the fields it sets, and the cells it could not read (key -> reason)."""

    values: dict[str, Any]
    unreadable: dict[str, str]


def read_rows(rows: Iterable[Sequence[str]], keys: Sequence[str | None]) -> list[PastedRow]:
    """Each row's cells read into the editable columns `keys` names (None: skipped)."""
    result = []
    for row in rows:
        values: dict[str, Any] = {}
        unreadable: dict[str, str] = {}
        for key, text in zip(keys, row, strict=False):
            column = COLUMN_BY_KEY.get(key) if key else None
            if column is None or not column.editable:
                continue
            try:
                values[column.key] = read_cell(column, text)
            except Unreadable as exc:
                unreadable[column.key] = str(exc)
        result.append(PastedRow(values, unreadable))
    return result


def to_tsv(rows: Iterable[Sequence[str]]) -> str:
    """Rows as Excel reads them from the clipboard: tab-separated, CRLF lines, cells holding a
    tab, line break or quote quoted."""
    out = io.StringIO()
    writer = csv.writer(out, dialect="excel-tab", lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()
