"""Checks of a model's inputs that `Params` cannot make alone: the seed, registry names."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from model.errors import ConfigError, ReproducibilityWarning
from model.params import GovernanceEvent, Params

__all__ = ["MAX_MONTHS", "check_months", "check_registries", "check_seed"]

#: the longest run the model takes, in months: a century (entry grows the holders about
#: 19-fold in that time; a longer run outgrows a 24 GiB machine at full scale)
MAX_MONTHS = 1200


def check_registries(params: Params, names: Sequence[str], events: Sequence[GovernanceEvent] = ()) -> None:
    """Every registry that events (the run's and its timeline's) and overrides name exists."""
    for name in params.registry_overrides:
        if name not in names:
            raise ConfigError(f"registry_overrides: {name!r} is not a registry; valid: {', '.join(names)}")
    for event in (*params.events, *events):
        if event.registry not in names:
            raise ConfigError(
                f"event registry {event.registry!r} is not a registry; valid: {', '.join(names)}"
            )


def check_seed(seed: int | str | None) -> int:
    """Cast a seed to int (a UI sends strings); warn and draw one when it is missing."""
    if seed is None:
        warnings.warn("seed=None: this run is not reproducible", ReproducibilityWarning, stacklevel=4)
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(seed, bool):
        raise ConfigError(f"seed must be a non-negative integer; got {seed!r}")
    try:
        value = int(str(seed).strip()) if isinstance(seed, str) else int(seed)
    except (TypeError, ValueError):
        raise ConfigError(f"seed must be a non-negative integer; got {seed!r}") from None
    if (isinstance(seed, float) and seed != value) or value < 0:
        raise ConfigError(f"seed must be a non-negative integer; got {seed!r}")
    return value


def check_months(months: object) -> int:
    """A run's length: an integer number of months in [1, MAX_MONTHS], else `ConfigError`."""
    ok = isinstance(months, int | float) and not isinstance(months, bool) and float(months).is_integer()
    if not ok or not 1 <= months <= MAX_MONTHS:
        raise ConfigError(f"steps must be an integer number of months in [1, {MAX_MONTHS}]; got {months!r}")
    return int(months)
