"""README: the Linux prerequisites are the start-up check's packages; every link resolves;
the command table names options and choices the commands take."""

from __future__ import annotations

import argparse
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


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    from app.cli import build_parser

    action = next(a for a in build_parser()._actions  # argparse has no public API
                  if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_command_tables_options_are_the_commands_own():
    """Each command row of the README names options its command takes, and, for a
    `--tab a|b|…` row, every tab there is: the table lagged `--as-of` and the Cliff tab."""
    commands = _subparsers()
    rows = re.findall(r"^\| `certroute (\w+) ([^`]*)` \|", README, re.M)
    assert {name for name, _ in rows} >= {"route", "cost", "screenshot", "report", "export",
                                          "timeline", "discover", "import"}
    for name, usage in rows:
        if name == "ca":
            continue
        parser = commands[name]
        options = {o for a in parser._actions for o in a.option_strings}
        written = set(re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", usage))
        assert written <= options, f"{name}: {sorted(written - options)}"
        taken = {o: a for a in parser._actions for o in a.option_strings}
        for option, listed in re.findall(r"(--[\w-]+) ([\w]+(?:\\\|[\w]+)+)", usage):
            action = taken[option]
            allowed = set(action.choices or ()) or set(
                re.findall(r"\w+", action.help or ""))
            assert set(listed.split("\\|")) == allowed - {"or"}, f"{name} {option}: {listed}"
