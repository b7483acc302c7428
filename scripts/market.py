"""The IPv4 market against its calibration targets, and what it changes, paired by seed.

Prints the Markdown tables of docs/VALIDATION.md §8 and writes the per-seed outcomes to
`--out` (CSV). Every condition runs the same seeds (common random numbers); intervals are
Student-t 95% over seeds. Volumes are shares of the IPv4 the registries administer (the
mean over the run), counted from year 2 on (year 1 sells the stock of idle space the
model starts with, and is reported on its own); RIPE NCC's transfers are scaled to the real
population (÷ scale). The reverse flow is pooled over seeds (a ratio of sums), with the
per-seed median and range.

    .venv/bin/python scripts/market.py --seeds 20 --scale 0.05 --out results/market.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from agents.market import buy_orders, receive_caps
from model import PortabilityModel
from model.calibration import ADDRESSES_PER_BLOCK
from runs.analysis import t_interval_text

REGIMES = ("none", "status_quo", "status_quo_2026", "mandatory")
BURN_IN = 12  # months: the first year sells the idle stock the model starts with


class Binding:
    """How often each of the registries' transfer rules cuts what a buyer would take."""

    def __init__(self) -> None:
        self.bids = self.needs = self.counterpart_buyers = self.counterpart = self.in_region = 0

    def count(self, model: PortabilityModel) -> None:
        """This month's bids with and without the needs test, and the counterpart caps."""
        s, terms = model.holders, model.market_terms()
        no_test = terms._replace(needs_months=np.zeros_like(terms.needs_months))
        free = no_test._replace(in_region=np.zeros_like(terms.in_region))
        tested, untested, unruled = buy_orders(s, terms), buy_orders(s, no_test), buy_orders(s, free)
        kept = dict(zip(tested.holders.tolist(), tested.blocks.tolist(), strict=True))
        self.bids += unruled.holders.size
        self.needs += sum(
            1 for h, b in zip(untested.holders, untested.blocks, strict=True) if kept.get(h, 0) < b
        )
        self.in_region += unruled.holders.size - untested.holders.size
        caps = receive_caps(s, tested, terms)
        ruled = terms.counterpart_share[s.registry[tested.holders]] > 0
        self.counterpart_buyers += int(ruled.sum())
        self.counterpart += int((caps[ruled].min(axis=1) < tested.blocks[ruled]).sum())


