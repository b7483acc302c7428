"""Throughput of the calibration: pyabc and its store against a bare loop, and 2 workers against 1.

    .venv/bin/python benchmarks/bench_calibration.py              # about 6 minutes on 2 cores
    .venv/bin/python benchmarks/bench_calibration.py --runs 100   # shorter

Run on demand, with both cores free (not in the test suite). Measured, in one run:

- overhead: a calibration's first generation (every prior draw accepted, so every simulation
  is stored with its parameters and seed) on one worker (`--executor serial`), against a bare
  Python loop over exactly the same (parameters, seed) runs; overhead = 1 - (ABC's simulations
  a second / the loop's). Target < 10%.
- speed-up: the same generation on 2 Dask workers (a LocalCluster, started inside the timing)
  and on 2 processes (pyabc's multicore sampler) against 1 worker, interleaved `--rounds`
  times (1, Dask, processes, 1, ...); the median ratio of the rounds with their range. Target
  >= 1.6x.

The full calibration's throughput (>= 10,000 simulations at scale 0.02 in under an hour on
2 cores) is its own command, timed: `python -m runs calibrate runs/experiments/calibration.toml`.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _generation(spec, executor: str, workers: int) -> tuple[float, Path]:
    from runs.calibrate.smc import calibrate

    out = Path(tempfile.mkdtemp(prefix=f"bench-{executor}-"))
    started = time.perf_counter()
    calibrate(spec, out, executor=executor, workers=workers, progress=lambda _: None)
    return time.perf_counter() - started, out


def _stored_runs(out: Path, spec) -> list[tuple[dict[str, float], int]]:
    import pyabc

    from runs.calibrate.smc import database

    pop = pyabc.History(database(out)).get_population_extended(t=0)
    return [
        ({name: float(row[f"par_{name}"]) for name in spec.parameters}, int(row["sumstat_seed"]))
        for _, row in pop.iterrows()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="simulations in the generation timed")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of 1 and 2 workers")
    parser.add_argument("--scale", type=float, default=0.02)
    args = parser.parse_args()
    from runs.calibrate.smc import replay_simulator
    from runs.calibrate.spec import load_spec

    shipped = load_spec(ROOT / "runs" / "experiments" / "calibration.toml", scale=args.scale)
    spec = replace(shipped, population=args.runs, generations=1, budget=args.runs * 2)
    simulator = replay_simulator(spec)
    simulator(*next(iter([({p.name: (p.low + p.high) / 2 for p in spec.priors}, 0)])))  # warm up

    abc_time, out = _generation(spec, "serial", 1)
    runs = _stored_runs(out, spec)
    started = time.perf_counter()
    for parameters, seed in runs:
        simulator(parameters, seed)
    bare_time = time.perf_counter() - started
    abc_rate, bare_rate = len(runs) / abc_time, len(runs) / bare_time
    print(
        f"overhead: {len(runs)} runs at scale {args.scale}: bare loop {bare_rate:.2f} runs/s, ABC (serial, "
        f"database, report excluded) {abc_rate:.2f} runs/s: overhead {100 * (1 - abc_rate / bare_rate):.1f}%"
    )

    ratios: dict[str, list[float]] = {"dask": [], "processes": []}
    for i in range(args.rounds):
        one, _ = _generation(spec, "serial", 1)
        times = {kind: _generation(spec, kind, 2)[0] for kind in ratios}
        for kind, seconds in times.items():
            ratios[kind].append(one / seconds)
        print(
            f"round {i + 1}: 1 worker {one:.1f} s, 2 Dask workers {times['dask']:.1f} s (cluster start "
            f"included), 2 processes {times['processes']:.1f} s"
        )
    for kind, values in ratios.items():
        print(
            f"speed-up, 2 {kind} workers against 1: median {statistics.median(values):.2f}x "
            f"(range {min(values):.2f}-{max(values):.2f}, {args.rounds} rounds)"
        )


if __name__ == "__main__":
    main()
