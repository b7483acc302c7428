"""The remedies experiment's own figure and table: IPv4 at risk, time to restoration, members left.

Drawn by `runs.report.report` for an experiment whose runs record the `runs.outcomes.Failure`
outcomes (runs/experiments/remedies.toml: ``outcomes = "runs.outcomes:Failure"``). The
outcomes are defined there, once, for this figure and for `scripts/remedies.py`:

- IPv4 at risk: the mean share of all IPv4 at a degraded or failed registry over the 60
  months from the failure's start;
- time to restoration: months from the failure's start until the failed registry is
  operating or handed off (a run where it never is counts the months it had left);
- members left: of the failed registry's members at the failure's start, the share still
  its members at restoration (or at the run's end); **new holders who joined meanwhile are
  not counted** (entrants excluded).

Each condition shows every run as a dot and its mean with a Student-t 95% interval over
replicates (common seeds, so the conditions are paired).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from model.words import PALETTE
from runs.analysis import t_interval
from runs.files import write_csv
from runs.outcomes import WINDOW
from runs.report.labels import condition_label
from runs.report.layout import save_figure
from runs.spec import ExperimentSpec
from runs.store import Results

__all__ = ["OUTCOMES", "remedies_figures", "remedies_lines", "remedy_outcomes", "remedy_summary"]

#: The Failure outcomes drawn, with what the figure calls them.
OUTCOMES = {
    "at_risk_window": f"IPv4 at risk\n(share, mean of {WINDOW // 12} years)",
    "restoration_months": "Time to restoration\n(months)",
    "members_left": "Members left at restoration\n(share of start, entrants excluded)",
}


def remedy_outcomes(results: Results, spec: ExperimentSpec) -> pd.DataFrame:
    """One row per finished run: its factors and the three outcomes (empty without them)."""
    done = results.runs[results.runs.status == "done"]
    columns = [f"final_{name}" for name in OUTCOMES]
    if not set(columns) <= set(done.columns):
        return pd.DataFrame()
    factors = [f.name for f in spec.varying]
    table = done[["run_id", "sample_id", "seed", *factors, *columns]]
    return table.rename(columns={f"final_{name}": name for name in OUTCOMES})


def remedy_summary(outcomes: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """Per condition and outcome: runs, mean and Student-t 95% interval."""
    rows = []
    for key, g in outcomes.groupby(factors, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        for outcome in OUTCOMES:
            mean, low, high = t_interval(g[outcome].to_numpy(dtype=float))
            rows.append(
                {
                    **dict(zip(factors, key, strict=True)),
                    "outcome": outcome,
                    "runs": len(g),
                    "mean": mean,
                    "low": low,
                    "high": high,
                }
            )
    return pd.DataFrame(rows)


def remedies_figures(results: Results, spec: ExperimentSpec, folder: Path) -> list[str]:
    """The three outcomes per condition (every run a dot; mean and interval); [] if not recorded."""
    factors = [f.name for f in spec.varying]
    outcomes = remedy_outcomes(results, spec)
    if outcomes.empty or not factors:
        return []
    write_csv(folder.parent / "analysis" / "remedy_outcomes.csv", remedy_summary(outcomes, factors))
    conditions = outcomes.drop_duplicates("sample_id").sort_values("sample_id")
    labels = [condition_label(row, factors) for _, row in conditions.iterrows()]
    fig, axes = plt.subplots(
        1, len(OUTCOMES), figsize=(13, 0.42 * len(labels) + 2.2), sharey=True, layout="constrained"
    )
    for ax, (outcome, title) in zip(axes, OUTCOMES.items(), strict=True):
        for y, sample_id in enumerate(conditions.sample_id):
            values = outcomes[outcomes.sample_id == sample_id][outcome].to_numpy(dtype=float)
            ax.plot(values, np.full(len(values), y), "o", color="0.6", markersize=3, alpha=0.5)
            mean, low, high = t_interval(values)
            half = [[mean - low], [high - mean]] if np.isfinite(low) else None
            ax.errorbar(mean, y, xerr=half, fmt="D", color=PALETTE[0], capsize=3)
        ax.set_title(title, loc="left")
    axes[0].set_yticks(range(len(labels)), labels)
    axes[0].invert_yaxis()  # once: the axes share y
    fig.suptitle("Remedies for a failed registry: every run (dots); mean and 95% t-interval (diamond)")
    return [save_figure(fig, folder, "remedies")]


def remedies_lines(figures: list[str]) -> list[str]:
    """The report's section on the remedies figure: what each outcome counts (if it was drawn)."""
    if "figures/remedies.png" not in figures:
        return []
    return [
        "## Remedies: how the outcomes are counted",
        "",
        f"- IPv4 at risk: the mean share of all IPv4 at a degraded or failed registry over the {WINDOW} "
        "months from the failure's start.",
        "- Time to restoration: months from the failure's start until the failed registry is operating "
        "or handed off; a run where it never is counts the months it had left.",
        "- Members left: of the failed registry's members at the failure's start, the share still its "
        "members at restoration (or at the run's end); new holders who joined meanwhile are not counted "
        "(entrants excluded).",
        "",
        "Means with Student-t 95% intervals per condition: analysis/remedy_outcomes.csv.",
        "",
    ]
