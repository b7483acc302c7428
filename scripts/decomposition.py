"""The mechanism, taken apart at several scales and two horizons (docs/VALIDATION.md §2).

Runs runs/experiments/validation/decomposition.toml at each `--scales` value: mandatory
portability with each channel of accountability switched off in turn (the credible threat,
realised exit, voice, the fee response to fee-driven exit; threat and exit together),
beside lock-in, with observation noise on and off and one common fee schedule or each
registry's own; every condition of replicate r shares its seed. Both horizons come from one
20-year run: quality over years 6-10 (`10y`) and 16-20 (`20y`).

For every scale, fees and noise: each condition's gain over lock-in (paired, Student-t 95%
over seeds) at both horizons, and what is left of the all-channels gain with the channel off
(the ratio of mean gains); then one line per channel off: the share left at every scale and
horizon, to say where the split moves with scale or horizon.

    .venv/bin/python scripts/decomposition.py --scales 0.02 0.05 --seeds 20
    .venv/bin/python scripts/decomposition.py --scales 0.2 --seeds 20 --fees own --noise on
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from runs.analysis import t_interval_text as interval
from runs.validation import experiment, finished, options, parser, results, run_script, write_table

NOISE = {"on": 0.05, "off": 0.0}
CONDITIONS = (
    "all channels",
    "threat off",
    "realised exit off",
    "voice off",
    "fee response off",
    "threat and exit off",
)
LOCKIN = "lock-in"
HORIZONS = ("10y", "20y")


def outcomes(runs: pd.DataFrame, scale: float) -> pd.DataFrame:
    """One row per finished run: scale, fees, noise, condition, replicate, seed and the outcomes."""
    frame = finished(runs, ["fee_schedules", "observation_noise", "condition", "replicate", "seed"])
    frame.insert(0, "scale", scale)
    frame["noise"] = frame.observation_noise.map({v: k for k, v in NOISE.items()})
    return frame


def gains(frame: pd.DataFrame) -> pd.DataFrame:
    """Per run (not lock-in): quality gained over lock-in with the same seed, at both horizons."""
    keys = ["scale", "fee_schedules", "noise", "replicate"]
    locked = frame[frame.condition == LOCKIN].set_index(keys)
    rows = frame[frame.condition != LOCKIN].set_index(keys)
    assert (rows.seed == locked.seed.reindex(rows.index)).all(), "the runs are not paired by seed"
    out = rows[["condition"]].copy()
    for h in HORIZONS:
        out[f"gain_{h}"] = rows[f"quality_{h}"] - locked[f"quality_{h}"].reindex(rows.index)
    return out.reset_index()


def table(frame: pd.DataFrame, g: pd.DataFrame) -> list[str]:
    """The Markdown tables: per scale, fees and noise; then the share left by channel."""
    lines = []
    for (scale, fees, noise), part in g.groupby(["scale", "fee_schedules", "noise"], sort=False):
        runs = frame[(frame.scale == scale) & (frame.fee_schedules == fees) & (frame.noise == noise)]
        all_gain = {h: part[part.condition == "all channels"][f"gain_{h}"].mean() for h in HORIZONS}
        lines += [
            f"**scale {scale}, fees {fees}, noise {noise}** ({part.replicate.nunique()} paired seeds)",
            "",
            "| channels | quality, years 6-10 | gain over lock-in, 6-10 | left of all | gain, 16-20 "
            "| left of all | believed threat, 6-10 | fee USD, 6-10 |",
            "|---|---|---|---|---|---|---|---|",
        ]
        locked = runs[runs.condition == LOCKIN]
        lines.append(
            f"| lock-in | {interval(locked.quality_10y)} | | | | | "
            f"{locked.believed_threat_10y.mean():.4f} | {locked.fee_10y.mean():,.0f} |"
        )
        for condition in CONDITIONS:
            c = part[part.condition == condition]
            r = runs[runs.condition == condition]
            if c.empty:
                continue
            left = [c[f"gain_{h}"].mean() / all_gain[h] if all_gain[h] else float("nan") for h in HORIZONS]
            lines.append(
                f"| {condition} | {interval(r.quality_10y)} | {interval(c.gain_10y)} | {left[0]:.2f} | "
                f"{interval(c.gain_20y)} | {left[1]:.2f} | {r.believed_threat_10y.mean():.4f} | "
                f"{r.fee_10y.mean():,.0f} |"
            )
        lines.append("")
    lines += [
        "**What is left of the all-channels gain with each channel off**, by scale and horizon "
        "(ratio of mean paired gains):",
        "",
    ]
    settings = g[["scale", "fee_schedules", "noise"]].drop_duplicates().itertuples(index=False)
    heads = [f"{s.scale} {s.fee_schedules} noise {s.noise}, {h}" for s in settings for h in HORIZONS]
    lines += ["| channel off | " + " | ".join(heads) + " |", "|---|" + "---|" * len(heads)]
    for condition in CONDITIONS[1:]:
        cells = []
        for _, part in g.groupby(["scale", "fee_schedules", "noise"], sort=False):
            for h in HORIZONS:
                full = part[part.condition == "all channels"][f"gain_{h}"].mean()
                off = part[part.condition == condition][f"gain_{h}"].mean()
                cells.append(f"{off / full:.2f}" if full else "n/a")
        lines.append(f"| {condition} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) the sweep at every scale and print the tables."""
    p = parser(__doc__)
    options(p, scale=None)
    p.add_argument("--scales", type=float, nargs="+", default=[0.02, 0.05], help="population scales")
    p.add_argument("--fees", choices=("both", "common", "own"), default="both", help="fee schedules")
    p.add_argument("--noise", choices=("both", "on", "off"), default="both", help="observation noise")
    p.add_argument("--out", type=Path, default=None, help="CSV of every run's outcomes (default: none)")
    args = p.parse_args(argv)
    parts = []
    for scale in args.scales:
        spec = experiment("decomposition").with_overrides(scale=scale, replications=args.seeds)
        fixed = {}
        if args.fees != "both":
            fixed["fee_schedules"] = args.fees
        if args.noise != "both":
            fixed["observation_noise"] = NOISE[args.noise]
        if fixed:
            spec = spec.with_parameters(**fixed)
        runs = results(spec, args).runs
        for name, value in fixed.items():
            runs[name] = value
        parts.append(outcomes(runs, scale))
    frame = pd.concat(parts, ignore_index=True)
    write_table(frame, args.out)
    print(
        "Quality experienced over years 6-10 and 16-20 of 20-year runs, mandatory portability; "
        "gains paired by seed against lock-in.\n"
    )
    print("\n".join(table(frame, gains(frame))))
    return 0


if __name__ == "__main__":
    run_script(main)
