"""Running the planned runs: one function per run, and the executors that call it.

`execute_run` is a pure function of its task (so serial, process-pool and Dask runs give the
same data); it raises nothing but an interrupt: a failing run comes back as a record with its
traceback. The driver (`run_tasks`) keeps a bounded number of runs in flight, hands each
finished one to a callback at once (the store writes it), and survives a worker that dies.

A worker process is started once and runs many tasks. It ignores SIGINT (the driver alone
decides what a Ctrl-C does; a worker ended by SIGTERM with its driver is no failed run: the
driver, interrupted too, records nothing more) and exits when its parent dies, however the
parent dies, so a killed driver leaves no orphans. A run over its time limit (`RunTask.timeout`) is stopped
and recorded as failed.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import json
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from runs import forkserver
from runs.cluster import dask_client
from runs.errors import SweepError
from runs.options import EXECUTORS
from runs.signals import interrupt_in

__all__ = ["EXECUTORS", "RunResult", "RunTask", "RunTimeout", "execute_run", "open_executor", "run_tasks"]

TICK = 0.2  # seconds between the driver's checks for a signal while it waits on runs


@dataclass(frozen=True)
class RunTask:
    """Everything one run needs; small and picklable."""

    run_id: str
    sample_id: int
    replicate: int
    seed: int
    scenario: str
    parameters: dict[str, Any]
    steps: int
    observe_every: int = 1
    outputs: tuple[str, ...] = ("timeseries", "registries")
    model: str = "model:PortabilityModel"
    timeout: float | None = None  # seconds; None: no limit
    outcomes: str = ""  # "module:callable" of the run's own outcomes (see `runs.outcomes`), or none


class RunTimeout(Exception):  # noqa: N818 (reads as the record: "RunTimeout: ...")
    """A run went over its time limit."""


@dataclass
class RunResult:
    """What a run produced: its record, its tables, or its error."""

    task: RunTask
    status: str  # "done" or "failed"
    duration: float
    final: dict[str, float] = field(default_factory=dict)
    timeseries: pd.DataFrame | None = None
    registries: pd.DataFrame | None = None
    error: str = ""
    traceback: str = ""


def _factory(entry: str) -> Callable[..., Any]:
    module, _, name = entry.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def execute_run(task: RunTask) -> RunResult:
    """Build and run one model; return its tables (observed every k months, and the last).

    A run that raises is a failed run, with its traceback; but an interrupt that surfaces as
    another exception (inside compiled code a Python exception can come back as a
    `SystemError`) is re-raised as the interrupt it is: a run cut short is not a failure.
    """
    from model import load_scenario

    started = time.perf_counter()
    try:
        deadline = started + task.timeout if task.timeout else float("inf")
        with _time_limit(task.timeout):
            params = load_scenario(task.scenario).with_overrides(**task.parameters)
            model = _factory(task.model)(params, seed=task.seed)
            observer = _factory(task.outcomes)(model) if task.outcomes else None
            for _ in range(task.steps):
                model.step()
                if observer is not None:
                    observer.month(model)
                if time.perf_counter() > deadline:  # where no alarm can fire (Dask's threads)
                    raise RunTimeout(f"the run took longer than its time limit of {task.timeout:g} s")
        frame = model.model_frame()
        keep = (frame.step % task.observe_every == 0) | (frame.step == frame.step.max())
        frame = frame[keep]
        timeseries = registries = None
        if "timeseries" in task.outputs:
            timeseries = _long(task.run_id, frame)
        if "registries" in task.outputs:
            registries = model.registry_frame()
            registries = registries[registries.step.isin(frame.step)].reset_index(drop=True)
            registries.insert(0, "run_id", task.run_id)
        final = {k: float(v) for k, v in frame.iloc[-1].items() if k not in ("step", "date")}
        if observer is not None:
            own = {k: float(v) for k, v in observer.finals(model).items()}
            if clash := sorted(set(own) & set(final)):
                raise ValueError(f"outcomes {task.outcomes} repeat model outputs: {', '.join(clash)}")
            final.update(own)
        return RunResult(task, "done", time.perf_counter() - started, final, timeseries, registries)
    except Exception as exc:
        interrupt = interrupt_in(exc)
        if interrupt is not None:
            raise interrupt from exc
        return RunResult(
            task,
            "failed",
            time.perf_counter() - started,
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
        )


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `RunTimeout` in the block after `seconds` (SIGALRM: main thread only, else no limit).

    Process-pool workers and the serial executor run tasks in their main thread; Dask runs
    them in threads, where no alarm can fire: there the limit is checked after each month,
    so a slow run is stopped but a month that never ends is not.
    """
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: Any) -> None:
        raise RunTimeout(f"the run took longer than its time limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _long(run_id: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The model frame in long form: run_id, step, metric, value (metric-major, as `melt`; no date)."""
    metrics = [c for c in frame.columns if c not in ("step", "date")]  # the date follows from the step
    steps = frame["step"].to_numpy()
    return pd.DataFrame(
        {
            "run_id": run_id,
            "step": np.tile(steps, len(metrics)),
            "metric": np.repeat(metrics, len(steps)),
            "value": frame[metrics].to_numpy(dtype=float).ravel(order="F"),
        }
    )


def worker_died(task: RunTask, exc: BaseException) -> RunResult:
    """The record of a run whose worker process died under it."""
    return RunResult(
        task,
        "failed",
        0.0,
        error=f"worker died: {type(exc).__name__}: {exc}",
        traceback="".join(traceback.format_exception(exc)),
    )


class SerialExecutor(cf.Executor):
    """Runs each task in the calling process when submitted (the reference executor)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Run now; return a finished future (an interrupt propagates at once)."""
        future: cf.Future = cf.Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future


def _worker_init(driver: int) -> None:
    """In each pool worker: leave SIGINT to the driver; exit when the driver dies; import once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()  # the driver, or the fork server (which exits when the driver does)
    try:  # Linux: the kernel kills this worker when its parent dies
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:  # elsewhere (and as a second guard): poll the parent and the driver
        while os.getppid() == parent:
            try:
                os.kill(driver, 0)
            except ProcessLookupError:
                break
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    import model  # noqa: F401  (import the model once per worker, not once per run)


def _ready() -> None:
    """A task that does nothing: submitted once per worker, it starts every worker at once."""


def _kill_workers(pool: cf.ProcessPoolExecutor) -> None:
    """End a pool's workers now, runs in flight included (shutdown alone waits for them)."""
    for process in list(getattr(pool, "_processes", {}).values()):  # no public API for this
        if process.is_alive():
            process.kill()
    pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def open_executor(
    kind: str, workers: int | None = None, scheduler: str | None = None
) -> Iterator[cf.Executor]:
    """A `concurrent.futures.Executor` of the given kind, closed on exit.

    processes: a process pool on a fork server that has imported the model (`runs.forkserver`).
    dask: a Dask distributed client, on the
    cluster at `scheduler` (tcp://host:port) or on a LocalCluster on 127.0.0.1.
    """
    if kind not in EXECUTORS:
        raise SweepError(f"--executor must be one of {', '.join(EXECUTORS)}; got {kind!r}")
    if workers is not None and workers < 1:
        raise SweepError(f"--workers must be an integer >= 1; got {workers}")
    workers = workers or os.cpu_count() or 1
    if kind == "serial":
        yield SerialExecutor()
    elif kind == "processes":
        pool = cf.ProcessPoolExecutor(
            max_workers=workers,
            mp_context=forkserver.context(),
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )
        for _ in range(workers):  # start (and import in) every worker now, while the driver plans
            pool.submit(_ready)
        try:
            yield pool
        finally:
            # interrupted or failed: do not wait for the runs in flight; finished: every result is
            # in, and ending idle workers at once spares their slow interpreter shutdown
            _kill_workers(pool)
    else:
        with dask_client(workers, scheduler) as client:
            yield client.get_executor(pure=False)


def run_tasks(
    tasks: Sequence[RunTask],
    executor: cf.Executor,
    on_result: Callable[[RunResult], None],
    *,
    in_flight: int = 8,
    reopen: Callable[[], cf.Executor] | None = None,
    tick: Callable[[], None] | None = None,
) -> None:
    """Run every task, at most `in_flight` at a time, passing each result to `on_result` at once.

    A worker process that dies breaks a process pool and every run in flight in it. Those
    runs become suspects and run again one at a time in a fresh pool (`reopen`): a run that
    breaks the pool while alone is the culprit and is recorded as failed; the others finish.
    The sweep never hangs and no innocent run is lost. `tick` (if given) is called at least
    every `TICK` seconds while runs are in flight, between waits (the driver checks for a
    signal there).
    """
    queue = list(reversed(tasks))
    suspects: list[RunTask] = []
    running: dict[cf.Future, RunTask] = {}
    while queue or suspects or running:
        limit = 1 if suspects else in_flight
        broken = False
        while len(running) < limit and (suspects or queue):
            source = suspects if suspects else queue
            task = source.pop()
            try:
                running[executor.submit(execute_run, task)] = task
            except BrokenProcessPool:  # broke since the last wait: the runs in flight tell why
                source.append(task)
                broken = True
                break
        if broken and not running:
            if reopen is None:
                _fail_all(on_result, [*suspects, *reversed(queue)])
                return
            executor = reopen()
            continue
        alone = len(running) == 1
        done, _ = cf.wait(running, timeout=TICK if tick else None, return_when=cf.FIRST_COMPLETED)
        if tick is not None:
            tick()
        crashed: list[RunTask] = []
        for future in done:
            task = running.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool:
                crashed.append(task)
                continue
            except Exception as exc:  # the executor lost the run (the run's own errors are results)
                result = worker_died(task, exc)
            on_result(result)  # a storage error here stops the sweep: it is not the run's failure
        if not crashed:
            continue
        crashed += running.values()  # the broken pool takes every run in flight with it
        running.clear()
        if alone:
            on_result(worker_died(crashed[0], BrokenProcessPool("the worker running it died")))
        else:
            suspects.extend(reversed(crashed))
        if reopen is None:
            _fail_all(on_result, [*suspects, *reversed(queue)])
            return
        executor = reopen()


def _fail_all(on_result: Callable[[RunResult], None], tasks: Sequence[RunTask]) -> None:
    for task in tasks:
        on_result(worker_died(task, BrokenProcessPool("no executor left")))


def parameters_json(parameters: dict[str, Any]) -> str:
    """A run's parameters as canonical JSON (for the runs table)."""
    return json.dumps(parameters, sort_keys=True, default=str)
