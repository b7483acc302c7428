"""Recovery time of a failed registry against the cost of exit, and the result across scales.

Prints the tables of docs/VALIDATION.md §3-4. Recovery: months from the end of AFRINIC's
governance failure (scenario registry_failure_portable, or _locked for lock-in) until its
quality is back at 0.75; "never" within the run counts as censored.

    .venv/bin/python scripts/hirschman.py --seeds 20
"""

from __future__ import annotations

import argparse

import numpy as np

from model import PortabilityModel
from model.scenarios import load_scenario
from runs.analysis import t_interval_text as t_interval

COSTS = (0.0, 2_000.0, 10_000.0, 50_000.0, 250_000.0)


def recovery(scenario: str, seed: int, scale: float, **overrides: object) -> tuple[float, float]:
    """(months to recover, share of the failed registry's first members still there at the end)."""
    params = load_scenario(scenario)
    event = params.events[0]
    end = event.start + event.duration
    model = PortabilityModel(params, seed=seed, scale=scale, **overrides)
    failed = next(r.index for r in model.registries if r.name == event.registry)
    first = model.holders.size  # the members at the start; entrants join after them
    members0 = int(np.count_nonzero(model.holders.registry == failed))
    for _ in range(240):
        model.step()
    r = model.registry_frame()
    afrinic = r[r.registry == event.registry]
    after = afrinic[(afrinic.step >= end) & (afrinic.quality >= 0.75)]
    months = float(after.step.iloc[0] - end) if len(after) else np.inf
    stayed = np.count_nonzero(model.holders.registry[:first] == failed)  # of those first members
    return months, float(stayed / members0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.05)
    args = parser.parse_args()
    print(
        "| regime | switching cost (USD, /22) | months to recover: median [min, max] | never recovered | AFRINIC's first members still there |"  # noqa: E501
    )
    print("|---|---|---|---|---|")
    rows = [("registry_failure_locked", None)] + [("registry_failure_portable", c) for c in COSTS]
    for scenario, cost in rows:
        extra = {} if cost is None else {"switching_cost": cost}
        out = [recovery(scenario, s, args.scale, **extra) for s in range(args.seeds)]
        months = np.array([o[0] for o in out])
        left = np.array([o[1] for o in out])
        finite = months[np.isfinite(months)]
        spread = f"{np.median(months):.0f} [{finite.min():.0f}, {finite.max():.0f}]" if finite.size else "-"
        regime = "none" if cost is None else "mandatory"
        label = "-" if cost is None else f"{cost:,.0f}"
        print(
            f"| {regime} | {label} | {spread} | {np.count_nonzero(~np.isfinite(months))} of {months.size} | {t_interval(left)} |"  # noqa: E501
        )
    print("\nQuality experienced (last 5 of 20 years), mandatory minus none, paired by seed, by scale:\n")
    print("| scale | seeds | none | mandatory | paired difference |")
    print("|---|---|---|---|---|")
    for scale, seeds in ((0.02, args.seeds), (0.2, args.seeds), (1.0, 5)):
        q = {}
        for regime in ("none", "mandatory"):
            values = []
            for s in range(seeds):
                m = PortabilityModel(seed=s, scale=scale, regime=regime)
                for _ in range(240):
                    m.step()
                values.append(m.model_frame().quality_experienced.iloc[-60:].mean())
            q[regime] = np.array(values)
        print(
            f"| {scale} | {seeds} | {t_interval(q['none'])} | {t_interval(q['mandatory'])} | {t_interval(q['mandatory'] - q['none'])} |"  # noqa: E501
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
