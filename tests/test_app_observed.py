"""The history view: what was observed drawn on the charts of a run in calendar months, the seeds' band."""

from __future__ import annotations

import pytest

from model import PortabilityModel, load_scenario
from model.observed import load_targets
from model.words import output_label
from tests.test_app_text import SNAKE
from viz.charts import RunData, market_charts, money_charts
from viz.charts.observed import OBSERVED, ON_CHART, observed_points, period
from viz.ensemble import ensemble_seeds, run_ensembles
from viz.harness import charts, open_tab, render, wait_for

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:solara.*")
PRICE, MEMBERS, POOL = output_label("ipv4_price"), "Members by registry", "Free IPv4 pool by registry"


def observed(option: dict) -> list[dict]:
    """The observed points drawn on a chart (their caps left out): month, value, tooltip."""
    series = [s for s in option["series"] if s.get("id") == OBSERVED]
    assert len(series) <= 1
    return [d for s in series for d in s["data"] if d["name"]]


def by_title(options: list[dict]) -> dict[str, dict]:
    return {o["title"]["text"]: o for o in options}


def history_run(months: int, scenario: str = "history", scale: float = 0.01) -> RunData:
    model = PortabilityModel(load_scenario(scenario).with_overrides(scale=scale), seed=42)
    for _ in range(months):
        model.step()
    return RunData.of(scenario, scenario, model)


def test_a_history_run_draws_what_was_observed_at_its_date_with_its_range_and_source():
    rc = render("scenario=history&month=87")  # January 2026: every target up to December 2025
    targets = load_targets()
    open_tab(rc, "Market")
    market = by_title(charts(rc))
    for title, key in ((PRICE, "ipv4_price"), (POOL, "pool")):
        option = market[title]
        assert option["_start"] == "2018-10" and option["xAxis"]["name"] == "month (0: Oct 2018)"
        assert OBSERVED in option["legend"]["data"]
        points = observed(option)
        assert len(points) == len(ON_CHART[key])
        for (name, _), point in zip(ON_CHART[key].items(), points, strict=True):
            target = targets[name]
            first, _ = period(target.date)
            month, value = point["value"]
            assert month == (int(first[:4]) - 2018) * 12 + int(first[5:]) - 10  # its month, from Oct 2018
            factor = 1 / 256 if key == "pool" else 1.0
            assert value == pytest.approx((target.low + target.high) / 2 * factor, rel=1e-3)
            assert target.what in point["name"].replace("\n", " ")
            assert "Source: " in point["name"]
    price = observed(market[PRICE])
    assert [p["value"] for p in price] == [[5, 22.5], [26, 26.0], [36, 40.0], [38, 52.5], [42, 55.0]]
    assert "Oct 2021: 35-45 USD per address" in price[2]["name"]
    assert "Addrex" in price[2]["name"] and "(a secondary source)" in price[2]["name"]
    caps = [d["value"] for s in market[PRICE]["series"] if s.get("id") == OBSERVED for d in s["data"]]
    assert [v for m, v in caps if m == 36 and v != 40.0] == [35, 45]  # the range's ends, at its month
    segment = next(s for s in market[PRICE]["series"] if s.get("id") == OBSERVED)["markLine"]["data"][2]
    assert [segment[0]["coord"], segment[1]["coord"]] == [[36, 35.0], [36, 45.0]]

    open_tab(rc, "Members & money")
    members_chart = by_title(charts(rc))[MEMBERS]
    members = observed(members_chart)
    (series,) = [s for s in members_chart["series"] if s.get("id") == OBSERVED]
    box = series["markArea"]["data"]  # the crisis: a box from July 2021 to September 2025, 2,290-2,635
    assert [[corner["coord"] for corner in pair] for pair in box] == [[[33, 2290.0], [83, 2635.0]]]
    assert members[1]["symbol"] == "none"  # its tooltip at the middle month, no diamond
    assert [p["value"][0] for p in members] == [63, 58, 63, 86]  # Jan 2024; mid 2021-07/2025-09; Dec 2025
    assert members[0]["value"][1] == pytest.approx((2572 + 2635) / 2, rel=1e-3)  # four digits
    assert "Jul 2021 to Sep 2025: 2290-2635 holders" in members[1]["name"]
    assert "times the run's" in members[3]["name"]  # a ratio to the run's own first month, said so
    said = " ".join(p["name"] for p in price + members)
    assert not SNAKE.findall(said), SNAKE.findall(said)  # no code names in the tooltips either


def test_only_targets_within_the_months_shown_are_drawn_and_a_run_off_the_record_draws_none():
    run = history_run(40)  # to February 2022
    assert [p.name for p in observed_points(run, "ipv4_price")] == [
        "price_2019_03",
        "price_2020_12",
        "price_2021_10",
        "price_2021_12",
    ]  # not April 2022
    assert observed_points(run, "members") == []  # January 2024 and later
    assert str(run.frame.date.iloc[36]).startswith("2021-10")
    price = next(o for o in market_charts([run]) if o["title"]["text"] == PRICE)
    assert [p["value"][0] for p in observed(price)] == [5, 26, 36, 38]

    plain = PortabilityModel(load_scenario("status_quo").with_overrides(scale=0.01), seed=42)
    for _ in range(90):
        plain.step()
    runs = [RunData.of("s", "s", plain)]
    for option in market_charts(runs) + money_charts(runs):
        assert not [s for s in option["series"] if s.get("id") == OBSERVED], option["title"]["text"]
        assert option.get("_start") in (None, "2018-10")  # dated (from October 2018), but not the record


def test_compared_branches_draw_the_observed_points_once():
    rc = render("scenario=history&compare=scenario:history_mandatory&month=87")
    open_tab(rc, "Market")
    wait_for(lambda: PRICE in by_title(charts(rc)), "the compared runs' charts")  # built after the first
    price = by_title(charts(rc))[PRICE]
    assert len([s for s in price["series"] if s.get("id") == OBSERVED]) == 1
    assert price["legend"]["data"].count(OBSERVED) == 1
    assert len(observed(price)) == 5


def test_the_seeds_band_of_a_branch_scenario_runs_to_2040_with_the_observed_points():
    params = load_scenario("history_mandatory").with_overrides(scale=0.01)
    months = 100
    (ensemble,) = run_ensembles([params], ensemble_seeds(42, 3), months)
    run = history_run(months, "history_mandatory")
    run = RunData.of(run.label, run.short, run.model, ensemble=ensemble)
    options = by_title(market_charts([run]) + money_charts([run]))
    for title in (PRICE, MEMBERS, POOL):
        series = options[title]["series"]
        bands = [s for s in series if str(s.get("id", "")).startswith("band-range:")]
        assert bands and all(len(s["data"]) == months + 1 for s in bands), title
        assert observed(options[title]), title
        assert "90% of 3 seeds (42-44)" in options[title]["title"]["subtext"]
