"""Recovery time of a failed registry against the cost of exit (Hirschman), paired by seed.

Prints the table of docs/VALIDATION.md §4 from the sweep of
runs/experiments/validation/recovery.toml, with its seeds (root 42). AFRINIC's governance
fails for 39 months from month 12 (scenario registry_failure_portable, or _locked for
lock-in). The outcomes are defined in `runs.outcomes.Recovery`: months from the end of the
failure until AFRINIC's quality is back at 0.75 ("never" within the 20-year run counts as
censored), and the share of AFRINIC's first members (those of month 0) still there at the
end, entrants excluded. The effect of portability by population scale (§5) is
scripts/scale.py's.

    .venv/bin/python scripts/hirschman.py --seeds 20
"""

from __future__ import annotations

import numpy as np

from runs.analysis import t_interval_text
from runs.validation import experiment, options, parser, results, run_script


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) the sweep and print the table."""
    p = parser(__doc__)
    options(p)
    args = p.parse_args(argv)
    spec = experiment("recovery").with_overrides(scale=args.scale, replications=args.seeds)
    runs = results(spec, args).runs
    print(
        "| regime | switching cost (USD, /22) | months to recover: median [min, max] | never recovered "
        "| AFRINIC's first members still there |"
    )
    print("|---|---|---|---|---|")
    for condition, g in runs[runs.status == "done"].groupby("condition", sort=False):
        recovered = np.nan_to_num(g.final_months_to_075.to_numpy(dtype=float), nan=np.inf)  # never: censored
        finite = recovered[np.isfinite(recovered)]
        median = np.median(recovered)  # a median of censored times: "never" if half never recovered
        low_high = f"[{finite.min():.0f}, {finite.max():.0f}]" if finite.size else ""
        spread = f"{median:.0f} {low_high}" if np.isfinite(median) else f"never {low_high}".strip()
        regime, _, cost = condition.partition(", ")
        print(
            f"| {regime} | {cost or '-'} | {spread} | {recovered.size - finite.size} of {recovered.size} "
            f"| {t_interval_text(g.final_first_members_left)} |"
        )
    return 0


if __name__ == "__main__":
    run_script(main)
