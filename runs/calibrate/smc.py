"""ABC-SMC with pyabc: the distance, the simulator, and a run that can be stopped and resumed.

Reproducibility. Each generation is one `ABCSMC.run(max_nr_populations=1)` on an `ABCSMC`
loaded afresh from the database, with NumPy's global generator (the one pyabc samples with)
seeded from the root seed and the generation's index. An uninterrupted calibration and one
killed and resumed thus take the same path: the state of generation t is read from the
database either way. Every simulation draws its model seed from that generator and stores it
with its summary statistics (`seed`), so any particle can be rerun exactly
(`model.replay.replay(scenario, seed, scale, **parameters)`).

Executors. `serial` (pyabc's `SingleCoreSampler`): the same root seed gives the same
posterior. `processes` (`MulticoreEvalParallelSampler`) and `dask` (`DaskDistributedSampler`,
on a LocalCluster or the cluster at `--scheduler`) do not: pyabc reseeds each worker from the
operating system and keeps the first particles accepted, so which are kept depends on timing
(VALIDATION reports the spread across repeated fits); each particle's stored seed still reruns
it exactly. The budget: the serial and process samplers stop a generation at it; pyabc's Dask
sampler finishes a generation once started, so a Dask calibration may pass its budget by the
simulations of its last generation (`generations.csv` counts them all).
"""

from __future__ import annotations

import json
import logging
import os
import random
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from model.errors import ConfigError
from model.observed import Target
from runs.calibrate.spec import CalibrationSpec

__all__ = ["DB_NAME", "RangeDistance", "Simulation", "calibrate", "database", "replay_simulator"]

DB_NAME = "calibration.db"
DASK_BATCH = 4  # simulations a Dask task
_SPEC_NAME = "calibration.json"
#: a simulator: (parameter values, model seed) -> the model's number for each target
Simulator = Callable[[Mapping[str, float], int], dict[str, float]]


def replay_simulator(spec: CalibrationSpec) -> Simulator:
    """The model: the spec's scenario replayed to December 2025, every target measured."""
    return _Replay(spec.scenario, spec.scale, spec.targets_file)


class _Replay:
    """A picklable simulator (pyabc's parallel sampler sends it to its workers)."""

    def __init__(self, scenario: str, scale: float, targets_file: str | None) -> None:
        self.scenario, self.scale, self.targets_file = scenario, scale, targets_file

    def __call__(self, parameters: Mapping[str, float], seed: int) -> dict[str, float]:
        from model.observed import load_targets
        from model.replay import measured, replay

        frames = replay(self.scenario, seed, self.scale, **dict(parameters))
        return measured(frames, load_targets(self.targets_file))


class Simulation:
    """pyabc's model: draws the run's seed from pyabc's generator, simulates, keeps the seed."""

    def __init__(self, simulator: Simulator, parameters: tuple[str, ...]) -> None:
        self.simulator, self.parameters = simulator, parameters

    def __call__(self, particle: Mapping[str, float]) -> dict[str, float]:
        """Every target's number for this particle, and the seed of its run."""
        # drawn from the generator pyabc samples with, so the root seed fixes it (one worker)
        seed = int(np.random.randint(0, 2**31 - 1))
        values = {name: float(particle[name]) for name in self.parameters}
        return {**self.simulator(values, seed), "seed": seed}


class RangeDistance:
    """Each fit target: how far outside its observed range, in widths (or levels); 0 inside.

    Combined over the fit targets with the spec's norm; nan (a run too short, a share of no
    volume) is infinitely far.
    """

    def __init__(self, targets: Mapping[str, Target], fit: tuple[str, ...], scale_by: str, norm: float):
        self.fit, self.norm = fit, norm
        self.ranges = {name: (targets[name].low, targets[name].high) for name in fit}
        self.units = {name: _unit(targets[name], scale_by) for name in fit}

    def parts(self, x: Mapping[str, float]) -> dict[str, float]:
        """Each fit target's distance."""
        out = {}
        for name in self.fit:
            value, (low, high) = float(x[name]), self.ranges[name]
            outside = max(low - value, value - high, 0.0)
            out[name] = outside / self.units[name] if np.isfinite(value) else np.inf
        return out

    def __call__(self, x: Mapping[str, float], x_0: Mapping[str, float] | None = None) -> float:
        """The distance pyabc compares with epsilon (x_0, the ranges' midpoints, is not needed)."""
        parts = np.array(list(self.parts(x).values()))
        return float(np.inf if not np.all(np.isfinite(parts)) else np.linalg.norm(parts, ord=self.norm))


def _unit(target: Target, scale_by: str) -> float:
    if scale_by == "width" and target.high > target.low:
        return target.high - target.low
    level = abs(target.high + target.low) / 2  # a range of no width: its level
    if level == 0:
        raise ConfigError(f"target {target.name!r}: a range of zero width at zero cannot scale a distance")
    return level


def database(out: Path) -> str:
    """The SQLAlchemy address (pyabc's) of the calibration's database in `out`."""
    return f"sqlite:///{(out / DB_NAME).resolve()}"


