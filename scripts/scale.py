"""Does the portability effect depend on the population's scale? Paired by seed, by scale.

Prints the Markdown table of docs/VALIDATION.md §5: quality experienced (mean of the last
five of twenty years) under lock-in and mandatory portability, and their paired difference,
with Student-t 95% intervals over seeds.

    .venv/bin/python scripts/scale.py --scales 0.02 0.2 1.0 --seeds 20 20 5
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from model import PortabilityModel
from runs.analysis import t_interval_text


def quality(regime: str, seed: int, scale: float, steps: int = 240) -> float:
    """Quality experienced over the last five years of one run."""
    model = PortabilityModel(regime=regime, seed=seed, scale=scale)
    for _ in range(steps):
        model.step()
    return float(model.model_frame().quality_experienced.iloc[-60:].mean())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[0.02, 0.2, 1.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[20, 20, 5], help="seeds per scale")
    args = parser.parse_args(argv)
    if len(args.seeds) != len(args.scales):
        parser.error(f"--seeds needs one count per scale ({len(args.scales)}); got {len(args.seeds)}")
    print("| scale | seeds | none | mandatory | paired difference | seconds a run |")
    print("|---|---|---|---|---|---|")
    for scale, seeds in zip(args.scales, args.seeds, strict=True):
        started = time.perf_counter()
        none = np.array([quality("none", s, scale) for s in range(seeds)])
        mandatory = np.array([quality("mandatory", s, scale) for s in range(seeds)])
        per_run = (time.perf_counter() - started) / (2 * seeds)
        cells = [t_interval_text(x) for x in (none, mandatory, mandatory - none)]
        print(f"| {scale:g} | {seeds} | " + " | ".join(cells) + f" | {per_run:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
