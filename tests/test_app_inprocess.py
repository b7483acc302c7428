"""The app rendered in-process (no browser): every control and view, Reset, Play, bad input, compare."""

from __future__ import annotations

import threading
from dataclasses import fields

import ipyvuetify as v
import numpy as np
import pytest

import app
from model import Params, list_scenarios
from model.params import param_info
from model.words import output_label, param_help, param_label, param_meta
from viz import charts
from viz.controls import REGIME_TERMS, Setup, choice_fields, compare_options, slider_fields
from viz.harness import charts as options
from viz.harness import click, html, month_is, open_tab, render, select, step, type_into, wait_for
from viz.labels import scenario
from viz.sliders import log_grid
from viz.widgets import Player

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:solara.*")


@pytest.fixture
def built(monkeypatch):
    """Every model the page builds, in order."""
    models = []
    original = app.build

    def recording(setup, month=0):
        result = original(setup, month)
        models.append(result.model)
        return result

    monkeypatch.setattr(app, "build", recording)
    return models


def show_all_parameters(rc) -> None:
    next(w for w in rc.find(v.Btn).widgets if str(w.children).startswith("['Show all parameters")).click()


def page_text(rc) -> str:
    """The text of every HTML and text element on the page."""
    return " | ".join(html(rc) + [str(w.children) for w in rc.find(v.Html).widgets])


def headline_text(rc) -> str:
    return " | ".join(t for t in html(rc, "headline-row"))


def alerts(rc) -> list[str]:
    return [str(w.children) for w in rc.find(v.Alert).widgets]


def slider_of(rc, name: str):
    meta = next(row for row in param_info() if row["name"] == name)
    return next(w for w in rc.find(v.Slider).widgets if (w.min, w.max) == (meta["low"], meta["high"]))


def test_page_steps_and_charts_follow():
    rc = render()
    month_is(rc, 0)
    first = options(rc)[0]
    assert first["_month"] == 0 and first["xAxis"]["data"] == [0]
    assert first["series"][0]["showSymbol"]  # month 0: points, not empty axes
    step(rc, 3)
    month_is(rc, 3)
    after = options(rc)[0]
    assert after["xAxis"]["data"] == [0, 1, 2, 3] and len(after["series"][0]["data"]) == 4
    assert output_label("quality_experienced") in headline_text(rc) and "Welfare" not in headline_text(rc)


def test_reset_rebuilds_from_the_scenario_and_the_moved_slider(built):
    rc = render()
    show_all_parameters(rc)
    name = next(n for n in slider_fields() if not param_info()[0].get("integer") and n == "review_rate")
    new = 0.5
    slider_of(rc, name).v_model = new
    assert getattr(built[-1].p, name) == new  # moving a slider rebuilds the run with it
    step(rc, 2)
    month_is(rc, 2)
    click(rc, "Reset")
    month_is(rc, 0)
    assert len(built) == 3 and built[-1] is not built[-2]
    assert getattr(built[-1].p, name) == new and built[-1].steps == 0  # same inputs, month 0
    step(rc)
    month_is(rc, 1)


def test_reset_in_every_scenario(built):
    rc = render()
    for name in list_scenarios():
        select(rc, "Scenario", scenario(name).title)
        step(rc, 2)
        click(rc, "Reset")
        month_is(rc, 0)
        assert built[-1].steps == 0 and built[-1].p == built[-2].p


def test_a_changed_input_says_it_restarted_the_run(built):
    rc = render()
    step(rc, 3)
    type_into(rc, "Seed", "7")
    month_is(rc, 0)
    note = [str(w.children) for w in rc.find(v.Html).widgets if "Restarted" in str(w.children)]
    assert note and "it was at month 3" in note[0] and "Seed 42 → 7" in note[0], note
    step(rc)
    assert not [w for w in rc.find(v.Html).widgets if "Restarted" in str(w.children)]  # said once
    click(rc, "Reset")  # Reset restarts by request: nothing to explain
    assert not [w for w in rc.find(v.Html).widgets if "Restarted" in str(w.children)]


