"""The mechanism, taken apart: each channel switched off in turn, noise on and off, paired by seed.

Prints the Markdown tables of docs/VALIDATION.md §2 from the sweeps of
runs/experiments/channels.toml (mandatory portability between identical registries, every
combination of the channels on and off, noise on and off) and
runs/experiments/validation/lockin.toml (the same registries locked in), with their seeds
(root 42: replicate r has the same seed in both, so differences are paired). Outcomes
(`runs.outcomes.Channels`): quality experienced, the mean of the last five years of a
20-year run; effort and its parts by channel; moves and move requests a year. Intervals are
Student-t 95% over seeds.

    .venv/bin/python scripts/channels.py --seeds 20 --scale 0.05 --out results/channels.csv
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from runs.analysis import t_interval_text as interval
from runs.validation import experiment, options, parser, results, run_script, write_table

#: The rows of the table: (threat_weight, exit_weight, voice_weight) -> what is switched off.
CHANNELS = {
    (1.0, 1.0, 1.0): "all channels",
    (0.0, 1.0, 1.0): "threat off",
    (1.0, 0.0, 1.0): "realised exit off",
    (1.0, 1.0, 0.0): "voice off",
    (0.0, 0.0, 1.0): "threat and exit off",
}
WEIGHTS = ("threat_weight", "exit_weight", "voice_weight")
NOISE = {0.05: "noise on", 0.0: "noise off"}
OUTCOMES = {  # the outcome's name in runs.outcomes.Channels -> its column here
    "quality_last5": "quality",
    "effort_last5": "effort",
    "effort_threat_last5": "effort_threat",
    "effort_exit_last5": "effort_exit",
    "effort_voice_last5": "effort_voice",
    "moves_per_year": "moves_per_year",
    "requests_quality_per_year": "requests_quality",
    "requests_taste_per_year": "requests_taste",
    "requests_fees_per_year": "requests_fees",
}


def outcomes(runs: pd.DataFrame, regime: str) -> pd.DataFrame:
    """One row per run: noise, regime, channels, replicate, seed and the outcomes."""
    done = runs[runs.status == "done"]
    weight = {c: done[c] if c in done else pd.Series(1.0, index=done.index) for c in WEIGHTS}
    weights = zip(*(weight[c] for c in WEIGHTS), strict=True)
    frame = pd.DataFrame(
        {
            "noise": done.observation_noise.map(NOISE).to_numpy(),
            "regime": regime,
            "channel": [CHANNELS.get(tuple(map(float, w))) for w in weights],
            "replicate": done.replicate.to_numpy(),
            "seed": done.seed.to_numpy(),
            **{column: done[f"final_{name}"].to_numpy() for name, column in OUTCOMES.items()},
        }
    )
    return frame[frame.channel.notna()]


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) both sweeps and print the tables."""
    p = parser(__doc__)
    options(p)
    p.add_argument("--steps", type=int, default=240, help="months a run")
    p.add_argument(
        "--fees", choices=("common", "own"), default="common", help="one fee schedule, or each's own"
    )
    p.add_argument("--out", type=Path, default=None, help="CSV of every run's outcomes (default: none)")
    args = p.parse_args(argv)
    how = {"scale": args.scale, "replications": args.seeds, "steps": args.steps}
    parts = []
    for name, regime in (("lockin", "none"), ("channels", "mandatory")):
        spec = experiment(name).with_overrides(**how).with_parameters(fee_schedules=args.fees)
        parts.append(outcomes(results(spec, args).runs, regime))
    frame = pd.concat(parts, ignore_index=True)
    write_table(frame, args.out)
    head = f"scale {args.scale}, {args.seeds} seeds, fees {args.fees}"
    print(f"Quality experienced, mean of the last 5 years of the run; {head}.")
    print("Paired difference: against lock-in (regime none) with the same seed and noise.\n")
    print(
        "| noise | regime | channels | quality | seeds: min - max | paired difference vs lock-in | effort "
        "| of which threat / exit / voice | moves a year |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    rows = [("none", "all channels")] + [("mandatory", channel) for channel in CHANNELS.values()]
    for noise in NOISE.values():
        locked = frame[(frame.noise == noise) & (frame.regime == "none")].set_index("replicate")
        for regime, channel in rows:
            here = (frame.noise == noise) & (frame.regime == regime) & (frame.channel == channel)
            g = frame[here].set_index("replicate")
            assert (g.seed == locked.seed.loc[g.index]).all(), "the runs are not paired by seed"
            diff = (g.quality - locked.quality.loc[g.index]).to_numpy()
            parts_text = " / ".join(
                f"{g[c].mean():.3f}" for c in ("effort_threat", "effort_exit", "effort_voice")
            )
            paired = "" if regime == "none" else interval(diff)
            print(
                f"| {noise} | {regime} | {channel} | {interval(g.quality.to_numpy())} | "
                f"{g.quality.min():.3f} - {g.quality.max():.3f} | {paired} | "
                f"{g.effort.mean():.3f} | {parts_text} | {g.moves_per_year.mean():.1f} |"
            )
    print("\nWhy holders request moves (requests a year, by the largest part of their believed gain):\n")
    print("| noise | regime | channels | quality | taste and friction | fees |")
    print("|---|---|---|---|---|---|")
    for noise in NOISE.values():
        for channel in CHANNELS.values():
            g = frame[(frame.noise == noise) & (frame.regime == "mandatory") & (frame.channel == channel)]
            print(
                f"| {noise} | mandatory | {channel} | {g.requests_quality.mean():.1f} | "
                f"{g.requests_taste.mean():.1f} | {g.requests_fees.mean():.1f} |"
            )
    return 0


if __name__ == "__main__":
    run_script(main)
