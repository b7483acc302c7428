"""Model entry points that fail on purpose, to test that a sweep isolates failures."""

from __future__ import annotations

import os
import time

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
