"""The Accountability tab: the credible threat of exit against realised exit, effort, resources at risk."""

from __future__ import annotations

import pandas as pd

from model.words import DERIVED, RUN_TINTS, output_label, registry_label, registry_unit
from viz.charts.bands import add_band, band_name
from viz.charts.legend import finish
from viz.charts.lines import per_registry, seeds_note
from viz.charts.money import sample_note
from viz.charts.observed import add_observed
from viz.charts.options import DASHES, Option, line, time_chart
from viz.charts.projected import add_projection, projection_note
from viz.charts.runs import RunData, Runs
from viz.measures import realised_exit, stuck_holder_months

__all__ = ["accountability_charts", "model_line", "run_series"]


def run_series(run: RunData, key: str) -> list[float]:
    """A model-level measure of the run, month by month (a model_frame column or a derived total)."""
    if key == "stuck_holder_months":
        members = run.wide("members").to_numpy(dtype=float)
        return list(stuck_holder_months(members, run.wide("status").to_numpy()) * run.world("members"))
    return list(run.frame[key].to_numpy(dtype=float) * run.world(key))


def model_line(
    text: str, y_name: str, runs: Runs, key: str, *, factor: float = 1.0, notes: list[str] | None = None
) -> Option:
    """One line per run of a model-level measure, with its seeds' band and what was observed of it.

    `factor` scales the line and the band.
    """
    option = time_chart(text, y_name, runs[0].month, y_min=0)
    drawn = False
    for run in runs:
        values = [v * factor for v in run_series(run, key)]
        tint = RUN_TINTS[run.index]
        option["series"].append(line(run.short, values, tint, DASHES[run.index], 2.0))
        ensemble = run.ensemble
        if ensemble is not None and ensemble.has(key):
            band, upto = ensemble.band(key), min(run.month, ensemble.months)
            scale = factor * (run.world("members") if key == "stuck_holder_months" else run.world(key))
            add_band(
                option,
                f"{len(ensemble.seeds)} seeds{run.suffix(runs)}",
                band_name(run, runs),
                band.mean[: upto + 1] * scale,
                band.low[: upto + 1] * scale,
                band.high[: upto + 1] * scale,
                tint,
            )
            drawn = True
    add_observed(option, runs, key)
    projected = add_projection(option, runs, key, factor, observed=True)
    notes = [*(notes or []), seeds_note(runs, drawn), projection_note(projected)]
    return finish(option, runs, notes, registries=False)


def _realised(run: RunData) -> pd.DataFrame:
    members, outflow = run.wide("members"), run.wide("outflow")
    shares = realised_exit(members.to_numpy(dtype=float), outflow.to_numpy(dtype=float))
    return pd.DataFrame(shares, columns=members.columns)


def accountability_charts(runs: Runs) -> list[Option]:
    """Threat of exit, realised exit, effort; IPv4 at failing registries and the time holders spent there."""
    label, unit, _ = DERIVED["stuck_holder_months"]
    return [
        per_registry(
            registry_label("exit_threat"), runs, "exit_threat", registry_unit("exit_threat"), 0.002, y_min=0
        ),
        per_registry(
            DERIVED["realised_exit"][0],
            runs,
            _realised,
            DERIVED["realised_exit"][1],
            0.002,
            band="realised_exit",
            y_min=0,
        ),
        per_registry(
            registry_label("effort"),
            runs,
            "effort",
            f"effort ({registry_unit('effort')})",
            0.005,
            y_min=0,
            y_max=1,
        ),
        model_line(output_label("ipv4_at_risk"), "% of all IPv4", runs, "ipv4_at_risk", factor=100.0),
        model_line(
            label,
            f"{unit} so far, real-world equivalent",
            runs,
            "stuck_holder_months",
            notes=[sample_note(runs[0])],
        ),
    ]
