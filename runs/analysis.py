"""Statistics of a sweep: per condition and step, end states, replication adequacy, sensitivity.

A *condition* is a design point (`sample_id`, with its factor values). Confidence intervals
are t-intervals over replicates (95%), with percentile-bootstrap intervals beside them (these
stay inside the range of the data: a count's interval never goes below zero). Runs are paired
by seed (policy `common`), so a factor's effect is estimated from paired differences, each
level against the factor's first level, replicate by replicate.

Sensitivity indices (Sobol with its convergence check at half the samples, Morris) are
computed by `runs.sensitivity`, for sobol and morris designs.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from runs.errors import SweepError
from runs.files import write_csv
from runs.seeds import sampler_seed
from runs.sensitivity import incomplete_design, morris_indices, sensitivity, sobol_checks, sobol_indices
from runs.spec import CONDITION, ExperimentSpec
from runs.store import Results, SweepStore

__all__ = [
    "adequacy",
    "analyze",
    "bootstrap_mean_interval",
    "end_states",
    "morris_indices",
    "paired_differences",
    "sobol_checks",
    "sobol_indices",
    "summarize",
    "t_interval",
    "t_interval_text",
]

log = logging.getLogger(__name__)
CONFIDENCE = 0.95
BOOTSTRAP = 2000  # resamples
BOOTSTRAP_CONDITIONS = 12  # time series get bootstrap bands up to this many conditions


def bootstrap_mean_interval(values: np.ndarray, seed: int = 0) -> tuple[float, float]:
    """Percentile-bootstrap 95% interval of the mean of `values` along axis 0 (NaN if n < 2)."""
    low, high = _bootstrap(np.asarray(values, dtype=float).reshape(len(values), -1), seed)
    return float(low[0]), float(high[0])


def _bootstrap(matrix: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Percentile-bootstrap intervals of the column means of `matrix` (replicates x columns)."""
    n = matrix.shape[0]
    if n < 2:
        nan = np.full(matrix.shape[1], np.nan)
        return nan, nan
    rng = np.random.default_rng(seed)
    means = matrix[rng.integers(0, n, size=(BOOTSTRAP, n))].mean(axis=1)  # resamples x columns
    alpha = (1 - CONFIDENCE) / 2
    return np.quantile(means, alpha, axis=0), np.quantile(means, 1 - alpha, axis=0)


def _with_bootstrap(table: pd.DataFrame, frame: pd.DataFrame, keys: list[str], seed: int) -> pd.DataFrame:
    """Add boot_low / boot_high per group of `keys` (values in column `value`)."""
    lows, highs = [], []
    for _, group in frame.groupby(keys, dropna=False, sort=True):
        low, high = _bootstrap(group["value"].to_numpy(dtype=float)[:, None], seed)
        lows.append(low[0])
        highs.append(high[0])
    table = table.sort_values(keys, kind="stable").reset_index(drop=True)
    table["boot_low"], table["boot_high"] = lows, highs
    return table


def _interval(values: pd.core.groupby.SeriesGroupBy) -> pd.DataFrame:
    table = values.agg(["mean", "std", "count"]).rename(columns={"std": "sd", "count": "n"})
    q = stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(table["n"] - 1, 1))
    table["half_width"] = np.where(table["n"] > 1, q * table["sd"] / np.sqrt(table["n"]), np.nan)
    table["ci_low"] = table["mean"] - table["half_width"]
    table["ci_high"] = table["mean"] + table["half_width"]
    return table.reset_index()


def summarize(results: Results, factors: list[str], seed: int = 0) -> pd.DataFrame:
    """Mean, SD, n, 95% t-interval and bootstrap interval of every metric, per condition and step."""
    frame = results.timeseries.merge(results.runs[["run_id", "sample_id", *factors]], on="run_id")
    keys = ["sample_id", *factors, "metric", "step"]
    table = _interval(frame.groupby(keys, dropna=False)["value"]).sort_values(keys, kind="stable")
    table = table.reset_index(drop=True)
    # one bootstrap per (condition, metric): resample whole runs, all steps at once; only for
    # designs with few conditions (the ones drawn as time series), to keep large designs quick
    lows = np.full(len(table), np.nan)
    highs = np.full(len(table), np.nan)
    position = {k: i for i, k in enumerate(zip(*(table[c] for c in keys), strict=True))}
    groups = frame.groupby(["sample_id", "metric"], sort=False)
    for _, group in groups if frame.sample_id.nunique() <= BOOTSTRAP_CONDITIONS else ():
        wide = group.pivot_table(index="run_id", columns="step", values="value")
        wide = wide.dropna(axis=1)
        low, high = _bootstrap(wide.to_numpy(dtype=float), seed)
        first = group.iloc[0]
        for step, lo, hi in zip(wide.columns, low, high, strict=True):
            i = position[(first["sample_id"], *(first[f] for f in factors), first["metric"], step)]
            lows[i], highs[i] = lo, hi
    table["boot_low"], table["boot_high"] = lows, highs
    return table


