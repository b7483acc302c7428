"""Does the portability effect depend on the population's scale? Paired by seed, by scale.

Prints the Markdown table of docs/VALIDATION.md §5 from sweeps of
runs/experiments/validation/scale.toml (lock-in and mandatory portability), one at each
scale asked for, with its own number of replicates, all from root seed 42 (replicate r has
the same seed at every scale and under both regimes). Outcome (`runs.outcomes.Summary`):
quality experienced, the mean of the last five of twenty years; intervals are Student-t 95%
over seeds. "Seconds a run" is the mean time a run took, as each run recorded it.

    .venv/bin/python scripts/scale.py --scales 0.02 0.2 1.0 --seeds 20 20 5
"""

from __future__ import annotations

from runs.analysis import t_interval_text
from runs.validation import experiment, options, parser, results, run_script


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) one sweep per scale and print the table."""
    p = parser(__doc__)
    options(p, seeds=None, scale=None)
    p.add_argument("--scales", type=float, nargs="+", default=[0.02, 0.2, 1.0], help="population scales")
    p.add_argument(
        "--seeds", type=int, nargs="+", default=[20, 20, 5], help="replicates at each scale, in order"
    )
    args = p.parse_args(argv)
    if len(args.seeds) != len(args.scales):
        p.error(f"--seeds needs one count per scale ({len(args.scales)}); got {len(args.seeds)}")
    print("| scale | seeds | none | mandatory | paired difference | seconds a run |")
    print("|---|---|---|---|---|---|")
    for scale, seeds in zip(args.scales, args.seeds, strict=True):
        spec = experiment("scale").with_overrides(scale=scale, replications=seeds)
        runs = results(spec, args).runs
        done = runs[runs.status == "done"]
        per_run = done.duration.mean()  # each run's own time, as recorded
        done = done.pivot_table(index="replicate", columns="regime", values="final_quality_last5")
        cells = [t_interval_text(x) for x in (done.none, done.mandatory, done.mandatory - done.none)]
        print(f"| {scale:g} | {seeds} | " + " | ".join(cells) + f" | {per_run:.1f} |")
    return 0


if __name__ == "__main__":
    run_script(main)
