"""The projection's band beside a run that branches the record: its option over calibrated worlds.

A run of a `history` scenario (or a branch of it to an ICP-2 option) is one seed at the
defaults. The projection (`python -m runs project`, docs/RESULTS.md) ran the same option over
worlds drawn from the calibrated posterior crossed with the registry-side deep uncertainty;
its 5-95% band over those worlds (`viz/data/projection-bands.csv.gz`, with its provenance) is
drawn from December 2025 to the month shown, so the run is seen against what the calibrated
model expects of its option, not only against its own seeds.

The option is recognised by the run's dated policy changes (a branch's `changes`), the stress
by its own governance events (none, or a stress of runs/experiments/projection.toml); a run
that matches none (another scenario, events of its own) gets no band.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from model.words import PALETTE
from viz.charts.bands import add_band
from viz.charts.observed import ON_CHART, replays
from viz.charts.options import Option
from viz.charts.runs import RunData, Runs

__all__ = ["BANDS", "PROJECTED", "add_projection", "projection_name", "projection_note", "projection_of"]

BANDS = Path(__file__).resolve().parents[1] / "data" / "projection-bands.csv.gz"
PROJECTED = PALETTE[3]  # the projection's band: a colour no run line uses


@cache
def _bands() -> pd.DataFrame:
    return pd.read_csv(BANDS) if BANDS.is_file() else pd.DataFrame()


@cache
def _signatures() -> dict[tuple, tuple[str, str]]:
    """(a scenario's dated changes, a stress's events) -> (option, stress) of the projection."""
    from model import load_scenario
    from model.params.events import GovernanceEvent
    from runs.project.spec import load_projection

    spec = load_projection()
    out = {}
    for _, option, stress in spec.conditions():
        events = tuple(GovernanceEvent.from_mapping(e) for e in stress.events)
        out[(load_scenario(option.scenario).changes, events)] = (option.name, stress.name)
    return out


def projection_of(run: RunData) -> tuple[str, str] | None:
    """The (option, stress) of the projection that `run` is one seed of, or None."""
    if _bands().empty or not replays(run):
        return None
    p = run.model.p
    return _signatures().get((p.changes, tuple(p.events)))


def add_projection(
    option: Option,
    runs: Runs,
    key: str,
    factor: float = 1.0,
    *,
    observed: bool = False,
    upto: int | None = None,
) -> bool:
    """Draw the projection's band of `key` for the first run; whether drawn.

    It runs to month `upto` (by default the month shown).

    `observed`: the chart draws what was observed of `key`; the band is then left out where
    observed points exist (the price's 95% reaches about USD 1,400 by 2040 and would squash
    the observed prices of 2019-2022 into a few pixels): the Replicates tab draws it.
    """
    if observed and key in ON_CHART:
        return False
    run = runs[0]
    which = projection_of(run)
    if which is None:
        return False
    bands = _bands()
    rows = bands[(bands.option == which[0]) & (bands.stress == which[1]) & (bands.metric == key)]
    if rows.empty:
        return False
    dates = pd.to_datetime(run.frame["date"]).dt.strftime("%Y-%m-%d").tolist()
    first = dates.index(rows.date.iloc[0]) if rows.date.iloc[0] in dates else None
    if first is None:
        return False
    shown = rows.iloc[: max(0, (run.month if upto is None else upto) - first + 1)]
    if shown.empty:
        return False
    pad = np.full(first, np.nan)  # the band starts at its first month; before it, nothing
    low, high = (np.r_[pad, shown[c].to_numpy(dtype=float) * factor] for c in ("p05", "p95"))
    worlds = int(rows.worlds.max())
    # no centre in the tooltip: the tooltip calls a band's centre its mean, and this one is a median
    name = projection_name(worlds, run.short if len(runs) > 1 else "")
    add_band(option, f"{worlds} calibrated worlds", name, None, low, high, PROJECTED)
    return True


def projection_name(worlds: int, whose: str = "") -> str:
    """The legend's name of the projection's band (`whose`: the run whose option it is, in a comparison)."""
    return f"projected{' for ' + whose if whose else ''}: 90% of {worlds} calibrated worlds"


def projection_note(drawn: bool) -> str:
    """What the projection's band is, when it is drawn."""
    if not drawn:
        return ""
    return (
        "projected: the same option from Dec 2025 over worlds drawn from the calibrated posterior and "
        "the registries' deep uncertainty (docs/RESULTS.md)"
    )
