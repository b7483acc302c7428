"""A sweep end to end: plan (design, seeds, run ids), then run, record, resume.

Every design point is validated against `Params` before any run starts; the plan is written
before the first run; each finished run is written at once. `resume` runs what is not done.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import tomli_w
from tqdm import tqdm

from model import ConfigError, load_scenario
from model.calibration import load_calibration
from model.model import check_registries
from runs.design import design_points
from runs.errors import Interrupted, StorageError, SweepError
from runs.execute import RunResult, RunTask, open_executor, parameters_json, run_tasks
from runs.lock import FolderLock
from runs.provenance import environment, now
from runs.seeds import run_seeds, sampler_seed
from runs.spec import ExperimentSpec
from runs.store import SweepStore, check_new_folder, check_writable, describe

__all__ = ["describe", "plan", "resume", "spec_toml", "sweep"]


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
    if spec.timeout is not None:
        experiment["timeout"] = spec.timeout
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
                    spec.timeout,
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
    """Plan the sweep into `out` (a new or empty folder), then run it.

    Everything is checked before any work: the folder, every design point, the executor (a
    Dask scheduler must answer). The plan is written before the first run starts.
    """
    out = Path(out)
    check_new_folder(out)
    if SweepStore(out).exists():
        raise SweepError(f"{out} already holds a sweep; use `python -m runs resume {out}`")
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(open_executor(executor, workers, scheduler))  # workers start now
        design, runs_plan, tasks = plan(spec)  # every design point validated before any folder
        out.mkdir(parents=True, exist_ok=True)
        lock = stack.enter_context(FolderLock(out))
        store = SweepStore(out)
        if store.exists():  # another driver planned it meanwhile
            raise SweepError(f"{out} already holds a sweep; use `python -m runs resume {out}`")
        metadata = {
            "experiment": spec.name,
            "spec_hash": spec.hash,
            "spec": spec.canonical(),
            "created": now(),
            "seeds": {
                "root": spec.seed,
                "policy": spec.seed_policy,
                "sampler_seed": sampler_seed(spec.seed),
                "scheme": "numpy SeedSequence(root, spawn_key=(0,)) children; seeds in plan.parquet",
            },
            "environment": environment(),
            "executions": [],
        }
        try:
            store.create(spec_toml(spec), design, runs_plan, metadata)
        except OSError as exc:
            raise StorageError(f"cannot write the plan into {out}: {exc.strerror or exc}") from exc
        return _execute(store, lock, spec, tasks, pool, (executor, workers, scheduler), progress, command)


def resume(
    out: str | Path,
    *,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    retry_failed: bool = False,
    timeout: float | None = None,
    progress: bool = True,
    command: str = "",
) -> dict[str, int]:
    """Run every planned run that is not done (failed ones only with `retry_failed`)."""
    store = SweepStore(out)
    if not store.exists():
        raise SweepError(f"{out} holds no sweep to resume (no plan.parquet)")
    check_writable(out, f"resume {out}")
    spec = ExperimentSpec.from_text(store.spec_text(), source=str(Path(out) / "spec.toml"))
    if spec.hash != store.metadata()["spec_hash"]:
        raise SweepError(f"{out}/spec.toml does not match the sweep's recorded spec hash")
    spec = spec.with_overrides(timeout=timeout)
    with contextlib.ExitStack() as stack:
        lock = stack.enter_context(FolderLock(out))  # before reading what is done
        _, _, tasks = plan(spec)
        skip = store.done_ids() | (set() if retry_failed else store.failed_ids())
        todo = [t for t in tasks if t.run_id not in skip]
        pool = stack.enter_context(open_executor(executor, workers, scheduler)) if todo else None
        return _execute(store, lock, spec, todo, pool, (executor, workers, scheduler), progress, command)


class _Signals:
    """SIGINT and SIGTERM raise `Interrupted` in the driver, but never while a run is being written."""

    def __init__(self) -> None:
        self.writing = False
        self.pending: int | None = None
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _handle(self, signum: int, frame: Any) -> None:
        if self.writing:
            self.pending = signum
        else:
            raise Interrupted(signum)

    @contextlib.contextmanager
    def deferred(self) -> Iterator[None]:
        """A block a signal does not cut short (it is raised after)."""
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
        if self.pending is not None:
            raise Interrupted(self.pending)


def _execute(
    store: SweepStore,
    lock: FolderLock,
    spec: ExperimentSpec,
    tasks: list[RunTask],
    pool: cf.Executor | None,
    how: tuple[str, int | None, str | None],
    progress: bool,
    command: str,
) -> dict[str, int]:
    """Run `tasks` on `pool`, recording the execution in metadata.json at its start and its end."""
    executor, workers, scheduler = how
    clock = time.perf_counter()
    execution_id = uuid.uuid4().hex[:12]
    execution = {
        "id": execution_id,
        "command": command,
        "executor": executor,
        "workers": workers,
        "scheduler": scheduler,
        "timeout_s": spec.timeout,
        "pid": os.getpid(),
        "started": now(),
        "runs": len(tasks),
        "status": "running",
    }
    counts = {"done": 0, "failed": 0}
    _settle_killed_executions(store, bool(lock.previous))
    _update_execution(store, execution)
    bar = tqdm(
        total=len(tasks),
        desc=spec.name,
        unit="run",
        file=sys.stderr,
        disable=not progress,
        dynamic_ncols=True,
        mininterval=0.1 if sys.stderr.isatty() else 5.0,  # keep non-terminal logs short
    )
    signals = _Signals()

    def on_result(result: RunResult) -> None:
        with signals.deferred():  # a signal now is raised once the run is written and counted
            store.record(result, execution_id)
            counts[result.status] += 1
        bar.set_postfix(done=counts["done"], failed=counts["failed"], refresh=False)
        bar.update()

    status = "interrupted"
    try:
        with signals:
            if tasks and pool is not None:
                n = workers or getattr(pool, "_max_workers", None) or 1
                with contextlib.ExitStack() as reopened:
                    run_tasks(
                        tasks,
                        pool,
                        on_result,
                        in_flight=2 * n,
                        reopen=lambda: reopened.enter_context(open_executor(executor, workers, scheduler)),
                    )
        status = "finished"
    except StorageError:
        status = "storage error"
        raise
    except Interrupted as exc:
        status = f"interrupted by {signal.Signals(exc.signum).name}"
        raise
    finally:
        bar.close()
        wall = round(time.perf_counter() - clock, 3)
        execution.update(counts, status=status, finished=now(), wall_time_s=wall)
        with contextlib.suppress(OSError):  # a full disk: the run records are what counts
            _update_execution(store, execution)
    return store.status()


def _update_execution(store: SweepStore, execution: dict[str, Any]) -> None:
    metadata = store.metadata()
    records = metadata.setdefault("executions", [])
    for i, record in enumerate(records):
        if record.get("id") == execution["id"]:
            records[i] = dict(execution)
            break
    else:
        records.append(dict(execution))
    try:
        store.write_metadata(metadata)
    except OSError as exc:
        raise StorageError(f"cannot write {store.folder}/metadata.json: {exc.strerror or exc}") from exc


def _settle_killed_executions(store: SweepStore, lock_was_left: bool) -> None:
    """Executions still marked running belong to drivers that died: count their runs from the records."""
    metadata = store.metadata()
    stale = [e for e in metadata.get("executions", []) if e.get("status") == "running"]
    if not stale:
        return
    recorded = store.executions_of_records()
    for execution in stale:
        done = recorded.get(execution.get("id", ""), 0)
        execution.update(status="killed", recorded=done)
        execution["note"] = "its driver died (kill -9, power loss); 'recorded' counts its runs"
    with contextlib.suppress(OSError):
        store.write_metadata(metadata)


def _plain(value: Any) -> Any:
    """Numpy scalars from a DataFrame row as plain Python values."""
    return value.item() if hasattr(value, "item") else value