def run(seed: int, steps: int, binding: Binding | None = None, **overrides: object) -> dict[str, float]:
    """One run's market outcomes."""
    model = PortabilityModel(seed=seed, **overrides)
    legacy_sold = 0
    for _ in range(steps):
        before = model.holders.ipv4.copy()
        model.step()
        if binding is not None:
            binding.count(model)
        s = model.holders
        sold = np.maximum(0, before - s.ipv4[: before.size])
        legacy_sold += int(sold[s.legacy[: before.size]].sum())
    frame = model.model_frame()
    names = [r.name for r in model.registries]
    sold = pd.DataFrame(model.flow_sales, index=names, columns=names)
    moved = pd.DataFrame(model.flow_ipv4, index=names, columns=names)
    between = 1 - np.eye(len(names), dtype=np.int64)
    after = frame[frame.step > BURN_IN]
    years = (steps - BURN_IN) / 12
    mean_held = float(model.total_ipv4 - frame.pool_allocated.sum() / 2)  # /24s at mid-run (about)
    registries = model.registry_frame()
    own = {}
    for name in ("ARIN", "APNIC", "RIPE NCC"):
        r = registries[(registries.registry == name) & (registries.step > BURN_IN)]
        held = r.ipv4.mean()
        # sales by the registry's members, in and out of it, over the registry's own space
        own[name] = (
            float(sold.loc[name].sum() + sold[name].sum() - sold.loc[name, name]) / (steps / 12) / held
        )
    ripe = sold.loc["RIPE NCC"].sum() + sold["RIPE NCC"].sum() - sold.loc["RIPE NCC", "RIPE NCC"]
    price = frame.ipv4_price.to_numpy()
    last = frame.iloc[-60:]
    total_sold = float(sold.values.sum())
    return {
        "transferred": float(after.ipv4_transferred.sum() / years / mean_held),
        "transferred_year1": float(frame.ipv4_transferred.iloc[1 : BURN_IN + 1].sum() / mean_held),
        "inter_rir": float(after.ipv4_inter_rir.sum() / years / mean_held),
        "inter_rir_sales": float((sold.values * between).sum() / (steps / 12) / mean_held),
        "inter_rir_moves": float((moved.values * between).sum() / (steps / 12) / mean_held),
        "inter_share": float((sold.values * between).sum() / max(total_sold, 1.0)),
        "legacy_share": float(legacy_sold / max(total_sold, 1.0)),
        "out_of_arin": float(sold.loc["ARIN", ["APNIC", "RIPE NCC"]].sum()),
        "into_arin": float(sold.loc[["APNIC", "RIPE NCC"], "ARIN"].sum()),
        "arin_own": own["ARIN"],
        "apnic_own": own["APNIC"],
        "ripe_own": own["RIPE NCC"],
        "ripe_addresses": float(ripe * ADDRESSES_PER_BLOCK / (steps / 12) / overrides["scale"]),
        **{f"price_{y}": float(price[min(12 * y, steps)]) for y in (5, 10, 20, 30, 40) if 12 * y <= steps},
        "price_max": float(price.max()),
        "price_min": float(price.min()),
        "quality": float(last.quality_experienced.mean()),
        "holders_end": float(model.holders.size),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--steps", type=int, default=240)
    parser.add_argument("--long", type=int, default=480, help="months of the long status-quo runs (price)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.long < 240 or args.steps < 60:
        parser.error(f"--long must be at least 240 and --steps at least 60; got {args.long}, {args.steps}")
    rows = []
    binding = Binding()
    for market in ("on", "off"):
        for entry in (True, False):
            regimes = REGIMES if (market, entry) == ("on", True) else ("status_quo", "mandatory")
            for regime in regimes:
                for seed in range(args.seeds):
                    kw = {"regime": regime, "market": market, "scale": args.scale}
                    if not entry:
                        kw["entry_rate"] = 0.0
                    counting = binding if (market, entry, regime) == ("on", True, "status_quo") else None
                    outcome = run(seed, args.steps, counting, **kw)
                    rows.append({"market": market, "entry": entry, "regime": regime, "seed": seed, **outcome})
    long = [run(seed, args.long, regime="status_quo", scale=args.scale) for seed in range(args.seeds)]
    table = pd.DataFrame(rows)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, index=False)
    on = table[(table.market == "on") & table.entry]

    def cell(regime: str, column: str, digits: int = 3, factor: float = 1.0) -> str:
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
    prices = pd.DataFrame(long)
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
        kw = {"regime": "status_quo", "scale": args.scale, "substitute_spread": spread}
        got = pd.DataFrame([run(s, args.long, **kw) for s in range(8)])
        late = got.get("price_40", got.price_20 * np.nan)
        growth = np.log(late / got.get("price_30", late)) / 10 * 100
        cells = (t_interval_text(got.price_20, 1), t_interval_text(late, 1), t_interval_text(growth, 2))
        print(f"| {spread:g} | {cells[0]} | {cells[1]} | {cells[2]} % |")
    print("(8 seeds each)")

    print(f"\nHow often the registries' rules bind (status_quo, {args.seeds} seeds, all months):\n")
    print(f"- bids cut (or stopped) by the buyer's needs test: {binding.needs} of {binding.bids}")
    print(f"- bids stopped by LACNIC's in-region rule: {binding.in_region} of {binding.bids}")
    print(
        f"- RIPE NCC buyers capped by the counterpart rule: {binding.counterpart} of "
        f"{binding.counterpart_buyers} RIPE NCC bids"
    )

    print("\nPaired differences (same seeds): quality experienced, last 5 years.\n")
    columns = ("market on, entry on", "market off, entry on", "market on, no entry", "market off, no entry")
    print("| comparison | " + " | ".join(columns) + " |")
    print("|---|---|---|---|---|")
    wide = table.pivot_table(index=["market", "entry", "seed"], columns="regime", values="quality")
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
    sys.exit(main())
