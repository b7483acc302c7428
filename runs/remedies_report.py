"""The remedies experiment's own figure and table: IPv4 at risk, time to restoration, members left.

Drawn by `runs.report.report` for an experiment that varies `remedy` and whose scenario
schedules a governance failure (runs/experiments/remedies.toml). Per run, from its time
series and registry frames, over the `WINDOW` months from the failure's start:

- IPv4 at risk: mean share of all IPv4 at a degraded or failed registry;
- time to restoration: months from the failure's start until the failed registry is
  operating or handed off (a run where it never is counts as the months it had left);
- members left: the failed registry's members at restoration (or at the run's end), as a
  share of its members at the failure's start; the stored frames count members, not who
  they are, so new holders who joined meanwhile are included (above 1 when few left).

Each condition shows its mean with a Student-t 95% interval over replicates (common seeds,
so the conditions are paired).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from model import Params, load_scenario
from runs.spec import ExperimentSpec
from runs.store import Results

__all__ = ["WINDOW", "remedies_figures", "remedy_outcomes", "remedy_summary"]

WINDOW = 60  # months from the failure's start


def _base(spec: ExperimentSpec) -> Params:
    return load_scenario(spec.scenario).with_overrides(**spec.fixed)


OUTCOMES = {
    "ipv4_at_risk": "IPv4 at risk (share, mean of 5 years)",
    "restoration": "Time to restoration (months)",
    "members_left": "Members at restoration, new holders included (share of start)",
}


def remedy_outcomes(results: Results, spec: ExperimentSpec) -> pd.DataFrame:
    """One row per finished run: its factors and the three outcomes."""
    event = _base(spec).events[0]
    done = results.runs[results.runs.status == "done"]
    series = results.timeseries[results.timeseries.metric == "ipv4_at_risk"]
    window = series[(series.step >= event.start) & (series.step < event.start + WINDOW)]
    at_risk = window.groupby("run_id").value.mean()
    failed = results.registries[
        (results.registries.registry == event.registry) & (results.registries.step >= event.start)
    ]
    rows = []
    for run_id, g in failed.groupby("run_id", sort=False):
        g = g.sort_values("step")
        served = g[g.status.isin(["operating", "handed_off"])]
        at = served.iloc[0] if len(served) else g.iloc[-1]
        rows.append(
            {
                "run_id": run_id,
                "restoration": float(at.step - event.start),
                "members_left": float(at.members / g.members.iloc[0]) if g.members.iloc[0] else 0.0,
            }
        )
    outcomes = pd.DataFrame(rows, columns=["run_id", "restoration", "members_left"])
    outcomes["ipv4_at_risk"] = outcomes.run_id.map(at_risk)
    factors = [f.name for f in spec.varying]
    return done[["run_id", "sample_id", "seed", *factors]].merge(outcomes, on="run_id")


def remedy_summary(outcomes: pd.DataFrame, factors: list[str]) -> pd.DataFrame:
    """Per condition and outcome: runs, mean and Student-t 95% interval."""
    rows = []
    for key, g in outcomes.groupby(factors, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        for outcome in OUTCOMES:
            x = g[outcome].to_numpy(dtype=float)
            half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size) if x.size > 1 else np.nan
            rows.append(
                {
                    **dict(zip(factors, key, strict=True)),
                    "outcome": outcome,
                    "runs": x.size,
                    "mean": x.mean(),
                    "low": x.mean() - half,
                    "high": x.mean() + half,
                }
            )
    return pd.DataFrame(rows)


def _label(row: pd.Series, factors: list[str]) -> str:
    words = {"none": "no", "mandatory": "exit", "icp2_draft": "ICP-2"}
    parts = []
    for f in factors:
        value = row[f]
        if f == "regime":
            parts.append("exit" if value != "none" else "locked")
        elif f == "remedy":
            parts.append("handoff" if value != "none" else "no remedy")
        else:
            parts.append(f"{f.removeprefix('petition_threshold_')} {words.get(value, value)}")
    return ", ".join(parts)


def remedies_figures(results: Results, spec: ExperimentSpec, folder: Path) -> list[str]:
    """The three outcomes per condition (mean and interval; every run as a dot); [] if not applicable."""
    factors = [f.name for f in spec.varying]
    if "remedy" not in factors or not _base(spec).events or results.registries.empty:
        return []
    outcomes = remedy_outcomes(results, spec)
    if outcomes.empty:
        return []
    summary = remedy_summary(outcomes, factors)
    tables = folder.parent / "analysis"
    tables.mkdir(exist_ok=True)
    summary.to_csv(tables / "remedy_outcomes.csv", index=False)
    conditions = outcomes.drop_duplicates("sample_id")[["sample_id", *factors]]
    labels = [_label(row, factors) for _, row in conditions.iterrows()]
    fig, axes = plt.subplots(1, len(OUTCOMES), figsize=(12, 0.45 * len(labels) + 1.5), sharey=True)
    for ax, (outcome, title) in zip(axes, OUTCOMES.items(), strict=True):
        for y, sample_id in enumerate(conditions.sample_id):
            values = outcomes[outcomes.sample_id == sample_id][outcome]
            ax.plot(values, np.full(len(values), y), "o", color="#999999", markersize=3, alpha=0.5)
            x = values.to_numpy(dtype=float)
            half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size) if x.size > 1 else 0.0
            ax.errorbar(x.mean(), y, xerr=half, fmt="D", color="#0072B2", capsize=3)
        ax.set(title=title, yticks=range(len(labels)), yticklabels=labels)
    fig.suptitle("Remedies for a failed registry: every run (dots); mean and 95% t-interval (diamond)")
    fig.tight_layout()
    out = []
    for ext in ("png", "pdf"):
        path = folder / f"remedies.{ext}"
        fig.savefig(path, bbox_inches="tight", dpi=300)
        out.append(f"figures/{path.name}")
    plt.close(fig)
    return out[:1]
