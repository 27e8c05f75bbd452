"""The project's currency: the symbol money is shown with and its ISO 4217 code."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Currency(BaseModel):
    """How amounts are labelled; figures are never converted (the article's are in pounds)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    symbol: str = Field("£", min_length=1, max_length=4,
                        description="Written before amounts: £2.59M, €2.59M, CHF2.59M.")
    code: str = Field("GBP", pattern=r"^[A-Z]{3}$", description="ISO 4217 code, e.g. GBP.")

    @property
    def label(self) -> str:
        """"GBP (£)"."""
        return f"{self.code} ({self.symbol})" if self.symbol != self.code else self.code


GBP = Currency(symbol="£", code="GBP")
# Offered in the Cost tab; any other symbol and code can be set in the project file.
COMMON_CURRENCIES: tuple[Currency, ...] = (
    GBP,
    Currency(symbol="€", code="EUR"),
    Currency(symbol="$", code="USD"),
    Currency(symbol="CHF", code="CHF"),
    Currency(symbol="¥", code="JPY"),
    Currency(symbol="A$", code="AUD"),
    Currency(symbol="C$", code="CAD"),
    Currency(symbol="kr", code="SEK"),
    Currency(symbol="₹", code="INR"),
)
