"""Sensitivity indices of a sweep's final metrics: Sobol (with a convergence check) and Morris.

Indices come from SALib, fed rows sorted by `sample_id`, which is the order SALib's sampler
produced them in (SALib issue #665). Sobol indices are computed at N and at N/2 base
samples; a metric whose indices move between the two, or whose intervals are wider than its
indices, is flagged in plain words (`sobol_checks`).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze

from runs.design import problem
from runs.seeds import sampler_seed
from runs.spec import ExperimentSpec
from runs.store import Results

__all__ = [
    "SOBOL_COLUMNS",
    "incomplete_design",
    "morris_indices",
    "sensitivity",
    "sobol_checks",
    "sobol_indices",
]

CONFIDENCE = 0.95
CONVERGED_CHANGE = 0.05  # Sobol indices that move more than this between N/2 and N have not converged


def sobol_indices(salib_problem: dict[str, Any], y: np.ndarray, seed: int) -> pd.DataFrame:
    """First-order and total Sobol indices with 95% CIs (Saltelli design, no second order)."""
    with warnings.catch_warnings():  # a constant half-sample: reported by sobol_checks, not as noise
        warnings.filterwarnings("ignore", message="Constant values encountered")
        result = sobol_analyze.analyze(
            salib_problem,
            np.asarray(y, dtype=float),
            calc_second_order=False,
            conf_level=CONFIDENCE,
            seed=seed,
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
                half = _first_half(salib_problem, y)
                if half is not None and np.ptp(half) > 0:  # a constant half has no variance to split
                    halved = sobol_indices(salib_problem, half, sampler_seed(spec.seed))
                    table["S1_half"], table["ST_half"] = halved.S1.to_numpy(), halved.ST.to_numpy()
            else:
                table = morris_indices(salib_problem, x, y, spec.morris_levels, sampler_seed(spec.seed))
            table.insert(0, "metric", column.removeprefix("final_"))
            for name, value in zip(others, key if isinstance(key, tuple) else (key,), strict=True):
                table.insert(0, name, value)
            rows.append(table)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def incomplete_design(spec: ExperimentSpec, runs: pd.DataFrame, folder: object) -> str | None:
    """Why some sensitivity indices are missing, in one sentence: design points without a done run.

    `sensitivity` skips such a design (SALib needs every point), which left analysis/sensitivity.csv
    empty and the report without its section, and nothing said why.
    """
    if spec.design not in ("sobol", "morris") or runs.empty:
        return None
    done = runs.status == "done"
    if set(runs.sample_id) <= set(runs.sample_id[done]):
        return None
    failed = int((runs.status == "failed").sum())
    how = f"`python -m runs resume {folder}`" + (" --retry-failed" if failed else "")
    return (
        f"the {spec.design.capitalize()} indices need every run of the design and "
        f"{int((~done).sum())} of {len(runs)} runs are not done ({failed} failed), so they are "
        f"not computed for the incomplete design; finish it with {how} first"
    )


def _first_half(salib_problem: dict[str, Any], y: np.ndarray) -> np.ndarray | None:
    """The outputs of the first N/2 base samples (Saltelli rows come in blocks of D + 2 per sample)."""
    block = salib_problem["num_vars"] + 2
    n = len(y) // block
    return y[: (n // 2) * block] if n // 2 >= 2 else None


def sobol_checks(table: pd.DataFrame, samples: int) -> pd.DataFrame:
    """One row per metric (and level of other factors): has it converged, and can it support a claim?

    Flags, in plain words: indices that move by more than 0.05 between N/2 and N base samples;
    parameters whose 95% interval of ST is wider than ST itself; S1 above ST (impossible in
    theory, so noise). `converged` is true only when none of these holds. Parameters whose S1
    interval includes zero are listed apart (no first-order effect can be claimed for them).
    """
    if table.empty or "ST" not in table:
        return pd.DataFrame()
    keys = [c for c in table.columns if c not in SOBOL_COLUMNS]
    rows = []
    for key, group in table.groupby(keys, dropna=False, sort=False):
        where = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        change = (
            float(np.nanmax(np.abs(np.r_[group.S1 - group.S1_half, group.ST - group.ST_half])))
            if "ST_half" in group and group.ST_half.notna().any()
            else np.nan
        )
        wide = group.parameter[group.ST_conf > group.ST.abs()]
        s1_above = group.parameter[group.ST + group.ST_conf < group.S1]
        s1_zero = group.parameter[group.S1_conf > group.S1.abs()]
        problems = []
        if np.isnan(change):
            problems.append(f"cannot compare {samples // 2} with {samples} samples (too few, or constant)")
        elif change > CONVERGED_CHANGE:
            problems.append(
                f"indices moved by up to {change:.2f} between {samples // 2} and {samples} samples"
            )
        if len(wide):
            problems.append(f"ST intervals wider than ST for {', '.join(wide)}")
        if len(s1_above):
            problems.append(f"S1 above ST for {', '.join(s1_above)}")
        warning = "; ".join(problems)
        if problems:
            warning += f"; not converged: raise design.samples above {samples}"
        rows.append(
            {
                **where,
                "samples": samples,
                "max_change_half_to_full": change,
                "max_ST_conf": float(group.ST_conf.max()),
                "converged": not problems,
                "warning": warning,
                "S1_includes_zero": ", ".join(s1_zero),
            }
        )
    return pd.DataFrame(rows)


SOBOL_COLUMNS = {"parameter", "S1", "S1_conf", "ST", "ST_conf", "S1_half", "ST_half"}
