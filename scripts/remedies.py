"""Exit, the ICP-2 draft's handoff, or both; and venue shopping with and without its safeguards.

Prints the tables of docs/VALIDATION.md §8 and writes the per-seed outcomes to `--out` (CSV).
Every condition runs the same seeds (common random numbers), so differences are paired;
intervals are Student-t 95% over seeds.

Failure (AFRINIC's governance fails from month 12 for 39 months; scenarios
registry_failure_locked / _portable with `remedy` none or icp2_draft), outcomes over the five
years from the failure's start:
- IPv4 at risk: mean share of all IPv4 held at a degraded or failed registry;
- restoration: months from the failure's start until AFRINIC is operating or handed off
  (censored at the run's end: "never");
- members left: the share of AFRINIC's members at the failure's start still there at restoration
  (or at the run's end; new holders who joined meanwhile are not counted);
- quality experienced: the model-wide mean;
- peak petition support: the failed registry's highest `petition_support` during the failure
  (a process that concludes resets it, so read it in the runs without a remedy);
- members waiting to leave: share of the failed registry's members with a move pending,
  18 months into the failure.

Venue shopping (scenarios venue_shopping / _safeguards): share of the disputed IPv4 shielded
(escaped by moving) and reclaimed after ten years, overall and for AFRINIC's (the strict
registry's) disputed space.

    .venv/bin/python scripts/remedies.py --seeds 20 --out results/remedies.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from agents.enforcement import Case
from agents.state import NO_MOVE
from model import PortabilityModel
from model.scenarios import load_scenario

DRAFT = {"petition_threshold_share": 0.25, "petition_threshold_members": 2000.0}
COMMENTERS = {"petition_threshold_share": 0.05, "petition_threshold_members": 100.0}
FAILURE = {  # label: (scenario, overrides)
    "lock-in, no remedy": ("registry_failure_locked", {}),
    "exit (mandatory portability)": ("registry_failure_portable", {}),
    "handoff (ICP-2 draft)": ("registry_failure_locked", {"remedy": "icp2_draft", **DRAFT}),
    "both": ("registry_failure_portable", {"remedy": "icp2_draft", **DRAFT}),
    "handoff, commenters' threshold": ("registry_failure_locked", {"remedy": "icp2_draft", **COMMENTERS}),
    "both, commenters' threshold": ("registry_failure_portable", {"remedy": "icp2_draft", **COMMENTERS}),
    "exit with safeguards": ("registry_failure_portable", {"regime": "mandatory_safeguarded"}),
}
COSTS = (0.0, 2_000.0, 10_000.0, 50_000.0, 250_000.0)
THRESHOLDS = (0.05, 0.1, 0.25, 0.5)
SHOPPING = {
    "lock-in": ("venue_shopping", {"regime": "none"}),
    "portability, no safeguard": ("venue_shopping", {}),
    "+ dual approval only": ("venue_shopping", {"dual_approval": "on"}),
    "+ year-long process only": ("venue_shopping", {"porting_delay": 12.0}),
    "+ dispute freeze only": ("venue_shopping", {"dispute_freeze": "on"}),
    "all three (mandatory_safeguarded)": ("venue_shopping_safeguards", {}),
    "no erosion of strictness": ("venue_shopping", {"strictness_erosion": 0.0}),
}
WINDOW = 60  # months from the failure's start


def failure_run(scenario: str, seed: int, scale: float, steps: int, **overrides: object) -> dict[str, float]:
    """One failure run's outcomes."""
    params = load_scenario(scenario).with_overrides(scale=scale, **overrides)
    event = params.events[0]
    model = PortabilityModel(params, seed=seed)
    failed_index = [r.name for r in model.registries].index(event.registry)
    waiting = np.nan
    cohort = np.zeros(0, dtype=np.int64)  # the failed registry's members when the failure starts
    stayed = {}  # month -> how many of them are still its members (entrants not counted)
    for month in range(1, steps + 1):
        model.step()
        s = model.holders
        if month == event.start:
            cohort = np.flatnonzero(s.registry == failed_index)
        if month >= event.start:
            stayed[month] = int(np.count_nonzero(s.registry[cohort] == failed_index))
        if month == event.start + 18:  # halfway through the failure: members waiting to leave
            s = model.holders
            members = s.registry == failed_index
            waiting = float(
                np.count_nonzero(members & (s.pending_destination != NO_MOVE)) / max(members.sum(), 1)
            )
    frame, registries = model.model_frame(), model.registry_frame()
    window = frame[(frame.step >= event.start) & (frame.step < event.start + WINDOW)]
    failed = registries[registries.registry == event.registry].set_index("step")
    after = failed.loc[event.start :]
    served = after[after.status.isin(["operating", "handed_off"])]
    restored = float(served.index[0] - event.start) if len(served) else np.inf
    at = int(served.index[0]) if len(served) else steps
    kinds = model.event_frame().kind
    during = failed.loc[event.start : event.start + event.duration - 1]
    return {
        "peak_support": float(during.petition_support.max()),
        "waiting": waiting,
        "ipv4_at_risk": float(window.ipv4_at_risk.mean()),
        "restoration": restored,
        "members_left": float(stayed[min(max(at, event.start), steps)] / max(cohort.size, 1)),
        "quality": float(window.quality_experienced.mean()),
        "petition": float((kinds == "petition").any()),
        "handoff": float((kinds == "handoff").any()),
    }


