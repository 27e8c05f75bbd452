"""The cost inputs as typed text: grouping, explanations, parsing and plain-sentence errors."""

from __future__ import annotations

import math
import re

from pydantic import ValidationError

from models.cost import CostInputs, input_unit

# COST-MODEL.md inputs, grouped as a reader walks the model.
INPUT_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Volume and effort", ("tickets_per_year", "base_hours", "hourly_rate")),
    ("Hidden rework and reopens", ("rework_rate", "rework_effort", "reopen_rate",
                                   "reopen_effort")),
    ("Blocked services", ("blocking_share", "blocked_days", "blocked_day_cost")),
    ("Migration", ("migration_share", "migration_cost", "combined_run_cost")),
)
SHARE_UNIT = "share"
SHARE_HINT = " — a share between 0 and 1 (type 0.25 or 25%)"


def explanation(key: str) -> str:
    """The input's one-line explanation, from its field description."""
    return (CostInputs.model_fields[key].description or key).rstrip(".")


def tooltip(key: str) -> str:
    """The explanation, with how to type a share for share inputs."""
    return explanation(key) + (SHARE_HINT if input_unit(key) == SHARE_UNIT else "")


def format_input(value: float) -> str:
    """An input as the user would type it: 3,000 · 12 · 0.25 · 1,700,000."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


_CURRENCY = re.compile(r"^(?:[A-Z]{3}|[A-Z]?\$|kr|[£€¥₹])\s*|\s*(?:[A-Z]{3}|kr|[£€$¥₹])$")


def parse_input(key: str, text: str) -> float:
    """The number typed for `key`; "25%" means 0.25. Raises ValueError with the reason."""
    # A currency sign or code typed with the amount goes ("£1.7M" style signs, "CHF 400000",
    # "400000 EUR"), then separators and spaces.
    cleaned = _CURRENCY.sub("", text.strip())
    cleaned = cleaned.replace(",", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        raise ValueError("enter a number")
    percent = cleaned.endswith("%")
    try:
        value = float(cleaned.rstrip("%"))
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number") from None
    if not math.isfinite(value):
        raise ValueError("enter a finite number")
    return value / 100 if percent else value


def validation_message(key: str, error: ValidationError) -> str:
    """One plain sentence for the first problem of an input."""
    kind = error.errors()[0]["type"]
    if input_unit(key) == SHARE_UNIT and kind in ("greater_than_equal", "less_than_equal"):
        return "A share is between 0 and 1: type 0.25 or 25%."
    if kind == "greater_than_equal":
        return "Cannot be negative."
    if kind == "less_than_equal":
        limit = error.errors()[0]["ctx"]["le"]
        return f"At most {limit:,.0f}: beyond any organisation’s figures."
    return error.errors()[0]["msg"]


def edited_inputs(inputs: CostInputs, key: str, text: str) -> CostInputs:
    """`inputs` with `key` set to the typed `text`, validated as a whole.

    Raises:
        ValueError: the text is not a number or the value is out of range; the message is
            one plain sentence to show beside the editor.
    """
    try:
        value = parse_input(key, text)
        return CostInputs.model_validate({**inputs.model_dump(), key: value})
    except ValidationError as exc:  # a ValueError too, so caught first
        raise ValueError(validation_message(key, exc)) from None
    except ValueError as exc:
        raise ValueError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
