"""Measure what the model says about the stylised facts listed in docs/VALIDATION.md, over seeds.

    python scripts/validate.py [--seeds 6] [--scale 0.05] [--months 240] > validation.md

Prints Markdown tables (mean and 95% interval over seeds); docs/VALIDATION.md quotes them.
Nothing here is tuned to a number: the tables are what the rules produce at the defaults.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from agents.state import Action
from model import PortabilityModel
from model.calibration import load_calibration
from model.params import Params
from model.population import build_population
from runs.analysis import t_interval


def ci(values: list[float]) -> str:
    """Mean +/- the half-width of a Student-t 95% interval over seeds."""
    mean, low, high = t_interval(values)
    half = (high - low) / 2 if len(values) > 1 else 0.0
    return f"{mean:.4f} ± {half:.4f}"


def run(months: int, seed: int, scenario: str = "status_quo", **overrides) -> PortabilityModel:
    model = PortabilityModel.from_scenario(scenario, seed=seed, **overrides)
    for _ in range(months):
        model.step()
    return model


def holdings_table() -> pd.DataFrame:
    registries = load_calibration().registries
    population = build_population(registries, Params(scale=1.0), np.random.default_rng(0))
    rows = []
    for r, spec in enumerate(registries):
        held = np.sort(population.ipv4[population.home == r])
        n, cumulative = held.size, np.cumsum(held)
        gini = (n + 1 - 2 * cumulative.sum() / cumulative[-1]) / n
        rows.append(
            {
                "registry": spec.name,
                "holders": n,
                "Gini": round(gini, 3),
                "top 1% share": round(held[-n // 100 :].sum() / held.sum(), 2),
                "top 10 share": round(held[-10:].sum() / held.sum(), 2),
                "median (/24s)": int(np.median(held)),
            }
        )
    return pd.DataFrame(rows)


def regimes_table(seeds: range, scale: float, months: int) -> pd.DataFrame:
    rows = []
    for regime in ("none", "status_quo", "mandatory"):
        q, worst, moved, share_drift, acc = [], [], [], [], []
        for seed in seeds:
            m = run(months, seed, regime=regime, scale=scale)
            f, reg = m.model_frame(), m.registry_frame()
            late = f[f.step > months - 60]
            q.append(late.quality_experienced.mean())
            worst.append(late.worst_quality.mean())
            moved.append(100 * f.moved_ipv4.sum() / m.total_ipv4 / (months / 12))
            start = reg[reg.step == 0].set_index("registry").ipv4_share
            end = reg[reg.step == months].set_index("registry").ipv4_share
            share_drift.append((end - start).abs().max())
            acc.append(late.accountability.mean())
        rows.append(
            {
                "regime": regime,
                "quality experienced (last 5 y)": ci(q),
                "worst registry's quality": ci(worst),
                "IPv4 moved, % a year": ci(moved),
                "largest IPv4-share change": ci(share_drift),
                "accountability": ci(acc),
            }
        )
    return pd.DataFrame(rows)


def delay_table(seeds: range, scale: float, months: int) -> pd.DataFrame:
    rows = []
    for delay in (0.0, 1.0, 3.0, 6.0, 12.0, 24.0):
        q = [
            run(months, s, regime="mandatory", scale=scale, porting_delay=delay)
            .model_frame()
            .query(f"step > {months - 60}")
            .quality_experienced.mean()
            for s in seeds
        ]
        rows.append({"porting delay (months)": delay, "quality experienced (mandatory)": ci(q)})
    base = [
        run(months, s, regime="none", scale=scale)
        .model_frame()
        .query(f"step > {months - 60}")
        .quality_experienced.mean()
        for s in seeds
    ]
    rows.append({"porting delay (months)": "no portability", "quality experienced (mandatory)": ci(base)})
    return pd.DataFrame(rows)


def _failure(scenario: str, seed: int, scale: float, months: int, **overrides) -> dict:
    """One failure run: who leaves AFRINIC and when, voice, risk, recovery."""
    m = PortabilityModel.from_scenario(scenario, seed=seed, scale=scale, **overrides)
    failed = next(r.index for r in m.registries if r.name == "AFRINIC")
    s = m.holders
    n = s.size  # the members at the start (entrants join after them)
    members0 = s.registry == failed
    ipv4_0 = s.ipv4.copy()  # holdings at the start (sales change them later)
    left_at = np.full(n, -1)
    voices = 0
    for step in range(1, months + 1):
        m.step()
        voices += int(np.count_nonzero((m.decisions.action[:n] == Action.VOICE) & members0))
        left_at[members0 & (s.registry[:n] != failed) & (left_at < 0)] = step
    afr = m.registry_frame().query("registry == 'AFRINIC'")
    end_of_event = 12 + 39
    ok = afr[(afr.step >= end_of_event) & (afr.quality >= 0.65)]
    leavers = np.flatnonzero(left_at > 0)
    first = leavers[np.argsort(left_at[leavers], kind="stable")][: max(1, leavers.size // 4)]
    return {
        "members": np.count_nonzero(s.registry[:n] == failed) / members0.sum(),  # of the first members
        "at_risk": m.model_frame().ipv4_at_risk.sum() / 12,
        "voice": voices / members0.sum(),
        "first_size": np.median(ipv4_0[first]) / np.median(ipv4_0[members0]) if leavers.size else np.nan,
        "first_wq": s.w_quality[first].mean() / s.w_quality[:n][members0].mean() if leavers.size else np.nan,
        "recovery": float(ok.step.iloc[0] - end_of_event) if len(ok) else np.nan,
    }


def _ci_or(values: list[float], otherwise: str) -> str:
    kept = [v for v in values if v == v]  # drop NaN
    return ci(kept) if kept else otherwise


def failure_table(seeds: range, scale: float, months: int) -> pd.DataFrame:
    rows = []
    for scenario in ("registry_failure_locked", "registry_failure_portable"):
        runs = [_failure(scenario, seed, scale, months) for seed in seeds]
        rows.append(
            {
                "scenario": scenario,
                "AFRINIC's first members still there": ci([r["members"] for r in runs]),
                "IPv4 at risk (share-years)": ci([r["at_risk"] for r in runs]),
                "voices per original member": ci([r["voice"] for r in runs]),
                "first quarter of leavers: median holding / members'": _ci_or(
                    [r["first_size"] for r in runs], "no one left"
                ),
                "first quarter of leavers: quality weight / members'": _ci_or(
                    [r["first_wq"] for r in runs], "no one left"
                ),
                "months to quality 0.65 after governance returns": _ci_or(
                    [r["recovery"] for r in runs], "never"
                ),
            }
        )
    return pd.DataFrame(rows)


def exit_cost_table(seeds: range, scale: float, months: int) -> pd.DataFrame:
    rows = []
    for cost in (0.0, 2_000.0, 10_000.0, 50_000.0, 250_000.0):  # USD for a /22 holder
        runs = [
            _failure("registry_failure_portable", seed, scale, months, switching_cost=cost) for seed in seeds
        ]
        recovered = [r["recovery"] for r in runs]
        rows.append(
            {
                "switching cost (USD, /22)": cost,
                "AFRINIC's first members still there": ci([r["members"] for r in runs]),
                "recovered (runs)": f"{sum(x == x for x in recovered)} of {len(runs)}",
                "months to quality 0.65 after governance returns": _ci_or(recovered, "never"),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--months", type=int, default=240)
    args = parser.parse_args()
    seeds = range(args.seeds)
    print(
        f"Seeds 0-{args.seeds - 1}, scale {args.scale}, {args.months} months; "
        "mean ± 95% interval over seeds.\n"
    )
    for title, table in [
        ("Initial holdings at scale 1.0 (seed 0)", holdings_table()),
        ("Regimes", regimes_table(seeds, args.scale, args.months)),
        ("Porting delay (dose-response)", delay_table(seeds, args.scale, args.months)),
        ("Registry failure", failure_table(seeds, args.scale, args.months)),
        (
            "Registry failure under mandatory portability, by switching cost",
            exit_cost_table(seeds, args.scale, args.months),
        ),
    ]:
        print(f"### {title}\n\n{table.to_markdown(index=False)}\n")


if __name__ == "__main__":
    main()
