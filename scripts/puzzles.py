"""Three puzzles of the earlier model, explained with runs (docs/VALIDATION.md §2e).

Runs runs/experiments/validation/puzzles.toml, paired by seed: (1) voice off changed
nothing under portability: the voices raised, under mandatory portability at the assumed
aspiration and at a higher one, with voice on and off; (2) the hold period changed nothing:
today's transfers with no hold, a year's (the default) and three years', with the moves
the hold held back and the holders who moved twice; (3) today's transfers scored lower with
AFRINIC's 2026 policy: AFRINIC's inbound moves and its share of IPv4, with each registry's
own fees and with one common schedule.

    .venv/bin/python scripts/puzzles.py --seeds 20 --scale 0.02
"""

from __future__ import annotations

from pathlib import Path

from runs.analysis import t_interval_text as interval
from runs.validation import experiment, finished, options, parser, results, run_script, write_table

COLUMNS = ("voices", "held_back", "repeat_movers", "into_afrinic", "afrinic_share_change")
PAIRS = (  # (condition, against): the paired differences the explanations rest on
    ("mandatory, voice off", "mandatory"),
    ("mandatory, aspiration 0.9, voice off", "mandatory, aspiration 0.9"),
    ("status quo, hold 0", "status quo"),
    ("status quo, hold 36", "status quo"),
    ("status quo 2026", "status quo"),
    ("status quo 2026, common fees", "status quo, common fees"),
)


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) the sweep and print the tables."""
    p = parser(__doc__)
    options(p, scale=0.02)
    p.add_argument("--out", type=Path, default=None, help="CSV of every run's outcomes (default: none)")
    args = p.parse_args(argv)
    spec = experiment("puzzles").with_overrides(scale=args.scale, replications=args.seeds)
    runs = results(spec, args).runs
    done = finished(runs)
    write_table(done, args.out)
    print(
        f"Scale {args.scale}, {done.replicate.nunique()} seeds, 20-year runs; means "
        "(quality: Student-t 95%).\n"
    )
    print("| condition | quality, last 5 years | voices | held back by the hold | repeat movers "
          "| moves into AFRINIC | AFRINIC's IPv4 share change |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for c in spec.conditions:
        g = done[done.condition == c.name]
        print(
            f"| {c.name} | {interval(g.quality_last5)} | "
            + " | ".join(f"{g[col].mean():.4g}" for col in COLUMNS)
            + " |"
        )
    print("\nPaired differences in quality (condition − against, same seed):\n")
    print("| condition | against | difference | seeds exactly equal |")
    print("|---|---|---|---|")
    wide = done.pivot_table(index="replicate", columns="condition", values="quality_last5")
    for condition, against in PAIRS:
        d = (wide[condition] - wide[against]).dropna()
        print(f"| {condition} | {against} | {interval(d, 4)} | {int((d == 0).sum())}/{len(d)} |")
    return 0


if __name__ == "__main__":
    run_script(main)