def test_scenario_picker_loads_the_scenario_and_shades_the_failure():
    rc = render()
    select(rc, "Scenario", scenario("registry_failure_portable").title)
    step(rc, 13)
    quality = options(rc)[0]
    marks = next(s for s in quality["series"] if "markArea" in s)
    area = marks["markArea"]["data"][0]
    assert area[0]["name"] == "AFRINIC failed" and area[0]["xAxis"] == 12
    assert rc.find(v.Select, label="Regime").widget.v_model == "The scenario's (Mandatory portability)"
    headers = [str(w.children) for w in rc.find(v.ExpansionPanelHeader).widgets]
    assert any("The scenario: Registry failure, members free to leave" in h for h in headers), headers


def test_regime_select_and_regime_terms(built):
    rc = render()
    select(rc, "Regime", "Mandatory portability")
    assert built[-1].p.regime == "mandatory"
    assert "every registry releases and accepts" in page_text(rc)  # the regime in words
    next(w for w in rc.find(v.Btn).widgets if "the regime's terms" in str(w.children)).click()
    delay = rc.find(v.Slider).widgets[0]  # the regime's first term
    assert REGIME_TERMS[0] == "porting_delay" and delay.v_model == 1.0  # the mandatory regime's own delay
    delay.v_model = 6.0
    assert built[-1].p.porting_delay == 6.0
    step(rc)
    month_is(rc, 1)


def test_bad_values_are_refused_and_stale_text_is_cleared(built):
    rc = render()
    type_into(rc, "Seed", "abc")
    assert any("seed must be a non-negative integer; got 'abc'" in text for text in alerts(rc))
    scale_label = next(w.label for w in rc.find(v.TextField).widgets if w.label.startswith("Scale"))
    type_into(rc, scale_label, "")
    assert any("scale must be a number in" in text for text in alerts(rc))
    type_into(rc, "Seed", " 7 ")  # another field rebuilds the run...
    assert built[-1].seed == 7
    assert not any("must be" in text for text in alerts(rc))  # ...and the stale errors go
    assert rc.find(v.TextField, label=scale_label).widget.v_model == str(built[-1].p.scale)


def test_compare_mode_labels_every_series_by_run_in_a_fixed_order():
    rc = render()
    select(rc, "Compare with (same seed)", compare_options()["regime:none"])
    step(rc, 4)
    series = [s for s in options(rc)[0]["series"] if s.get("data") and not s.get("id")]
    assert len(series) == 10  # five registries, two runs
    names = {s["name"].split(" · ")[1]: s["lineStyle"]["type"] for s in series}
    # lock-in is drawn solid whichever run is in the sidebar: solid and dashed never swap meaning
    assert names == {"No portability (lock-in)": "solid", "Status quo (2025 transfers)": "dashed"}
    assert all(len(s["data"]) == 5 for s in series)  # both runs at month 4
    assert " vs " in headline_text(rc) and "percentage points" in headline_text(rc)
    swapped = render("scenario=no_portability&compare=scenario:status_quo")
    step(swapped, 4)
    styles = {
        s["name"].split(" · ")[1]: s["lineStyle"]["type"]
        for s in options(swapped)[0]["series"]
        if s.get("data") and " · " in s["name"] and not s.get("id")
    }
    assert styles == names


def test_compare_mode_with_another_scenario():
    rc = render()
    select(rc, "Compare with (same seed)", compare_options()["scenario:registry_failure_locked"])
    step(rc, 13)
    assert len([s for s in options(rc)[0]["series"] if s.get("data") and not s.get("id")]) == 10
    assert output_label("ipv4_at_risk") in headline_text(rc)
    setup = Setup(compare="scenario:registry_failure_locked").compared()
    assert (setup.scenario, setup.regime, setup.compare) == ("registry_failure_locked", None, None)


EXPECTED_CHARTS = {
    "Registries": 2,
    "Members & money": 5,  # members, reserves, fees; who pays and who gains by holder size
    "Resources": 2,
    "Accountability": 5,
    "Remedies": 4,
    "Flows": 2,
    "Market": 5,
    "Holders": 2,
    "Peering": 2,
}


def test_every_tab_renders_its_view():
    rc = render()
    step(rc, 2)
    for name, count in EXPECTED_CHARTS.items():
        open_tab(rc, name)
        drawn = options(rc)
        assert len(drawn) == count, name
        assert all(o["_month"] == 2 for o in drawn), name
    open_tab(rc, "Events")
    assert any("0 events" in str(getattr(w, "template", "")) for w in rc.find(v.VuetifyTemplate).widgets)
    open_tab(rc, "More")
    assert "Model outputs per registry that the other tabs do not draw" in str(
        [getattr(w, "template", "") for w in rc.find(v.VuetifyTemplate).widgets]
    )


