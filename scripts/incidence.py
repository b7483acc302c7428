"""Who gains and who pays: fees and welfare by holder size and registry, per regime (docs/VALIDATION.md §13).

Runs lock-in, today's transfers with AFRINIC's 2026 policy and mandatory portability for
`--seeds` seeds (drawn from one root, the same seed under each regime, so differences are
paired), reads each run's `incidence_frame()` and `registry_frame()`, and prints:

- by holder size class (IPv4 held: none, a /24, up to a /22, a /20, a /16, larger), over the
  last five of twenty years: the mean yearly fee a member pays and its mean yearly welfare
  (utility by the truth, USD), under each regime, with the paired difference from lock-in
  (Student-t 95% over seeds);
- by registry: the median member's fee at the start and after 10 and 20 years, its ratio
  to the start, the highest fee multiplier reached (the cap is `max_fee_multiplier`), and the
  seeds in which the registry closed.

Means over members weigh every member alike (a /24 holder counts as much as a /16 holder).

    .venv/bin/python scripts/incidence.py --seeds 20 --scale 0.05 --out results/incidence   # ~3-6 min
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model import PortabilityModel
from model.incidence import SIZE_CLASSES, by_size_class
from model.words import regime_title
from runs.analysis import t_interval_text as interval

REGIMES = ("none", "status_quo_2026", "mandatory")
MONTHS = 240
LAST = 60  # the last five years


def run(task: tuple[str, int, float]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One regime and seed: the incidence over the last five years and every registry's fee path."""
    regime, seed, scale = task
    model = PortabilityModel(regime=regime, seed=seed, scale=scale)
    model.run_model(MONTHS)
    classes = by_size_class(model.incidence_frame(), LAST).rename_axis("size_class").reset_index()
    classes.insert(0, "seed", seed)
    classes.insert(0, "regime", regime)
    reg = model.registry_frame()
    fees = reg[reg.step.isin([0, 120, MONTHS])].pivot(index="registry", columns="step", values="fee")
    paths = pd.DataFrame(
        {
            "fee_0": fees[0],
            "fee_120": fees[120],
            "fee_240": fees[MONTHS],
            "max_multiplier": reg.groupby("registry").fee.max() / fees[0],
            "closed": reg[reg.step == MONTHS].set_index("registry").status.eq("closed"),
        }
    ).reset_index()
    paths.insert(0, "seed", seed)
    paths.insert(0, "regime", regime)
    return classes, paths


def main(argv: list[str] | None = None) -> int:
    """Run every regime and seed, print the tables, write the CSVs."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seeds", type=int, default=20, help="seeds per regime (default: 20)")
    p.add_argument("--scale", type=float, default=0.05, help="share of the real holders (default: 0.05)")
    p.add_argument("--root", type=int, default=42, help="root seed the seeds are drawn from (default: 42)")
    p.add_argument("--workers", type=int, default=2, help="processes (default: 2)")
    p.add_argument("--out", type=Path, default=None, help="folder for the CSVs (default: none)")
    args = p.parse_args(argv)
    if args.seeds < 2 or not 0 < args.scale <= 1 or args.workers < 1:
        p.error(f"need --seeds >= 2 (got {args.seeds}), 0 < --scale <= 1 (got {args.scale}), --workers >= 1")
    seeds = [int(s) for s in np.random.SeedSequence(args.root).generate_state(args.seeds)]
    tasks = [(regime, seed, args.scale) for regime in REGIMES for seed in seeds]
    with ProcessPoolExecutor(args.workers) as pool:
        results = list(pool.map(run, tasks))
    classes = pd.concat([c for c, _ in results], ignore_index=True)
    fees = pd.concat([f for _, f in results], ignore_index=True)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        classes.to_csv(args.out / "classes.csv", index=False)
        fees.to_csv(args.out / "fees.csv", index=False)
    print(markdown(classes, fees, args))
    return 0


def markdown(classes: pd.DataFrame, fees: pd.DataFrame, args: argparse.Namespace) -> str:
    """The two tables of docs/VALIDATION.md §13."""
    lines = [
        f"Scale {args.scale}, {args.seeds} seeds (root {args.root}), last 5 of 20 years; "
        "Student-t 95% over seeds; differences paired by seed.",
        "",
        "| size class | regime | yearly fee, USD | welfare, USD a year | fee − lock-in | welfare − lock-in |",
        "|---|---|---|---|---|---|",
    ]
    values = ["fee_usd", "welfare_usd"]
    wide = classes.pivot_table(index=["size_class", "seed"], columns="regime", values=values)
    for label, _ in SIZE_CLASSES:
        if label not in wide.index.get_level_values(0):
            continue
        w = wide.loc[label]
        for regime in REGIMES:
            fee, welfare = w[("fee_usd", regime)].dropna(), w[("welfare_usd", regime)].dropna()
            paired = regime != "none"
            d_fee, d_wel = (
                (interval((w[(v, regime)] - w[(v, "none")]).dropna(), 0) if paired else "") for v in values
            )
            lines.append(
                f"| {label} | {regime_title(regime)} | {interval(fee, 0)} | {interval(welfare, 0)} "
                f"| {d_fee} | {d_wel} |"
            )
    lines += [
        "",
        "Each registry's median member fee (USD a year; mean over seeds):",
        "",
        "| regime | registry | start | after 10 years | after 20 years | 20 years / start "
        "| highest multiple | seeds closed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (regime, registry), g in fees.groupby(["regime", "registry"], sort=False):
        lines.append(
            f"| {regime_title(regime)} | {registry} | {g.fee_0.mean():,.0f} | {g.fee_120.mean():,.0f} "
            f"| {g.fee_240.mean():,.0f} | {(g.fee_240 / g.fee_0).mean():.2f} "
            f"| {g.max_multiplier.max():.2f} | {int(g.closed.sum())}/{len(g)} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
