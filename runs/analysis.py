"""Statistics of a sweep: per condition and step, end states, replication adequacy, sensitivity.

A *condition* is a design point (`sample_id`, with its factor values). Confidence intervals
are t-intervals over replicates (95%). Sensitivity indices come from SALib, fed rows sorted by
`sample_id`, which is the order SALib's sampler produced them in (SALib issue #665).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from scipy import stats

from runs.design import problem
from runs.errors import SweepError
from runs.seeds import sampler_seed
from runs.spec import ExperimentSpec
from runs.store import Results, SweepStore

__all__ = [
    "adequacy",
    "analyze",
    "end_states",
    "morris_indices",
    "sobol_indices",
    "summarize",
]

CONFIDENCE = 0.95


def _interval(values: pd.core.groupby.SeriesGroupBy) -> pd.DataFrame:
    table = values.agg(["mean", "std", "count"]).rename(columns={"std": "sd", "count": "n"})
    q = stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(table["n"] - 1, 1))
    table["half_width"] = np.where(table["n"] > 1, q * table["sd"] / np.sqrt(table["n"]), np.nan)
    table["ci_low"] = table["mean"] - table["half_width"]
    table["ci_high"] = table["mean"] + table["half_width"]
    return table.reset_index()


def summarize(results: Results, factors: list[str]) -> pd.DataFrame:
    """Mean, SD, n and 95% CI of every metric, per condition and step."""
    frame = results.timeseries.merge(results.runs[["run_id", "sample_id", *factors]], on="run_id")
    return _interval(frame.groupby(["sample_id", *factors, "metric", "step"], dropna=False)["value"])


def end_states(results: Results, factors: list[str]) -> pd.DataFrame:
    """Mean, SD, n and 95% CI of every metric's final value, per condition."""
    done = results.runs[results.runs.status == "done"]
    finals = [c for c in done.columns if c.startswith("final_")]
    long = done.melt(
        id_vars=["sample_id", *factors], value_vars=finals, var_name="metric", value_name="value"
    )
    long["metric"] = long["metric"].str.removeprefix("final_")
    return _interval(long.groupby(["sample_id", *factors, "metric"], dropna=False)["value"])


def adequacy(results: Results, factors: list[str]) -> pd.DataFrame:
    """CI half-width of each final metric against the number of replicates used (2..R).

    Following Lorscheid et al. (2012): where the half-width stops shrinking much, more
    replicates buy little.
    """
    done = results.runs[results.runs.status == "done"].sort_values(["sample_id", "replicate"])
    finals = [c for c in done.columns if c.startswith("final_")]
    rows = []
    for n in range(2, int(done.replicate.max()) + 2 if len(done) else 2):
        subset = done[done.replicate < n]
        long = subset.melt(
            id_vars=["sample_id", *factors], value_vars=finals, var_name="metric", value_name="value"
        )
        table = _interval(long.groupby(["sample_id", *factors, "metric"], dropna=False)["value"])
        table = table[table["n"] == n]
        table["replicates"] = n
        rows.append(table)
    if not rows:
        return pd.DataFrame()
    out = pd.concat(rows, ignore_index=True)
    out["metric"] = out["metric"].str.removeprefix("final_")
    out["relative_half_width"] = out["half_width"] / out["mean"].abs().replace(0, np.nan)
    return out[["sample_id", *factors, "metric", "replicates", "mean", "half_width", "relative_half_width"]]


def sobol_indices(salib_problem: dict[str, Any], y: np.ndarray, seed: int) -> pd.DataFrame:
    """First-order and total Sobol indices with 95% CIs (Saltelli design, no second order)."""
    result = sobol_analyze.analyze(
        salib_problem, np.asarray(y, dtype=float), calc_second_order=False, conf_level=CONFIDENCE, seed=seed
    )
    return pd.DataFrame(
        {
            "parameter": salib_problem["names"],
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )


def morris_indices(
    salib_problem: dict[str, Any], x: np.ndarray, y: np.ndarray, levels: int, seed: int
) -> pd.DataFrame:
    """Morris elementary effects: mu, mu*, its 95% CI, sigma."""
    result = morris_analyze.analyze(
        salib_problem,
        np.asarray(x, dtype=float),
        np.asarray(y, dtype=float),
        conf_level=CONFIDENCE,
        num_levels=levels,
        seed=seed,
    )
    return pd.DataFrame(
        {
            "parameter": salib_problem["names"],
            "mu": result["mu"],
            "mu_star": result["mu_star"],
            "mu_star_conf": result["mu_star_conf"],
            "sigma": result["sigma"],
        }
    )


def sensitivity(spec: ExperimentSpec, results: Results, design: pd.DataFrame) -> pd.DataFrame:
    """Indices of every final metric, for sobol and morris designs (per level of other factors)."""
    salib_problem = problem(spec)
    names = salib_problem["names"]
    others = [f.name for f in spec.varying if f.kind == "levels"]
    done = results.runs[results.runs.status == "done"]
    finals = [c for c in done.columns if c.startswith("final_")]
    means = done.groupby("sample_id")[finals].mean()  # replicates averaged per design point
    rows = []
    groups = design.groupby(others, dropna=False) if others else [((), design)]
    for key, points in groups:
        points = points.sort_values("sample_id")  # SALib assumes its own sample order
        if not set(points.sample_id) <= set(means.index):
            continue  # an incomplete design cannot be analysed
        x = points[names].to_numpy(dtype=float)
        for column in finals:
            y = means.loc[points.sample_id, column].to_numpy()
            if np.ptp(y) == 0:
                continue  # a constant output has no sensitivity to apportion
            if spec.design == "sobol":
                table = sobol_indices(salib_problem, y, sampler_seed(spec.seed))
            else:
                table = morris_indices(salib_problem, x, y, spec.morris_levels, sampler_seed(spec.seed))
            table.insert(0, "metric", column.removeprefix("final_"))
            for name, value in zip(others, key if isinstance(key, tuple) else (key,), strict=True):
                table.insert(0, name, value)
            rows.append(table)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def analyze(folder: str | Path) -> dict[str, pd.DataFrame]:
    """Every table for a sweep folder, written to `folder/analysis/` as CSV."""
    store = SweepStore(folder)
    results = store.load()
    if not (results.runs.status == "done").any():
        counts = store.status()
        raise SweepError(
            f"{folder} has no finished runs to analyse "
            f"({counts['queued']} queued, {counts['failed']} failed); "
            f"run `python -m runs resume {folder}` first"
        )
    spec = ExperimentSpec.from_text(store.spec_text())
    factors = [f.name for f in spec.varying]
    tables = {
        "summary": summarize(results, factors) if len(results.timeseries) else pd.DataFrame(),
        "end_states": end_states(results, factors),
        "adequacy": adequacy(results, factors),
    }
    if spec.design in ("sobol", "morris"):
        tables["sensitivity"] = sensitivity(spec, results, store.design())
    out = Path(folder) / "analysis"
    out.mkdir(exist_ok=True)
    for name, table in tables.items():
        table.to_csv(out / f"{name}.csv", index=False)
    return tables
