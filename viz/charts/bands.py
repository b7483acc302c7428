"""The seeds' band around a run's lines: the 90% range over N seeds, and the mean in the tooltip.

A band is two series, its low edge and the range above it, stacked (the range shaded), and
for a run-wide measure a third, its mean (not drawn). Each carries an id that the tooltip
reads (`echart.vue`) to write one row "<who>: mean m (90%: low-high)". Plain lists of
numbers, not a dict per point: an option is sent to the browser at every step, and every
nested dict costs.
"""

from __future__ import annotations

import numpy as np

from model.words import colour
from viz.charts.options import Option, round_values
from viz.charts.runs import RunData, Runs

__all__ = ["add_band", "band_name", "registry_bands"]

OPACITY = 0.14


def band_name(run: RunData, runs: Runs) -> str:
    """The legend's name of a run's bands."""
    n = len(run.ensemble.seeds) if run.ensemble is not None else 0
    return f"90% of {n} seeds{run.suffix(runs)}"


def add_band(
    option: Option,
    who: str,
    name: str,
    mean: np.ndarray | None,
    low: np.ndarray,
    high: np.ndarray,
    colour: str,
    *,
    log: bool = False,
) -> None:
    """A shaded band from `low` to `high` (and `mean`, shown in the tooltip, when given)."""
    if log:  # a log axis has no zero: those months are gaps
        low, high = (np.where(v > 0, v, np.nan) for v in (low, high))
    lows = round_values(low)
    ranges = round_values(np.asarray(high, dtype=float) - np.asarray(low, dtype=float))
    hidden = {
        "showSymbol": False,
        "silent": True,
        "lineStyle": {"opacity": 0},
        "itemStyle": {"color": colour},
    }
    option["series"] += [
        {
            "type": "line",
            "id": f"band-low:{who}",
            "name": name,
            "stack": f"band:{who}",
            "data": lows,
            "showSymbol": False,
            "silent": True,
            "lineStyle": {"opacity": 0},
            "itemStyle": {"color": colour},
            "z": 1,
        },
        {
            "type": "line",
            "id": f"band-range:{who}",
            "name": name,
            "stack": f"band:{who}",
            "data": ranges,
            "showSymbol": False,
            "silent": True,
            "lineStyle": {"opacity": 0},
            "itemStyle": {"color": colour},
            "areaStyle": {"color": colour, "opacity": OPACITY},
            "z": 1,
        },
    ]
    if mean is not None:
        means = round_values(np.where(mean > 0, mean, np.nan) if log else mean)
        option["series"].append(
            {"type": "line", "id": f"band-mean:{who}", "name": name, "data": means, "z": 1, **hidden}
        )


def registry_bands(option: Option, runs: Runs, key: str, *, factor: float = 1.0, log: bool = False) -> bool:
    """Each registry's band of `key` for every run with an ensemble; whether any was drawn."""
    drawn = False
    for run in runs:
        ensemble = run.ensemble
        if ensemble is None or not ensemble.has(key):
            continue
        band, upto = ensemble.band(key), min(run.month, ensemble.months)
        name = band_name(run, runs)
        scale = factor * run.world(key)
        for i, registry in enumerate(run.names):
            j = ensemble.names.index(registry)
            add_band(
                option,
                f"{registry}, {len(ensemble.seeds)} seeds{run.suffix(runs)}",
                name,
                None,  # a registry's band: its range alone (the headline numbers give means)
                band.low[: upto + 1, j] * scale,
                band.high[: upto + 1, j] * scale,
                colour(i),
                log=log,
            )
        drawn = True
    return drawn