def test_who_pays_is_the_incidence_frame_at_the_month_shown_and_each_compared_run_has_its_own(built):
    rc = render()
    step(rc, 3)
    open_tab(rc, "Members & money")
    drawn = {o["title"]["text"]: o for o in options(rc)}
    pays = drawn["Who pays: yearly fee by holder size"]
    frame = built[-1].incidence_frame()
    at = frame[frame.step == 3].set_index(["registry", "size_class"])
    assert pays["_month"] == 3
    for s in pays["series"]:
        for label, value in zip(pays["xAxis"]["data"], s["data"], strict=True):
            row = at.loc[(s["name"], label)]
            assert value is None if row.members == 0 else value == pytest.approx(row.fee_usd, rel=1e-3)
    ripe = next(s for s in pays["series"] if s["name"] == "RIPE NCC")["data"][2]  # its /22 members
    assert ripe == pytest.approx(at.loc[("RIPE NCC", "/22"), "fee_usd"], rel=1e-3) and ripe > 0
    assert "Who gains: yearly welfare by holder size" in drawn

    select(rc, "Compare with (same seed)", compare_options()["regime:none"])
    step(rc, 1)
    titles = [(o["title"]["text"], o["title"].get("subtext", "").split("\n")[0]) for o in options(rc)]
    assert titles[3:] == [
        ("Who pays: yearly fee by holder size", "solid run: No portability (lock-in)"),
        ("Who pays: yearly fee by holder size", "dashed run: Status quo (2025 transfers)"),
        ("Who gains: yearly welfare by holder size", "solid run: No portability (lock-in)"),
        ("Who gains: yearly welfare by holder size", "dashed run: Status quo (2025 transfers)"),
    ]
    assert all(o["_month"] == 4 for o in options(rc))
    for a, b in (options(rc)[3:5], options(rc)[5:7]):  # side by side on one scale
        assert {k: a["yAxis"].get(k) for k in ("type", "min", "max")} == {
            k: b["yAxis"].get(k) for k in ("type", "min", "max")
        }
        top = max(v for o in (a, b) for s in o["series"] for v in s["data"] if v is not None)
        assert a["yAxis"]["max"] >= top and a["yAxis"]["max"] < 10 * top


def test_charts_number_format_and_tooltips():
    rc = render()
    step(rc, 3)
    for name in ("Registries", "Members & money", "Accountability"):
        open_tab(rc, name)
        for option in options(rc):
            assert option["tooltip"] == {"trigger": "axis", "confine": True, "valueFormatter": "sig4"}
            for series in option["series"]:
                for value in series["data"]:
                    value = value["value"] if isinstance(value, dict) else value
                    if value is not None:  # significant digits: a yearly welfare of 9,251,000 has four
                        digits = f"{abs(value):.10g}".replace(".", "").strip("0")
                        assert len(digits) <= 5, (name, value)


def test_shares_stack_by_value_to_one():
    rc = render()
    step(rc, 6)
    open_tab(rc, "Resources")
    for option in options(rc):
        assert option["xAxis"]["type"] == "category" and option["xAxis"]["data"] == list(range(7))
        total = np.sum([s["data"] for s in option["series"]], axis=0)
        assert np.allclose(total, 1, atol=5e-4)


def test_coinciding_registries_are_said_to_coincide():
    rc = render()
    step(rc, 12)
    assert "lie on one line" in options(rc)[0]["title"]["subtext"]
    widths = [s["lineStyle"]["width"] for s in options(rc)[0]["series"] if s.get("data") and not s.get("id")]
    assert widths == sorted(widths, reverse=True) and len(set(widths)) == 5  # nested, widest first


def test_play_steps_until_the_horizon_and_ignores_stale_requests(built):
    rc = render()
    horizon = rc.find(v.TextField, label="Play until month").widget
    assert int(horizon.v_model) == scenario("status_quo").months
    horizon.v_model = "3"
    horizon.fire_event("keyup.enter", {})
    click(rc, "Play")
    player = rc.find(Player).widget
    assert player.playing
    for month in range(3):
        player.vue_tick(month)
        player.vue_tick(month)  # a repeated request does not step twice
    month_is(rc, 3)
    assert built[-1].steps == 3
    assert not rc.find(Player).widget.playing  # stopped at the horizon
    rc.find(Player).widget.vue_tick(3)
    assert built[-1].steps == 3


