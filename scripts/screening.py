"""Morris or Sobol indices of a finished sweep, from its stored runs (one outcome per run).

Outcome of a run: the mean of its last 60 months of a model-frame column (`runs.outcomes.
last_months`; of all its months if it is shorter, and the table's title says so). Reads the
sweep's plan and time series through its store (every file checked against its checksum),
in sample order, so the indices are those of the design the sweep ran (`runs/design.py`
draws it with SALib). A sweep with runs not done (queued, failed, corrupt)
cannot be screened: the error says how many and which, and how to finish it.

    .venv/bin/python scripts/screening.py results/morris --outcome quality_experienced
    .venv/bin/python scripts/screening.py results/sobol --outcome quality_experienced
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
from SALib.analyze import morris, sobol

from runs.errors import SweepError
from runs.outcomes import LAST, last_months
from runs.store import SweepStore
from runs.validation import parser, run_script


def check_complete(store: SweepStore) -> None:
    """Refuse a sweep whose design is not complete: say what is missing, and how to finish it."""
    if not store.exists():
        raise SweepError(f"{store.folder} holds no sweep (no plan.parquet)")
    census = store.census()
    missing = [r for r in census.planned if r not in census.done]
    if not missing:
        return
    parts = [f"{len(census.planned) - len(census.done) - len(census.failed)} queued"]
    if census.corrupt:
        parts.append(f"{len(census.corrupt)} of them with damaged files")
    parts.append(f"{len(census.failed)} failed")
    how = f"`python -m runs resume {store.folder}`" + (" --retry-failed" if census.failed else "")
    raise SweepError(
        f"{store.folder}: {len(missing)} of {len(census.planned)} runs are not done ({', '.join(parts)}; "
        f"first: {missing[0]}); indices need every run of the design: finish it with {how}"
    )


def outcomes(folder: Path, column: str, months: int = LAST) -> pd.DataFrame:
    """One row per design point: its sample id and the outcome, the mean over its runs."""
    store = SweepStore(folder)
    check_complete(store)
    plan = store.plan()
    values = []
    for run_id in plan.run_id:
        frame = store.read_run(run_id)[1]["timeseries"].to_pandas()
        frame = frame[frame.metric == column]
        if frame.empty:
            raise SweepError(f"--outcome {column!r} is not a metric of {folder}'s time series")
        values.append(last_months(frame, "value", months))
    plan = plan.assign(outcome=values)
    return plan.groupby("sample_id", sort=True).outcome.mean().reset_index()


def main(argv: list[str] | None = None) -> int:
    """Screen the sweep in FOLDER and print the table."""
    p = parser(__doc__)
    p.add_argument("folder", type=Path, help="a finished sweep of a morris or sobol design")
    p.add_argument("--outcome", default="quality_experienced", help="a model-frame column")
    p.add_argument("--top", type=int, default=15, help="how many parameters to list (Morris)")
    args = p.parse_args(argv)
    store = SweepStore(args.folder)
    y = outcomes(args.folder, args.outcome).outcome.to_numpy()
    spec = tomllib.loads(store.spec_text())
    design = store.design().sort_values("sample_id")
    ranges = {k: v for k, v in spec["parameters"].items() if isinstance(v, dict) and "low" in v}
    names = list(ranges)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[ranges[n]["low"], ranges[n]["high"]] for n in names],
    }
    x = design[names].to_numpy()
    kind = spec["design"]["kind"]
    steps = int(spec["experiment"]["steps"])
    # `last_months` averages whatever a shorter run has: say so rather than claim 60 months
    window = f"mean of the last {LAST} months" if steps >= LAST else f"mean of all {steps} months of each run"
    if kind == "morris":
        result = morris.analyze(problem, x, y, num_levels=spec["design"].get("levels", 4), seed=1)
        table = pd.DataFrame({k: result[k] for k in ("names", "mu_star", "mu_star_conf", "sigma")})
        table = table.sort_values("mu_star", ascending=False).head(args.top)
        print(f"Morris, {args.outcome} ({window}), {len(y)} samples:\n")
        print("| parameter | mu* | 95% conf. | sigma |\n|---|---|---|---|")
        for r in table.itertuples():
            print(f"| `{r.names}` | {r.mu_star:.4f} | {r.mu_star_conf:.4f} | {r.sigma:.4f} |")
    else:
        result = sobol.analyze(problem, y, calc_second_order=False, seed=1)
        table = pd.DataFrame({"names": names, **{k: result[k] for k in ("S1", "S1_conf", "ST", "ST_conf")}})
        table = table.sort_values("ST", ascending=False)
        n = len(y) // (len(names) + 2)
        print(f"Sobol, {args.outcome} ({window}), N = {n} base samples:\n")
        print(
            "| parameter | S1 | 95% conf. | ST | 95% conf. | ST interval width |\n|---|---|---|---|---|---|"
        )
        for r in table.itertuples():
            cells = (r.S1, r.S1_conf, r.ST, r.ST_conf, 2 * r.ST_conf)
            print(f"| `{r.names}` | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
        widest = float(2 * table.ST_conf.max())
        s1_over = table[table.S1 - table.S1_conf > table.ST + table.ST_conf]
        print(
            f"\nWidest ST interval: {widest:.3f} ({'narrower' if widest < 0.1 else 'NOT narrower'} than 0.1)."
        )
        print(f"S1 <= ST within error: {'yes' if s1_over.empty else 'no, for ' + ', '.join(s1_over.names)}.")
        print(f"Sum of S1: {table.S1.sum():.3f} (interactions: 1 - sum S1 = {1 - table.S1.sum():.3f}).")
    return 0


if __name__ == "__main__":
    run_script(main)
