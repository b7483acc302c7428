"""One replay of the record: a scenario from October 2018 to December 2025, measured against it.

The history report (`scripts/history.py`) and the calibration (`python -m runs calibrate`)
both build a run's frames here and measure them with `model.observed`, so the numbers they
compare with the record are made the same way.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from model.observed import Frames, Target, measure

__all__ = ["HISTORY_MONTHS", "measured", "replay", "seeds_of"]

#: October 2018 to December 2025: the months of the record the targets fall in
HISTORY_MONTHS = 86


def replay(scenario: str, seed: int, scale: float, months: int = HISTORY_MONTHS, **overrides: Any) -> Frames:
    """One run of `scenario` (parameters `overrides` on top) for `months`: its frames and scale."""
    from model import PortabilityModel

    model = PortabilityModel.from_scenario(scenario, seed=seed, scale=scale, **overrides)
    model.run_model(months)
    return Frames(model.model_frame(), model.registry_frame(), scale)


def measured(frames: Frames, targets: dict[str, Target]) -> dict[str, float]:
    """The model's number for every target (nan where the run cannot give it)."""
    return {name: measure(name, frames) for name in targets}


def seeds_of(root: int, n: int) -> list[int]:
    """`n` runs' seeds, drawn from the root before any run starts (as a sweep draws them)."""
    return [int(s) for s in np.random.SeedSequence(root).generate_state(n)]
