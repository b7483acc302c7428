"""Replicate bands on demand: the same setup with N other seeds, run in the background.

Seeds are drawn up front from the run's own seed (numpy SeedSequence), so a band is
reproducible. The run and, in compare mode, the compared run are replicated with the same
seeds; each chart shows the mean and the 5-95% range over seeds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
import solara

from model import PortabilityModel
from viz import charts
from viz.controls import Setup

__all__ = ["MEASURES", "Replicates", "replicate", "replicate_seeds"]

#: model_frame column -> (chart title, axis name, scale factor)
MEASURES = {
    "quality_experienced": ("Quality holders experience", "quality (0-1)", 1.0),
    "ipv4_at_risk": ("IPv4 at registries not operating", "% of all IPv4", 100.0),
    "moves": ("Moves a month", "holders who moved", 1.0),
}
MIN_MONTHS = 12


def replicate_seeds(seed: int, n: int) -> list[int]:
    """`n` seeds drawn from `seed`, in a fixed order."""
    return [int(s) for s in np.random.SeedSequence(seed).generate_state(n)]


@dataclass(frozen=True)
class Bands:
    """Per measure: (run label, frame of step, mean, low, high) per replicated run."""

    months: int
    seeds: int
    bands: dict[str, list[tuple[str, pd.DataFrame]]]


def replicate(
    setups: list[tuple[str, Setup]],
    months: int,
    n: int,
    progress: callable | None = None,
    cancel: threading.Event | None = None,
) -> Bands | None:
    """Run each setup with `n` seeds for `months` months; None when cancelled."""
    seeds = replicate_seeds(setups[0][1].seed, n)
    total, done = len(setups) * n, 0
    bands: dict[str, list[tuple[str, pd.DataFrame]]] = {m: [] for m in MEASURES}
    for label, setup in setups:
        frames = []
        params = setup.params()
        for seed in seeds:
            if cancel is not None and cancel.is_set():
                return None
            model = PortabilityModel(params, seed=seed)
            for _ in range(months):
                model.step()
            frames.append(model.model_frame())
            done += 1
            if progress is not None:
                progress(done / total)
        for measure, (_title, _axis, factor) in MEASURES.items():
            values = np.stack([f[measure].to_numpy(dtype=float) * factor for f in frames])
            band = pd.DataFrame(
                {
                    "step": np.arange(months + 1),
                    "mean": values.mean(axis=0),
                    "low": np.quantile(values, 0.05, axis=0),
                    "high": np.quantile(values, 0.95, axis=0),
                }
            )
            bands[measure].append((label, band))
    return Bands(months, n, bands)


@solara.component
def Replicates(setup: Setup, month: int) -> None:
    """Run N seeds of this setup (and the compared one) on request; draw mean and 90% range."""
    n, set_n = solara.use_state(10)
    request, set_request = solara.use_state(None)
    progress = solara.use_reactive(0.0)
    runs = [(setup.short(), setup.run())]
    other = setup.compared()
    if other is not None:
        runs.append((other.short() if other.short() != setup.short() else other.label(), other))

    def work(cancel: threading.Event) -> Bands | None:
        if request is None:
            return None
        progress.set(0.0)
        return replicate(request[0], request[1], request[2], progress.set, cancel)

    result = solara.use_thread(work, dependencies=[request])
    months = max(month, MIN_MONTHS)
    solara.Markdown(
        f"Run this setup with other seeds (drawn from seed {setup.seed}) for {months} months"
        " (the current month, at least 12), to see how much of a difference is chance."
    )
    with solara.Row(style={"align-items": "center"}):
        solara.Select("Seeds", values=[5, 10, 20, 40], value=n, on_value=set_n)
        solara.Button(
            f"Run {n} seeds",
            color="primary",
            on_click=lambda: set_request((tuple(runs), months, n)),
            disabled=result.state == solara.ResultState.RUNNING,
        )
    if result.state == solara.ResultState.RUNNING:
        solara.ProgressLinear(value=100 * progress.value)
        solara.Text(
            f"Running {len(runs) * request[2]} models: {100 * progress.value:.0f}% done", classes=["busy"]
        )
    elif result.state == solara.ResultState.ERROR:
        solara.Error(f"Replicates failed: {result.error}")
    bands = result.value if result.state == solara.ResultState.FINISHED else None
    if bands is not None:
        from viz.views import _Grid

        solara.Text(f"Mean and 5-95% range over {bands.seeds} seeds, months 0-{bands.months}.")
        _Grid(
            [
                charts.replicate_chart(title, axis, bands.bands[measure], bands.months)
                for measure, (title, axis, _factor) in MEASURES.items()
            ]
        )
