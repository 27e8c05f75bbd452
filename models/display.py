"""One formatting source for the screen, the CLI and the exports: £2.59M, 19%, 14.3, 9 months."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from models.certificate import CertificateType
from models.currency import GBP, Currency


def _round_half_up(value: float, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def currency_prefix(currency: Currency = GBP) -> str:
    """What goes before an amount: "£", "€", or "CHF " (a letter symbol gets a space)."""
    symbol = currency.symbol
    return f"{symbol}\u00a0" if symbol[-1].isalpha() else symbol


def money(value: float, currency: Currency = GBP) -> str:
    """An amount to three significant figures in the project's currency: £2.59M, £487k,
    £288k, £1.70M (COST-MODEL.md), €2.59M, CHF 487k."""
    sign = "−" if value < 0 else ""
    unit = currency_prefix(currency)
    amount = abs(value)
    for divisor, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if amount >= divisor * 0.9995:  # 999.5 already rounds to 1.00 of this unit
            scaled = amount / divisor
            places = max(0, 2 - len(str(int(scaled))) + 1)
            text = _round_half_up(scaled, places)
            digits = len(str(int(text)))
            if digits + places > 3:  # the carry added a digit: £99.95k is £100k, not £100.0k
                text = text.quantize(Decimal(1).scaleb(-max(0, 3 - digits)),
                                     rounding=ROUND_HALF_UP)
            if text >= 1000 and suffix != "B":
                continue  # rounding carried into the next unit, e.g. £999.6k -> £1.00M
            return f"{sign}{unit}{text}{suffix}"
    return f"{sign}{unit}{_round_half_up(amount, 0)}"


def hours(value: float) -> str:
    """Hours to one decimal: 1.056 -> "1.1"."""
    return str(_round_half_up(value, 1))


def percent(share: float) -> str:
    """A share as a whole percentage: 0.188 -> "19%", 0.575 -> "58%" (decimal, half up)."""
    value = (Decimal(repr(share)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{value}%"


def months(value: float | None) -> str:
    """Payback in whole months, or "never" when savings are not positive."""
    if value is None:
        return "never"
    n = int(_round_half_up(value, 0))
    return "1 month" if n == 1 else f"{n} months"


def describe(ctype: CertificateType) -> str:
    """The article's one-line profile: "Internal TLS · private CA · long validity · …"."""
    return " · ".join((
        ctype.purpose.label, ctype.ca.label, ctype.validity.label,
        ctype.identity.label, ctype.blast_radius.label,
    ))
