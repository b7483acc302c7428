"""Which registries a projection's option drains: its drained worlds rerun, registry by registry.

The projection's runs keep the model-level series only; `drained` counts registries that
failed or kept fewer than half their members of January 2026 by the end. This reruns each world
with `drained` > 0 under OPTION and STRESS from its parameters and seed (`worlds.csv`,
`finals.csv`: bit for bit the same run) and prints, per registry, in how many of them it was
drained and the median share of its January 2026 members it kept.

    .venv/bin/python scripts/projection_drained.py results/projection --option mandatory --stress no_failure
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd


def main(argv: list[str] | None = None) -> int:
    """Rerun the drained worlds and print the table."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("projection", type=Path, help="a folder `python -m runs project` has finished")
    p.add_argument("--option", default="mandatory", help="an option of the projection (default: mandatory)")
    p.add_argument("--stress", default="no_failure", help="a stress of the projection (default: no_failure)")
    args = p.parse_args(argv)
    import json

    from model import PortabilityModel, load_scenario
    from runs.outcomes.projection import BRANCH, DRAINED
    from runs.project.spec import load_projection

    spec = load_projection()
    scenario = {o.name: o.scenario for o in spec.options}[args.option]
    events = {s.name: list(s.events) for s in spec.stresses}[args.stress]
    finals = pd.read_csv(args.projection / "finals.csv")
    worlds = pd.read_csv(args.projection / "worlds.csv").set_index("world").drop(columns="particle")
    scale = json.loads((args.projection / "projection.json").read_text())["scale"]
    mine = finals[(finals.option == args.option) & (finals.stress == args.stress)]
    drained = mine[mine.drained > 0]
    kept: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    for row in drained.itertuples():
        overrides = {k: float(v) for k, v in worlds.loc[row.world].items()} | {
            "scale": scale,
            "events": events,
        }
        model = PortabilityModel(load_scenario(scenario).with_overrides(**overrides), seed=int(row.seed))
        model.run_model(spec.steps)
        r = model.registry_frame()
        at = r[pd.to_datetime(r.date) == BRANCH].set_index("registry")
        end = r[r.step == r.step.max()].set_index("registry")
        for name in end.index:
            share = float(end.members[name] / at.members[name])
            kept.setdefault(name, []).append(share)
            hits[name] = hits.get(name, 0) + int(end.status[name] == "failed" or share < DRAINED)
    print(f"{len(drained)} of {len(mine)} worlds drain a registry under {args.option} ({args.stress})\n")
    print("| registry | drained in | members kept, median [5-95%] of the drained worlds |")
    print("|---|---|---|")
    for name, shares in kept.items():
        low, mid, high = np.percentile(shares, [5, 50, 95])
        print(f"| {name} | {hits[name]} | {mid:.2f} [{low:.2f}, {high:.2f}] |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
