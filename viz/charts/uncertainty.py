"""The Uncertainty tab: the run's key measures over N seeds: every seed's line, the mean, the 90% range."""

from __future__ import annotations

import numpy as np

from model.words import DERIVED, RUN_TINTS, output_label
from viz.charts.bands import add_band
from viz.charts.legend import finish
from viz.charts.options import DASHES, Option, line, time_chart
from viz.charts.projected import add_projection, projection_note
from viz.charts.runs import Runs

__all__ = ["MEASURES", "outcome_table", "seeds_charts"]

#: key -> (title, axis name, factor): what the tab draws for each seed
MEASURES = {
    "quality_experienced": (output_label("quality_experienced"), "quality (0-1)", 1.0),
    "ipv4_at_risk": (output_label("ipv4_at_risk"), "% of all IPv4", 100.0),
    "stuck_holder_months": (DERIVED["stuck_holder_months"][0], "holder-months, real-world equivalent", None),
    "ipv4_price": (output_label("ipv4_price"), "USD per address", 1.0),
}


def seeds_charts(runs: Runs) -> list[Option]:
    """One chart per measure: each seed (thin), the mean and the 90% range, to the ensemble's last month."""
    ready = [run for run in runs if run.ensemble is not None]
    if not ready:
        return []
    months = ready[0].ensemble.months
    charts = []
    for key, (text, axis, factor) in MEASURES.items():
        option = time_chart(text, axis, months, y_min=0)
        for run in ready:
            ensemble = run.ensemble
            scale = factor if factor is not None else 1 / run.scale
            values = ensemble.values(key) * scale
            tint = RUN_TINTS[run.index]
            for seed, row in zip(ensemble.seeds, values, strict=True):
                option["series"].append(
                    line(
                        f"each seed{run.suffix(runs)}",
                        row,
                        tint,
                        DASHES[run.index],
                        0.6,
                        silent=True,
                        id=f"seed:{seed}{run.suffix(runs)}",
                        z=0,
                        lineStyle={"color": tint, "width": 0.6, "opacity": 0.35, "type": DASHES[run.index]},
                    )
                )
            band = ensemble.band(key)
            add_band(
                option,
                f"{len(ensemble.seeds)} seeds{run.suffix(runs)}",
                f"90% of seeds{run.suffix(runs)}",
                band.mean * scale,
                band.low * scale,
                band.high * scale,
                tint,
            )
            option["series"].append(
                line(f"mean{run.suffix(runs)}", band.mean * scale, tint, DASHES[run.index], 2.2)
            )
        seeds = ready[0].ensemble.seeds
        projected = factor is not None and add_projection(option, ready, key, factor, upto=months)
        notes = [f"seeds {seeds[0]}-{seeds[-1]}, months 0-{months}", projection_note(projected)]
        charts.append(finish(option, ready, notes, registries=False))
    return charts


def outcome_table(runs: Runs) -> list[dict]:
    """Each seed's outcome at the ensemble's last month, per run: what the per-seed table shows."""
    rows = []
    for run in runs:
        ensemble = run.ensemble
        if ensemble is None:
            continue
        end = ensemble.months
        stuck = ensemble.values("stuck_holder_months")[:, end] / run.scale
        for i, seed in enumerate(ensemble.seeds):
            rows.append(
                {
                    "run": run.short,
                    "seed": seed,
                    "quality": float(ensemble.model["quality_experienced"][i, end]),
                    "at_risk_peak": float(100 * np.max(ensemble.model["ipv4_at_risk"][i, : end + 1])),
                    "stuck": float(stuck[i]),
                    "price": float(ensemble.model["ipv4_price"][i, end]),
                }
            )
    return rows
