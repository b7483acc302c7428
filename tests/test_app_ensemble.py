"""The seeds' band: the same run over N seeds in a background process, beside the run you step."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import app
from model import PortabilityModel, load_scenario
from viz.ensemble import Ensemble, ensemble_seeds, run_ensembles
from viz.harness import charts, html, month_is, open_tab, render, step, wait_for
from viz.measures import stuck_holder_months

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:solara.*")


def test_the_band_is_the_mean_and_90_percent_of_the_seeds_run_one_by_one():
    params = load_scenario("registry_failure_portable").with_overrides(scale=0.01)
    seeds = ensemble_seeds(3, 4)
    assert seeds == (3, 4, 5, 6)  # the run's own seed and the next: each reproducible by itself
    (ensemble,) = run_ensembles([params], seeds, 20)  # in the worker process
    frames = []
    for seed in seeds:
        model = PortabilityModel(params, seed=seed)
        for _ in range(20):
            model.step()
        frames.append((model.model_frame(), model.registry_frame()))
    quality = np.stack([f.quality_experienced.to_numpy() for f, _ in frames])
    band = ensemble.band("quality_experienced")
    assert np.array_equal(band.mean, quality.mean(axis=0))
    assert np.array_equal(band.low, np.quantile(quality, 0.05, axis=0))
    assert np.array_equal(band.high, np.quantile(quality, 0.95, axis=0))
    stuck = []
    for _, registries in frames:
        members = registries.members.to_numpy().reshape(-1, 5)
        status = registries.status.to_numpy().reshape(-1, 5)
        stuck.append(stuck_holder_months(members, status))
    assert np.array_equal(ensemble.values("stuck_holder_months"), np.stack(stuck))
    assert stuck[0][-1] > 0  # AFRINIC failed at month 12: its members were counted each month since
    assert ("AFRINIC", "governance_start", 4) in ensemble.happened()


def test_the_page_steps_while_the_seeds_run_and_then_shows_their_band(monkeypatch):
    release, started = threading.Event(), threading.Event()
    original = app.run_ensembles

    def held(*args, **kwargs):  # the seeds take as long as the test says
        started.set()
        assert release.wait(60)
        return original(*args, **kwargs)

    monkeypatch.setattr(app, "run_ensembles", held)
    rc = render("scenario=registry_failure_portable&scale=0.01&seeds=5&until=14")
    assert started.wait(30)
    step(rc, 3)  # the seeds are still running: stepping does not wait for them
    month_is(rc, 3)
    assert all("computing in the background" in t for t in html(rc, "headline-row") if "hl-seeds" in t)
    release.set()
    wait_for(lambda: any("seeds: mean" in t for t in html(rc, "headline-row")), "the seeds' band", 120)

    def banded() -> bool:  # the page drawn in full with the seeds (its last redraw ran in their thread)
        series = charts(rc)[0]["series"] if charts(rc) else []
        return any(str(s.get("id", "")).startswith("band-range:") for s in series)

    wait_for(banded, "the band on the charts", 120)
    quality = charts(rc)[0]
    bands = [s for s in quality["series"] if str(s.get("id", "")).startswith("band-range:")]
    assert len(bands) == 5 and all(len(s["data"]) == 4 for s in bands)  # five registries, months 0-3
    assert "90% of 5 seeds (42-46)" in quality["title"]["subtext"]
    open_tab(rc, "Uncertainty")
    drawn = charts(rc)
    assert len(drawn) == 4 and all(o["_month"] == 14 for o in drawn)
    seeds = [s for s in drawn[0]["series"] if str(s.get("id", "")).startswith("seed:")]
    assert len(seeds) == 5 and all(len(s["data"]) == 15 for s in seeds)


def test_an_ensemble_keeps_the_seeds_events_for_splits():
    params = load_scenario("registry_failure_handoff").with_overrides(scale=0.01)
    (ensemble,) = run_ensembles([params], ensemble_seeds(1, 3), 16)
    assert isinstance(ensemble, Ensemble) and ensemble.months == 16
    assert {(r, k) for r, k, _ in ensemble.happened()} >= {("AFRINIC", "governance_start")}
