"""A calibration's file (`runs/experiments/calibration.toml`), read and checked before any work.

Every problem is a `ConfigError` naming the value and the rule (the command line turns it into
one line and exit 2): an unknown parameter or target, a prior outside the parameter's bounds
(`Params` metadata, the one place bounds live), a target fitted that is not marked `fit`, an
empty held-out set, a budget or population below one, a missing file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from model.errors import ConfigError
from model.observed import Target, load_targets
from model.params import Params, check_names
from runs.files import read_toml

__all__ = ["CalibrationSpec", "Prior", "check_scale", "load_spec", "number"]

_KEYS = {"calibration", "prior", "distance"}
_CALIBRATION_KEYS = {
    "name", "description", "scenario", "targets", "fit", "held_out", "scale", "seed",
    "population", "generations", "budget", "posterior_checks", "epsilon_quantile",
}  # fmt: skip
_SCALE_BY = ("width", "level")


@dataclass(frozen=True)
class Prior:
    """A uniform prior on one parameter: [low, high], within the parameter's bounds, and why."""

    name: str
    low: float
    high: float
    why: str
    bounds: tuple[float, float]  # the parameter's own bounds (Params metadata), for the report


@dataclass(frozen=True)
class CalibrationSpec:
    """Everything a calibration needs; `fingerprint` names what a resumed run must share."""

    name: str
    description: str
    scenario: str
    targets_file: str | None  # None: the packaged model/data/observed.toml
    fit: tuple[str, ...]
    held_out: tuple[str, ...]
    priors: tuple[Prior, ...]
    scale: float
    seed: int
    population: int
    generations: int
    budget: int  # simulations, at most; a generation that would pass it is not started or kept
    posterior_checks: int  # posterior draws rerun for the predictive checks
    epsilon_quantile: float
    scale_by: str  # a target's distance in widths of its observed range, or in its level
    norm: float

    @property
    def targets(self) -> dict[str, Target]:
        """Every target of the targets file (fit, held out and checks)."""
        return load_targets(self.targets_file)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters fitted, in the file's order."""
        return tuple(p.name for p in self.priors)

    def fingerprint(self) -> str:
        """A hash of what defines the posterior: not the budget, which a resumed run may raise."""
        data = asdict(self) | {"budget": None, "posterior_checks": None}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def _bounds() -> dict[str, dict[str, Any]]:
    return {f.name: dict(f.metadata) for f in fields(Params)}


def _prior(name: str, row: Any, meta: dict[str, dict[str, Any]]) -> Prior:
    check_names({name: None})
    info = meta[name]
    if "low" not in info or info.get("integer"):
        raise ConfigError(f"prior.{name}: only a continuous numeric parameter can be fitted")
    low, high = float(info["low"]), float(info["high"])
    if not isinstance(row, dict) or not str(row.get("why", "")).strip():
        raise ConfigError(f"prior.{name} must be a table with `why` (the reason for its range)")
    if unknown := set(row) - _PRIOR_KEYS:
        raise ConfigError(f"prior.{name}: unknown keys {sorted(unknown)}; known: {sorted(_PRIOR_KEYS)}")
    if "range" in row:  # no better knowledge than the parameter's own bounds
        if row["range"] != "bounds" or "low" in row or "high" in row:
            raise ConfigError(f'prior.{name}: give range = "bounds" alone, or `low` and `high`; got {row!r}')
        return Prior(name, low, high, row["why"], (low, high))
    if "low" not in row or "high" not in row:
        raise ConfigError(f'prior.{name} needs `low` and `high`, or range = "bounds"')
    lo, hi = number(f"prior.{name}.low", row["low"]), number(f"prior.{name}.high", row["high"])
    if not lo < hi:
        raise ConfigError(f"prior.{name}: low must be below high; got [{lo}, {hi}]")
    if lo < low or hi > high:
        raise ConfigError(f"prior.{name}: [{lo}, {hi}] lies outside the parameter's bounds [{low}, {high}]")
    return Prior(name, lo, hi, row["why"], (low, high))


def _chosen(table: dict[str, Any], key: str, targets: dict[str, Target], use: str) -> tuple[str, ...]:
    names = table.get(key, [n for n, t in targets.items() if t.use == use])
    if not isinstance(names, list) or not names:
        raise ConfigError(f"calibration.{key}: the set of {use} targets is empty; it needs at least one")
    for name in names:
        if name not in targets:
            raise ConfigError(f"calibration.{key}: unknown target {name!r}; known: {', '.join(targets)}")
        if targets[name].use != use:
            raise ConfigError(
                f"calibration.{key}: target {name!r} is marked use = {targets[name].use!r}, not {use!r}"
            )
    return tuple(names)


