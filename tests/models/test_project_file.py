"""Project files: round trip, atomic save, and bad files that say what is wrong."""

from __future__ import annotations

import datetime as dt
import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.project import SCHEMA_VERSION
from models.project_file import (
    ProjectFileError,
    dump_project,
    example_text,
    load_project,
    parse_project,
    save_project,
)


def example_raw() -> dict:
    return json.loads(example_text())


def test_example_is_the_articles_firm(worked_example):
    assert worked_example.schema_version == SCHEMA_VERSION
    assert len(worked_example.types) == 6


def test_save_and_load_round_trip(tmp_path, worked_example):
    path = tmp_path / "firm.certroute.json"
    save_project(worked_example, path)
    assert load_project(path) == worked_example
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_save_failure_leaves_the_old_file(tmp_path, worked_example, monkeypatch):
    path = tmp_path / "firm.certroute.json"
    save_project(worked_example, path)
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    changed = worked_example.model_copy(update={"types": ()})
    with pytest.raises(OSError, match="No space"):
        save_project(changed, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores folder permissions")
def test_save_into_read_only_folder_raises(tmp_path, worked_example):
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(PermissionError):
            save_project(worked_example, tmp_path / "x.certroute.json")
    finally:
        tmp_path.chmod(0o700)


def test_bad_file_not_json():
    with pytest.raises(ProjectFileError, match=r"^p: not a valid JSON document"):
        parse_project("{nope", source="p")


def test_bad_file_wrong_enum_value_names_the_field():
    raw = example_raw()
    raw["types"][2]["purpose"] = "tls-wrong"
    with pytest.raises(ProjectFileError) as info:
        parse_project(json.dumps(raw), source="p")
    message = str(info.value)
    assert message.startswith("p: types[2].purpose: Input should be 'tls-external'")
    assert "(got 'tls-wrong')" in message


def test_bad_file_missing_field_names_it():
    raw = example_raw()
    del raw["types"][0]["blast_radius"]
    with pytest.raises(ProjectFileError, match=r"types\[0\]\.blast_radius: Field required"):
        parse_project(json.dumps(raw), source="p")


def test_bad_file_future_schema_version():
    raw = example_raw()
    raw["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ProjectFileError, match="written by a newer Certroute"):
        parse_project(json.dumps(raw), source="p")


def test_bad_file_unknown_field_is_rejected():
    raw = example_raw()
    raw["organisation"]["colour"] = "blue"
    with pytest.raises(ProjectFileError, match=r"organisation\.colour: Extra inputs"):
        parse_project(json.dumps(raw), source="p")


def test_bad_file_duplicate_ids():
    raw = example_raw()
    raw["types"][1]["id"] = raw["types"][0]["id"]
    with pytest.raises(ProjectFileError, match="duplicate id"):
        parse_project(json.dumps(raw), source="p")


def test_bad_file_not_an_object():
    with pytest.raises(ProjectFileError, match="JSON object"):
        parse_project("[1, 2]", source="p")


def test_load_missing_file(tmp_path):
    with pytest.raises(ProjectFileError, match="cannot read"):
        load_project(tmp_path / "absent.certroute.json")


def test_dump_is_stable(worked_example):
    assert dump_project(worked_example) == dump_project(parse_project(dump_project(
        worked_example)))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values)
def test_parse_project_rejects_any_json_with_one_clear_error(value):
    # Arbitrary JSON never has a valid schema_version and types: always one clear line.
    with pytest.raises(ProjectFileError) as info:
        parse_project(json.dumps(value), source="fuzz")
    assert str(info.value).startswith("fuzz: ")
    assert "\n" not in str(info.value)


@settings(max_examples=300)
@given(st.binary(max_size=200))
def test_parse_project_rejects_any_bytes_with_one_clear_error(data):
    with pytest.raises(ProjectFileError):
        parse_project(data, source="fuzz")


def test_load_path_with_nul_byte_is_a_clear_error():
    with pytest.raises(ProjectFileError, match="cannot read"):
        load_project("bad\0name.certroute.json")


def test_as_of_date_is_saved_and_a_v1_file_opens_on_today(tmp_path, worked_example):
    """Schema 2: the as-of date round-trips; a version-1 file has none and is judged on the
    day it is opened, its short types keeping their 7-day maximum."""
    dated = worked_example.model_copy(update={"as_of": dt.date(2029, 4, 1)})
    path = tmp_path / "dated.certroute.json"
    save_project(dated, path)
    assert json.loads(path.read_text())["as_of"] == "2029-04-01"
    assert load_project(path).as_of == dt.date(2029, 4, 1)
    v1 = {"schema_version": 1, "types": [{"id": "m", "name": "Mesh", "purpose": "mtls",
                                          "ca": "private", "validity": "short",
                                          "identity": "strong", "blast_radius": "low"}]}
    project = parse_project(json.dumps(v1))
    assert project.schema_version == SCHEMA_VERSION == 2
    assert project.as_of == dt.date.today()
    assert project.types[0].profile is not None
    assert project.types[0].profile.max_validity_days == 7
