"""Typed cost inputs: what a user types becomes validated inputs or one plain sentence."""

from __future__ import annotations

import pytest

from app.gui.cost_inputs import edited_inputs, format_input, tooltip
from models.cost import SCALE_PRESETS, CostInputs, Scale

MID = SCALE_PRESETS[Scale.MID]


@pytest.mark.parametrize(("key", "text", "value"), [
    ("rework_rate", "25%", 0.25),
    ("rework_rate", " 0.3 ", 0.3),
    ("migration_cost", "£1,250,000", 1_250_000),
    ("tickets_per_year", "4 000", 4000),
])
def test_edited_inputs_reads_what_a_user_types(key, text, value):
    assert getattr(edited_inputs(MID, key, text), key) == pytest.approx(value)


def test_edited_inputs_says_why_in_one_sentence():
    # Each kind of message is shown through the tab in test_cost_tab.py.
    with pytest.raises(ValueError, match=r"^“lots” is not a number\.$"):
        edited_inputs(MID, "hourly_rate", "lots")


def test_format_input_and_share_tooltip():
    assert format_input(3000.0) == "3,000"
    assert format_input(0.25) == "0.25"
    assert tooltip("rework_rate").endswith("(type 0.25 or 25%)")
    assert "share" not in tooltip("hourly_rate")


def test_an_input_beyond_any_organisation_names_the_limit():
    with pytest.raises(ValueError, match="At most 1,000,000: beyond any organisation’s figures"):
        edited_inputs(CostInputs(), "hourly_rate", "2000000")