def shopping_run(scenario: str, seed: int, scale: float, steps: int, **overrides: object) -> dict[str, float]:
    """One venue-shopping run's outcomes."""
    model = PortabilityModel.from_scenario(scenario, seed=seed, scale=scale, **overrides)
    for _ in range(steps):
        model.step()
    d = model.enforcement.disputes
    strict = [r.name for r in model.registries].index("AFRINIC")
    mine = model.holders.home[d.holders] == strict
    total = d.ipv4[mine].sum()
    frame = model.model_frame()
    return {
        "shielded": float(frame.disputed_ipv4_shielded.iloc[-1]),
        "reclaimed": float(frame.disputed_ipv4_reclaimed.iloc[-1]),
        "afrinic_shielded": float(d.ipv4[mine & (d.case == Case.ESCAPED)].sum() / total) if total else 0.0,
        "afrinic_reclaimed": float(d.ipv4[mine & (d.case == Case.RECLAIMED)].sum() / total) if total else 0.0,
        "strictness": float(np.mean([r.strictness for r in model.registries if r.name != "AFRINIC"])),
        "refused": float(model.enforcement.refused),
    }


def interval(x: np.ndarray, digits: int = 3) -> str:
    """Mean and Student-t 95% interval (the mean alone if the spread is zero)."""
    x = np.asarray(x, dtype=float)
    if not np.isfinite(x).all():
        return "-"
    half = stats.t.ppf(0.975, x.size - 1) * x.std(ddof=1) / np.sqrt(x.size)
    if half == 0.0:
        return f"{x.mean():.{digits}f}"
    return f"{x.mean():.{digits}f} [{x.mean() - half:.{digits}f}, {x.mean() + half:.{digits}f}]"


def months(x: np.ndarray) -> str:
    """Restoration months: median [min, max] of the finite ones, and how many never."""
    finite = x[np.isfinite(x)]
    never = x.size - finite.size
    if not finite.size:
        return f"never ({never} of {x.size})"
    spread = f"{np.median(finite):.0f} [{finite.min():.0f}, {finite.max():.0f}]"
    return spread + (f", never {never} of {x.size}" if never else "")


def _collect(conditions, runner, seeds, scale, steps, **extra) -> pd.DataFrame:
    rows = []
    for label, (scenario, overrides) in conditions.items():
        for seed in range(seeds):
            rows.append(
                {
                    "condition": label,
                    "seed": seed,
                    **runner(scenario, seed, scale, steps, **overrides, **extra),
                }
            )
        print(f"done: {label} {extra}", file=sys.stderr)
    return pd.DataFrame(rows)


