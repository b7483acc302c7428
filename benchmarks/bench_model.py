"""Speed and memory of the model, measured in one run (run on demand, not in the test suite).

    .venv/bin/python benchmarks/bench_model.py             # full scale (106,562 real holders), a few minutes
    .venv/bin/python benchmarks/bench_model.py --quick     # scale 0.1, a few seconds
    .venv/bin/python benchmarks/bench_model.py --rounds 5  # more rounds on a busy machine

The model and Boltzmann run alternately, `--rounds` times (default 3): each ratio is taken
within a round, and the median of the rounds (with their range) is reported, since the
machine is shared and one busy spell would otherwise decide the ratio. Each measurement
runs in its own single-threaded subprocess, so peak memory (max RSS) is its own. The
population grows by entry, so agent-steps are the holders present in each month, summed;
Boltzmann runs with the mean number of holders. Reported: build + 240 months with data
collection (target < 5 s); agent-steps per second against Mesa's Boltzmann wealth model in
its Mesa 3.3 form (grid, move, give, a DataCollector of Gini and wealth) with the same
number of agents, stepping only and end to end (build + 240 months against the same
Boltzmann stepping rate; targets >= 50x each); the batched kernel against the per-agent
path (target >= 20x); peak memory (target < 600 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SINGLE_THREAD = {
    k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")
}


def _portability(scale: float, steps: int, engine: str) -> dict:
    from model import PortabilityModel

    PortabilityModel(seed=0, scale=0.002, engine=engine).step()  # load the compiled kernel
    started = time.perf_counter()
    model = PortabilityModel(seed=1, scale=scale, engine=engine)
    built = time.perf_counter()
    market = _timed(model, ("_trade", "_enter"))
    for _ in range(steps):
        model.step()
    frames = (model.model_frame(), model.registry_frame(), model.event_frame())
    done = time.perf_counter()
    assert len(frames[0]) == steps + 1
    holders = frames[0].holders.to_numpy()[1:]  # holders present in each month stepped
    return {
        "agents": round(holders.mean()),
        "agents_start": int(frames[0].holders.iloc[0]),
        "agents_end": int(holders[-1]),
        "agent_steps": int(holders.sum()),
        "steps": steps,
        "build_s": built - started,
        "run_s": done - built,
        "total_s": done - started,
        "market_s": market[0],
    }


def _timed(model: object, methods: tuple[str, ...]) -> list[float]:
    """Wrap the model's `methods` so that the time spent in them adds up in the returned cell."""
    spent = [0.0]
    for name in methods:
        method = getattr(model, name)

        def timed(method=method) -> None:
            began = time.perf_counter()
            method()
            spent[0] += time.perf_counter() - began

        setattr(model, name, timed)
    return spent


def _boltzmann(agents: int, steps: int) -> dict:
    """Mesa's Boltzmann wealth example as shipped with Mesa 3.3 (no experimental recorder)."""
    import math

    from mesa import Model
    from mesa.datacollection import DataCollector
    from mesa.discrete_space import CellAgent, OrthogonalMooreGrid

    class MoneyAgent(CellAgent):
        def __init__(self, model: Model, cell: object) -> None:
            super().__init__(model)
            self.cell = cell
            self.wealth = 1

        def move(self) -> None:
            self.cell = self.cell.neighborhood.select_random_cell()

        def give_money(self) -> None:
            cellmates = [a for a in self.cell.agents if a is not self]
            if self.wealth > 0 and cellmates:
                other = self.random.choice(cellmates)
                other.wealth += 1
                self.wealth -= 1

        def step(self) -> None:
            self.move()
            self.give_money()

    class BoltzmannWealth(Model):
        def __init__(self, n: int, width: int, height: int, seed: int) -> None:
            super().__init__(rng=seed)
            self.grid = OrthogonalMooreGrid((width, height), random=self.random)
            self.datacollector = DataCollector(
                model_reporters={"Gini": self.compute_gini}, agent_reporters={"Wealth": "wealth"}
            )
            MoneyAgent.create_agents(self, n, self.random.choices(self.grid.all_cells.cells, k=n))
            self.datacollector.collect(self)

        def step(self) -> None:
            self.agents.shuffle_do("step")
            self.datacollector.collect(self)

        def compute_gini(self) -> float:
            wealth = sorted(a.wealth for a in self.agents)
            n = len(wealth)
            b = sum(xi * (n - i) for i, xi in enumerate(wealth)) / (n * sum(wealth))
            return 1 + (1 / n) - 2 * b

    side = max(1, round(math.sqrt(agents)))  # the example's density: one agent per cell
    started = time.perf_counter()
    model = BoltzmannWealth(agents, side, side, seed=1)
    built = time.perf_counter()
    for _ in range(steps):
        model.step()
    done = time.perf_counter()
    return {
        "agents": agents,
        "steps": steps,
        "build_s": built - started,
        "run_s": done - built,
        "total_s": done - started,
    }


