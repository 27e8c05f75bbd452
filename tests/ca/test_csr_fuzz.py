"""Hostile CSRs and names: every input is parsed or refused with CaError, never a crash."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from hypothesis import given, settings
from hypothesis import strategies as st

from app.ca.csr import build_csr, facts_from_csr, generate_key, load_csr
from app.ca.errors import CaError
from models.issuance_policy import CsrFacts, check, profile_for
from models.project_file import load_example

KEY = generate_key()
VALID_DER = build_csr(KEY, ["api.example.com"]).public_bytes(Encoding.DER)
PROFILES = [profile_for(t, on=dt.date(2026, 11, 26)) for t in load_example().types]


def _pem(der: bytes) -> bytes:
    body = base64.encodebytes(der)
    return b"-----BEGIN CERTIFICATE REQUEST-----\n" + body + b"-----END CERTIFICATE REQUEST-----\n"


def _parse_and_check(data: bytes) -> None:
    try:
        csr = load_csr(data)
    except CaError as exc:
        message = str(exc)
        csr = None
    else:
        message = ""
    if csr is None:
        assert message
        assert "\n" not in message
        return
    facts = facts_from_csr(csr)
    for profile in PROFILES:
        for violation in check(facts, profile, validity_days=90):
            assert violation.message


@settings(max_examples=500)
@given(st.binary(max_size=600))
def test_random_bytes_are_refused_cleanly(data):
    _parse_and_check(data)


@settings(max_examples=500)
@given(st.lists(st.tuples(st.integers(0, len(VALID_DER) - 1), st.integers(0, 255)),
                min_size=1, max_size=6), st.booleans())
def test_mutated_csrs_are_parsed_or_refused(flips, as_pem):
    der = bytearray(VALID_DER)
    for position, value in flips:
        der[position] = value
    _parse_and_check(_pem(bytes(der)) if as_pem else bytes(der))


def test_oversized_input_is_refused_before_parsing():
    with pytest.raises(CaError, match="at most"):
        load_csr(b"0" * (1024 * 1024))


NAMES = st.text(st.characters(codec="utf-8"), max_size=80) | st.sampled_from([
    "API.example.com", "api.example.com.", "api\x00.example.com", "аpi.example.com",
    "*.example.com", "a" * 64 + ".example.com", "xn--80ak6aa92e.example.com", "..example.com",
    "例え.example.com", "api.example.com\u200b", "",
])


@settings(max_examples=500)
@given(st.lists(NAMES, min_size=1, max_size=5))
def test_hostile_names_never_crash_the_check_and_bad_ones_are_refused(names):
    facts = CsrFacts(dns_names=tuple(names), common_name=None, key_kind="ec", key_size=256,
                     signature_valid=True, curve="secp256r1")
    for profile in PROFILES:
        violations = check(facts, profile, validity_days=30)
        refused = {v.subject for v in violations}
        for name in names:
            if "\x00" in name or name.endswith(".") or name != name.lower():
                assert name in refused or "csr" in refused or any(
                    name in v.message for v in violations), (name, violations)