def _failure_table(frame: pd.DataFrame) -> None:
    base = frame[frame.condition == "lock-in, no remedy"].set_index("seed")
    exit_ = frame[frame.condition == "exit (mandatory portability)"].set_index("seed")
    print(
        "| condition | peak petition support | members waiting to leave (month 30) "
        "| IPv4 at risk | paired vs lock-in | paired vs exit | restoration (months) "
        "| members left | quality experienced | petition / handoff (share of seeds) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, g in frame.groupby("condition", sort=False):
        g = g.set_index("seed")
        vs_base = "" if label == "lock-in, no remedy" else interval(g.ipv4_at_risk - base.ipv4_at_risk)
        vs_exit = (
            "" if label.startswith(("exit", "lock-in")) else interval(g.ipv4_at_risk - exit_.ipv4_at_risk)
        )
        print(
            f"| {label} | {interval(g.peak_support)} | {interval(g.waiting)} "
            f"| {interval(g.ipv4_at_risk)} | {vs_base} | {vs_exit} "
            f"| {months(g.restoration.to_numpy())} | {interval(g.members_left)} | {interval(g.quality)} "
            f"| {g.petition.mean():.2f} / {g.handoff.mean():.2f} |"
        )


def main(argv: list[str] | None = None) -> int:
    """Run every condition for `--seeds` seeds and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--steps", type=int, default=120)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    seeds, scale, steps = args.seeds, args.scale, args.steps
    failure = _collect(FAILURE, failure_run, seeds, scale, steps)
    costs = pd.concat(
        [
            _collect(
                {k: FAILURE[k] for k in ("exit (mandatory portability)", "both")},
                failure_run,
                seeds,
                scale,
                steps,
                switching_cost=c,
            ).assign(switching_cost=c)
            for c in COSTS
        ]
    )
    thresholds = pd.concat(
        [
            _collect(
                {"handoff": ("registry_failure_locked", {}), "both": ("registry_failure_portable", {})},
                failure_run,
                seeds,
                scale,
                steps,
                remedy="icp2_draft",
                petition_threshold_share=t,
                petition_threshold_members=1e5,  # the upper bound: no member-count route
            ).assign(threshold=t)
            for t in THRESHOLDS
        ]
    )
    shopping = _collect(SHOPPING, shopping_run, seeds, scale, steps)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        pd.concat(
            [
                failure.assign(table="failure"),
                costs.assign(table="costs"),
                thresholds.assign(table="thresholds"),
                shopping.assign(table="shopping"),
            ]
        ).to_csv(args.out, index=False)
    print(
        f"Failure: AFRINIC fails from month 12 for 39 months; scale {scale}, {seeds} seeds, {steps} months; "
        f"outcomes over the {WINDOW} months from the failure's start.\n"
    )
    _failure_table(failure)
    print(
        "\nAcross the cost of exit (switching cost, USD for a /22): IPv4 at risk, exit alone and both; "
        "paired difference both - exit.\n"
    )
    print(
        "| switching cost | exit | both | both - exit | restoration, exit | restoration, both "
        "| members left, both |"
    )
    print("|---|---|---|---|---|---|---|")
    for cost, g in costs.groupby("switching_cost"):
        e = g[g.condition == "exit (mandatory portability)"].set_index("seed")
        b = g[g.condition == "both"].set_index("seed")
        print(
            f"| {cost:,.0f} | {interval(e.ipv4_at_risk)} | {interval(b.ipv4_at_risk)} | "
            f"{interval(b.ipv4_at_risk - e.ipv4_at_risk)} | {months(e.restoration.to_numpy())} | "
            f"{months(b.restoration.to_numpy())} | {interval(b.members_left)} |"
        )
    print(
        "\nAcross the petition threshold (share of members; no member-count route): handoff alone "
        "(lock-in) and both.\n"
    )
    print(
        "| threshold | petition reached: handoff / both | restoration, handoff | restoration, both "
        "| IPv4 at risk, both - handoff |"
    )
    print("|---|---|---|---|---|")
    for t, g in thresholds.groupby("threshold"):
        h = g[g.condition == "handoff"].set_index("seed")
        b = g[g.condition == "both"].set_index("seed")
        print(
            f"| {t:.2f} | {h.petition.mean():.2f} / {b.petition.mean():.2f} "
            f"| {months(h.restoration.to_numpy())} | {months(b.restoration.to_numpy())} "
            f"| {interval(b.ipv4_at_risk - h.ipv4_at_risk)} |"
        )
    print(f"\nVenue shopping: disputed IPv4 after {steps} months; scale {scale}, {seeds} seeds.\n")
    base = shopping[shopping.condition == "portability, no safeguard"].set_index("seed")
    print(
        "| condition | shielded | paired vs no safeguard | reclaimed | AFRINIC's shielded "
        "| AFRINIC's reclaimed | others' strictness | vetoed moves |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for label, g in shopping.groupby("condition", sort=False):
        g = g.set_index("seed")
        paired = "" if label == "portability, no safeguard" else interval(g.shielded - base.shielded)
        print(
            f"| {label} | {interval(g.shielded)} | {paired} | {interval(g.reclaimed)} | "
            f"{interval(g.afrinic_shielded)} | {interval(g.afrinic_reclaimed)} | {interval(g.strictness)} | "
            f"{g.refused.mean():.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
