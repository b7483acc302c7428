"""The full model beside the analytic benchmark (docs/VALIDATION.md §2c, docs/ODD.md §7.12).

Runs runs/experiments/validation/benchmark.toml: each regime, with one common fee schedule
and each registry's own. For each registry over the last five years of a 20-year run, the
stake its management weighed (USD a year per point of quality), its effort and quality;
beside them the closed form's effort and quality at that mean stake
(`agents.effort.effort_at_stake`, `steady_quality`). Means over registries, then Student-t
95% over seeds; the spread is the best registry's quality less the worst's.

    .venv/bin/python scripts/benchmark.py --seeds 20 --scale 0.02
"""

from __future__ import annotations

from pathlib import Path

from runs.analysis import t_interval_text as interval
from runs.validation import experiment, finished, options, parser, results, run_script, write_table


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) the sweep and print the table."""
    p = parser(__doc__)
    options(p, scale=0.02)
    p.add_argument("--out", type=Path, default=None, help="CSV of every run's outcomes (default: none)")
    args = p.parse_args(argv)
    spec = experiment("benchmark").with_overrides(scale=args.scale, replications=args.seeds)
    runs = results(spec, args).runs
    done = finished(runs)
    write_table(done, args.out)
    print(f"Scale {args.scale}, last 5 of 20 years, means over registries; Student-t 95% over seeds.\n")
    print("| regime | fees | stake, USD a year per point | effort | closed-form effort | quality "
          "| closed-form quality | full − closed form | registries' spread |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for (regime, fees), g in done.groupby(["regime", "fee_schedules"], sort=False):
        print(
            f"| {regime} | {fees} | {g.stake_usd.mean():,.0f} | {interval(g.effort)} | "
            f"{interval(g.analytic_effort)} | {interval(g.quality)} | {interval(g.analytic_quality)} | "
            f"{interval(g.quality - g.analytic_quality)} | {g.quality_spread.mean():.3f} |"
        )
    return 0


if __name__ == "__main__":
    run_script(main)
