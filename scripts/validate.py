"""Measure what the model says about the stylised facts listed in docs/VALIDATION.md, over seeds.

Prints the Markdown tables of docs/VALIDATION.md §6 (mean ± the half-width of a Student-t 95%
interval over seeds), from the sweeps of runs/experiments/regimes.toml,
runs/experiments/validation/delay.toml and runs/experiments/validation/recovery.toml (the
same sweep as scripts/hirschman.py's), with their seeds (root 42). The outcomes are defined
in `runs.outcomes` (Summary, Recovery). The initial holdings are drawn, not run (seed 0).
Nothing here is tuned to a number: the tables are what the rules produce at the defaults.

    .venv/bin/python scripts/validate.py --seeds 20 --scale 0.05 --months 240
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.calibration import load_calibration
from model.params import Params
from model.population import build_population
from runs.analysis import t_interval
from runs.validation import experiment, options, parser, results, run_script


def ci(values: list[float] | pd.Series) -> str:
    """Mean +/- the half-width of a Student-t 95% interval over seeds."""
    mean, low, high = t_interval(values)
    half = (high - low) / 2 if len(values) > 1 else 0.0
    return f"{mean:.4f} ± {half:.4f}"


def holdings_table(scales: tuple[float, ...] = (1.0,)) -> pd.DataFrame:
    """The initial holdings per registry (seed 0): holders, and how concentrated their IPv4 is.

    Every holder counts, those of AS numbers or IPv6 only (no IPv4) too; at scale 1.0 these
    are the real accounts of October 2018, at a smaller scale the sample the model draws.
    """
    registries = load_calibration().registries
    rows = []
    for scale in scales:
        population = build_population(registries, Params(scale=scale), np.random.default_rng(0))
        for r, spec in enumerate(registries):
            held = np.sort(population.ipv4[population.home == r])
            n, cumulative = held.size, np.cumsum(held)
            gini = (n + 1 - 2 * cumulative.sum() / cumulative[-1]) / n
            rows.append(
                {
                    "scale": scale,
                    "registry": spec.name,
                    "holders": n,
                    "with IPv4": int(np.count_nonzero(held)),
                    "Gini": round(gini, 3),
                    "largest holder's share": round(held[-1] / held.sum(), 3),
                    "top 1% share": round(held[-max(n // 100, 1) :].sum() / held.sum(), 2),
                    "top 10 share": round(held[-10:].sum() / held.sum(), 2),
                    "median (/24s)": float(np.median(held)),
                }
            )
    return pd.DataFrame(rows)


def regimes_table(regimes: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for regime, g in regimes.groupby("regime", sort=False):
        rows.append(
            {
                "regime": regime,
                "quality experienced (last 5 y)": ci(g.final_quality_last5),
                "worst registry's quality": ci(g.final_worst_last5),
                "IPv4 moved, % a year": ci(g.final_moved_per_year),
                "largest IPv4-share change": ci(g.final_largest_share_change),
                "accountability": ci(g.final_accountability_last5),
            }
        )
    return pd.DataFrame(rows)


def delay_table(delay: pd.DataFrame, regimes: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {"porting delay (months)": d, "quality experienced (mandatory)": ci(g.final_quality_last5)}
        for d, g in delay.groupby("porting_delay")
    ]
    locked = regimes[regimes.regime == "none"].final_quality_last5
    rows.append({"porting delay (months)": "no portability", "quality experienced (mandatory)": ci(locked)})
    return pd.DataFrame(rows)


def _ci_or(values: pd.Series, otherwise: str) -> str:
    kept = values.dropna()
    return ci(kept) if len(kept) else otherwise


def failure_table(recovery: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for condition, scenario in (
        ("none", "registry_failure_locked"),
        ("mandatory, 2,000", "registry_failure_portable"),
    ):
        g = recovery[recovery.condition == condition]
        rows.append(
            {
                "scenario": scenario,
                "AFRINIC's first members still there": ci(g.final_first_members_left),
                "IPv4 at risk (share-years)": ci(g.final_at_risk_years),
                "voices per original member": ci(g.final_voices_per_member),
                "first quarter of leavers: median holding / members'": _ci_or(
                    g.final_first_leavers_size, "no one left"
                ),
                "first quarter of leavers: quality weight / members'": _ci_or(
                    g.final_first_leavers_quality_weight, "no one left"
                ),
                "months to quality 0.65 after governance returns": _ci_or(g.final_months_to_065, "never"),
            }
        )
    return pd.DataFrame(rows)


def exit_cost_table(recovery: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for condition, g in recovery[recovery.condition != "none"].groupby("condition", sort=False):
        recovered = g.final_months_to_065
        rows.append(
            {
                "switching cost (USD, /22)": float(condition.split(", ")[1].replace(",", "")),
                "AFRINIC's first members still there": ci(g.final_first_members_left),
                "recovered (runs)": f"{recovered.notna().sum()} of {len(g)}",
                "months to quality 0.65 after governance returns": _ci_or(recovered, "never"),
            }
        )
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) the sweeps and print the tables."""
    p = parser(__doc__)
    options(p)
    p.add_argument("--months", type=int, default=240, help="months a run")
    args = p.parse_args(argv)
    how = {"scale": args.scale, "replications": args.seeds, "steps": args.months}

    def done(name: str) -> pd.DataFrame:
        runs = results(experiment(name).with_overrides(**how), args).runs
        return runs[runs.status == "done"]

    regimes, delay, recovery = done("regimes"), done("delay"), done("recovery")
    print(
        f"Root seed 42, {args.seeds} seeds, scale {args.scale}, {args.months} months; "
        "mean ± 95% interval over seeds.\n"
    )
    for title, table in [
        ("Initial holdings (seed 0)", holdings_table((0.02, 0.2, 1.0))),
        ("Regimes", regimes_table(regimes)),
        ("Porting delay (dose-response)", delay_table(delay, regimes)),
        ("Registry failure", failure_table(recovery)),
        ("Registry failure under mandatory portability, by switching cost", exit_cost_table(recovery)),
    ]:
        print(f"### {title}\n\n{table.to_markdown(index=False)}\n")
    return 0


if __name__ == "__main__":
    run_script(main)