def end_states(results: Results, factors: list[str], seed: int = 0) -> pd.DataFrame:
    """Mean, SD, n, 95% t-interval and bootstrap interval of every metric's final value, per condition."""
    done = results.runs[results.runs.status == "done"]
    finals = [c for c in done.columns if c.startswith("final_")]
    long = done.melt(
        id_vars=["sample_id", *factors], value_vars=finals, var_name="metric", value_name="value"
    )
    long["metric"] = long["metric"].str.removeprefix("final_")
    keys = ["sample_id", *factors, "metric"]
    table = _interval(long.groupby(keys, dropna=False)["value"])
    return _with_bootstrap(table, long, keys, seed)


def paired_differences(results: Results, spec: ExperimentSpec, seed: int = 0) -> pd.DataFrame:
    """Each level of each listed factor against the factor's first level, paired by replicate (seed).

    Only with seed policy `common` (replicate r has the same seed at every design point), or
    `paired` for the named conditions (the same point has the same seeds under each). One
    row per factor, level, values of the other factors and final metric: n pairs, mean
    difference, SD, 95% t-interval and bootstrap interval.
    """
    listed = [f for f in spec.varying if f.kind == "levels"]
    if spec.seed_policy == "paired":
        listed = [f for f in listed if f.name == CONDITION]
    if spec.seed_policy not in ("common", "paired") or not listed:
        return pd.DataFrame()
    done = results.runs[results.runs.status == "done"]
    finals = [c for c in done.columns if c.startswith("final_")]
    rows = []
    for factor in listed:
        others = [f.name for f in spec.varying if f.name != factor.name]
        base = done[done[factor.name] == factor.levels[0]]
        for level in factor.levels[1:]:
            pairs = done[done[factor.name] == level].merge(
                base, on=[*others, "replicate"], suffixes=("", "__base")
            )
            groups = pairs.groupby(others, dropna=False, sort=True) if others else [((), pairs)]
            for key, group in groups:
                where = dict(zip(others, key if isinstance(key, tuple) else (key,), strict=True))
                for column in finals:
                    d = (group[column] - group[f"{column}__base"]).to_numpy(dtype=float)
                    rows.append(
                        {
                            "factor": factor.name,
                            "level": level,
                            "baseline": factor.levels[0],
                            **where,
                            "metric": column.removeprefix("final_"),
                            **_difference_stats(d, seed),
                        }
                    )
    return pd.DataFrame(rows)


def t_interval(values: ArrayLike) -> tuple[float, float, float]:
    """Mean and Student-t interval (`CONFIDENCE`) over independent values (e.g. seeds).

    With fewer than two values the interval is (nan, nan).
    """
    a = np.asarray(values, dtype=float)
    mean = float(a.mean()) if a.size else np.nan
    if a.size < 2:
        return mean, np.nan, np.nan
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, a.size - 1) * a.std(ddof=1) / np.sqrt(a.size))
    return mean, mean - half, mean + half


def t_interval_text(values: ArrayLike, digits: int = 3) -> str:
    """`t_interval` as "mean [low, high]"."""
    mean, low, high = t_interval(values)
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def _difference_stats(d: np.ndarray, seed: int) -> dict[str, float]:
    n = len(d)
    mean = float(d.mean()) if n else np.nan
    sd = float(d.std(ddof=1)) if n > 1 else np.nan
    half = float(stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * sd / np.sqrt(n)) if n > 1 else np.nan
    boot_low, boot_high = _bootstrap(d[:, None], seed) if n else (np.array([np.nan]), np.array([np.nan]))
    return {
        "n": n,
        "mean_difference": mean,
        "sd": sd,
        "ci_low": mean - half,
        "ci_high": mean + half,
        "boot_low": float(boot_low[0]),
        "boot_high": float(boot_high[0]),
    }


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
    seed = sampler_seed(spec.seed)
    tables = {
        "summary": summarize(results, factors, seed) if len(results.timeseries) else pd.DataFrame(),
        "end_states": end_states(results, factors, seed),
        "paired_differences": paired_differences(results, spec, seed),
        "adequacy": adequacy(results, factors),
    }
    if spec.design in ("sobol", "morris"):
        tables["sensitivity"] = sensitivity(spec, results, store.design())
        missing = incomplete_design(spec, results.runs, folder)
        if missing is not None:
            log.warning("%s: %s", folder, missing)
    if spec.design == "sobol":
        tables["sobol_checks"] = sobol_checks(tables["sensitivity"], spec.samples)
        checks = tables["sobol_checks"]
        failing = checks[~checks.converged] if not checks.empty else checks
        if len(failing):
            log.warning(
                "%s: Sobol indices have not converged for %d of %d metrics at %d samples "
                "(%s); do not base a claim on them (analysis/sobol_checks.csv says why)",
                folder, len(failing), len(checks), spec.samples, ", ".join(failing.metric),
            )  # fmt: skip
    out = Path(folder) / "analysis"
    for name, table in tables.items():
        write_csv(out / f"{name}.csv", table)
    return tables
