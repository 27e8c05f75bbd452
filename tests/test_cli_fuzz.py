"""Hostile command lines: every outcome is exit 0 or a one-line error, never a traceback."""

from __future__ import annotations

import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from app.cli import main
from models.cost import INPUT_KEYS

TOKENS = st.sampled_from([
    "--json", "--scale", "small", "mid", "huge", "--set", "--migration-source", "design",
    "preset", "-h", "--bogus", "", "=", "x=1", "/nonexistent.certroute.json",
    *[f"{k}=" for k in INPUT_KEYS], *[f"{k}=-1" for k in INPUT_KEYS],
    *[f"{k}=1e400" for k in INPUT_KEYS], *[f"{k}=nan" for k in INPUT_KEYS],
]) | st.text(max_size=12)
COMMAND_LINES = st.tuples(st.sampled_from(["route", "cost"]),
                          st.lists(TOKENS, max_size=6)).map(lambda t: [t[0], *t[1]])


@settings(max_examples=400, deadline=None)
@given(COMMAND_LINES)
def test_cli_never_tracebacks(argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors and --help
            code = exc.code
    assert code in (0, 2), (argv, err.getvalue())
    if code == 2:
        lines = err.getvalue().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("certroute"), lines
        assert ": error: " in lines[0], lines
        assert "Traceback" not in err.getvalue()
