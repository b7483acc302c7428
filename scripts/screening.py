"""Morris or Sobol indices of a finished sweep, from its stored runs (one outcome per run).

Outcome of a run: the mean of its last 60 months of a model-frame column. Reads the sweep's
plan and time series straight from the folder, in sample order, so the indices are those of
the design the sweep ran (`runs/design.py` draws it with SALib).

    .venv/bin/python scripts/screening.py results/morris --outcome quality_experienced
    .venv/bin/python scripts/screening.py results/sobol --outcome quality_experienced
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path

import pandas as pd
from SALib.analyze import morris, sobol


def outcomes(folder: Path, column: str, months: int = 60) -> pd.DataFrame:
    """One row per run: its design sample and the outcome."""
    plan = pd.read_parquet(folder / "plan.parquet")
    values = []
    for run_id in plan.run_id:
        frame = pd.read_parquet(
            folder / "timeseries" / f"{run_id}.parquet",
            columns=["step", "value"],
            filters=[("metric", "==", column)],
        ).sort_values("step")
        values.append(frame.value.iloc[-months:].mean())
    plan = plan.assign(outcome=values)
    return plan.groupby("sample_id", sort=True).outcome.mean().reset_index()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--outcome", default="quality_experienced")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    spec = tomllib.loads((args.folder / "spec.toml").read_text(encoding="utf-8"))
    design = pd.read_parquet(args.folder / "design.parquet").sort_values("sample_id")
    ranges = {k: v for k, v in spec["parameters"].items() if isinstance(v, dict) and "low" in v}
    names = list(ranges)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[ranges[n]["low"], ranges[n]["high"]] for n in names],
    }
    y = outcomes(args.folder, args.outcome).outcome.to_numpy()
    x = design[names].to_numpy()
    kind = spec["design"]["kind"]
    if kind == "morris":
        result = morris.analyze(problem, x, y, num_levels=spec["design"].get("levels", 4), seed=1)
        table = pd.DataFrame({k: result[k] for k in ("names", "mu_star", "mu_star_conf", "sigma")})
        table = table.sort_values("mu_star", ascending=False).head(args.top)
        print(f"Morris, {args.outcome} (mean of the last 60 months), {len(y)} samples:\n")
        print("| parameter | mu* | 95% conf. | sigma |\n|---|---|---|---|")
        for r in table.itertuples():
            print(f"| `{r.names}` | {r.mu_star:.4f} | {r.mu_star_conf:.4f} | {r.sigma:.4f} |")
    else:
        result = sobol.analyze(problem, y, calc_second_order=False, seed=1)
        table = pd.DataFrame({"names": names, **{k: result[k] for k in ("S1", "S1_conf", "ST", "ST_conf")}})
        table = table.sort_values("ST", ascending=False)
        n = len(y) // (len(names) + 2)
        print(f"Sobol, {args.outcome} (mean of the last 60 months), N = {n} base samples:\n")
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
    raise SystemExit(main())
