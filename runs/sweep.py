"""A sweep end to end: plan (design, seeds, run ids), then run, record, resume.

Everything is checked before any work: the design's size (`runs.bounds`), every design point
against `Params`, the folder, the executor. The plan is written before the first run, and
each finished run at once. `resume` runs what is not done: queued runs, runs cut short, runs
whose files were found damaged; it first rebuilds what is missing or damaged among spec.toml,
the plan and metadata.json (`runs.recover`). SIGINT and SIGTERM stop a sweep cleanly at any
moment, planning included (`runs.signals`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import hashlib
import logging
import os
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from model import ConfigError, load_scenario
from model.calibration import load_calibration
from model.checks import check_registries
from runs.bounds import check_feasible
from runs.design import design_points
from runs.errors import Interrupted, StorageError, SweepError
from runs.execute import RunResult, RunTask, open_executor, parameters_json, run_tasks
from runs.folder import check_new_folder, check_writable, clear_leftovers
from runs.lock import FolderLock
from runs.provenance import now
from runs.recover import metadata_for, recovered_spec, repair
from runs.signals import Signals
from runs.spec import CONDITION, ExperimentSpec, spec_toml
from runs.store import SweepStore

__all__ = ["pending", "plan", "resume", "run_or_resume", "spec_toml", "sweep"]

log = logging.getLogger(__name__)


def _setting(spec: ExperimentSpec, point: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The scenario and parameters of one design point (a named condition's own values last)."""
    condition = spec.condition(point[CONDITION]) if CONDITION in point else None
    parameters = {**spec.fixed, **{k: v for k, v in point.items() if k != CONDITION}}
    if condition is None:
        return spec.scenario, parameters
    return condition.scenario or spec.scenario, {**parameters, **condition.parameters}