def test_pause_stops_play():
    rc = render()
    click(rc, "Play")
    rc.find(Player).widget.vue_tick(0)
    click(rc, "Pause")
    assert not rc.find(Player).widget.playing
    rc.find(Player).widget.vue_tick(1)
    month_is(rc, 1)


def test_a_big_run_is_built_in_the_background_with_a_progress_bar(monkeypatch):
    monkeypatch.setattr(app, "BACKGROUND_SCALE", 0.01)
    original, release = app.build, threading.Event()

    def slow(setup, month=0):
        assert release.wait(30)  # a big build takes seconds; this one waits for the test
        return original(setup, month)

    monkeypatch.setattr(app, "build", slow)
    rc = render(ready=False)
    rc.find(v.ProgressLinear).assert_not_empty()
    assert any("Building the run" in str(w.children) for w in rc.find(v.Html).widgets)
    assert not rc.find(v.Btn, children=["Step"]).widgets
    release.set()
    wait_for(lambda: bool(rc.find(v.Btn, children=["Step"]).widgets), "the background build")
    step(rc)
    month_is(rc, 1)


def test_things_to_try_apply_and_are_valid(built):
    valid = {f.name for f in fields(Params)}
    for name in list_scenarios():
        info = scenario(name)
        assert info.title and info.story and info.notice, name
        for item in info.tries:
            assert set(item.set) <= valid, (name, item)
            Params().with_overrides(**item.set)  # valid values
            assert item.compare is None or item.compare in compare_options(), (name, item)
    rc = render()
    select(rc, "Scenario", scenario("small_registry_drain").title)
    rc.find(v.Btn, children=["Try"]).widgets[0].click()
    item = scenario("small_registry_drain").tries[0]
    for key, value in item.set.items():
        assert getattr(built[-1].p, key) == value


def test_every_parameter_has_a_control_with_its_label():
    shown = set(slider_fields()) | set(REGIME_TERMS) | set(choice_fields()) | {"scale", "regime", "remedy"}
    numeric = {row["name"] for row in param_info() if "low" in row or "choices" in row}
    assert shown >= numeric and not set(slider_fields()) & set(REGIME_TERMS)
    assert "market" in choice_fields() and not set(choice_fields()) & set(slider_fields())
    rc = render()
    show_all_parameters(rc)
    next(w for w in rc.find(v.Btn).widgets if "the regime's terms" in str(w.children)).click()
    text = page_text(rc)
    for name in [*REGIME_TERMS, *slider_fields()]:
        assert f"{param_label(name)}: " in text, name  # label, unit and value on the slider's line
    for name in choice_fields():  # a select labelled from the metadata, offering every value
        widget = rc.find(v.Select, label=param_label(name)).widget
        assert widget.items == list(next(r for r in param_info() if r["name"] == name)["choices"]), name
    assert rc.find(v.Select, label=param_label("remedy", unit=False)).widgets
    assert all(not w.thumb_label for w in rc.find(v.Slider).widgets)  # the value is on the label line


def test_a_choice_field_rebuilds_the_run_and_can_be_compared(built):
    rc = render()
    select(rc, param_label("market"), "off")
    assert built[-1].p.market == "off"
    assert rc.find(v.Select, label=param_label("market") + " (changed)").widget.v_model == "off"
    select(rc, param_label("market") + " (changed)", "on")
    assert built[-1].p.market == "on"
    setup = Setup(compare="param:market=off")
    assert setup.compared().params().market == "off" and setup.compared().compare is None
    assert setup.contrast(setup.compared())[1][0] == f"{param_label('market', unit=False)} off"
    select(rc, "Compare with (same seed)", compare_options()["param:market=off"])
    step(rc, 2)
    open_tab(rc, "Market")
    price = options(rc)[0]
    assert {s["name"] for s in price["series"] if s.get("data")} == {"IPv4 market on", "IPv4 market off"}
    assert "market off" in price["title"]["subtext"]
    assert "USD" in headline_text(rc) and " vs " in headline_text(rc)


