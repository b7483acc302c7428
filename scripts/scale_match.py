"""Do the outcomes at scale 0.02 match those at scale 0.2 over the Sobol ranges? Point by point.

Prints the Markdown table of docs/VALIDATION.md §7c from a sweep of
runs/experiments/validation/scale_match.toml: a Latin hypercube of the eight parameters the
regime Sobol indices explore (runs/experiments/sensitivity_regimes.toml), each point run at
scales 0.02 and 0.2 under each regime with the same seeds. Per regime and outcome (the mean of
the last five of ten years, `runs.outcomes.Summary`): the mean at each scale, the paired
difference (0.02 - 0.2) over points and seeds with its Student-t 95% interval, the largest
difference of a point's mean, and the correlation of the points' means across the two scales.

    .venv/bin/python scripts/scale_match.py
"""

from __future__ import annotations

import numpy as np

from runs.analysis import t_interval_text
from runs.validation import experiment, finished, options, parser, results, run_script

OUTCOMES = ("quality_last5", "worst_last5", "accountability_last5")
POINT = ["responsiveness", "effort_cost"]  # two of the Latin hypercube's coordinates name its point


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) the sweep and print the table."""
    p = parser(__doc__)
    options(p, seeds=None, scale=None)
    p.add_argument("--samples", type=int, default=None, help="Latin-hypercube points (default: the file's)")
    p.add_argument("--steps", type=int, default=None, help="months a run (default: the file's)")
    args = p.parse_args(argv)
    spec = experiment("scale_match").with_overrides(samples=args.samples, steps=args.steps)
    runs = finished(results(spec, args).runs)
    small, large = sorted(runs.scale.unique())
    print(
        f"| regime | outcome | scale {small:g} | scale {large:g} | paired difference | largest point "
        "difference | correlation of points |"
    )
    print("|---|---|---|---|---|---|---|")
    for condition in (c.name for c in spec.conditions):
        mine = runs[runs.condition == condition]
        for outcome in OUTCOMES:
            # a point is its parameters' values (its sample_id differs by scale, a factor crossed with it)
            runs_by = mine.pivot_table(index=[*POINT, "replicate"], columns="scale", values=outcome)
            points = runs_by.groupby(level=POINT).mean()
            d = (runs_by[small] - runs_by[large]).to_numpy()
            spread = np.ptp(points[small]) > 0 and np.ptp(points[large]) > 0
            r = f"{np.corrcoef(points[small], points[large])[0, 1]:.3f}" if spread else "n/a (constant)"
            print(
                f"| {condition} | {outcome} | {runs_by[small].mean():.3f} | {runs_by[large].mean():.3f} "
                f"| {t_interval_text(d)} | {np.abs(points[small] - points[large]).max():.3f} "
                f"| {r} |"
            )
    return 0


if __name__ == "__main__":
    run_script(main)
