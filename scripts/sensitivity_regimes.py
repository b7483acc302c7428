"""Sobol indices under each regime over the registry-side deep uncertainty, with their convergence.

Prints the Markdown tables of docs/VALIDATION.md §7b from a sweep of
runs/experiments/sensitivity_regimes.toml (Saltelli sampling, N base samples, one run a
point, scale 0.02: the scale §7c shows matches 0.2): per regime and outcome, each parameter's
total index ST and first-order index S1 with their 95% intervals (SALib's bootstrap), and
whether the indices converged: every ST interval narrower than 0.1 (a half-width below 0.05)
and no index moving more than 0.05 between N/2 and N base samples (`runs.sensitivity`).

    .venv/bin/python scripts/sensitivity_regimes.py
"""

from __future__ import annotations

from runs.sensitivity import sensitivity, sobol_checks
from runs.validation import experiment, options, parser, results, run_script

OUTCOMES = ("quality_last5", "worst_last5", "accountability_last5")
NARROW = 0.05  # the largest half-width of a converged total index's 95% interval (width 0.1)


def main(argv: list[str] | None = None) -> int:
    """Run (or finish) the sweep and print the tables."""
    from runs.design import design_points

    p = parser(__doc__)
    options(p, seeds=None, scale=None)
    p.add_argument("--samples", type=int, default=None, help="Saltelli base samples N (default: the file's)")
    p.add_argument("--steps", type=int, default=None, help="months a run (default: the file's)")
    args = p.parse_args(argv)
    spec = experiment("sensitivity_regimes").with_overrides(samples=args.samples, steps=args.steps)
    table = sensitivity(spec, results(spec, args), design_points(spec))
    table = table[table.metric.isin(OUTCOMES)]
    checks = sobol_checks(table, spec.samples)
    names = list(dict.fromkeys(table.parameter))
    for outcome in OUTCOMES:
        print(f"\n{outcome}: total index ST [95% interval] (first-order S1)\n")
        print("| parameter | " + " | ".join(c.name for c in spec.conditions) + " |")
        print("|---" * (len(spec.conditions) + 1) + "|")
        mine = table[table.metric == outcome].set_index(["condition", "parameter"])
        for name in names:
            cells = []
            for c in spec.conditions:
                if (c.name, name) not in mine.index:  # a constant outcome has no variance to apportion
                    cells.append("constant")
                    continue
                r = mine.loc[(c.name, name)]
                cells.append(f"{r.ST:.2f} [{r.ST - r.ST_conf:.2f}, {r.ST + r.ST_conf:.2f}] ({r.S1:.2f})")
            print(f"| {name} | " + " | ".join(cells) + " |")
    print("\n| regime | outcome | N | widest ST interval | largest move N/2 to N | converged |")
    print("|---|---|---|---|---|---|")
    for row in checks.itertuples():
        narrow = row.max_ST_conf < NARROW
        done = narrow and row.max_change_half_to_full <= 0.05
        print(
            f"| {row.condition} | {row.metric} | {row.samples} | {2 * row.max_ST_conf:.3f} "
            f"| {row.max_change_half_to_full:.3f} | {'yes' if done else 'no'} |"
        )
    return 0


if __name__ == "__main__":
    run_script(main)
