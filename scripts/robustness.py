"""How large the gain from portability is under plausible alternatives (docs/VALIDATION.md §2d).

Runs runs/experiments/validation/robustness.toml: lock-in, today's transfers with AFRINIC's
2026 policy and mandatory portability under each alternative value of an assumed parameter
(responsiveness, the cost of effort, out-of-region friction in every regime, the threat's
uncertainty, complacency, complacent effort, and one combination), paired by seed. For each:
mandatory − lock-in and mandatory − status quo (2026) in quality experienced over the last
five years of 20-year runs, Student-t 95% over seeds, and the seeds in which the sign held.

    .venv/bin/python scripts/robustness.py --seeds 20 --scale 0.02
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from runs.analysis import t_interval_text as interval
from runs.validation import experiment, options, parser, results, run_script, write_table


def differences(runs: pd.DataFrame) -> pd.DataFrame:
    """Per condition and replicate: mandatory − lock-in and mandatory − status quo (2026)."""
    done = runs[runs.status == "done"]
    wide = done.pivot_table(index=["condition", "replicate"], columns="regime", values="final_quality_last5")
    out = pd.DataFrame(
        {
            "vs_lockin": wide["mandatory"] - wide["none"],
            "vs_status_quo": wide["mandatory"] - wide["status_quo_2026"],
            "status_quo_vs_lockin": wide["status_quo_2026"] - wide["none"],
        }
    )
    return out.reset_index()


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) the sweep and print the table."""
    p = parser(__doc__)
    options(p, scale=0.02)
    p.add_argument("--out", type=Path, default=None, help="CSV of the paired differences (default: none)")
    args = p.parse_args(argv)
    spec = experiment("robustness").with_overrides(scale=args.scale, replications=args.seeds)
    runs = results(spec, args).runs
    frame = differences(runs)
    write_table(frame, args.out)
    order = [c.name for c in spec.conditions]
    print(f"Quality experienced, last 5 of 20 years; scale {args.scale}; paired by seed (Student-t 95%).\n")
    print(
        "| alternative | mandatory − lock-in | mandatory − status quo (2026) | status quo (2026) − lock-in "
        "| seeds mandatory > lock-in | seeds mandatory > status quo |"
    )
    print("|---|---|---|---|---|---|")
    for name in order:
        g = frame[frame.condition == name].dropna()
        if g.empty:
            continue
        print(
            f"| {name} | {interval(g.vs_lockin)} | {interval(g.vs_status_quo)} | "
            f"{interval(g.status_quo_vs_lockin)} | {int(np.sum(g.vs_lockin > 0))}/{len(g)} | "
            f"{int(np.sum(g.vs_status_quo > 0))}/{len(g)} |"
        )
    return 0


if __name__ == "__main__":
    run_script(main)
