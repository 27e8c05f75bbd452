"""The command line: route and cost reproduce the article; bad input is one clear line."""

from __future__ import annotations

import json

import pytest

from app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_route_json_reproduces_the_articles_table(capsys):
    code, out, _ = run(capsys, "route", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [(r["name"], r["workflow"], r["label"]) for r in rows] == [
        ("Customer-facing TLS", "combined", "Tolerance modulated"),
        ("EV TLS for corporate identity", "admin-mediated", "High-assurance purpose"),
        ("mTLS service mesh", "combined", "Standard logic"),
        ("Internal services TLS", "combined", "Standard logic"),
        ("Code signing for production", "admin-mediated", "High-assurance purpose"),
        ("Legacy mainframe TLS", "admin-mediated", "Identity capability"),
    ]
    for key in ("reason", "rationale", "note", "controls", "exceptions"):
        assert key in rows[0]


def test_route_text_has_summary(capsys):
    code, out, _ = run(capsys, "route")
    assert code == 0
    assert "3 combined · 3 admin-mediated" in out
    assert "Internal TLS · private CA · long validity · weak identity · medium blast radius" in out


def test_cost_json_holds_every_input_and_output(capsys):
    code, out, _ = run(capsys, "cost", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["total_cost"] == 3_367_296
    assert data["hidden_cost"] == 487_296
    assert data["reopen_hours"] == 1.056
    assert data["tickets_per_year"] == 3000
    assert data["display"]["payback_months"] == "9 months"
    assert data["display"]["analyst_cost"] == "£2.59M"


def test_cost_text_matches_the_article(capsys):
    _, out, _ = run(capsys, "cost")
    for shown in ("£2.59M", "£487k", "£288k", "£3.37M", "14.3 hours", "19%", "14% of total",
                  "£1.01M", "£2.36M", "9 months", "£1.70M"):
        assert shown in out


def test_cost_set_and_scale(capsys):
    _, out, _ = run(capsys, "cost", "--scale", "large", "--set", "hourly_rate=80", "--json")
    data = json.loads(out)
    assert (data["tickets_per_year"], data["hourly_rate"], data["scale"]) == (15000, 80, "large")


def test_cost_payback_never(capsys):
    _, out, _ = run(capsys, "cost", "--set", "migration_share=0", "--json")
    assert json.loads(out)["display"]["payback_months"] == "never"


@pytest.mark.parametrize(("argv", "message"), [
    (["cost", "--set", "nope=1"], "unknown cost input 'nope'"),
    (["cost", "--set", "base_hours=abc"], "'abc' is not a number"),
    (["cost", "--set", "rework_rate=1.5"], "rework_rate"),
    (["cost", "--set", "rework_rate"], "expected KEY=VALUE"),
    (["cost", "--set", "migration_cost=inf"], "migration_cost"),
    (["cost", "--set", "base_hours=nan"], "base_hours"),
    (["route", "/nonexistent/x.certroute.json"], "cannot read"),
])
def test_cli_bad_input_is_one_line_and_exit_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert message in err
    assert err.count("\n") == 1


def test_cli_bad_project_file(capsys, tmp_path):
    bad = tmp_path / "bad.certroute.json"
    bad.write_text('{"schema_version": 1, "organisation": {"tolerance": "extreme"}}')
    code, _, err = run(capsys, "route", str(bad))
    assert code == 2
    assert "organisation.tolerance" in err


def test_cli_unknown_option_exits_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["route", "--bogus"])
    assert info.value.code == 2


def test_cost_inputs_that_would_overflow_are_one_line_errors(capsys):
    code, out, err = run(capsys, "cost", "--set", "hourly_rate=1e300",
                         "--set", "tickets_per_year=1e300")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert "hourly_rate: Input should be less than or equal to 1000000" in err
