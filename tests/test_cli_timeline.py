"""`route --as-of` and `timeline`: the dated maxima and the 47-day cliff on the command line."""

from __future__ import annotations

import json

import pytest

from app.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_route_as_of_2029_shows_public_tls_at_47_days_evaluated_short(capsys):
    code, out, _ = run(capsys, "route", "--as-of", "2029-04-01", "--json")
    assert code == 0
    rows = {r["id"]: r for r in json.loads(out)}
    assert rows["customer-tls"]["max_validity_days"] == 47
    assert rows["customer-tls"]["evaluated_validity"] == "short"
    assert rows["ev-tls"]["exceptions"]  # short-lived on admin-mediated
    assert rows["mesh-mtls"]["exceptions"] == []
    assert isinstance(rows["internal-tls"]["max_validity_days"], int)


def test_route_as_of_today_keeps_the_articles_routing(capsys):
    code, out, _ = run(capsys, "route", "--as-of", "2026-12-02", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["workflow"] for r in rows] == ["combined", "admin-mediated", "combined",
                                             "combined", "admin-mediated", "admin-mediated"]
    assert [r["max_validity_days"] for r in rows] == [200, 200, 7, 397, 460, 825]


def test_route_text_names_the_rule_that_capped(capsys):
    code, out, _ = run(capsys, "route", "--as-of", "2029-04-01")
    assert code == 0
    assert "Public rules as of 2029-04-01" in out
    assert "Maximum validity 47 days: public TLS server certificates issued on 2029-04-01 " \
           "live at most 47 days" in out


def test_timeline_json_shape_and_the_cliff(capsys):
    code, out, _ = run(capsys, "timeline", "--as-of", "2026-12-02", "--json")
    assert code == 0
    data = json.loads(out)
    assert list(data) == ["dates"]
    dates = data["dates"]
    assert [d["date"] for d in dates] == ["2026-12-02", "2027-03-15", "2029-03-15"]
    for d in dates:
        assert list(d) == ["date", "types", "as_is_tickets_per_year",
                           "designed_tickets_per_year", "as_is_annual_cost",
                           "designed_annual_cost"]
        assert list(d["types"][0]) == ["id", "max_validity_days",
                                       "renewals_per_certificate_per_year",
                                       "as_is_tickets_per_year", "designed_tickets_per_year"]
        assert d["designed_tickets_per_year"] < d["as_is_tickets_per_year"]
    as_is = [d["as_is_tickets_per_year"] for d in dates]
    assert as_is[0] < as_is[1] < as_is[2]
    assert [d["types"][0]["max_validity_days"] for d in dates] == [200, 100, 47]
    assert dates[-1]["types"][0]["renewals_per_certificate_per_year"] == 9.125


def test_timeline_text(capsys):
    code, out, _ = run(capsys, "timeline", "--as-of", "2027-03-15")
    assert code == 0
    assert out.startswith("The 47-day cliff for Mid-size financial services firm")
    assert "2029-03-15  as-is" in out


@pytest.mark.parametrize("command", ["route", "timeline"])
@pytest.mark.parametrize("bad", ["2029-13-01", "tomorrow", "", "2029-02-30"])
def test_bad_as_of_is_one_line_exit_2(capsys, command, bad):
    with pytest.raises(SystemExit) as exc:
        main([command, "--as-of", bad])
    assert exc.value.code == 2
    _, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert f"{bad!r} is not a date (expected YYYY-MM-DD)" in err


def test_capped_short_lived_exception_says_the_cap_made_it_short(capsys):
    code, out, _ = run(capsys, "route", "--as-of", "2029-04-01", "--json")
    assert code == 0
    ev = next(r for r in json.loads(out) if r["id"] == "ev-tls")
    assert ev["exceptions"] == [
        "The public caps make this type short-lived on the as-of date, and short-lived "
        "certificates make automation mandatory, but it routes admin-mediated: automate its "
        "renewal (keeping the approval where it is a control) or strengthen its identity."]


def test_cost_tickets_from_the_inventory(capsys):
    """The example's as-is admin-mediated annual volumes are the article's 3,000 tickets."""
    code, out, _ = run(capsys, "cost", "--set", "tickets_per_year=600", "--tickets-source",
                       "inventory", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["tickets_per_year"], data["tickets_source"]) == (3000, "inventory")
    assert data["total_cost"] == 3_367_296
    code, out, _ = run(capsys, "cost", "--set", "tickets_per_year=600", "--json")
    assert json.loads(out)["tickets_source"] == "input"
    assert json.loads(out)["tickets_per_year"] == 600
