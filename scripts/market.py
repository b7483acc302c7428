"""The IPv4 market against its calibration targets, and what it changes, paired by seed.

Prints the Markdown tables of docs/VALIDATION.md §8 from the sweeps of
runs/experiments/validation/market_conditions.toml (four regimes; the market and entry
switched off in turn) and market_long.toml (40 years, across the spread of holders'
substitutes), with their seeds (root 42: replicate r has the same seed in every condition).
The outcomes are defined in `runs.outcomes.Market`: volumes are shares of the IPv4 the
registries administer (the mean over the run), counted from year 2 on (year 1 sells the stock
of idle space the model starts with, and is reported on its own); RIPE NCC's transfers are
scaled to the real population (÷ scale). Intervals are Student-t 95% over seeds. The reverse
flow is pooled over seeds (a ratio of sums), with the per-seed median and range.

    .venv/bin/python scripts/market.py --seeds 20 --scale 0.05 --out results/market.csv
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from runs.analysis import t_interval_text
from runs.validation import experiment, options, parser, results, run_script, write_table

REGIMES = ("none", "status_quo", "status_quo_2026", "mandatory")
RULES = ("bids", "bids_cut_by_needs", "bids_stopped_in_region", "counterpart_bids", "counterpart_capped")


def outcomes(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per finished run: condition, regime, market, entry, replicate, seed, outcomes."""
    done = runs[runs.status == "done"]
    settings = done.parameters.map(json.loads)
    finals = {c: c.removeprefix("final_") for c in done.columns if c.startswith("final_")}
    named = ["condition"] if "condition" in done else []
    frame = done[[*named, "replicate", "seed", *finals]].rename(columns=finals)
    frame.insert(len(named), "regime", settings.map(lambda p: p.get("regime", "status_quo")).to_numpy())
    frame.insert(len(named) + 1, "market", settings.map(lambda p: p.get("market", "on")).to_numpy())
    frame.insert(len(named) + 2, "entry", settings.map(lambda p: p.get("entry_rate") != 0.0).to_numpy())
    return frame


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) both sweeps and print the tables."""
    p = parser(__doc__)
    options(p)
    p.add_argument("--steps", type=int, default=240, help="months of the runs of the first tables")
    p.add_argument("--long", type=int, default=480, help="months of the long status-quo runs (price)")
    p.add_argument("--out", type=Path, default=None, help="CSV of every run's outcomes (default: none)")
    args = p.parse_args(argv)
    if args.long < 240 or args.steps < 60:
        p.error(f"--long must be at least 240 and --steps at least 60; got {args.long}, {args.steps}")
    how = {"scale": args.scale, "replications": args.seeds}
    table = outcomes(
        results(experiment("market_conditions").with_overrides(**how, steps=args.steps), args).runs
    )
    long_runs = results(experiment("market_long").with_overrides(**how, steps=args.long), args).runs
    spreads = outcomes(long_runs).assign(
        substitute_spread=long_runs[long_runs.status == "done"].substitute_spread
    )
    write_table(pd.concat([table.assign(table="conditions"), spreads.assign(table="long")]), args.out)
    on = table[(table.market == "on") & table.entry]
    long = spreads[spreads.substitute_spread == 0.5]  # the default spread
    status_quo = on[on.regime == "status_quo"]

    def cell(regime: str, column: str, digits: int = 3, factor: float = 1.0) -> str:
        if column not in on:  # a price after more years than the runs last
            return "-"
        values = on[on.regime == regime][column].dropna().to_numpy() * factor
        return t_interval_text(values, digits) if values.size > 1 else "-"

    print(f"Seeds {args.seeds}, scale {args.scale}, {args.steps} months; mean [95% t-interval] over seeds.\n")
    print("| outcome | observed | " + " | ".join(REGIMES) + " |")
    print("|---" * (len(REGIMES) + 2) + "|")
    targets = [
        (
            "all transfers, % of IPv4 a year (years 2-20)",
            "transferred",
            "RIPE ~2.9%, ARIN ~2.7% (2015)",
            3,
            100,
        ),
        ("all transfers in year 1, % of IPv4", "transferred_year1", "", 3, 100),
        ("ARIN members' sales, % of ARIN's IPv4 a year", "arin_own", "~2.7% (2015)", 3, 100),
        ("APNIC members' sales, % of APNIC's IPv4 a year", "apnic_own", "", 3, 100),
        ("RIPE NCC members' sales, % of its IPv4 a year", "ripe_own", "~2.9% (2024)", 3, 100),
        ("RIPE NCC transfers, M addresses a year (scale 1.0)", "ripe_addresses", "~24", 2, 1e-6),
        ("inter-RIR movement, % of IPv4 a year (years 2-20)", "inter_rir", "0.1-0.3%", 3, 100),
        ("... sales between registries, % a year", "inter_rir_sales", "", 3, 100),
        ("... registration moves, % a year", "inter_rir_moves", "", 3, 100),
        ("inter-RIR share of sales, %", "inter_share", "10-30%", 3, 100),
        ("legacy holders' share of space sold, %", "legacy_share", "~65% of ARIN's outbound", 3, 100),
        ("price after 5 years, USD", "price_5", "", 1, 1),
        ("price after 10 years, USD", "price_10", "", 1, 1),
        ("price after 20 years, USD", "price_20", "", 1, 1),
        ("highest price in 20 years, USD", "price_max", "", 1, 1),
        ("lowest price in 20 years, USD", "price_min", "", 1, 1),
    ]
    for label, column, target, digits, factor in targets:
        cells = [cell(regime, column, digits, factor) for regime in REGIMES]
        print(f"| {label} | {target} | " + " | ".join(cells) + " |")

    print("\nReverse flow: sales APNIC + RIPE NCC -> ARIN over sales ARIN -> APNIC + RIPE NCC")
    print("(observed ~0.2%).\n")
    print("| regime | pooled over seeds | per-seed median [min, max] | seeds below 5% |")
    print("|---|---|---|---|")
    for regime in REGIMES[1:]:
        r = on[on.regime == regime]
        ratio = (r.into_arin / r.out_of_arin.where(r.out_of_arin > 0)).dropna() * 100
        pooled = 100 * r.into_arin.sum() / max(r.out_of_arin.sum(), 1.0)
        print(
            f"| {regime} | {pooled:.1f}% | {ratio.median():.1f}% [{ratio.min():.1f}, {ratio.max():.1f}] "
            f"| {(ratio < 5).sum()} of {ratio.size} |"
        )

    print(f"\nThe price over {args.long // 12} years (status_quo, {args.seeds} seeds):")
    print("observed USD 11.25 (2011),")
    print(">= 20 (2019), ~40 (Oct 2021), 50-60 (Apr 2022), ~40 (2025, the model's start).\n")
    prices = long
    print("| after | " + " | ".join(f"{y} years" for y in (5, 10, 20, 30, 40) if 12 * y <= args.long) + " |")
    print("|---" * (1 + sum(12 * y <= args.long for y in (5, 10, 20, 30, 40))) + "|")
    cells = [t_interval_text(prices[f"price_{y}"], 1) for y in (5, 10, 20, 30, 40) if 12 * y <= args.long]
    print("| USD per address | " + " | ".join(cells) + " |")
    if args.long >= 480:
        growth = np.log(prices.price_40 / prices.price_30) / 10 * 100
        print(f"\nYearly growth of the price in years 30-40: {t_interval_text(growth, 2)} % a year.")

    print("\nWhat caps the price: the spread of what an address is worth to holders (status_quo).\n")
    print("| substitute_spread | after 20 years | after 40 years | yearly growth, years 30-40 |")
    print("|---|---|---|---|")
    for spread in (0.0, 0.25, 0.5):
        got = spreads[spreads.substitute_spread == spread]
        late = got.get("price_40", got.price_20 * np.nan)
        growth = np.log(late / got.get("price_30", late)) / 10 * 100
        cells = (t_interval_text(got.price_20, 1), t_interval_text(late, 1), t_interval_text(growth, 2))
        print(f"| {spread:g} | {cells[0]} | {cells[1]} | {cells[2]} % |")
    print(f"({args.seeds} seeds each; the 0.5 row is the table above's runs)")

    print(f"\nHow often the registries' rules bind (status_quo, {args.seeds} seeds, all months):\n")
    rules = status_quo[list(RULES)].sum().astype(int)
    print(f"- bids cut (or stopped) by the buyer's needs test: {rules.bids_cut_by_needs} of {rules.bids}")
    print(f"- bids stopped by LACNIC's in-region rule: {rules.bids_stopped_in_region} of {rules.bids}")
    print(
        f"- RIPE NCC buyers capped by the counterpart rule: {rules.counterpart_capped} of "
        f"{rules.counterpart_bids} RIPE NCC bids"
    )

    print("\nPaired differences (same seeds): quality experienced, last 5 years.\n")
    columns = ("market on, entry on", "market off, entry on", "market on, no entry", "market off, no entry")
    print("| comparison | " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|")
    wide = table.pivot_table(index=["market", "entry", "replicate"], columns="regime", values="quality_last5")
    for a, b in (("status_quo", "none"), ("mandatory", "status_quo")):
        cells = []
        for market, entry in (("on", True), ("off", True), ("on", False), ("off", False)):
            part = wide.loc[(market, entry)]
            cells.append(
                t_interval_text((part[a] - part[b]).to_numpy())
                if b in part and part[b].notna().all()
                else "-"
            )
        print(f"| {a} − {b} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    run_script(main)
