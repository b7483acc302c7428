"""Scenario discovery: where in parameter space does an outcome hold (PRIM, from ema_workbench).

    python -m runs discover DIR --outcome accountability --threshold 0.3 [--below]

Each finished run is a case: its varying parameters are the inputs, and "the final value of
the outcome is at or above the threshold" (below, with `--below`) is the case of interest.
PRIM (Friedman & Fisher 1999, as in the EMA Workbench; Bryant & Lempert 2010) peels the
parameter space down to a box that holds the cases of interest. Along its peeling
trajectory, *coverage* (the share of all cases of interest inside the box) falls as
*density* (the share of cases inside the box that are of interest) rises; the box chosen is
the one of highest coverage whose density reaches `min_density`.

Written to DIR/discovery/OUTCOME-above-THRESHOLD/: trajectory.csv, box.csv (each parameter's
limits, and whether the box restricts it) and discovery.png/pdf (the trade-off and the box).
Needs the `analysis` extra: pip install -e ".[analysis]".
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from runs.errors import SweepError
from runs.files import write_csv
from runs.spec import ExperimentSpec
from runs.store import SweepStore

__all__ = ["Discovery", "discover", "find_box"]


@dataclass
class Discovery:
    """The box PRIM found: its limits, coverage, density and mass, and the whole trajectory."""

    limits: pd.DataFrame  # parameter, low, high, full_low, full_high, restricted
    coverage: float
    density: float
    mass: float
    trajectory: pd.DataFrame
    chosen: int
    reached: bool  # whether any box reached the density asked for (else: the densest box)


def find_box(x: pd.DataFrame, y: np.ndarray, min_density: float = 0.8) -> Discovery:
    """PRIM on inputs `x` and a boolean `y`: the highest-coverage box of density >= `min_density`."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ema_workbench warns about optional packages on import
            from ema_workbench.analysis import prim
    except ImportError:
        raise SweepError('discover needs ema_workbench: pip install -e ".[analysis]"') from None
    y = np.asarray(y, dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # ema_workbench's own use of pandas
        warnings.filterwarnings("ignore", message=".*inplace keyword.*")
        box = prim.Prim(x.reset_index(drop=True), y).find_box()
    trajectory = box.peeling_trajectory.copy()
    eligible = trajectory[trajectory.density >= min_density]
    if eligible.empty:
        chosen = int(trajectory.density.idxmax())
    else:
        best = eligible[eligible.coverage == eligible.coverage.max()]
        chosen = int(best.density.idxmax())
    box.select(chosen)
    full, limits = box.box_lims[0], box.box_lims[chosen]
    rows = []
    for name in x.columns:
        low, high = limits[name].iloc[0], limits[name].iloc[1]
        full_low, full_high = full[name].iloc[0], full[name].iloc[1]
        if isinstance(low, set):  # a categorical input: the box keeps a set of its values
            rows.append(
                {
                    "parameter": name,
                    "low": ", ".join(sorted(map(str, low))),
                    "high": "",
                    "full_low": ", ".join(sorted(map(str, full_low))),
                    "full_high": "",
                    "restricted": low != full_low,
                }
            )
        else:
            restricted = bool(low > full_low or high < full_high)
            rows.append(
                {
                    "parameter": name,
                    "low": float(low),
                    "high": float(high),
                    "full_low": float(full_low),
                    "full_high": float(full_high),
                    "restricted": restricted,
                }
            )
    point = trajectory.loc[chosen]
    return Discovery(
        limits=pd.DataFrame(rows),
        coverage=float(point.coverage),
        density=float(point.density),
        mass=float(point.mass),
        trajectory=trajectory,
        chosen=chosen,
        reached=not eligible.empty,
    )


def discover(
    folder: str | Path,
    *,
    outcome: str,
    threshold: float,
    below: bool = False,
    min_density: float = 0.8,
) -> str:
    """Run PRIM on a sweep's finished runs; write tables and a figure; return a plain summary."""
    folder = Path(folder)
    store = SweepStore(folder)
    results = store.load()
    spec = ExperimentSpec.from_text(store.spec_text())
    done = results.runs[results.runs.status == "done"]
    column = f"final_{outcome}"
    finals = sorted(c.removeprefix("final_") for c in done.columns if c.startswith("final_"))
    if column not in done:
        raise SweepError(
            f"--outcome {outcome!r} is not a final metric of {folder}; valid: {', '.join(finals)}"
        )
    inputs = [f.name for f in spec.varying]
    if not inputs:
        raise SweepError(f"{folder}: no parameter varies in this sweep; PRIM needs a design over parameters")
    values = done[column].to_numpy(dtype=float)
    y = values < threshold if below else values >= threshold
    rule = f"{'<' if below else '>='} {threshold:g}"
    if not y.any() or y.all():
        which = "no run" if not y.any() else "every run"
        raise SweepError(
            f"--threshold {threshold:g}: {which} has {outcome} {rule} (it ranges over "
            f"[{values.min():.4g}, {values.max():.4g}]); choose a threshold inside that range"
        )
    x = done[inputs].copy()
    for name in inputs:
        if not pd.api.types.is_numeric_dtype(x[name]):
            x[name] = x[name].astype("category")
    found = find_box(x, y, min_density)
    out = folder / "discovery" / f"{outcome}-{'below' if below else 'above'}-{threshold:g}"
    write_csv(out / "trajectory.csv", found.trajectory)
    write_csv(out / "box.csv", found.limits)
    figure = _figure(found, outcome, rule, out)
    return _summary(found, outcome, rule, int(y.sum()), len(y), min_density, out, figure)


def _summary(
    found: Discovery, outcome: str, rule: str, hits: int, n: int, min_density: float, out: Path, figure: Path
) -> str:
    from model.words import param_label
    from runs.report.labels import metric_label

    lines = [
        f"PRIM: {metric_label(outcome, unit=False)} {rule} in {hits} of {n} runs.",
        f"Box {found.chosen} of the peeling trajectory "
        + (
            f"(highest coverage with density >= {min_density:g}): "
            if found.reached
            else f"(no box reaches density {min_density:g}; this is the densest): "
        )
        + f"coverage {found.coverage:.2f}, density {found.density:.2f}, mass {found.mass:.2f}.",
    ]
    restricted = found.limits[found.limits.restricted]
    if restricted.empty:
        lines.append("The box restricts no parameter: the outcome holds throughout the design.")
    for _, r in restricted.iterrows():
        if r.high == "":
            lines.append(f"  {param_label(r.parameter)} in {{{r.low}}} (of {{{r.full_low}}})")
        else:
            lines.append(
                f"  {param_label(r.parameter)} in [{r.low:.4g}, {r.high:.4g}] "
                f"(of [{r.full_low:.4g}, {r.full_high:.4g}])"
            )
    lines.append(f"wrote {out / 'box.csv'}, {out / 'trajectory.csv'}, {figure}")
    return "\n".join(lines)


def _number(value: float) -> str:
    """Three significant digits, without an exponent for thousands (9,812 rather than 9.81e+03)."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _figure(found: Discovery, outcome: str, rule: str, out: Path) -> Path:
    import textwrap

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from model.words import PALETTE, param_label
    from runs.report.labels import STYLE, metric_label
    from runs.report.layout import save_figure

    numeric = found.limits[found.limits.high != ""]
    with plt.rc_context(STYLE):
        fig, (left, right) = plt.subplots(
            1, 2, figsize=(11, 0.6 * max(len(numeric), 4) + 2.4), layout="constrained",
            gridspec_kw={"width_ratios": [1, 1.2]},
        )  # fmt: skip
        t = found.trajectory
        points = left.scatter(t.coverage, t.density, c=t.res_dim, cmap="viridis", s=22)
        chosen = PALETTE[4]
        left.scatter([found.coverage], [found.density], s=120, facecolors="none", edgecolors=chosen, lw=2)
        left.annotate(
            f"chosen: box {found.chosen}", (found.coverage, found.density), xytext=(0.08, 0.1),
            textcoords="axes fraction", color=chosen, arrowprops={"arrowstyle": "->", "color": chosen},
        )  # fmt: skip
        left.set(xlabel="coverage", ylabel="density", title="Peeling trajectory")
        fig.colorbar(points, ax=left, label="parameters restricted")
        labels = []
        for y, (_, r) in enumerate(numeric.iterrows()):
            span = (r.full_high - r.full_low) or 1.0
            low, high = (r.low - r.full_low) / span, (r.high - r.full_low) / span
            colour = PALETTE[0] if r.restricted else "0.75"
            right.plot([0, 1], [y, y], color="0.9", lw=6, solid_capstyle="butt")
            right.plot([low, high], [y, y], color=colour, lw=6, solid_capstyle="butt")
            low, high, full_low, full_high = (_number(v) for v in (r.low, r.high, r.full_low, r.full_high))
            limits = f"{low} to {high} (of {full_low} to {full_high})"
            labels.append(f"{param_label(r.parameter)}\n{limits}")
        right.set_yticks(range(len(numeric)), labels)
        right.set_xlim(-0.02, 1.02)
        right.set_ylim(len(numeric) - 0.5, -0.5)
        right.set(xlabel="share of the design's range", title="The box (restricted in colour)")
        title = (
            f"Where {metric_label(outcome, unit=False).lower()} {rule}: "
            f"coverage {found.coverage:.2f}, density {found.density:.2f}"
        )
        fig.suptitle(textwrap.fill(title, 90))
        save_figure(fig, out, "discovery")
    return out / "discovery.png"
