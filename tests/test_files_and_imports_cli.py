"""Issue 16 from the command line: awkward outputs, `import -o` over a project, hostile files."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from exporters.routing_table import HEADERS
from models.certificate import Override
from models.evaluation import evaluate
from models.project_file import example_text, load_example, load_project, save_project

ROOT = Path(__file__).resolve().parents[1]


def _matrix(tmp_path: Path, edit=None) -> Path:
    matrix = tmp_path / "routing.csv"
    assert main(["export", "--csv", str(matrix)]) == 0
    with matrix.open(newline="") as handle:
        rows = list(csv.reader(handle))
    if edit:
        edit(rows)
    with matrix.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return matrix


def _all_bad(rows: list[list[str]]) -> None:
    for row in rows[1:]:
        row[HEADERS.index("Purpose")] = "tls"


def _designed(tmp_path: Path) -> Path:
    """The example with an override and approval criteria: what a matrix does not carry."""
    project = load_example()
    types = list(project.types)
    types[0] = types[0].model_copy(update={
        "override": Override(workflow="combined", justification="Reviewed by the PKI board"),
        "admin": types[0].admin.model_copy(update={"approval_criteria": ("Check the SANs",)})})
    path = tmp_path / "victim.certroute.json"
    save_project(project.model_copy(update={"types": tuple(types),
                                            "as_of": dt.date(2026, 11, 1)}), path)
    return path


# --- import -o over an existing project ---------------------------------------------------

def test_import_of_all_bad_rows_does_not_wipe_the_existing_project(tmp_path, capsys):
    victim = _designed(tmp_path)
    before = victim.read_bytes()
    matrix = _matrix(tmp_path, _all_bad)
    capsys.readouterr()
    assert main(["import", str(matrix), "-o", str(victim)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "not replacing" in err
    assert "types missing from the matrix (6 type(s)" in err
    assert "--base" in err
    assert "--replace" in err
    assert victim.read_bytes() == before


def test_import_without_base_lists_what_it_would_drop_and_keeps_the_file(tmp_path, capsys):
    victim = _designed(tmp_path)
    before = victim.read_bytes()
    matrix = _matrix(tmp_path)
    capsys.readouterr()
    assert main(["import", str(matrix), "-o", str(victim)]) == 2
    err = capsys.readouterr().err
    for lost in ("overrides and their justifications (1 type(s)", "approval criteria",
                 "the organisation's settings", "the assessment scores",
                 "the as-of date (2026-11-01)"):
        assert lost in err
    assert victim.read_bytes() == before


def test_import_with_replace_writes_and_lists_what_was_not_carried_over(tmp_path, capsys):
    victim = _designed(tmp_path)
    matrix = _matrix(tmp_path)
    capsys.readouterr()
    assert main(["import", str(matrix), "-o", str(victim), "--replace"]) == 0
    out = capsys.readouterr().out
    assert "not carried over from the previous" in out
    assert "overrides" in out
    assert load_project(victim).types[0].override is None


def test_import_with_base_keeps_the_design(tmp_path, capsys):
    victim = _designed(tmp_path)
    matrix = _matrix(tmp_path)
    assert main(["import", str(matrix), "-o", str(victim), "--base", str(victim)]) == 0
    assert load_project(victim).types[0].override is not None


def test_import_over_a_file_that_is_not_a_project_needs_replace(tmp_path, capsys):
    notes = tmp_path / "notes.json"
    notes.write_text("my notes")
    matrix = _matrix(tmp_path)
    assert main(["import", str(matrix), "-o", str(notes)]) == 2
    assert notes.read_text() == "my notes"
    assert main(["import", str(matrix), "-o", str(notes), "--replace"]) == 0


def test_import_to_stdout(tmp_path, capfd):
    matrix = _matrix(tmp_path)
    capfd.readouterr()
    assert main(["import", str(matrix), "-o", "-"]) == 0
    captured = capfd.readouterr()
    assert len(json.loads(captured.out)["types"]) == 6
    assert "imported 6 of 6 row(s) into standard output" in captured.err


# --- export to awkward paths ---------------------------------------------------------------

def test_export_to_a_full_device_fails_and_leaves_the_device(tmp_path, capsys):
    device = Path("/dev/full")
    if os.geteuid() == 0:  # our own, so a broken writer could only replace that one
        device = tmp_path / "myfull"
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    for option in ("--csv", "--xlsx", "--md", "--json"):
        assert main(["export", option, str(device)]) == 2
        assert "No space left on device" in capsys.readouterr().err
        assert stat.S_ISCHR(device.lstat().st_mode)


def test_export_to_stdout_with_dash(capfd):
    assert main(["export", "--csv", "-"]) == 0
    captured = capfd.readouterr()
    assert captured.out.startswith("ID,Certificate type,")
    assert "wrote standard output" in captured.err


def test_export_over_a_read_only_file_is_refused(tmp_path, capsys):
    target = tmp_path / "ro.csv"
    target.write_text("old")
    target.chmod(0o444)
    assert main(["export", "--csv", str(target)]) == 2
    assert "read-only" in capsys.readouterr().err
    assert target.read_text() == "old"


def test_export_through_a_symlink_and_keeping_the_mode(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    real.chmod(0o664)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert main(["export", "--csv", str(link)]) == 0
    assert link.is_symlink()
    assert real.read_text().startswith("ID,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o664


# --- hostile project files -----------------------------------------------------------------

def _route(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", "route", str(path)], cwd=ROOT, text=True,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize(("text", "expected"), [
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    (re.sub(r'"schema_version": \d+', '"schema_version": ' + "9" * 5000, example_text()),
     "not a valid JSON document"),
    (example_text().replace('"annual_volume": ', '"annual_volume": ' + "9" * 4000 + "0", 1),
     "characters"),
])
def test_hostile_project_files_are_one_line_errors(tmp_path, text, expected):
    path = tmp_path / "hostile.certroute.json"
    path.write_text(text)
    done = _route(path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert expected in done.stderr
    assert len(done.stderr) < 1500


def test_a_10_mb_name_gives_a_short_error(tmp_path):
    raw = json.loads(example_text())
    raw["types"][0]["name"] = "A" * 10_000_000
    path = tmp_path / "big.certroute.json"
    path.write_text(json.dumps(raw))
    done = _route(path)
    assert done.returncode == 2
    assert "types[0].name" in done.stderr
    assert "10,000,000 characters" in done.stderr
    assert len(done.stderr) < 1000


def test_gui_reads_the_file_before_qt_starts(tmp_path):
    path = tmp_path / "nested.certroute.json"
    path.write_text("[" * 100_000)
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY",
                                                             "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-m", "app", "gui", str(path)], cwd=ROOT, text=True,
                          capture_output=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "nested too deeply" in done.stderr


# --- control characters ---------------------------------------------------------------------

def test_control_characters_in_a_name_are_refused(tmp_path):
    raw = json.loads(example_text())
    raw["types"][0]["name"] = "Evil\n2. Fake — combined"
    raw["types"][1]["owner"] = "team\x1b[31m"
    path = tmp_path / "evil.certroute.json"
    path.write_text(json.dumps(raw))
    done = _route(path)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "types[0].name: Value error, must not contain control characters" in done.stderr
    assert "U+000A" in done.stderr


def test_free_text_is_never_printed_or_exported_raw(tmp_path, capsys):
    project = load_example()
    types = list(project.types)
    flipped = "admin-mediated" if evaluate(project).decisions[0].workflow.value == "combined" \
        else "combined"
    types[0] = types[0].model_copy(update={"override": Override(
        workflow=flipped, justification="Reviewed\n2. Fake line\x1b[31m red")})
    path = tmp_path / "p.certroute.json"
    save_project(project.model_copy(update={"types": tuple(types)}), path)
    assert main(["route", str(path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\n2. Fake line" not in out
    assert "Reviewed\\n2. Fake line\\x1b[31m red" in out
    csv_path, md_path = tmp_path / "m.csv", tmp_path / "m.md"
    assert main(["export", str(path), "--csv", str(csv_path), "--md", str(md_path)]) == 0
    for exported in (csv_path, md_path):
        text = exported.read_text()
        assert "\x1b" not in text
        assert "\n2. Fake line" not in text
