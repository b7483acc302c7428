"""Exit, the ICP-2 draft's handoff, or both; and venue shopping with and without its safeguards.

Prints the tables of docs/VALIDATION.md §9 from the sweeps of runs/experiments/validation/
remedies_failure.toml, remedies_costs.toml, remedies_thresholds.toml and shopping.toml, with
their seeds (root 42: replicate r has the same seed in every condition, so differences are
paired); intervals are Student-t 95% over seeds.

The outcomes are defined once, in `runs.outcomes` (Failure, Shopping), for these tables and
for the remedies report's figure. Failure (AFRINIC's governance fails from month 12 for 39
months), over the five years from the failure's start: IPv4 at risk; restoration (months until
AFRINIC is operating or handed off; "never" within the run is counted apart); members left
(of AFRINIC's members at the failure's start, the share still there at restoration or at the
run's end: new holders who joined meanwhile are not counted); quality experienced; peak
petition support during the failure; members waiting to leave 18 months in. Venue shopping:
the disputed IPv4 shielded and reclaimed after ten years, overall and for AFRINIC's.

    .venv/bin/python scripts/remedies.py --seeds 20 --out results/remedies.csv
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from runs.analysis import t_interval
from runs.outcomes import WINDOW
from runs.validation import experiment, options, parser, results, run_script, write_table


def interval(x: np.ndarray | pd.Series, digits: int = 3) -> str:
    """Mean and Student-t 95% interval (the mean alone if the spread is zero; "-" if undefined)."""
    x = np.asarray(x, dtype=float)
    if not np.isfinite(x).all():
        return "-"
    mean, low, high = t_interval(x)
    if not low < high:
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} [{low:.{digits}f}, {high:.{digits}f}]"


def months(g: pd.DataFrame) -> str:
    """Restoration months: median [min, max] of the runs restored, and how many never were."""
    restored = g[g.restored == 1].restoration_months.to_numpy()
    never = len(g) - restored.size
    if not restored.size:
        return f"never ({never} of {len(g)})"
    spread = f"{np.median(restored):.0f} [{restored.min():.0f}, {restored.max():.0f}]"
    return spread + (f", never {never} of {len(g)}" if never else "")


def outcomes(runs: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
    """One row per finished run: its condition (and `extra` factors), replicate, seed, outcomes."""
    done = runs[runs.status == "done"]
    finals = {c: c.removeprefix("final_") for c in done.columns if c.startswith("final_")}
    return done[["condition", *extra, "replicate", "seed", *finals]].rename(columns=finals)


def paired(g: pd.DataFrame, base: pd.DataFrame, column: str) -> str:
    """The paired difference of `column` against `base`, replicate by replicate (same seeds)."""
    g, base = g.set_index("replicate"), base.set_index("replicate")
    assert (g.seed == base.seed.loc[g.index]).all(), "the runs are not paired by seed"
    return interval(g[column] - base[column].loc[g.index])


def failure_table(frame: pd.DataFrame) -> None:
    base = frame[frame.condition == "lock-in, no remedy"]
    exit_ = frame[frame.condition == "exit (mandatory portability)"]
    print(
        "| condition | peak petition support | members waiting to leave (month 30) "
        "| IPv4 at risk | paired vs lock-in | paired vs exit | restoration (months) "
        "| members left | quality experienced | petition / handoff (share of seeds) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, g in frame.groupby("condition", sort=False):
        vs_base = "" if label == "lock-in, no remedy" else paired(g, base, "at_risk_window")
        vs_exit = "" if label.startswith(("exit", "lock-in")) else paired(g, exit_, "at_risk_window")
        print(
            f"| {label} | {interval(g.peak_petition_support)} | {interval(g.waiting_to_leave)} "
            f"| {interval(g.at_risk_window)} | {vs_base} | {vs_exit} | {months(g)} "
            f"| {interval(g.members_left)} | {interval(g.quality_window)} "
            f"| {g.petition.mean():.2f} / {g.handoff.mean():.2f} |"
        )


def costs_table(frame: pd.DataFrame) -> None:
    print(
        "| switching cost | exit | both | both - exit | restoration, exit | restoration, both "
        "| members left, both |"
    )
    print("|---|---|---|---|---|---|---|")
    for cost, g in frame.groupby("switching_cost"):
        e = g[g.condition == "exit (mandatory portability)"]
        b = g[g.condition == "both"]
        print(
            f"| {cost:,.0f} | {interval(e.at_risk_window)} | {interval(b.at_risk_window)} | "
            f"{paired(b, e, 'at_risk_window')} | {months(e)} | {months(b)} | {interval(b.members_left)} |"
        )


def thresholds_table(frame: pd.DataFrame) -> None:
    print(
        "| threshold | petition reached: handoff / both | restoration, handoff | restoration, both "
        "| IPv4 at risk, both - handoff |"
    )
    print("|---|---|---|---|---|")
    for threshold, g in frame.groupby("petition_threshold_share"):
        h, b = g[g.condition == "handoff"], g[g.condition == "both"]
        print(
            f"| {threshold:.2f} | {h.petition.mean():.2f} / {b.petition.mean():.2f} "
            f"| {months(h)} | {months(b)} | {paired(b, h, 'at_risk_window')} |"
        )


def shopping_table(frame: pd.DataFrame) -> None:
    base = frame[frame.condition == "portability, no safeguard"]
    print(
        "| condition | shielded | paired vs no safeguard | reclaimed | AFRINIC's shielded "
        "| AFRINIC's reclaimed | others' strictness | vetoed moves |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, g in frame.groupby("condition", sort=False):
        vs = "" if label == "portability, no safeguard" else paired(g, base, "shielded")
        print(
            f"| {label} | {interval(g.shielded)} | {vs} | {interval(g.reclaimed)} | "
            f"{interval(g.strict_shielded)} | {interval(g.strict_reclaimed)} | "
            f"{interval(g.others_strictness)} | {g.vetoed.mean():.1f} |"
        )


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) every sweep and print the tables."""
    p = parser(__doc__)
    options(p)
    p.add_argument("--steps", type=int, default=120, help="months a run")
    p.add_argument("--out", type=Path, default=None, help="CSV of every run's outcomes (default: none)")
    args = p.parse_args(argv)
    how = {"scale": args.scale, "replications": args.seeds, "steps": args.steps}
    tables = {}
    for name, extra in (
        ("remedies_failure", []),
        ("remedies_costs", ["switching_cost"]),
        ("remedies_thresholds", ["petition_threshold_share"]),
        ("shopping", []),
    ):
        tables[name] = outcomes(results(experiment(name).with_overrides(**how), args).runs, extra)
    write_table(pd.concat([t.assign(table=name) for name, t in tables.items()], ignore_index=True), args.out)
    print(
        f"Failure: AFRINIC fails from month 12 for 39 months; scale {args.scale}, {args.seeds} seeds, "
        f"{args.steps} months; outcomes over the {WINDOW} months from the failure's start.\n"
    )
    failure_table(tables["remedies_failure"])
    print(
        "\nAcross the cost of exit (switching cost, USD for a /22): IPv4 at risk, exit alone and both; "
        "paired difference both - exit.\n"
    )
    costs_table(tables["remedies_costs"])
    print(
        "\nAcross the petition threshold (share of members; no member-count route): handoff alone "
        "(lock-in) and both.\n"
    )
    thresholds_table(tables["remedies_thresholds"])
    print(
        f"\nVenue shopping: disputed IPv4 after {args.steps} months; scale {args.scale}, {args.seeds} seeds."
    )
    print()
    shopping_table(tables["shopping"])
    return 0


if __name__ == "__main__":
    run_script(main)
