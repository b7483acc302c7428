"""The same run over N seeds, computed in a background process: the bands beside the run you step.

The seeds are the run's own seed and the next N-1 (seed 42 with 10 seeds: 42-51), so each is
reproducible with `python -m runs run ... --seed S`. Each seed runs in a worker process (a
fork server that has imported the model), never in the server's own process: the browser's
steps never wait for the ensemble, and only what the app draws comes back (a few columns of
the model's frames). A change of inputs cancels the seeds not yet started.
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model import Params, PortabilityModel
from viz.measures import moved_share, realised_exit, stuck_holder_months

__all__ = [
    "DEFAULT_SEEDS",
    "SEED_CHOICES",
    "Band",
    "Ensemble",
    "ensemble_seeds",
    "in_worker",
    "run_ensembles",
    "run_seed",
]

SEED_CHOICES = (0, 5, 10, 20, 40)  # 0: no ensemble
DEFAULT_SEEDS = 10
WORKERS = 1  # the server keeps the other core: stepping stays quick while the seeds run
MODEL_COLUMNS = (
    "quality_experienced", "ipv4_at_risk", "accountability", "ipv4_price", "moves", "holders",
    "ipv4_transferred", "disputed_ipv4_shielded", "disputed_ipv4_reclaimed",
)  # fmt: skip
REGISTRY_COLUMNS = (
    "quality", "neutrality", "members", "reserves", "fee", "exit_threat", "effort", "outflow",
    "petition_support", "strictness", "pool",
)  # fmt: skip
DERIVED = ("stuck_holder_months", "moved_share", "realised_exit")
LOW, HIGH = 0.05, 0.95  # the band: 90% of seeds


def ensemble_seeds(seed: int, n: int) -> tuple[int, ...]:
    """The run's seed and the next `n` - 1."""
    return tuple(range(seed, seed + n))


def run_seed(params: Params, seed: int, months: int) -> dict[str, Any]:
    """One seed to `months` (in a worker): the columns the app draws, and the event log's firsts."""
    model = PortabilityModel(params, seed=seed)
    for _ in range(months):
        model.step()
    frame, registries = model.model_frame(), model.registry_frame()
    n = len(model.registries)
    status = np.array([getattr(s, "value", s) for s in registries["status"]], dtype=object)
    events = model.event_frame()
    return {
        "names": [r.name for r in model.registries],
        "model": {c: frame[c].to_numpy(dtype=float) for c in MODEL_COLUMNS if c in frame},
        "registries": {
            c: registries[c].to_numpy(dtype=float).reshape(-1, n) for c in REGISTRY_COLUMNS if c in registries
        },
        "status": status.reshape(-1, n).astype(str),
        "events": events.groupby(["registry", "kind"], sort=True).step.min().reset_index(),
    }


@dataclass(frozen=True)
class Band:
    """Mean and the 5% and 95% quantiles over seeds, month by month."""

    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True)
class Ensemble:
    """One setup over `seeds`, to `months`: every seed's columns, summarised on demand."""

    seeds: tuple[int, ...]
    months: int
    names: list[str]
    model: dict[str, np.ndarray]  # column -> (seeds, months + 1)
    registries: dict[str, np.ndarray]  # column -> (seeds, months + 1, registries)
    status: np.ndarray  # (seeds, months + 1, registries)
    events: tuple[pd.DataFrame, ...]  # per seed: registry, kind, first month
    _bands: dict[str, Band] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, seeds: Sequence[int], months: int, results: Sequence[dict[str, Any]]) -> Ensemble:
        """Stack the seeds' results."""
        first = results[0]
        return cls(
            tuple(seeds),
            months,
            list(first["names"]),
            {c: np.stack([r["model"][c] for r in results]) for c in first["model"]},
            {c: np.stack([r["registries"][c] for r in results]) for c in first["registries"]},
            np.stack([r["status"] for r in results]),
            tuple(r["events"] for r in results),
        )

    def values(self, key: str) -> np.ndarray:
        """Every seed's values of a model column, a registry column or a derived measure."""
        if key in self.model:
            return self.model[key]
        if key in self.registries:
            return self.registries[key]
        if key == "stuck_holder_months":
            return stuck_holder_months(self.registries["members"], self.status)
        if key == "moved_share":
            return moved_share(self.model["moves"], self.model["holders"])
        if key == "realised_exit":
            return realised_exit(self.registries["members"], self.registries["outflow"])
        raise KeyError(key)

    def has(self, key: str) -> bool:
        """Whether the ensemble carries `key`."""
        return key in self.model or key in self.registries or key in DERIVED

    def band(self, key: str) -> Band:
        """Mean and 90% range over seeds of `key`, each month (and registry)."""
        if key not in self._bands:
            values = self.values(key)
            low, high = np.quantile(values, [LOW, HIGH], axis=0)
            self._bands[key] = Band(values.mean(axis=0), low, high)
        return self._bands[key]

    def happened(self) -> list[tuple[str, str, int]]:
        """(registry, event kind, seeds in which it happened) for each event of any seed."""
        counts: dict[tuple[str, str], int] = {}
        for events in self.events:
            for registry, kind in zip(events.registry, events.kind, strict=True):
                counts[(registry, kind)] = counts.get((registry, kind), 0) + 1
        return [(r, k, n) for (r, k), n in sorted(counts.items())]


# --- the worker pool, shared by every session of the server -----------------------------------
_pool: cf.ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["model"])
        return context
    return multiprocessing.get_context("spawn")


def _executor() -> cf.ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or getattr(_pool, "_broken", False):
            _pool = cf.ProcessPoolExecutor(
                max_workers=WORKERS, mp_context=_context(), initializer=_outlive_not, initargs=(os.getpid(),)
            )
        return _pool


@atexit.register
def _close() -> None:
    """Stop the worker with the server (before the interpreter tears down what the pool needs)."""
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)


def _outlive_not(server: int) -> None:
    """In the worker: Ctrl-C is the server's to handle; exit when the server is gone.

    A pool's worker whose server was killed would otherwise wait for work forever (and keep
    its fork server alive), however the server ended.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while True:
            try:
                os.kill(server, 0)
            except ProcessLookupError:
                os._exit(0)
            time.sleep(1.0)

    threading.Thread(target=watch, name="server-watch", daemon=True).start()


def in_worker(
    function: Callable[..., Any],
    calls: Sequence[tuple],
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[Any] | None:
    """`function(*call)` for each call, in the worker process, in order; None when cancelled.

    The calling thread only waits (it holds no lock the server needs), so the page keeps stepping.
    """
    futures = [_executor().submit(function, *call) for call in calls]
    try:
        pending = set(futures)
        while pending:
            if cancel is not None and cancel.is_set():
                return None
            _done, pending = cf.wait(pending, timeout=0.2)
            if progress is not None:
                progress(1 - len(pending) / max(len(futures), 1))
        return [f.result() for f in futures]
    finally:
        for future in futures:
            future.cancel()  # those not started; a started seed ends in under a second at the default scale


def run_ensembles(
    setups: Sequence[Params],
    seeds: Sequence[int],
    months: int,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> list[Ensemble] | None:
    """Each setup over `seeds` to `months`, in the worker process; None when cancelled."""
    calls = [(params, seed, months) for params in setups for seed in seeds]
    results = in_worker(run_seed, calls, progress, cancel)
    if results is None:
        return None
    n = len(seeds)
    return [Ensemble.of(seeds, months, results[i * n : (i + 1) * n]) for i in range(len(setups))]
