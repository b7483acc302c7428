"""The charts' building blocks on hand-built cases: round ticks, dates beside months, band labels
that never pile up and say whose run they are, log sliders, real-world counts, numbers in words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import PortabilityModel
from viz.charts import RunData, money_charts, quality_charts
from viz.charts.marks import LABEL_PX, PLOT_PX, add_spells
from viz.charts.options import time_chart
from viz.charts.timeaxis import month_axis, month_label, tick_step
from viz.exports import chart_table
from viz.facts import shown
from viz.figures import render
from viz.measures import moved_share, realised_exit, stuck_holder_months, worst_registry
from viz.sliders import log_grid


@pytest.mark.parametrize(
    ("months", "step"), [(0, 1), (9, 1), (12, 2), (36, 6), (60, 6), (120, 12), (240, 24), (600, 60)]
)
def test_ticks_fall_on_round_months(months, step):
    assert tick_step(months) == step
    axis = month_axis(months)
    shown_ = [m for m in axis["data"] if m % (axis["axisLabel"]["interval"] + 1) == 0]
    assert len(shown_) <= 11 and all(m % step == 0 for m in shown_)


def test_the_month_gets_its_date_when_the_frames_have_one():
    assert month_label(None, 12) == "Month 12"
    frame = pd.DataFrame(
        {"step": range(14), "date": pd.date_range("2018-10-01", periods=14, freq="MS").strftime("%Y-%m-%d")}
    )
    assert month_label(frame, 12) == "Month 12 · Oct 2019"


def run_with(status: dict[str, list[str]], months: int, index: int = 0, short: str = "a") -> RunData:
    """A run whose registry frame says the given statuses (the rest operating)."""
    model = PortabilityModel(seed=1, scale=0.005)
    for _ in range(months):
        model.step()
    run = RunData.of(short, short, model, index)
    frame = run.registries.copy()
    frame["status"] = [
        status.get(r, ["operating"] * (months + 1))[t]
        for t, r in zip(frame.step, frame.registry, strict=True)
    ]
    return RunData(short, short, model, run.frame, frame, run.events, index)


def labels(option) -> list[str]:
    return [
        a[0]["label"]["formatter"]
        for s in option["series"]
        for a in (s.get("markArea") or {}).get("data", [])
        if a[0].get("label", {}).get("show")
    ]


def test_band_labels_closer_than_a_label_share_one_and_far_ones_keep_their_own():
    months = 120
    near = int(LABEL_PX * months / PLOT_PX)  # a label's width, in months, on the narrowest plot
    afrinic = ["operating"] * 12 + ["failed"] * 20 + ["closed"] * (months - 31)
    lacnic = ["operating"] * (12 + near - 1) + ["degraded"] * (months + 2 - 12 - near)
    run = run_with({"AFRINIC": afrinic, "LACNIC": lacnic}, months)
    option = add_spells(time_chart("t", "y", months), [run])
    said = labels(option)
    assert said == ["AFRINIC failed; LACNIC degraded", "AFRINIC closed"], said


def test_in_a_comparison_a_shared_band_says_both_runs_and_the_others_say_whose():
    months = 40
    failed = ["operating"] * 12 + ["failed"] * 29
    handed = ["operating"] * 12 + ["failed"] * 10 + ["handed_off"] * 19
    runs = [run_with({"AFRINIC": failed}, months, 0, "A"), run_with({"AFRINIC": handed}, months, 1, "B")]
    option = add_spells(time_chart("t", "y", months), runs)
    said = labels(option)
    assert said == [
        "AFRINIC failed (solid run)",
        "AFRINIC failed (dashed run)",
        "AFRINIC handed over (dashed run)",
    ], said
    halves = {
        a[0]["name"]: (a[0].get("yAxis"), a[1].get("yAxis"))
        for s in option["series"]
        for a in (s.get("markArea") or {}).get("data", [])
    }
    assert halves["AFRINIC failed (solid run)"] == (0.5, 1.0) and halves["AFRINIC failed (dashed run)"] == (
        0.0,
        0.5,
    )
    same = [run_with({"AFRINIC": failed}, months, 0, "A"), run_with({"AFRINIC": failed}, months, 1, "B")]
    assert labels(add_spells(time_chart("t", "y", months), same)) == ["AFRINIC failed (both runs)"]


def test_counts_are_real_world_equivalents_on_a_log_scale_and_the_legend_lists_registries_once():
    model = PortabilityModel(seed=1, scale=0.01)
    for _ in range(3):
        model.step()
    runs = [RunData.of("a", "A", model, 0), RunData.of("b", "B", model, 1)]
    members = money_charts(runs)[0]
    assert members["yAxis"]["type"] == "log" and "real-world" in members["yAxis"]["name"]
    first = members["series"][0]
    assert first["data"][-1] == pytest.approx(runs[0].wide("members").ARIN.iloc[-1] / 0.01, rel=1e-3)
    assert members["legend"]["data"] == [f"{r} · A" for r in runs[0].names]  # the second run's lines too
    assert "solid: A  ·  dashed: B" in members["title"]["subtext"]
    assert all(len(row) <= 72 for row in members["title"]["subtext"].split("\n"))  # wrapped to the chart
    assert quality_charts(runs[:1])[0]["legend"]["data"] == runs[0].names


def test_a_wide_range_moves_on_round_values_of_a_log_scale():
    grid = log_grid(0.0, 1e6)
    assert grid[0] == 0 and grid[-1] == 1e6 and 2000.0 in grid
    steps = np.array(grid[2:]) / np.array(grid[1:-1])
    assert steps.max() <= 1.34  # one step up is at most a third more: never 2,000 -> 299,892
    assert log_grid(0.0, 100.0) is None  # two decades: a linear slider
    assert log_grid(1.0, 1024.0)[-1] == 1024.0


def test_numbers_are_written_for_people():
    assert [
        shown(v, k) for v, k in [(0.81234, "sig"), (4.1234, "pct"), (12345.6, "count"), (71.93, "usd")]
    ] == [
        "0.812",
        "4.12%",
        "12,300",
        "USD 71.9",
    ]
    assert shown(-25.93, "pp") == "-25.9 percentage points"


def test_derived_measures_on_a_hand_built_run():
    members = np.array([[10, 5], [10, 4], [9, 4], [9, 4]])
    status = np.array(
        [
            ["operating", "failed"],
            ["operating", "failed"],
            ["degraded", "handed_off"],
            ["operating", "closed"],
        ]
    )
    assert stuck_holder_months(members, status).tolist() == [
        5,
        9,
        18,
        18,
    ]  # failed and degraded count, not the rest
    assert moved_share(np.array([0, 2, 1]), np.array([100, 100, 50])).tolist() == [0.0, 2.0, 6.0]
    assert worst_registry(np.array([0.9, 0.0, 0.5]), np.array([3, 0, 2])) == (
        0.5,
        2,
    )  # a closed registry without members is left out
    exit_ = realised_exit(np.full((14, 1), 100.0), np.ones((14, 1)))
    assert exit_[11, 0] == pytest.approx(0.12) and exit_[13, 0] == pytest.approx(0.12)


def test_the_history_a_step_adds_to_is_the_models_registry_frame():
    model = PortabilityModel.from_scenario("registry_failure_handoff", seed=3, scale=0.01)
    for months in (1, 1, 1, 13, 1, 1, 30, 1):  # one step on: the newest month read; more: read again
        for _ in range(months):
            model.step()
        run = RunData.of("a", "a", model)
        mine, theirs = run.registries, model.registry_frame()
        assert list(mine.columns) == list(theirs.columns)
        for column in theirs.columns:
            assert mine[column].astype(str).tolist() == theirs[column].astype(str).tolist(), (
                model.steps,
                column,
            )
        assert run.wide("status").AFRINIC.tolist() == theirs[theirs.registry == "AFRINIC"].status.tolist()


def test_who_pays_and_who_gains_are_the_incidence_frame_at_the_month_shown():
    model = PortabilityModel(seed=42, scale=0.05)
    for _ in range(12):
        model.step()
    run = RunData.of("a", "A", model)
    model.step()  # the model runs on: the charts show the run's month
    pays, gains = money_charts([run])[3:]
    frame = model.incidence_frame()
    at = frame[frame.step == 12].set_index(["registry", "size_class"])
    assert pays["title"]["text"] == "Who pays: yearly fee by holder size" and pays["_month"] == 12
    assert "every member counts alike" in pays["title"]["subtext"].replace("\n", " ")
    assert pays["xAxis"]["data"] == ["no IPv4", "/24", "/22", "/20", "/16", "larger"]
    bars = {s["name"]: s for s in pays["series"]}
    assert list(bars) == run.names and all(s["type"] == "bar" and "stack" not in s for s in bars.values())
    assert bars["RIPE NCC"]["itemStyle"]["color"] == "#009E73"  # the registry's colour on every chart
    ripe = at.loc[("RIPE NCC", "/22")]
    assert ripe.members > 0 and bars["RIPE NCC"]["data"][2] == pytest.approx(ripe.fee_usd, rel=1e-3)
    gaps = 0
    for chart, column in ((pays, "fee_usd"), (gains, "welfare_usd")):
        for s in chart["series"]:
            for label, value in zip(chart["xAxis"]["data"], s["data"], strict=True):
                row = at.loc[(s["name"], label)]
                if row.members == 0 or (column == "welfare_usd" and row[column] <= 0):
                    assert value is None, (chart["title"]["text"], s["name"], label)  # a gap, not a zero
                    gaps += row.members == 0
                else:
                    assert value == pytest.approx(row[column], rel=1e-3), (s["name"], label)
    assert gaps > 0  # this run has classes without members (AFRINIC: no IPv4)
    assert gains["yAxis"]["type"] == "log" and pays["yAxis"]["type"] == "value" and pays["yAxis"]["min"] == 0
    top = max(v for s in pays["series"] for v in s["data"] if v is not None)
    assert top <= pays["yAxis"]["max"] < 2 * top  # a round value above the tallest bar
    assert gains["yAxis"]["min"] in (10.0, 100.0, 1000.0) and gains["yAxis"]["max"] in (1e7, 1e8)
    below = at[(at.members > 0) & (at.welfare_usd <= 0)]
    assert len(below) and "not drawn on the log axis: RIPE NCC (no IPv4, /24)" in gains["title"][
        "subtext"
    ].replace("\n", " ")
    table = chart_table(pays)  # the CSV download: one row per class, one column per registry
    assert table.category.tolist() == pays["xAxis"]["data"] and list(table.columns[1:]) == run.names
    assert render(gains, "caption", "png")[:4] == b"\x89PNG"  # grouped bars on a log axis, drawn again


def test_in_a_comparison_each_run_has_its_own_who_pays_chart_on_a_row_of_their_own():
    model = PortabilityModel(seed=1, scale=0.01)
    model.step()
    runs = [RunData.of("a", "A", model, 0), RunData.of("b", "B", model, 1)]
    charts = money_charts(runs)
    titles = [c["title"]["text"] for c in charts[3:]]
    assert (
        titles
        == ["Who pays: yearly fee by holder size"] * 2 + ["Who gains: yearly welfare by holder size"] * 2
    )
    assert [c["title"]["subtext"].split("\n")[0] for c in charts[3:]] == ["solid run: A", "dashed run: B"] * 2
    assert [bool(c.get("_row")) for c in charts] == [False, False, False, True, False, False, False]
    assert not any(c.get("_row") for c in money_charts(runs[:1]))