def test_market_tab_draws_the_models_market_in_real_world_equivalents():
    model = app.build(Setup()).model
    for _ in range(14):
        model.step()
    run = charts.RunData.of("a", "a", model)
    price, volume, sold, pool, net = charts.market_charts([run])
    frame, world = run.model.model_frame(), 1 / model.p.scale
    assert price["series"][0]["data"] == np.round(frame.ipv4_price, 2).tolist()
    assert volume["series"][0]["data"] == pytest.approx((frame.ipv4_transferred * world).tolist(), rel=1e-3)
    flows = run.model.flow_frame()
    assert flows.sold_ipv4.sum() > 0
    assert sum(d[2] for d in sold["series"][0]["data"]) == pytest.approx(flows.sold_ipv4.sum() * world)
    assert [s["name"] for s in pool["series"] if s.get("data")] == run.names
    last = run.registries[run.registries.step == 14].set_index("registry")
    assert [s["data"][-1] for s in pool["series"][:5]] == pytest.approx(
        (last.pool[run.names] * world).tolist(), rel=1e-3
    )
    inter = flows[flows.origin != flows.destination]
    bought = inter.groupby("destination").sold_ipv4.sum() - inter.groupby("origin").sold_ipv4.sum()
    assert [s["data"][-1] for s in net["series"][:5]] == pytest.approx(
        (bought[run.names] * world).tolist(), rel=1e-3
    )
    assert not {"pool", "sales_in", "sales_out"} & set(charts.extra_columns(run))


def test_holders_and_peering_views():
    model = app.build(Setup()).model
    run = charts.RunData.of("a", "a", model)
    histogram, home = charts.holders_charts([run])
    total = sum(sum(s["data"]) for s in histogram["series"])
    assert total == pytest.approx(model.holders.size / model.p.scale)  # real-world equivalents
    assert home["xAxis"]["data"] == run.names  # every registry named, none hidden as crowded:
    assert home["xAxis"]["axisLabel"]["interval"] == 0
    nodes, edges = charts.peering_sample(model)
    assert set(edges.ravel().tolist()) == set(nodes.tolist())  # no isolated node


def test_a_slider_value_out_of_bounds_is_clamped_not_a_traceback(built):
    rc = render()
    show_all_parameters(rc)
    meta = next(row for row in param_info() if row["name"] == "review_rate")
    slider_of(rc, "review_rate").v_model = meta["high"] + 1.65
    assert built[-1].p.review_rate == meta["high"]
    step(rc)
    month_is(rc, 1)


def test_events_table_is_in_words():
    from solara.components.datatable import DataTableWidget

    rc = render()
    select(rc, "Scenario", scenario("registry_failure_portable").title)
    step(rc, 13)
    open_tab(rc, "Events")
    table = rc.find(DataTableWidget).widget
    assert table.items_per_page == 10 and table.total_length >= 1
    headers = [h["text"] for h in table.headers]
    assert "Month" in headers and "step" not in headers
    assert "governance failure begins" in str(table.items) and "governance_start" not in str(table.items)


def test_a_slider_snapping_its_value_to_its_grid_changes_nothing(built):
    rc = render()
    show_all_parameters(rc)
    slider = slider_of(rc, "review_rate")  # 1/12: off any grid
    before = len(built)
    slider.v_model = round(1 / 12 / slider.step) * slider.step  # what the browser's slider sends: snapped
    assert len(built) == before and "Changed:" not in page_text(rc)


def test_every_choice_select_gives_its_meaning_on_hover():
    rc = render()
    tips = [str(w.children) for w in rc.find(v.Tooltip).widgets]
    for name in choice_fields():
        assert any(param_help(name) in tip for tip in tips), name


def test_a_wide_range_moves_on_a_log_scale_of_round_values(built):
    rc = render()
    show_all_parameters(rc)
    meta = param_meta("switching_cost")
    grid = log_grid(meta["low"], meta["high"])
    at = grid.index(2000.0)
    (cost,) = (  # the one log slider with switching cost's grid standing at USD 2,000
        w for w in rc.find(v.Slider).widgets if w.min == 0 and w.max == len(grid) - 1 and w.v_model == at
    )
    position = cost.v_model
    cost.v_model = position + 1  # one step up from USD 2,000
    assert built[-1].p.switching_cost == 2500.0
    assert "Switching cost (USD for a /22): 2500 (changed) · log scale" in page_text(rc)
