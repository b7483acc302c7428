"""Model entry points that fail on purpose, to test that a sweep isolates failures."""

from __future__ import annotations

import contextlib
import math
import os
import signal
import threading
import time

import numba

from model import Params, PortabilityModel


def raises_under_mandatory(params: Params, seed: int) -> PortabilityModel:
    """A model that raises for every mandatory-portability run."""
    if params.regime == "mandatory":
        raise RuntimeError("injected fault")
    return PortabilityModel(params, seed=seed)


def kills_its_worker_under_mandatory(params: Params, seed: int) -> PortabilityModel:
    """A model whose worker process dies (as under the OOM killer) for mandatory runs."""
    if params.regime == "mandatory":
        os._exit(13)
    return PortabilityModel(params, seed=seed)


def hangs_under_mandatory(params: Params, seed: int) -> PortabilityModel:
    """A model whose mandatory-portability runs hang in their first step."""
    model = PortabilityModel(params, seed=seed)
    if params.regime == "mandatory":
        model.step = lambda: time.sleep(3600)  # type: ignore[method-assign]
    return model


def slow(params: Params, seed: int) -> PortabilityModel:
    """A model whose every month takes 0.2 s more (runs are in flight when a signal comes)."""
    model = PortabilityModel(params, seed=seed)
    step = model.step

    def slow_step() -> None:
        time.sleep(0.2)
        step()

    model.step = slow_step  # type: ignore[method-assign]
    return model


def interrupt_as_system_error(params: Params, seed: int) -> PortabilityModel:
    """A model whose second month is cut by SIGINT and the interrupt comes back as a `SystemError`.

    That is what compiled code does with an exception raised by a signal handler while it
    runs (issue 21: the interrupt surfaced as `SystemError` in the market's `_orders` kernel).
    """
    model = PortabilityModel(params, seed=seed)
    step = model.step

    def step_interrupted() -> None:
        step()
        if model.steps == 2:
            try:
                signal.raise_signal(signal.SIGINT)
            except BaseException as exc:
                raise SystemError(
                    "<built-in function _orders> returned a result with an exception set"
                ) from exc

    model.step = step_interrupted  # type: ignore[method-assign]
    return model


def swallows_the_interrupt(params: Params, seed: int) -> PortabilityModel:
    """A model whose code swallows the interrupt raised in its second month and runs on to the end."""
    model = PortabilityModel(params, seed=seed)
    step = model.step

    def step_swallowing() -> None:
        step()
        if model.steps == 2:
            with contextlib.suppress(BaseException):  # what careless compiled code does
                signal.raise_signal(signal.SIGINT)

    model.step = step_swallowing  # type: ignore[method-assign]
    return model


@numba.njit(cache=True, nogil=True)  # nogil: the test's sender thread runs while it does
def _spin(n: int) -> float:  # pragma: no cover (compiled)
    """A compiled loop long enough for a signal to come while it runs (it changes no model state)."""
    total = 0.0
    for i in range(n):
        total += math.sqrt(i)
    return total


SPIN = 30_000_000  # about 0.05-0.1 s a call
SPINNING = threading.Event()  # set while `_spin` runs (in the serial executor: this process)
SPINS = [0]  # how many times `_spin` has started


def spins_in_a_kernel(params: Params, seed: int) -> PortabilityModel:
    """A model whose every month ends in a compiled kernel that runs for a while (`_spin`)."""
    model = PortabilityModel(params, seed=seed)
    step = model.step

    def step_then_spin() -> None:
        step()
        SPINS[0] += 1
        SPINNING.set()
        _spin(SPIN)
        SPINNING.clear()

    model.step = step_then_spin  # type: ignore[method-assign]
    return model