def plan(spec: ExperimentSpec) -> tuple[pd.DataFrame, pd.DataFrame, list[RunTask]]:
    """Design points, the run plan and the tasks, with every point validated first."""
    from runs.seeds import run_seeds

    design = design_points(spec)
    names = load_calibration().names
    varying = [f.name for f in spec.varying]
    bases: dict[str, Any] = {}
    points = []
    for row in design.itertuples(index=False):
        point = {name: _plain(getattr(row, name)) for name in varying}
        scenario, parameters = _setting(spec, point)
        base = bases.setdefault(scenario, load_scenario(scenario))
        try:
            check_registries(base.with_overrides(**parameters), names)
        except ConfigError as exc:
            raise ConfigError(f"design point {row.sample_id} ({point}): {exc}") from None
        points.append((point, scenario, parameters))
    seeds = run_seeds(
        spec.seed, len(design), spec.replications, spec.seed_policy, max(1, len(spec.conditions))
    )
    rows, tasks = [], []
    for sample_id, (point, scenario, parameters) in enumerate(points):
        for replicate in range(spec.replications):
            run_id = hashlib.sha256(f"{spec.hash}:{sample_id}:{replicate}".encode()).hexdigest()[:16]
            seed = int(seeds[sample_id, replicate])
            where = {"scenario": scenario} if spec.conditions else {}  # earlier plans stay as they were
            rows.append(
                {
                    "run_id": run_id,
                    "sample_id": sample_id,
                    "replicate": replicate,
                    "seed": seed,
                    **point,
                    **where,
                    "parameters": parameters_json(parameters),
                }
            )
            tasks.append(
                RunTask(
                    run_id,
                    sample_id,
                    replicate,
                    seed,
                    scenario,
                    parameters,
                    spec.steps,
                    spec.observe_every,
                    spec.outputs,
                    spec.model,
                    spec.timeout,
                    spec.outcomes,
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
    force: bool = False,
) -> dict[str, int]:
    """Plan the sweep into `out` (a new or empty folder), then run it.

    Everything is checked before any work: the design's size (`force` goes past the bound on
    runs, not past what memory can plan), the folder, every design point, the executor (a
    Dask scheduler must answer). The plan is written before the first run starts.
    """
    out = Path(out)
    check_new_folder(out)
    check_feasible(spec, force=force)
    with Signals() as signals, contextlib.ExitStack() as stack:
        pool = _open(stack, signals, (executor, workers, scheduler))  # workers start now
        design, runs_plan, tasks = plan(spec)  # every design point validated before any folder
        try:
            out.mkdir(parents=True, exist_ok=True)
            lock = stack.enter_context(FolderLock(out))
        except (OSError, StorageError) as exc:
            raise StorageError(f"cannot create the sweep in {out}: {_reason(exc)}", planning=True) from exc
        store = SweepStore(out)
        if store.exists():  # another driver planned it meanwhile
            raise SweepError(f"{out} already holds a sweep; use `python -m runs resume {out}`")
        metadata = metadata_for(spec) | ({"forced": True} if force else {})
        try:
            with signals.deferred():  # a plan is written whole, or left to be reused
                clear_leftovers(out)
                store.create(spec_toml(spec), design, runs_plan, metadata)
        except (OSError, StorageError) as exc:
            raise StorageError(f"cannot write the plan into {out}: {_reason(exc)}", planning=True) from exc
        return _execute(
            store, lock, spec, tasks, pool, (executor, workers, scheduler), progress, command, signals
        )


def pending(out: str | Path, *, retry_failed: bool = False) -> int | None:
    """How many runs `resume` would run (None if it must first rebuild something to know)."""
    store = SweepStore(out)
    try:
        census = store.census()
        store.metadata()
        ExperimentSpec.from_text(store.spec_text())
    except (SweepError, ConfigError):
        return None
    return len(census.planned) - len(census.done) - (0 if retry_failed else len(census.failed))


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
    """Run every planned run that is not done (failed ones only with `retry_failed`).

    Damaged run files are moved to DIR/corrupt/ and their runs run again; a missing or damaged
    spec.toml, plan or metadata.json is rebuilt first; a folder whose planning was cut short is
    planned again.
    """
    out = Path(out)
    store = SweepStore(out)
    if not store.begun():
        raise SweepError(
            f"{out} holds no sweep to resume (no plan.parquet, spec.toml or metadata.json); "
            f"start one with `python -m runs sweep FILE --out {out}`"
        )
    check_writable(out, f"resume {out}")
    how, started = (executor, workers, scheduler), now()
    with Signals() as signals, contextlib.ExitStack() as stack:
        lock = stack.enter_context(FolderLock(out))  # before reading what is done
        try:
            spec = recovered_spec(store).with_overrides(timeout=timeout)
            design, runs_plan, tasks = plan(spec)
            with signals.deferred():
                repair(store, spec, design, runs_plan)
                census = store.census()
                if census.corrupt:
                    log.warning(
                        "%s: %d runs with damaged files (moved to %s) run again",
                        out, len(census.corrupt), out / "corrupt",
                    )  # fmt: skip
                    store.quarantine(census.corrupt)
            skip = census.done | (set() if retry_failed else census.failed)
            todo = [t for t in tasks if t.run_id not in skip]
            if not todo:
                return store.status()
            pool = _open(stack, signals, how)  # workers start: seconds, a signal may come meanwhile
        except Interrupted as exc:
            _record_stopped(store, how, command, started, exc)
            raise
        return _execute(store, lock, spec, todo, pool, how, progress, command, signals)


def _record_stopped(
    store: SweepStore, how: tuple[str, int | None, str | None], command: str, started: str, exc: Interrupted
) -> None:
    """An execution stopped before its first run (still planning, repairing, starting workers).

    metadata.json records every execution however it ends; this one would otherwise be missing.
    """
    executor, workers, scheduler = how
    execution = {
        "id": uuid.uuid4().hex[:12],
        "command": command,
        "executor": executor,
        "workers": workers,
        "scheduler": scheduler,
        "pid": os.getpid(),
        "started": started,
        "finished": now(),
        "done": 0,
        "failed": 0,
        "status": f"interrupted by {signal.Signals(exc.signum).name}",
        "note": "stopped before any run started",
    }
    with contextlib.suppress(OSError, SweepError):  # no readable metadata.json yet: nothing to add to
        _update_execution(store, execution)


def run_or_resume(spec: ExperimentSpec, folder: str | Path, **how: Any) -> dict[str, int]:
    """Sweep `spec` into `folder`, or finish the sweep of the same spec already there."""
    store = SweepStore(folder)
    if not store.begun():
        return sweep(spec, folder, **how)
    recorded = recovered_spec(store)
    if recorded.hash != spec.hash:
        raise SweepError(
            f"{folder} holds a sweep of another design (another --scale, --replications, --samples "
            "or --steps?); give another folder, or the options it was made with"
        )
    how.pop("force", None)
    return resume(folder, **how)


def _open(
    stack: contextlib.ExitStack, signals: Signals, how: tuple[str, int | None, str | None]
) -> cf.Executor:
    """Open the executor; a signal meanwhile is raised after it (a cluster it cut short: the same)."""
    with signals.polling(how[0] != "serial"):  # no signal inside a pool's machinery
        try:
            pool = stack.enter_context(open_executor(*how))
        except Exception:
            signals.check()  # a worker killed by the signal while starting: the signal is the reason
            raise
    signals.check()
    return pool


def _reason(exc: BaseException) -> str:
    """The OS's words for a failed write, without the path already named."""
    cause = exc.__cause__ if isinstance(exc, StorageError) and exc.__cause__ else exc
    return str(cause.strerror) if isinstance(cause, OSError) and cause.strerror else str(exc)


def _execute(
    store: SweepStore,
    lock: FolderLock,
    spec: ExperimentSpec,
    tasks: list[RunTask],
    pool: cf.Executor | None,
    how: tuple[str, int | None, str | None],
    progress: bool,
    command: str,
    signals: Signals,
) -> dict[str, int]:
    """Run `tasks` on `pool`, recording the execution in metadata.json at its start and its end."""
    executor, workers, scheduler = how
    clock = time.perf_counter()
    execution = {
        "id": uuid.uuid4().hex[:12],
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

    def on_result(result: RunResult) -> None:
        signals.check()  # a run that ends after a signal came is not recorded: resume runs it again
        with signals.deferred():  # a signal now is raised once the run is written and counted
            store.record(result, execution["id"])
            counts[result.status] += 1
        bar.set_postfix(done=counts["done"], failed=counts["failed"], refresh=False)
        bar.update()

    status = "interrupted"
    try:
        if tasks and pool is not None:
            n = workers or getattr(pool, "_max_workers", None) or 1
            # a serial run computes in this thread: a signal stops it at once; a pool is polled
            with contextlib.ExitStack() as reopened, signals.polling(executor != "serial"):
                try:
                    run_tasks(
                        tasks,
                        pool,
                        on_result,
                        in_flight=2 * n,
                        reopen=lambda: reopened.enter_context(open_executor(executor, workers, scheduler)),
                        tick=signals.check,
                    )
                except Exception:
                    signals.check()  # an executor broken by the signal (its workers killed): the signal
                    raise
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
        try:
            _update_execution(store, execution)
        except (OSError, SweepError) as exc:  # a full disk: the run records are what counts
            log.warning("%s; the end of this execution is not recorded there (its runs are)", exc)
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
    store.write_metadata(metadata)


def _settle_killed_executions(store: SweepStore, lock_was_left: bool) -> None:
    """Executions still marked running ended without saying so: count their runs from the records."""
    metadata = store.metadata()
    stale = [e for e in metadata.get("executions", []) if e.get("status") == "running"]
    if not stale:
        return
    recorded = store.executions_of_records()
    for execution in stale:
        done = recorded.get(execution.get("id", ""), 0)
        execution.update(status="killed", recorded=done)
        execution["note"] = (
            "its end was not recorded (its driver died, or the disk was full); 'recorded' counts its runs"
        )
    with contextlib.suppress(OSError):
        store.write_metadata(metadata)


def _plain(value: Any) -> Any:
    """Numpy scalars from a DataFrame row as plain Python values."""
    return value.item() if hasattr(value, "item") else value