def number(where: str, value: Any) -> float:
    """A number from a file, or `ConfigError` naming where it is and what it was."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where} must be a number; got {value!r}")
    if value != value:  # NaN
        raise ConfigError(f"{where} must be a number; got nan")
    return float(value)


_PRIOR_KEYS = {"low", "high", "range", "why"}
_DISTANCE_KEYS = {"scale_by", "norm"}


def check_scale(p: Params, scale: float, where: str) -> None:
    """A scale `p`'s population can be drawn at: within the bounds, and at most 1 of the real holders."""
    p = p.with_overrides(scale=scale)
    if getattr(p, "population", "synthetic") == "real" and scale > 1:
        raise ConfigError(f"{where} must be at most 1 with the real population (every holder); got {scale:g}")


def _seed(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"calibration.seed must be an integer >= 0; got {value!r}")
    return value


def _positive(table: dict[str, Any], key: str, default: Any = None) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"calibration.{key} must be an integer >= 1; got {value!r}")
    return value


def load_spec(
    path: str | Path, *, budget: int | None = None, scale: float | None = None, population: int | None = None
) -> CalibrationSpec:
    """Read and check a calibration file; `budget`, `scale` and `population` override the file's."""
    path = Path(path)
    data = read_toml(path, "calibration", _KEYS)
    table = data.get("calibration", {})
    if unknown := set(table) - _CALIBRATION_KEYS:
        raise ConfigError(f"calibration: unknown keys {sorted(unknown)}; known: {sorted(_CALIBRATION_KEYS)}")
    targets_file = table.get("targets")
    if targets_file is not None:
        targets_file = str((path.parent / targets_file).resolve())
        if not Path(targets_file).is_file():
            raise ConfigError(f"calibration.targets: no targets file {targets_file!r}")
    targets = load_targets(targets_file)
    priors = data.get("prior", {})
    if len(priors) < 1:
        raise ConfigError("a calibration needs at least one [prior.NAME]")
    meta = _bounds()
    distance = data.get("distance", {})
    if unknown := set(distance) - _DISTANCE_KEYS:
        raise ConfigError(f"distance: unknown keys {sorted(unknown)}; known: {sorted(_DISTANCE_KEYS)}")
    scale_by = distance.get("scale_by", "width")
    if scale_by not in _SCALE_BY:
        raise ConfigError(f"distance.scale_by must be one of {_SCALE_BY}; got {scale_by!r}")
    quantile = number("calibration.epsilon_quantile", table.get("epsilon_quantile", 0.5))
    if not 0 < quantile < 1:
        raise ConfigError(f"calibration.epsilon_quantile must be in (0, 1); got {quantile}")
    spec = CalibrationSpec(
        name=str(table.get("name", path.stem)),
        description=str(table.get("description", "")),
        scenario=str(table.get("scenario", "history")),
        targets_file=targets_file,
        fit=_chosen(table, "fit", targets, "fit"),
        held_out=_chosen(table, "held_out", targets, "held_out"),
        priors=tuple(_prior(name, row, meta) for name, row in priors.items()),
        scale=number("calibration.scale", table.get("scale", 0.02)),
        seed=_seed(table.get("seed", 0)),
        population=_positive(table, "population"),
        generations=_positive(table, "generations"),
        budget=_positive(table, "budget"),
        posterior_checks=_positive(table, "posterior_checks", 20),
        epsilon_quantile=quantile,
        scale_by=scale_by,
        norm=number("distance.norm", distance.get("norm", 2.0)),
    )
    if spec.norm < 1:
        raise ConfigError(f"distance.norm must be at least 1; got {spec.norm}")
    overrides = {"budget": budget, "scale": scale, "population": population}
    spec = replace(spec, **{k: v for k, v in overrides.items() if v is not None})
    _positive({"budget": spec.budget}, "budget")
    if spec.budget < spec.population:
        raise ConfigError(
            f"calibration.budget ({spec.budget}) must be at least a generation's population "
            f"({spec.population})"
        )
    from model import load_scenario

    # an unknown scenario, or a scale outside its bounds (at most 1 with the real holders), is refused here
    check_scale(load_scenario(spec.scenario), spec.scale, "--scale")
    return spec
