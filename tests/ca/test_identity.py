"""Confusable-safe identities (review 2026-12, ca.md defect 4 and check B25)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ca.identity import code_points, person_key, problem


@pytest.mark.parametrize("spelling", [
    "alice", "Alice", "  ALICE ", "\uff41lice", "\u0430lice", "\u0430\u0406\u0456\u0441\u0435",
    "\U0001d41alice",  # MATHEMATICAL BOLD SMALL A
])
def test_look_alikes_of_alice_are_alice(spelling):
    assert person_key(spelling) == "alice"


@pytest.mark.parametrize(("one", "other"), [("Zoë", "Zoe"), ("вов", "bob"), ("bob", "rob"),
                                            ("José", "Jose")])
def test_different_names_stay_different(one, other):
    assert person_key(one) != person_key(other)


def test_capital_look_alikes_fold_like_capitals():
    assert person_key("ВОВ") == person_key("BOB") == "bob"


@pytest.mark.parametrize(("name", "shown"), [
    ("al\u200bice", "U+200B ZERO WIDTH SPACE"),
    ("alice\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("ali\u00adce", "U+00AD SOFT HYPHEN"),
    ("alice\ufe0f", "U+FE0F VARIATION SELECTOR-16"),
    ("ali\u00a0ce", "U+00A0 NO-BREAK SPACE"),
    ("ali\nce", "U+000A"),
    ("\u0430lice", "mixes Cyrillic and Latin letters"),
    ("p\u0430ypal", "U+0430 CYRILLIC SMALL LETTER A"),
])
def test_invisible_and_mixed_script_names_are_refused(name, shown):
    message = problem(name)
    assert message is not None
    assert shown in message


@pytest.mark.parametrize("name", ["alice", "Zoë Müller", "José", "Ωμέγα", "山田 太郎",
                                  "山田 たろう", "Sam O'Neil", "ops-team 2"])
def test_real_names_pass(name):
    assert problem(name) is None


def test_code_points_name_every_character():
    assert code_points("аb") == "U+0430 CYRILLIC SMALL LETTER A, U+0062 LATIN SMALL LETTER B"


@settings(max_examples=300)
@given(st.text(max_size=40), st.sampled_from(["\u200b", "\u200d", "\u2066", "\ufe0f", "\x07"]),
       st.integers(min_value=0, max_value=40))
def test_any_name_with_an_invisible_character_is_refused(name, hidden, at):
    spliced = name[:at] + hidden + name[at:]
    assert problem(spliced) is not None
    assert isinstance(person_key(spliced), str)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_any_text_gets_a_key_and_a_one_line_verdict(name):
    key = person_key(name)
    assert key == person_key(key.upper()) or not key.isascii()  # case never makes a person
    verdict = problem(name)
    assert verdict is None or "\n" not in verdict  # the name is shown escaped
