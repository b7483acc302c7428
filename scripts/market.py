"""The IPv4 market against its calibration targets, and what it changes, paired by seed.

Prints the Markdown tables of docs/VALIDATION.md §3 and writes the per-seed outcomes to
`--out` (CSV). Every regime runs the same seeds (common random numbers); intervals are
Student-t 95% over seeds. Volumes are shares of all IPv4 the registries administer (the
mean over the run); RIPE NCC's transfers are scaled to the real population (÷ scale).

    .venv/bin/python scripts/market.py --seeds 20 --scale 0.05 --out results/market.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from model import PortabilityModel
from model.calibration import ADDRESSES_PER_BLOCK
from runs.analysis import t_interval_text

REGIMES = ("none", "status_quo", "status_quo_2026", "mandatory")


def run(seed: int, steps: int, **overrides: object) -> dict[str, float]:
    """One run's market outcomes (volumes a year; the price at 0, 5, 10 and 20 years)."""
    model = PortabilityModel(seed=seed, **overrides)
    for _ in range(steps):
        model.step()
    frame = model.model_frame()
    names = [r.name for r in model.registries]
    sold = pd.DataFrame(model.flow_sales, index=names, columns=names)
    moved = pd.DataFrame(model.flow_ipv4, index=names, columns=names)
    between = 1 - np.eye(len(names), dtype=np.int64)
    years = steps / 12
    mean_held = float(model.total_ipv4 - frame.pool_allocated.sum() / 2)  # /24s at mid-run (about)
    out_of_arin = sold.loc["ARIN", ["APNIC", "RIPE NCC"]].sum()  # sales: the stylised fact is about them
    into_arin = sold.loc[["APNIC", "RIPE NCC"], "ARIN"].sum()
    ripe = sold.loc["RIPE NCC"].sum() + sold["RIPE NCC"].sum() - sold.loc["RIPE NCC", "RIPE NCC"]
    price = frame.ipv4_price.to_numpy()
    last = frame.iloc[-60:]
    return {
        "transferred": float(frame.ipv4_transferred.sum() / years / mean_held),
        "inter_rir": float(frame.ipv4_inter_rir.sum() / years / mean_held),
        "inter_rir_sales": float((sold.values * between).sum() / years / mean_held),
        "inter_rir_moves": float((moved.values * between).sum() / years / mean_held),
        "inter_share": float((sold.values.sum() - np.trace(sold.values)) / max(sold.values.sum(), 1)),
        "reverse_ratio": float(into_arin / out_of_arin) if out_of_arin else np.nan,
        "ripe_addresses": float(ripe * ADDRESSES_PER_BLOCK / years / overrides["scale"]),
        "price_5": float(price[min(60, steps)]),
        "price_10": float(price[min(120, steps)]),
        "price_20": float(price[steps]),
        "price_max": float(price.max()),
        "price_min": float(price.min()),
        "quality": float(last.quality_experienced.mean()),
        "welfare": float(last.welfare.mean()),
        "holders_end": float(model.holders.size),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--steps", type=int, default=240)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = []
    for market in ("on", "off"):
        for regime in REGIMES:
            for seed in range(args.seeds):
                outcome = run(seed, args.steps, regime=regime, market=market, scale=args.scale)
                rows.append({"market": market, "regime": regime, "seed": seed, **outcome})
    table = pd.DataFrame(rows)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, index=False)
    on = table[table.market == "on"]

    def cell(regime: str, column: str, digits: int = 3, factor: float = 1.0) -> str:
        values = on[on.regime == regime][column].dropna().to_numpy() * factor
        return t_interval_text(values, digits) if values.size > 1 else "-"

    print(f"Seeds {args.seeds}, scale {args.scale}, {args.steps} months; mean [95% t-interval] over seeds.\n")
    print("| outcome | target | " + " | ".join(REGIMES) + " |")
    print("|---" * (len(REGIMES) + 2) + "|")
    targets = [
        ("all transfers, % of IPv4 a year", "transferred", "RIPE ~2.9%, ARIN ~2.7% (2015)", 3, 100),
        ("inter-RIR movement, % of IPv4 a year", "inter_rir", "0.1-0.3%", 3, 100),
        ("... of which sales", "inter_rir_sales", "", 3, 100),
        ("... of which registration moves", "inter_rir_moves", "", 3, 100),
        ("inter-RIR share of sales", "inter_share", "10-30%", 3, 100),
        ("sales APNIC+RIPE -> ARIN / ARIN -> APNIC+RIPE, %", "reverse_ratio", "~0.2%", 3, 100),
        ("RIPE NCC transfers, M addresses a year (scale 1.0)", "ripe_addresses", "~24", 2, 1e-6),
        ("price after 5 years, USD", "price_5", "rising from 40", 1, 1),
        ("price after 10 years, USD", "price_10", "", 1, 1),
        ("price after 20 years, USD", "price_20", "bounded", 1, 1),
        ("highest price in 20 years, USD", "price_max", "bounded", 1, 1),
        ("lowest price in 20 years, USD", "price_min", "no collapse", 1, 1),
    ]
    for label, column, target, digits, factor in targets:
        cells = [cell(regime, column, digits, factor) for regime in REGIMES]
        print(f"| {label} | {target} | " + " | ".join(cells) + " |")

    print("\nPaired differences (same seeds): quality experienced, last 5 years.\n")
    print("| comparison | market on | market off |")
    print("|---|---|---|")
    wide = table.pivot_table(index=["market", "seed"], columns="regime", values="quality")
    for a, b in (("status_quo", "none"), ("mandatory", "status_quo"), ("mandatory", "none")):
        cells = []
        for market in ("on", "off"):
            d = (wide.loc[market][a] - wide.loc[market][b]).to_numpy()
            cells.append(t_interval_text(d))
        print(f"| {a} − {b} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
