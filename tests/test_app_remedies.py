"""The app's Remedies tab and the remedy as a policy dimension (issue 10), rendered in-process."""

from __future__ import annotations

import pytest

from model import PortabilityModel
from tests.test_app_inprocess import built  # noqa: F401 - a fixture
from viz import charts
from viz.charts.marks import stage_spells
from viz.controls import Setup, compare_options
from viz.harness import charts as options
from viz.harness import open_tab, render, select, step

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:solara.*")


def handed_off_run(months: int = 40) -> charts.RunData:
    model = PortabilityModel.from_scenario("registry_failure_handoff", seed=1)
    for _ in range(months):
        model.step()
    return charts.RunData.of("handoff", "handoff", model)


def test_the_charts_draw_petition_support_its_threshold_and_the_stages_as_bands():
    run = handed_off_run()
    petition, members, strictness, disputed = charts.remedies_charts([run])
    assert petition["title"]["text"] == "Petition support against the threshold"
    series = {s["name"]: s for s in petition["series"]}
    support = run.wide("petition_support").AFRINIC.round(4).tolist()
    assert series["AFRINIC"]["data"] == support and len(support) == 41 and max(support) >= 0.25
    assert set(series["AFRINIC threshold"]["data"]) == {0.25}
    bands = series["ICP-2 process"]["markArea"]["data"]
    names = [b[0]["name"] for b in bands]
    assert names == [
        "AFRINIC petition",
        "AFRINIC audit, remediation",
        "AFRINIC derecognition vote",
        "AFRINIC handed over",
    ]
    spells = stage_spells(run)
    assert [s.state for s in spells] == ["petitioned", "remediation", "decision", "handed_off"]
    assert spells[-1].end == 40 and spells[0].start == int(
        run.events[run.events.kind == "petition"].step.iloc[0]
    )
    assert any(s.get("name") == "ICP-2 process" for s in members["series"])
    assert strictness["yAxis"]["max"] == 1
    assert disputed["title"]["subtext"].startswith("no disputed space in this run")


def test_venue_shopping_draws_the_shielded_share():
    model = PortabilityModel.from_scenario("venue_shopping", seed=1)
    for _ in range(30):
        model.step()
    run = charts.RunData.of("shop", "shop", model)
    disputed = charts.remedies_charts([run])[3]
    shielded = next(s for s in disputed["series"] if s["name"] == "shielded")
    share = 100 * run.frame.disputed_ipv4_shielded.iloc[-1]
    assert share > 0 and shielded["data"][-1] == pytest.approx(share, abs=0.01)
    assert "real-world equivalent" in disputed["title"]["subtext"]


def test_compare_by_remedy_keeps_the_scenario_and_sets_the_remedy():
    setup = Setup(scenario="registry_failure_locked", compare="remedy:icp2_draft")
    other = setup.compared()
    assert other.scenario == "registry_failure_locked" and other.params().remedy == "icp2_draft"
    assert setup.short() == "No portability (lock-in)"
    assert other.short() == "No portability (lock-in), ICP-2 draft remedy"
    assert "remedy:none" in compare_options()


def test_the_tab_and_the_remedy_select_in_the_page(built):  # noqa: F811 - the fixture imported above
    rc = render()
    select(rc, "Remedy", "ICP-2 draft remedy")
    assert built[-1].p.remedy == "icp2_draft"
    select(rc, "Compare with (same seed)", compare_options()["remedy:none"])
    step(rc, 3)
    open_tab(rc, "Remedies")
    drawn = options(rc)
    assert drawn[0]["title"]["text"] == "Petition support against the threshold"
    names = {s["name"] for s in drawn[0]["series"] if s["data"]}
    assert "AFRINIC · Status quo (2025 transfers), ICP-2 draft remedy" in names
    assert "AFRINIC · Status quo (2025 transfers)" in names
    assert all(o["_month"] == 3 for o in drawn)


def test_compare_by_remedy_names_both_runs_and_lists_registries_once():
    # after the merge the month title read "X vs X (same seed)" and the petition legend ran to three rows
    setup = Setup(scenario="registry_failure_handoff", compare="remedy:none")
    (_, mine), (_, theirs) = setup.contrast(setup.compared())
    assert mine != theirs and theirs.endswith("No remedy")
    other = PortabilityModel.from_scenario("status_quo", seed=1)
    for _ in range(3):
        other.step()
    runs = [handed_off_run(3), charts.RunData.of("b", "other", other, index=1)]
    petition = charts.remedies_charts(runs)[0]
    assert petition["legend"]["data"] == [f"{r} · handoff" for r in runs[0].names]
    assert all(petition["legend"]["_names"][f"{r} · handoff"] == r for r in runs[0].names)


def test_registry_matrices_name_every_registry_and_keep_titles_short():
    model = PortabilityModel(seed=1, scale=0.01, regime="mandatory")
    for _ in range(3):
        model.step()
    runs = [
        charts.RunData.of("Mandatory portability", "Mandatory portability", model),
        charts.RunData.of("No portability (lock-in)", "No portability (lock-in)", model, index=1),
    ]
    matrices = [c for c in charts.flows_charts(runs) if any(s["type"] == "heatmap" for s in c["series"])]
    assert len(matrices) == 2
    for chart in matrices:
        assert chart["xAxis"]["axisLabel"]["interval"] == 0  # ECharts would skip crowded labels
        assert chart["xAxis"]["data"] == runs[0].names
        # a half-width chart fits about 45 characters of title; counts go in the subtitle
        assert len(chart["title"]["text"]) <= 45, chart["title"]["text"]
        assert "holders" in chart["title"]["subtext"]
