"""The app rendered in-process (no browser): every control and view, bad input, compare, export."""

from __future__ import annotations

from dataclasses import fields

import ipyvuetify as v
import pytest
import solara
from solara.components.echarts import EchartsWidget

import app
from model import Params
from viz.controls import REGIME_TERMS, SLIDER_FIELDS, Setup, sliders

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:solara.*")


def render():
    @solara.component
    def Root():
        with solara.AppLayout():  # solara-server adds this around Page; it renders the sidebar
            app.Page()

    _box, rc = solara.render(Root(), handle_error=False)
    return rc


def step(rc, times: int = 1) -> None:
    button = rc.find(v.Btn, children=["Step"]).widget
    for _ in range(times):
        button.click()


def counter(rc, n: int) -> None:
    rc.find(children=[f"Time: {float(n)}"]).assert_single()


def select(rc, label: str, value: str) -> None:
    rc.find(v.Select, label=label).widget.v_model = value


def type_into(rc, label: str, text: str) -> None:
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter", {})


def charts(rc) -> list[dict]:
    return [w.option for w in rc.find(EchartsWidget).widgets]


TAB_NAMES = ["Registries", "Resources", "Accountability", "Flows", "Peering graph", "Events", "Export"]


def dashboard_tabs(rc):
    """The dashboard's tab bar (Mesa's own page layout has tabs too)."""
    for widget in rc.find(v.Tabs).widgets:
        labels = [c.children[0] for c in widget.children if isinstance(c, v.Tab)]
        if labels == TAB_NAMES:
            return widget
    raise AssertionError("the dashboard's tabs are not on the page")


def headline_text(rc) -> str:
    return " | ".join(str(w.children) for w in rc.find(v.Alert).widgets)


def test_page_steps_and_charts_follow():
    rc = render()
    counter(rc, 0)
    before = charts(rc)[0]["series"][0]["data"]
    step(rc, 3)
    counter(rc, 3)
    after = charts(rc)[0]["series"][0]["data"]
    assert len(after) == len(before) + 3
    assert "Quality experienced" in headline_text(rc) and "Welfare" in headline_text(rc)


def test_scenario_picker_loads_the_scenario():
    rc = render()
    select(rc, "Scenario", "registry_failure_portable")
    step(rc, 13)
    text = headline_text(rc)
    assert "IPv4 at risk" in text
    series = charts(rc)[0]["series"]
    afrinic = next(s for s in series if s["name"] == "AFRINIC")
    assert afrinic["markArea"]["data"][0][0] == {"xAxis": 12}  # the failure is shaded from month 12
    assert rc.find(v.Select, label="Regime").widget.v_model == "scenario's (mandatory)"


def test_regime_select_and_regime_terms():
    rc = render()
    select(rc, "Regime", "mandatory")
    delay = rc.find(v.Slider, label="Porting delay (months)").widget
    assert delay.v_model == 1.0  # the mandatory regime's own delay
    delay.v_model = 6.0
    step(rc)
    counter(rc, 1)


def test_seed_typed_as_text_and_bad_values_are_refused_with_the_range():
    rc = render()
    type_into(rc, "Seed (integer)", "abc")
    alerts = [str(w.children) for w in rc.find(v.Alert).widgets]
    assert any("seed must be a non-negative integer; got 'abc'" in text for text in alerts)
    type_into(rc, "Scale (1.0 = 85,000 holders)", "5")
    assert any(
        "scale must be a number in [0.0005, 2.0]; got 5.0" in str(w.children)
        for w in rc.find(v.Alert).widgets
    )
    type_into(rc, "Seed (integer)", " 7 ")
    assert not any("seed must be" in str(w.children) for w in rc.find(v.Alert).widgets)


def test_compare_mode_runs_both_with_the_same_seed():
    rc = render()
    select(rc, "Compare with (same seed)", "regime:none")
    step(rc, 4)
    series = charts(rc)[0]["series"]
    assert len(series) == 10  # five registries, two runs
    assert {s["lineStyle"]["type"] for s in series} == {"solid", "dashed"}
    assert all(len(s["data"]) == 5 for s in series)  # both runs at month 4
    assert " vs " in headline_text(rc) and "Δ" in headline_text(rc)


def test_every_tab_renders_its_view():
    rc = render()
    step(rc, 2)
    window = dashboard_tabs(rc)
    names = TAB_NAMES
    expected = {0: 2, 1: 2, 2: 4, 3: 1, 4: 1}  # charts per tab with one run
    for index, count in expected.items():
        window.v_model = index
        assert len(charts(rc)) == count, names[index]
    window.v_model = 4
    graph = charts(rc)[0]["series"][0]
    assert graph["type"] == "graph" and len(graph["data"]) == 250 and graph["links"]
    window.v_model = 5
    assert any("status_quo</strong>: 0 events" in w.template for w in rc.find(v.VuetifyTemplate).widgets)


def test_export_downloads_the_frames_as_csv():
    rc = render()
    step(rc, 3)
    dashboard_tabs(rc).v_model = 6
    downloads = rc.find(solara.components.file_download.FileDownloadWidget).widgets
    assert [d.filename for d in downloads] == [
        "status_quo_seed42_month3_model.csv",
        "status_quo_seed42_month3_registries.csv",
        "status_quo_seed42_month3_events.csv",
    ]


def test_sliders_come_from_params():
    params = Params()
    names = {f.name for f in fields(Params)}
    for name, slider in sliders(params).items():
        meta = next(f.metadata for f in fields(Params) if f.name == name)
        assert name in names
        assert (slider.min, slider.max, slider.value) == (meta["low"], meta["high"], getattr(params, name))
    assert set(SLIDER_FIELDS) <= names and set(REGIME_TERMS) <= names
    assert set(Setup().fixed_kwargs()) | set(SLIDER_FIELDS) == names | {"seed"}


def test_compare_mode_with_another_scenario():
    rc = render()
    select(rc, "Compare with (same seed)", "scenario:registry_failure_locked")
    step(rc, 13)
    series = charts(rc)[0]["series"]
    assert len(series) == 10
    text = headline_text(rc)
    assert " vs " in text and "IPv4 at risk (%): 0 vs" in text  # only the compared run has a failure
    setup = Setup(compare="scenario:registry_failure_locked").compared()
    assert (setup.scenario, setup.regime, setup.compare) == ("registry_failure_locked", None, None)