@contextmanager
def sampler(executor: str, workers: int | None, scheduler: str | None) -> Iterator[Callable[[], Any]]:
    """A factory of pyabc samplers on `executor`; a Dask client lives as long as the context."""
    from pyabc.sampler import DaskDistributedSampler, MulticoreEvalParallelSampler, SingleCoreSampler

    if executor == "dask":
        from runs.cluster import dask_client

        class Sampler(DaskDistributedSampler):
            """pyabc's Dask sampler, asking the scheduler for its cores once a generation.

            pyabc asks at every poll (100 a second): a round trip to the scheduler each time,
            which on a small machine takes a core's worth of time from the workers.
            """

            def client_cores(self) -> int:
                if not hasattr(self, "_cores"):
                    self._cores = super().client_cores()
                return self._cores

        with dask_client(workers, scheduler) as client:
            # a few runs a task: a run takes a fraction of a second, a task's round trip some ms
            yield lambda: Sampler(client, batch_size=DASK_BATCH)
        return
    # check_max_eval: stop a generation at the budget (pyabc otherwise finishes it whatever it costs)
    if executor == "serial":
        yield lambda: SingleCoreSampler(check_max_eval=True)
    else:
        yield lambda: MulticoreEvalParallelSampler(
            n_procs=workers or os.cpu_count() or 1, check_max_eval=True
        )


def _abc(spec: CalibrationSpec, simulator: Simulator, sampler: Any, t: int) -> Any:
    import pyabc

    prior = pyabc.Distribution(**{p.name: pyabc.RV("uniform", p.low, p.high - p.low) for p in spec.priors})
    return pyabc.ABCSMC(
        Simulation(simulator, spec.parameters),
        prior,
        RangeDistance(spec.targets, spec.fit, spec.scale_by, spec.norm),
        population_size=spec.population,
        sampler=sampler,
        # generation 0 accepts every prior draw (no calibration sample is spent on it); a later
        # one starts from the quantile of the last generation's distances, read from the database
        eps=pyabc.QuantileEpsilon(
            initial_epsilon=np.inf if t == 0 else "from_sample", alpha=spec.epsilon_quantile
        ),
    )


def generation_seed(root: int, t: int) -> int:
    """The seed of NumPy's global generator for generation t (independent streams per t)."""
    return int(np.random.SeedSequence([root, t]).generate_state(1)[0])


def _check_folder(spec: CalibrationSpec, out: Path) -> bool:
    """Whether `out` holds this calibration already (resume); refuse one of another spec."""
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a new folder, or the folder of this calibration")
    if (out / "projection.json").exists() or (out / "runs").is_dir():
        raise ConfigError(f"--out {out} holds a projection; give the calibration a folder of its own")
    saved = out / _SPEC_NAME
    if not (out / DB_NAME).exists():
        return False
    if not saved.exists():
        raise ConfigError(f"{out} holds a {DB_NAME} without {_SPEC_NAME}; use a new --out")
    if json.loads(saved.read_text())["fingerprint"] != spec.fingerprint():
        raise ConfigError(f"{out} holds a calibration of another file or scale; use a new --out")
    return True


def calibrate(
    spec: CalibrationSpec,
    out: Path,
    *,
    executor: str = "serial",
    workers: int | None = None,
    scheduler: str | None = None,
    simulator: Simulator | None = None,
    progress: Callable[[str], None] = print,
) -> int:
    """Run (or resume) the calibration into `out`; returns the generations done."""
    for name in ("ABC", "ABC.History", "ABC.Sampler"):  # pyabc's per-generation chatter
        logging.getLogger(name).setLevel(logging.WARNING)
    simulator = simulator or replay_simulator(spec)
    resuming = _check_folder(spec, out)
    out.mkdir(parents=True, exist_ok=True)
    with sampler(executor, workers, scheduler) as new_sampler:
        return _generations(spec, out, simulator, new_sampler, resuming, progress)


def _generations(
    spec: CalibrationSpec,
    out: Path,
    simulator: Simulator,
    new_sampler: Callable[[], Any],
    resuming: bool,
    progress: Callable[[str], None],
) -> int:
    import pyabc

    if not resuming:
        saved = {"fingerprint": spec.fingerprint(), "scale": spec.scale, "scenario": spec.scenario}
        (out / _SPEC_NAME).write_text(json.dumps(saved))
        abc = _abc(spec, simulator, new_sampler(), 0)
        midpoints = {name: (spec.targets[name].low + spec.targets[name].high) / 2 for name in spec.fit}
        abc.new(database(out), midpoints)
    while True:
        history = pyabc.History(database(out))
        t, done = history.max_t + 1, history.total_nr_simulations
        remaining = spec.budget - done
        if t >= spec.generations or remaining < spec.population:
            return t
        abc = _abc(spec, simulator, new_sampler(), t)
        abc.load(database(out), history.id)
        np.random.seed(generation_seed(spec.seed, t))
        random.seed(generation_seed(spec.seed, t))
        # a generation that would pass the budget stops at it and is not kept (pyabc's
        # min_acceptance_rate bounds the simulations of one generation to population / rate)
        abc.run(max_nr_populations=1, min_acceptance_rate=spec.population / remaining)
        after = pyabc.History(database(out))
        if after.max_t < t:
            progress(f"generation {t} stopped at the budget ({spec.budget} simulations); raise --budget")
            return t
        pop = after.get_all_populations().iloc[-1]
        progress(f"generation {t}: epsilon {pop.epsilon:.4g}, {int(pop.samples)} simulations")