def _child(kind: str, args: list[str]) -> None:
    if kind == "boltzmann":
        result = _boltzmann(int(args[0]), int(args[1]))
    else:
        result = _portability(float(args[0]), int(args[1]), engine=kind)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def _measure(kind: str, *args: object) -> dict:
    env = {**os.environ, **SINGLE_THREAD, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, __file__, "--child", kind, *map(str, args)]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rate(r: dict) -> float:
    """Agent-steps per second while stepping."""
    return r.get("agent_steps", r["agents"] * r["steps"]) / r["run_s"]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _spread(values: list[float], fmt: str, unit: str = "") -> str:
    """Median of the rounds, and their range when there are several."""
    text = format(_median(values), fmt) + unit
    if len(values) > 1:
        text += f" ({format(min(values), fmt)}{unit}-{format(max(values), fmt)}{unit})"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="scale 0.1 instead of 1.0")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="model and Boltzmann runs, alternated, >= 1 (default 3): the machine is shared, so "
        "each ratio is taken within a round and the median of the rounds is reported",
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1:])
        return
    if args.rounds < 1:
        parser.error(f"--rounds must be >= 1; got {args.rounds}")
    scale = 0.1 if args.quick else 1.0
    kernels, boltzmanns = [], []
    for _ in range(args.rounds):  # alternated, so that a busy spell of the machine hits both
        kernels.append(_measure("kernel", scale, 240))
        boltzmanns.append(_measure("boltzmann", kernels[0]["agents"], 5))
    per_agent = _measure("agents", scale, 3)
    kernel = kernels[0]  # the runs are the same run (same seed): only their times differ

    def each(f) -> list[float]:
        return [f(k, b) for k, b in zip(kernels, boltzmanns, strict=True)]

    # the targets are for scale 1.0: at --quick's scale 0.1 the fixed costs per month weigh more
    at_full = " at scale 1.0 (not this scale)" if scale != 1.0 else ""
    stepping = each(lambda k, b: _rate(k) / _rate(b))
    end_to_end = each(lambda k, b: k["agent_steps"] / k["total_s"] / _rate(b))
    rows = [
        (
            "build + 240 months, data collection (s)",
            _spread(each(lambda k, b: k["total_s"]), ".2f"),
            "< 5 at scale 1.0",
        ),
        ("  of which build (s)", _spread(each(lambda k, b: k["build_s"]), ".2f"), ""),
        ("  of which 240 months (s)", _spread(each(lambda k, b: k["run_s"]), ".2f"), ""),
        ("  of which the market and entry (s)", _spread(each(lambda k, b: k["market_s"]), ".2f"), ""),
        (
            "  market and entry, share of stepping",
            _spread(each(lambda k, b: k["market_s"] / k["run_s"]), ".1%"),
            "",
        ),
        ("model agent-steps per second, stepping", _spread(each(lambda k, b: _rate(k)), ",.0f"), ""),
        (
            "model agent-steps per second, end to end (build included)",
            _spread(each(lambda k, b: k["agent_steps"] / k["total_s"]), ",.0f"),
            "",
        ),
        (
            "Boltzmann wealth (Mesa 3.3 form) agent-steps per second",
            _spread(each(lambda k, b: _rate(b)), ",.0f"),
            "",
        ),
        ("  ratio model / Boltzmann, stepping", _spread(stepping, ".1f", "x"), f">= 50x{at_full}"),
        ("  ratio model / Boltzmann, end to end", _spread(end_to_end, ".1f", "x"), f">= 50x{at_full}"),
        ("per-agent path agent-steps per second", f"{_rate(per_agent):,.0f}", ""),
        (
            "  ratio kernel / per-agent path",
            f"{_median([_rate(k) for k in kernels]) / _rate(per_agent):.1f}x",
            ">= 20x",
        ),
        ("peak memory, model run (MB)", _spread(each(lambda k, b: k["peak_rss_mb"]), ".0f"), "< 600"),
    ]
    print(
        f"scale {scale}: {kernel['agents_start']:,} holders at the start, {kernel['agents_end']:,} at the "
        f"end (entry), {kernel['agents']:,} on average; Python {sys.version.split()[0]}; one thread; "
        f"{args.rounds} round(s): median (range)\n"
    )
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>24}  {target}")


if __name__ == "__main__":
    main()
