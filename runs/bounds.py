"""What a sweep may ask for: bounds that refuse, before any work, what could never finish.

A design's size is counted from the spec alone (no sample is drawn), so a trillion-sample
Sobol design is refused in microseconds instead of failing to allocate. The bounds:

- runs in a sweep: at most `MAX_RUNS` (a million runs is days of computing on one machine);
  `--force` (``force=True``) goes past it, up to what the plan itself can hold in memory;
- months a run: at most `MAX_STEPS` (100 years; the population grows by entry every year,
  and memory with it: a 5,000-month run held 5 GB at scale 0.01);
- a run's time limit: finite, at most `MAX_TIMEOUT` (30 days; no timer takes more).

Every refusal is one line naming the value and the bound.
"""

from __future__ import annotations

import math
import os
from typing import TYPE_CHECKING, Any

from model import ConfigError

if TYPE_CHECKING:
    from runs.spec import ExperimentSpec

__all__ = [
    "MAX_RUNS",
    "MAX_STEPS",
    "MAX_TIMEOUT",
    "PLAN_BYTES_PER_RUN",
    "check_feasible",
    "check_steps",
    "check_timeout",
    "count_points",
    "count_runs",
]

MAX_RUNS = 1_000_000
MAX_STEPS = 1_200
MAX_TIMEOUT = 30 * 24 * 3600.0
#: What one planned run costs the driver (plan row, task, bookkeeping), measured with margin.
PLAN_BYTES_PER_RUN = 2_000


def check_steps(value: Any, where: str) -> int:
    """`value` as months a run, or `ConfigError` naming `where` (e.g. ``--steps``) and the bound."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STEPS:
        raise ConfigError(
            f"{where} must be an integer in [1, {MAX_STEPS:,}] (100 years: the population grows "
            f"by entry every year, and memory with it); got {value}"
        )
    return value


def check_timeout(value: Any, where: str) -> float:
    """`value` as a run's time limit in seconds, or `ConfigError` naming `where` and the bound."""
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
    if not 0 < number <= MAX_TIMEOUT:  # NaN and infinities fail here too
        raise ConfigError(
            f"{where} must be a number of seconds in (0, {MAX_TIMEOUT:,.0f}] (30 days); got {value}"
        )
    return float(number)


def count_points(spec: ExperimentSpec) -> int:
    """Design points of `spec`, counted without drawing a sample."""
    crossed = math.prod(len(f.levels) for f in spec.factors if f.kind == "levels")
    ranged = sum(1 for f in spec.factors if f.kind == "range")
    per_sample = {"factorial": 0, "lhs": 1, "sobol": ranged + 2, "morris": ranged + 1, "points": 1}[
        spec.design
    ]
    samples = spec.samples * per_sample if per_sample else 1
    return crossed * samples * max(1, len(spec.conditions))


def count_runs(spec: ExperimentSpec) -> int:
    """Runs of `spec`: design points times replications."""
    return count_points(spec) * spec.replications


def _memory() -> int:
    """This machine's physical memory in bytes (a large guess where the OS does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return 64 * 2**30


def check_feasible(spec: ExperimentSpec, *, force: bool = False) -> None:
    """Refuse a design with more runs than `MAX_RUNS` (unless `force`) or than memory can plan."""
    points, runs = count_points(spec), count_runs(spec)
    replications = f"{spec.replications:,} replication" + ("s" if spec.replications != 1 else "")
    size = f"the design has {runs:,} runs ({points:,} design points x {replications})"
    need, have = runs * PLAN_BYTES_PER_RUN, _memory()
    if need > have / 2:
        raise ConfigError(
            f"{size}; its plan alone would need {need / 2**30:,.1f} GiB, more than half this "
            f"machine's memory ({have / 2**30:,.1f} GiB); lower the replications or samples"
        )
    if runs > MAX_RUNS and not force:
        raise ConfigError(
            f"{size}; the bound is {MAX_RUNS:,} (more are days of computing on one machine); lower "
            "--replications or --samples, or pass --force to go past the bound"
        )
