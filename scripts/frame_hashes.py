"""Hash every output frame of many runs, to prove that a refactor changed no number.

Runs every packaged scenario for several seeds and scales (and the per-agent engine on a
few), hashes the model, registry, holder, event and flow frames (values, column names and
dtypes), and writes one line per run and frame. Run it before a change and after, then
compare the two files:

    .venv/bin/python scripts/frame_hashes.py --out /tmp/before.tsv
    ... change the code ...
    .venv/bin/python scripts/frame_hashes.py --out /tmp/after.tsv --compare /tmp/before.tsv

`--compare` exits 1 and names every run and frame that differs. The default grid (12
scenarios x 3 seeds x 3 scales, 150 months, plus every scenario at scale 1.0 for 48 months
and the agents engine at scale 0.005) takes about 3-4 minutes on 2 cores; `--quick` takes
one seed and one scale.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model import PortabilityModel, list_scenarios

FRAMES = ("model_frame", "registry_frame", "holder_frame", "event_frame", "flow_frame")


def frame_hash(frame: pd.DataFrame) -> str:
    """sha256 of a frame's column names, dtypes and every value (row order included)."""
    digest = hashlib.sha256()
    digest.update(repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def grid(quick: bool) -> Iterator[tuple[str, int, float, int, str]]:
    """(scenario, seed, scale, months, engine) of every run to hash."""
    scenarios = list_scenarios()
    seeds = (3,) if quick else (3, 11, 42)
    scales = (0.01,) if quick else (0.002, 0.01, 0.05)
    for name in scenarios:
        for seed in seeds:
            for scale in scales:
                yield name, seed, scale, 150, "kernel"
    if quick:
        return
    for name in scenarios:
        yield name, 5, 1.0, 48, "kernel"
    for name in ("status_quo", "registry_failure_portable", "venue_shopping"):
        yield name, 9, 0.005, 60, "agents"


def run_hashes(name: str, seed: int, scale: float, months: int, engine: str) -> dict[str, str]:
    """Hashes of each frame after `months` steps of one run."""
    model = PortabilityModel.from_scenario(name, seed=seed, scale=scale, engine=engine)
    for _ in range(months):
        model.step()
    return {frame: frame_hash(getattr(model, frame)()) for frame in FRAMES}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="file to write (tab-separated)")
    parser.add_argument("--compare", type=Path, help="an earlier file: exit 1 if any hash differs")
    parser.add_argument("--quick", action="store_true", help="one seed, one scale (seconds)")
    args = parser.parse_args()
    rows = []
    started = time.perf_counter()
    for name, seed, scale, months, engine in grid(args.quick):
        for frame, value in run_hashes(name, seed, scale, months, engine).items():
            rows.append((name, str(seed), repr(scale), str(months), engine, frame, value))
    args.out.write_text("".join("\t".join(r) + "\n" for r in rows))
    print(f"{len(rows)} hashes of {len(rows) // len(FRAMES)} runs in {time.perf_counter() - started:.0f} s")
    if args.compare is None:
        return 0
    before = {
        tuple(line.split("\t")[:6]): line.split("\t")[6] for line in args.compare.read_text().splitlines()
    }
    differ = [r for r in rows if r[:6] in before and before[r[:6]] != r[6]]
    missing = set() if args.quick else set(before) - {r[:6] for r in rows}
    for r in differ:
        print("DIFFERS:", " ".join(r[:6]))
    if missing:
        print(f"{len(missing)} runs of the earlier file were not hashed now")
    print("all equal" if not differ and not missing else f"{len(differ)} hashes differ")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
