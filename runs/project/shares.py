"""A projection's conclusions: in what share of plausible worlds each option beats the status quo.

Each world was run under every option with the same seed, so an option is compared with the
baseline world by world (a paired difference, signed so that positive is better). Per option
and measure: the share of worlds in which the option is better, as good (equal to the last
digit: no disputes, no registry drained), or worse, each with a percentile-bootstrap 95%
interval over the worlds; and the mean paired difference with its Student-t interval.

Where an option fails to beat the status quo on quality in some worlds but not all, PRIM
(`runs.discover.find_box`) names the box of parameters in which it fails: the box of largest
coverage in which at least `min_density` of the worlds fail (with at least `MIN_FAILING` failing
worlds: a box around two or three worlds would describe those worlds, not a region).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from runs.analysis import CONFIDENCE, t_interval
from runs.outcomes.projection import MEASURES
from runs.project.spec import ProjectionSpec

__all__ = ["TIE", "failure_boxes", "paired", "shares"]

TIE = 1e-9  # a difference this small is no difference (equal runs give exactly 0)
MIN_FAILING = 10  # PRIM needs some cases of interest: with fewer, a box describes a handful of worlds
RESAMPLES = 2000


def paired(finals: pd.DataFrame, spec: ProjectionSpec) -> pd.DataFrame:
    """Per stress, option other than the baseline, world and measure: the difference, positive = better."""
    rows = []
    for _, option, stress in spec.conditions():
        if option.name == spec.baseline:
            continue
        under = finals[finals.stress == stress.name]
        base = under[under.option == spec.baseline].set_index("world")
        mine = under[under.option == option.name].set_index("world")
        worlds = mine.index.intersection(base.index)
        for name, measure in MEASURES.items():
            if name not in finals:  # an outcome no run reported (an older projection's runs)
                continue
            sign = 1.0 if measure.higher_is_better else -1.0
            diff = sign * (mine.loc[worlds, name] - base.loc[worlds, name])
            rows.append(
                pd.DataFrame(
                    {"stress": stress.name, "option": option.name, "measure": name, "world": worlds}
                    | {"better_by": diff.to_numpy(dtype=float)}
                )
            )
    return pd.concat(rows, ignore_index=True)


def _share_interval(flags: np.ndarray, rng: np.random.Generator) -> tuple[float, float]:
    n = len(flags)
    means = flags[rng.integers(0, n, size=(RESAMPLES, n))].mean(axis=1)
    alpha = (1 - CONFIDENCE) / 2
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))


def shares(differences: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Per option and measure: shares of worlds better / as good / worse, and the mean difference."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    rows = []
    for (stress, option, measure), group in differences.groupby(["stress", "option", "measure"], sort=False):
        d = group.better_by.to_numpy(dtype=float)
        d = d[np.isfinite(d)]
        if d.size == 0:
            continue
        better, worse = d > TIE, d < -TIE
        mean, low, high = t_interval(d)
        row = {"stress": stress, "option": option, "measure": measure, "worlds": d.size}
        for word, flags in (("better", better), ("as_good", ~better & ~worse), ("worse", worse)):
            lo, hi = _share_interval(flags.astype(float), rng)
            row |= {f"{word}": flags.mean(), f"{word}_low": lo, f"{word}_high": hi}
        row |= {"mean_better_by": mean, "mean_low": low, "mean_high": high}
        row |= {"p05_better_by": float(np.percentile(d, 5)), "p95_better_by": float(np.percentile(d, 95))}
        rows.append(row)
    return pd.DataFrame(rows)


def failure_boxes(
    differences: pd.DataFrame, inputs: pd.DataFrame, spec: ProjectionSpec, measure: str = "quality_after"
) -> dict[tuple[str, str], pd.DataFrame | str]:
    """Per (stress, option): PRIM's box of the worlds where it does not beat the status quo on `measure`.

    `inputs`: one row per world (index `world`), a column per parameter that varies across
    worlds. An option that beats (or fails) in every world has no box: its entry says so.
    """
    from runs.discover import find_box

    boxes: dict[tuple[str, str], pd.DataFrame | str] = {}
    for key, group in differences[differences.measure == measure].groupby(["stress", "option"], sort=False):
        group = group[np.isfinite(group.better_by)]
        fails = (group.better_by <= TIE).to_numpy()
        if not fails.any() or fails.all():
            boxes[key] = (
                "beats the status quo in every world"
                if not fails.any()
                else "beats it in no world (as good or worse in every one)"
            )
            continue
        if fails.sum() < MIN_FAILING:
            boxes[key] = f"fails in {int(fails.sum())} of {len(fails)} worlds: too few for a box"
            continue
        x = inputs.loc[group.world].reset_index(drop=True)
        x = x.loc[:, x.nunique() > 1]
        found = find_box(x, fails, spec.min_density)
        limits = found.limits.assign(coverage=found.coverage, density=found.density, mass=found.mass)
        boxes[key] = limits.assign(failing=int(fails.sum()), worlds=len(fails))
    return boxes
