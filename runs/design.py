"""Design points: every combination of levels (factorial), samples of the ranges, or given points.

LHS uses scipy's `qmc.LatinHypercube`; Sobol (Saltelli) and Morris use SALib, so the points
are the ones its analysers expect. Levels of other factors (and named conditions, a factor of
their own) are crossed with the samples. `runs.bounds` counts the points without drawing them.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from scipy.stats import qmc

from runs.seeds import sampler_seed
from runs.spec import ExperimentSpec, Factor

__all__ = ["design_points", "problem"]


def problem(spec: ExperimentSpec) -> dict[str, Any]:
    """SALib's problem for the ranged factors, in spec order."""
    ranged = [f for f in spec.factors if f.kind == "range"]
    return {
        "num_vars": len(ranged),
        "names": [f.name for f in ranged],
        "bounds": [[f.low, f.high] for f in ranged],
    }


def design_points(spec: ExperimentSpec) -> pd.DataFrame:
    """One row per design point: `sample_id`, then a column per varying factor."""
    levels = [f for f in spec.varying if f.kind == "levels"]
    ranged = [f for f in spec.varying if f.kind in ("range", "points")]
    samples = _sample(spec, ranged) if ranged else np.empty((1, 0))
    rows = []
    for combination in itertools.product(*(f.levels for f in levels)):
        for point in samples:
            row = dict(zip([f.name for f in levels], combination, strict=True))
            row.update({f.name: _value(f, x) for f, x in zip(ranged, point, strict=True)})
            rows.append(row)
    frame = pd.DataFrame(rows, columns=[f.name for f in spec.varying])
    frame.insert(0, "sample_id", np.arange(len(frame)))
    return frame


def _sample(spec: ExperimentSpec, ranged: list[Factor]) -> np.ndarray:
    if spec.design == "points":  # given, not drawn: the i-th value of every list is point i
        return np.array([f.levels for f in ranged], dtype=float).T
    seed = sampler_seed(spec.seed)
    bounds = problem(spec)
    if spec.design == "sobol":
        return sobol_sample.sample(bounds, spec.samples, calc_second_order=False, seed=seed)
    if spec.design == "morris":
        return morris_sample.sample(bounds, spec.samples, num_levels=spec.morris_levels, seed=seed)
    unit = qmc.LatinHypercube(d=len(ranged), seed=np.random.default_rng(seed)).random(spec.samples)
    return qmc.scale(unit, [f.low for f in ranged], [f.high for f in ranged])


def _value(factor: Factor, x: float) -> Any:
    return round(x) if factor.integer else float(x)
