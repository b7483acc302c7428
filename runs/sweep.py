"""A sweep end to end: plan (design, seeds, run ids), then run, record, resume.

Every design point is validated against `Params` before any run starts; the plan is written
before the first run; each finished run is written at once. `resume` runs what is not done.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w
from tqdm import tqdm

from model import ConfigError, load_scenario
from model.calibration import load_calibration
from model.model import check_registries
from runs.design import design_points
from runs.execute import RunResult, RunTask, open_executor, parameters_json, run_tasks
from runs.provenance import environment, now
from runs.seeds import run_seeds, sampler_seed
from runs.spec import ExperimentSpec
from runs.store import SweepStore

__all__ = ["plan", "resume", "spec_toml", "sweep"]


def spec_toml(spec: ExperimentSpec) -> str:
    """The effective experiment file (what ran, overrides included); parses back to `spec`."""
    experiment = {
        "name": spec.name,
        "scenario": spec.scenario,
        "steps": spec.steps,
        "replications": spec.replications,
        "seed": spec.seed,
        "seed_policy": spec.seed_policy,
        "observe_every": spec.observe_every,
        "outputs": list(spec.outputs),
        "model": spec.model,
    }
    if spec.description:
        experiment["description"] = spec.description
    parameters: dict[str, Any] = {}
    for f in spec.factors:
        if f.kind == "levels":
            parameters[f.name] = list(f.levels)
        elif f.kind == "range":
            parameters[f.name] = {"low": f.low, "high": f.high}
        else:
            parameters[f.name] = {"value": f.value}
    design = {"kind": spec.design}
    if spec.design != "factorial":
        design["samples"] = spec.samples
    if spec.design == "morris":
        design["levels"] = spec.morris_levels
    return tomli_w.dumps({"experiment": experiment, "parameters": parameters, "design": design})


def plan(spec: ExperimentSpec) -> tuple[pd.DataFrame, pd.DataFrame, list[RunTask]]:
    """Design points, the run plan and the tasks, with every point validated first."""
    design = design_points(spec)
    base = load_scenario(spec.scenario)
    names = load_calibration().names
    varying = [f.name for f in spec.varying]
    points = []
    for row in design.itertuples(index=False):
        point = {name: _plain(getattr(row, name)) for name in varying}
        try:
            check_registries(base.with_overrides(**spec.fixed, **point), names)
        except ConfigError as exc:
            raise ConfigError(f"design point {row.sample_id} ({point}): {exc}") from None
        points.append(point)
    seeds = run_seeds(spec.seed, len(design), spec.replications, spec.seed_policy)
    rows, tasks = [], []
    for sample_id, point in enumerate(points):
        parameters = {**spec.fixed, **point}
        for replicate in range(spec.replications):
            run_id = hashlib.sha256(f"{spec.hash}:{sample_id}:{replicate}".encode()).hexdigest()[:16]
            seed = int(seeds[sample_id, replicate])
            rows.append(
                {
                    "run_id": run_id,
                    "sample_id": sample_id,
                    "replicate": replicate,
                    "seed": seed,
                    **point,
                    "parameters": parameters_json(parameters),
                }
            )
            tasks.append(
                RunTask(
                    run_id,
                    sample_id,
                    replicate,
                    seed,
                    spec.scenario,
                    parameters,
                    spec.steps,
                    spec.observe_every,
                    spec.outputs,
                    spec.model,
                )
            )
    return design, pd.DataFrame(rows), tasks


def sweep(
    spec: ExperimentSpec,
    out: str | Path,
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    command: str = "",
) -> dict[str, int]:
    """Plan the sweep into `out` (which must not hold one yet), then run it."""
    store = SweepStore(out)
    if store.exists():
        raise ConfigError(f"{out} already holds a sweep; use `python -m runs resume {out}`")
    design, runs_plan, tasks = plan(spec)
    metadata = {
        "experiment": spec.name,
        "spec_hash": spec.hash,
        "spec": spec.canonical(),
        "created": now(),
        "seeds": {
            "root": spec.seed,
            "policy": spec.seed_policy,
            "sampler_seed": sampler_seed(spec.seed),
            "scheme": "numpy SeedSequence(root, spawn_key=(0,)) children; every run's seed in plan.parquet",
        },
        "environment": environment(),
        "executions": [],
    }
    store.create(spec_toml(spec), design, runs_plan, metadata)
    return _execute(store, spec, tasks, executor, workers, scheduler, progress, command or "sweep")


def resume(
    out: str | Path,
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    retry_failed: bool = False,
    progress: bool = True,
    command: str = "",
) -> dict[str, int]:
    """Run every planned run that is not done (failed ones only with `retry_failed`)."""
    store = SweepStore(out)
    if not store.exists():
        raise ConfigError(f"{out} holds no sweep to resume (no plan.parquet)")
    spec = ExperimentSpec.from_text(store.spec_text(), source=str(Path(out) / "spec.toml"))
    if spec.hash != store.metadata()["spec_hash"]:
        raise ConfigError(f"{out}/spec.toml does not match the sweep's recorded spec hash")
    _, _, tasks = plan(spec)
    skip = store.done_ids() | (set() if retry_failed else store.failed_ids())
    todo = [t for t in tasks if t.run_id not in skip]
    return _execute(store, spec, todo, executor, workers, scheduler, progress, command or "resume")


def _execute(
    store: SweepStore,
    spec: ExperimentSpec,
    tasks: list[RunTask],
    executor: str,
    workers: int | None,
    scheduler: str | None,
    progress: bool,
    command: str,
) -> dict[str, int]:
    started, clock = now(), time.perf_counter()
    execution = {
        "command": command,
        "executor": executor,
        "workers": workers,
        "scheduler": scheduler,
        "started": started,
        "runs": len(tasks),
    }
    counts = {"done": 0, "failed": 0}
    bar = tqdm(
        total=len(tasks),
        desc=spec.name,
        unit="run",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
        mininterval=0.1 if sys.stderr.isatty() else 5.0,  # keep non-terminal logs short
    )

    def on_result(result: RunResult) -> None:
        store.record(result)
        counts[result.status] += 1
        bar.set_postfix(done=counts["done"], failed=counts["failed"], refresh=False)
        bar.update()

    try:
        with contextlib.ExitStack() as stack:
            pool = stack.enter_context(open_executor(executor, workers, scheduler))
            n = workers or getattr(pool, "_max_workers", None) or 1
            run_tasks(
                tasks,
                pool,
                on_result,
                in_flight=2 * n,
                reopen=lambda: stack.enter_context(open_executor(executor, workers, scheduler)),
            )
    finally:
        bar.close()
        metadata = store.metadata()
        metadata["executions"].append(
            {**execution, **counts, "finished": now(), "wall_time_s": round(time.perf_counter() - clock, 3)}
        )
        store.write_metadata(metadata)
    return store.status()


def _plain(value: Any) -> Any:
    """Numpy scalars from a DataFrame row as plain Python values."""
    return value.item() if hasattr(value, "item") else value


def describe(out: str | Path) -> str:
    """One line: the sweep's counts of queued, done and failed runs (`python -m runs status`)."""
    store = SweepStore(out)
    if not store.exists():
        raise ConfigError(f"{out} holds no sweep (no plan.parquet)")
    counts = store.status()
    name = store.metadata().get("experiment", "?")
    listed = ", ".join(f"{n} {status}" for status, n in counts.items())
    return f"{name}: {listed} (of {sum(counts.values())} planned)"
