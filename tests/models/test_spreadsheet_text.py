"""Reading spreadsheet rows forgivingly: headers by name, enum spellings, numbers; TSV out."""

from __future__ import annotations

import pytest

from models.columns import COLUMN_BY_KEY
from models.enums import BlastRadius, CaKind, Purpose, Validity, Workflow
from models.spreadsheet_text import (
    Unreadable,
    header_columns,
    read_cell,
    read_enum,
    read_rows,
    split_tsv,
    to_tsv,
)


@pytest.mark.parametrize(("choices", "text", "member"), [
    (CaKind, "Public", CaKind.PUBLIC),
    (CaKind, "public CA", CaKind.PUBLIC),
    (CaKind, " PRIVATE ", CaKind.PRIVATE),
    (Purpose, "EXTERNAL TLS", Purpose.TLS_EXTERNAL),
    (Purpose, "External-facing TLS", Purpose.TLS_EXTERNAL),
    (Purpose, "tls_internal", Purpose.TLS_INTERNAL),
    (Purpose, "S/MIME", Purpose.SMIME),
    (Purpose, "mTLS (service-to-service)", Purpose.MTLS),
    (Purpose, "EV TLS cert", Purpose.EV_TLS),
    (Purpose, "CA signing", Purpose.CA_SIGNING),
    (Validity, "Short (≤ 7 days)", Validity.SHORT),
    (Validity, "long validity", Validity.LONG),
    (BlastRadius, "High blast radius", BlastRadius.HIGH),
    (Workflow, "Admin mediated", Workflow.ADMIN_MEDIATED),
])
def test_enum_values_are_matched_forgivingly(choices, text, member):
    assert read_enum(choices, text) is member


@pytest.mark.parametrize(("choices", "text"), [
    (Purpose, "tls"),  # internal or external: not guessed
    (Purpose, "purple"),
    (CaKind, ""),
    (Validity, "short or long"),
])
def test_ambiguous_or_unknown_values_are_not_guessed(choices, text):
    assert read_enum(choices, text) is None


def test_header_row_is_recognised_by_name_and_alias():
    assert header_columns(["Certificate type", "Purpose", "CA", "Volume", "Notes"]) == (
        "name", "purpose", "ca", "annual_volume", None)
    assert header_columns(["blast_radius", "Team", "Workflow today"]) == (
        "blast_radius", "owner", "as_is_workflow")
    assert header_columns(["Customer-facing TLS", "tls-external", "public"]) is None


def test_cells_are_read_as_their_column_kind():
    assert read_cell(COLUMN_BY_KEY["annual_volume"], "1,200") == 1200
    assert read_cell(COLUMN_BY_KEY["integration_hours"], "40 h") == 40.0
    assert read_cell(COLUMN_BY_KEY["annual_volume"], "") is None
    assert read_cell(COLUMN_BY_KEY["policy_implications"], "Yes") is True
    assert read_cell(COLUMN_BY_KEY["as_is_workflow"], "unknown") is None
    with pytest.raises(Unreadable, match="'lots' is not a number"):
        read_cell(COLUMN_BY_KEY["annual_volume"], "lots")
    with pytest.raises(Unreadable, match="not a whole number"):
        read_cell(COLUMN_BY_KEY["annual_volume"], "2.5")
    with pytest.raises(Unreadable, match="'purple' is not one of public, private"):
        read_cell(COLUMN_BY_KEY["ca"], "purple")
    with pytest.raises(Unreadable, match="name is empty"):
        read_cell(COLUMN_BY_KEY["name"], "  ")


def test_rows_skip_derived_and_unknown_columns_and_list_unreadable_cells():
    keys = ("name", "workflow", None, "ca", "annual_volume")
    (row,) = read_rows([["VPN", "combined", "note", "purple", "12"]], keys)
    assert row.values == {"name": "VPN", "annual_volume": 12}
    assert row.unreadable == {"ca": "'purple' is not one of public, private"}


def test_tsv_round_trip_keeps_tabs_newlines_and_quotes():
    rows = [["Certificate type", "Owner"], ["Web\tshop", 'Ops "net"\nline 2'], ["x", ""]]
    text = to_tsv(rows)
    assert text.endswith("\r\n")
    assert split_tsv(text) == rows
    assert split_tsv("a\tb\n\n\nc\n") == [["a", "b"], ["c", ""]]
