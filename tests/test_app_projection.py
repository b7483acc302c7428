"""The projection's band on a run that branches the record (viz/charts/projected.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import PortabilityModel, load_scenario
from tests.test_app_observed import history_run
from viz.charts import market_charts
from viz.charts.projected import BANDS, projection_name, projection_of

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:solara.*")


def band(option: dict) -> tuple[list, list] | None:
    """The projection band's low edge and range as drawn, or None."""
    series = {s["id"]: s["data"] for s in option["series"] if "calibrated worlds" in str(s.get("id"))}
    if not series:
        return None
    low = next(v for k, v in series.items() if k.startswith("band-low"))
    width = next(v for k, v in series.items() if k.startswith("band-range"))
    return low, width


def price_chart(run) -> dict:
    """The price as the Replicates tab draws it (no observed points there): a bare chart and the band."""
    from viz.charts.options import time_chart
    from viz.charts.projected import add_projection

    option = time_chart("IPv4 price", "USD per address", run.month)
    add_projection(option, [run], "ipv4_price")
    return option


def test_the_shipped_bands_cover_every_option_and_stress_of_the_projection_file():
    from runs.project.spec import load_projection

    bands = pd.read_csv(BANDS)
    spec = load_projection()
    assert set(bands.option) == {o.name for o in spec.options}
    assert set(bands.stress) == {s.name for s in spec.stresses}
    assert (bands.p05 <= bands["median"]).all() and (bands["median"] <= bands.p95).all()
    assert bands.date.min() == "2025-12-01"


def test_the_market_tab_leaves_the_band_off_the_price_chart_whose_observed_points_it_would_squash():
    run = history_run(100, "history_mandatory")
    market = next(o for o in market_charts([run]) if o["title"]["text"] == "IPv4 price")
    assert band(market) is None


@pytest.mark.parametrize(
    ("scenario", "option"), [("history", "status_quo_2026"), ("history_mandatory", "mandatory")]
)
def test_a_branch_of_the_record_draws_its_options_band_from_december_2025_to_the_month_shown(
    scenario, option
):
    run = history_run(100, scenario)
    assert projection_of(run) == (option, "no_failure")
    drawn = band(price_chart(run))
    assert drawn is not None
    low, width = drawn
    assert len(low) == 101 and all(v is None or np.isnan(v) for v in low[:86])  # nothing before Dec 2025
    bands = pd.read_csv(BANDS)
    rows = bands[(bands.option == option) & (bands.stress == "no_failure") & (bands.metric == "ipv4_price")]
    assert low[86] == pytest.approx(rows.p05.iloc[0], rel=1e-3)  # Dec 2025, the file's first month
    assert low[100] + width[100] == pytest.approx(rows.p95.iloc[14], rel=1e-3)
    names = {s["name"] for s in price_chart(run)["series"] if "calibrated worlds" in str(s.get("id"))}
    assert names == {projection_name(int(rows.worlds.max()))}


def test_runs_that_do_not_branch_the_record_or_carry_their_own_events_get_no_band():
    synthetic = PortabilityModel(load_scenario("status_quo").with_overrides(scale=0.01), seed=1)
    for _ in range(3):
        synthetic.step()
    from viz.charts import RunData

    assert projection_of(RunData.of("s", "s", synthetic)) is None
    early = history_run(60, "history")  # before December 2025: nothing yet to draw
    assert band(price_chart(early)) is None
    event = {"registry": "APNIC", "start": "2019-01", "duration": 3, "quality_drop": 0.1}
    model = PortabilityModel(load_scenario("history").with_overrides(scale=0.01, events=[event]), seed=1)
    for _ in range(2):
        model.step()
    assert projection_of(RunData.of("h", "h", model)) is None
