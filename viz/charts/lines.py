"""One line per registry (and run) over time, with its shaded spells and its seeds' band."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from model.words import colour
from viz.charts.bands import registry_bands
from viz.charts.legend import finish
from viz.charts.marks import add_insolvencies, add_spells
from viz.charts.observed import add_observed
from viz.charts.options import DASHES, WIDTHS, Option, line, time_chart
from viz.charts.runs import RunData, Runs

__all__ = ["coincide", "per_registry", "seeds_note"]

Column = str | Callable[[RunData], pd.DataFrame]


def coincide(table: pd.DataFrame, tolerance: float) -> list[str]:
    """Registries whose lines lie within `tolerance` of another's for the whole run."""
    values = table.to_numpy(dtype=float)
    names = list(table.columns)
    together = set()
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if np.nanmax(np.abs(values[:, i] - values[:, j])) <= tolerance:
                together |= {names[i], names[j]}
    return [n for n in names if n in together]


def seeds_note(runs: Runs, drawn: bool) -> str:
    """What the shading around the lines is, when it is drawn."""
    if not drawn:
        return ""
    seeds = runs[0].ensemble.seeds
    return f"shaded around the lines: 90% of {len(seeds)} seeds ({seeds[0]}-{seeds[-1]})"


def per_registry(
    text: str,
    runs: Runs,
    column: Column,
    y_name: str,
    tolerance: float,
    *,
    band: str | None = None,
    log: bool = False,
    notes: list[str] | None = None,
    stages: bool = False,
    **bounds: float,
) -> Option:
    """One line per registry and run: a registry_frame column, or a table derived from the run.

    A column that counts the sample's holders or blocks is drawn as real-world equivalents.
    `band` names the seeds' band to draw (the column's own by default); `stages` shades the
    ICP-2 process's stages too. What was observed of the column is drawn too (a run in
    calendar months: `viz.charts.observed`).
    """
    option = time_chart(text, y_name, runs[0].month, log=log, **bounds)
    notes = list(notes or [])
    for run in runs:
        table = column(run) if callable(column) else run.wide(column)
        factor = run.world(column) if isinstance(column, str) else 1.0
        dash = DASHES[run.index]
        for i, registry in enumerate(table.columns):
            values = table[registry].to_numpy(dtype=float) * factor
            if log:
                values = np.where(values > 0, values, np.nan)
            width = WIDTHS[i % len(WIDTHS)] if run.index == 0 else 1.6
            option["series"].append(line(registry + run.suffix(runs), values, colour(i), dash, width))
        same = coincide(table, tolerance) if len(table) > 1 and len(runs) == 1 else []
        if len(same) > 1:
            notes.append(f"{', '.join(same[:-1])} and {same[-1]} lie on one line: drawn nested, widest first")
    add_spells(option, runs, statuses=True, stages=stages)
    add_insolvencies(option, runs)
    if isinstance(column, str):
        add_observed(option, runs, column)
    key = band or (column if isinstance(column, str) else None)
    drawn = key is not None and registry_bands(option, runs, key, log=log)
    notes.append(seeds_note(runs, drawn))
    return finish(option, runs, notes)
