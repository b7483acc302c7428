"""Model entry points that fail on purpose, to test that a sweep isolates failures."""

from __future__ import annotations

import os

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
