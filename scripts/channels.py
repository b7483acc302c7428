"""The mechanism, taken apart: each channel switched off in turn, noise on and off, paired by seed.

Prints the Markdown tables of docs/VALIDATION.md §2 and writes the per-seed outcomes to
`--out` (CSV). Outcome: quality experienced, mean of the last five years of a 20-year run.
Every condition runs the same seeds (common random numbers), so differences are paired;
intervals are Student-t 95% over seeds.

    .venv/bin/python scripts/channels.py --seeds 20 --scale 0.05 --out results/channels.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from model import PortabilityModel
from runs.analysis import t_interval_text as interval

CHANNELS = {
    "all channels": {},
    "threat off": {"threat_weight": 0.0},
    "realised exit off": {"exit_weight": 0.0},
    "voice off": {"voice_weight": 0.0},
    "threat and exit off": {"threat_weight": 0.0, "exit_weight": 0.0},
}
NOISE = {"noise on": {}, "noise off": {"observation_noise": 0.0}}
IDENTICAL = {"fee_schedules": "common"}  # identical registries: same traits and the same fees


def run(seed: int, steps: int, **overrides: object) -> dict[str, float]:
    """One run's outcomes."""
    model = PortabilityModel(seed=seed, **overrides)
    for _ in range(steps):
        model.step()
    frame, registries = model.model_frame(), model.registry_frame()
    last = frame.iloc[-60:]
    tail = registries[registries.step > steps - 60]
    years = steps / 12
    return {
        "quality": float(last.quality_experienced.mean()),
        "effort": float(tail.effort.mean()),
        "effort_threat": float(tail.effort_threat.mean()),
        "effort_exit": float(tail.effort_exit.mean()),
        "effort_voice": float(tail.effort_voice.mean()),
        "moves_per_year": float(frame.moves.sum() / years),
        "requests_quality": float(frame.requests_quality.iloc[-1] / years),
        "requests_taste": float(frame.requests_taste.iloc[-1] / years),
        "requests_fees": float(frame.requests_fees.iloc[-1] / years),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--scale", type=float, default=0.05)
    parser.add_argument("--steps", type=int, default=240)
    parser.add_argument("--fees", choices=("common", "own"), default="common")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = []
    for noise, noise_kw in NOISE.items():
        for regime in ("none", "mandatory"):
            channels = CHANNELS if regime == "mandatory" else {"all channels": {}}
            for channel, channel_kw in channels.items():
                for seed in range(args.seeds):
                    kw = {"regime": regime, "scale": args.scale, "fee_schedules": args.fees}
                    outcome = run(seed, args.steps, **kw, **noise_kw, **channel_kw)
                    rows.append(
                        {"noise": noise, "regime": regime, "channel": channel, "seed": seed, **outcome}
                    )
                print(f"done: {noise}, {regime}, {channel}", file=sys.stderr)
    frame = pd.DataFrame(rows)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(args.out, index=False)
    head = f"scale {args.scale}, {args.seeds} seeds, fees {args.fees}"
    print(f"Quality experienced, mean of the last 5 years of the run; {head}.")
    print("Paired difference: against lock-in (regime none) with the same seed and noise.\n")
    print(
        "| noise | regime | channels | quality | seeds: min - max | paired difference vs lock-in | effort "
        "| of which threat / exit / voice | moves a year |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for noise in NOISE:
        locked = frame[(frame.noise == noise) & (frame.regime == "none")].set_index("seed")
        for (regime, channel), group in frame[frame.noise == noise].groupby(
            ["regime", "channel"], sort=False
        ):
            g = group.set_index("seed")
            diff = (g.quality - locked.quality.loc[g.index]).to_numpy()
            parts = " / ".join(f"{g[c].mean():.3f}" for c in ("effort_threat", "effort_exit", "effort_voice"))
            paired = "" if regime == "none" else interval(diff)
            print(
                f"| {noise} | {regime} | {channel} | {interval(g.quality.to_numpy())} | "
                f"{g.quality.min():.3f} - {g.quality.max():.3f} | {paired} | "
                f"{g.effort.mean():.3f} | {parts} | {g.moves_per_year.mean():.1f} |"
            )
    print("\nWhy holders request moves (requests a year, by the largest part of their believed gain):\n")
    print("| noise | regime | channels | quality | taste and friction | fees |")
    print("|---|---|---|---|---|---|")
    for (noise, regime, channel), g in frame[frame.regime == "mandatory"].groupby(
        ["noise", "regime", "channel"], sort=False
    ):
        print(
            f"| {noise} | {regime} | {channel} | {g.requests_quality.mean():.1f} | "
            f"{g.requests_taste.mean():.1f} | {g.requests_fees.mean():.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
