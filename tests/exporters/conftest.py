"""Exporter fixtures: the worked example exported once, and LibreOffice recalculation."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from exporters.workbook import write_workbook
from models.evaluation import Evaluation, evaluate
from models.project import Project
from models.project_file import load_example
from tests.conftest import TODAY

EXPORTED_AT = dt.datetime(2026, 11, 26, 9, 30)

# LibreOffice trusts cached formula results of files that say Excel wrote them ("Recalculation
# on File Load: never" for Excel 2007+, WORKBOOK.md C.3 finding 5); xlsxwriter writes cached
# values, so the verification profile forces a full recalculation on load.
_FORCE_RECALC = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def recalculate(workbook: Path, workdir: Path) -> Path:
    """A LibreOffice-recalculated copy of `workbook` (WORKBOOK.md's verification recipe).

    Skips the calling test when LibreOffice is not installed (.ci/run installs it).
    """
    return convert(workbook, workdir, "xlsx")


def convert(workbook: Path, workdir: Path, kind: str) -> Path:
    """`soffice --headless --convert-to KIND` of `workbook`, recalculated on load.

    Fails the test when LibreOffice fails or writes nothing; skips it without LibreOffice.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = workdir / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_FORCE_RECALC, "utf-8")
    out = workdir / f"converted-{kind}"
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", kind, "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=180,
    )
    copy = out / f"{workbook.stem}.{kind}"
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr, done.stderr
    assert copy.exists(), f"LibreOffice wrote no {copy}: {done.stderr}"
    return copy


@pytest.fixture(scope="module")
def example() -> Project:
    return load_example().model_copy(update={"as_of": TODAY})


@pytest.fixture(scope="module")
def example_evaluation(example: Project) -> Evaluation:
    return evaluate(example, today=TODAY)


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory: pytest.TempPathFactory, example: Project,
                  example_evaluation: Evaluation) -> Path:
    path = tmp_path_factory.mktemp("export") / "example.xlsx"
    write_workbook(example, example_evaluation, path, now=EXPORTED_AT)
    return path
