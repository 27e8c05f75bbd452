"""README: the Linux prerequisites are the start-up check's packages; every link resolves."""

from __future__ import annotations

import re
from pathlib import Path

from app.startup_check import APT_PACKAGES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_apt_line_is_the_start_up_checks_table():
    assert f"sudo apt-get install {' '.join(APT_PACKAGES)}" in README


def test_every_local_link_in_the_readme_and_docs_resolves():
    for page in (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
            if "://" in target:
                continue
            assert (page.parent / target).exists(), f"{page.name}: {target}"
