"""The rules of an experiment file: each key's type and range, each parameter's values, conditions.

Every error is a `model.ConfigError` naming the key, the value and what is allowed; input that
is legal but likely a mistake (a level listed twice) gives a `SweepWarning`.
"""

from __future__ import annotations

import difflib
import warnings
from dataclasses import fields
from typing import Any

from model import ConfigError, list_scenarios, load_scenario
from model.params import Params, check_names
from runs.bounds import check_steps, check_timeout
from runs.errors import SweepWarning
from runs.spec import CONDITION, DESIGNS, OUTPUTS, SEED_POLICIES, Condition, ExperimentSpec, Factor

__all__ = ["check_scenario", "check_value", "validate"]

_SECTIONS = {"experiment", "parameters", "design", "conditions"}
_EXPERIMENT_KEYS = {
    "name": str,
    "scenario": str,
    "steps": int,
    "replications": int,
    "seed": int,
    "seed_policy": str,
    "observe_every": int,
    "outputs": list,
    "model": str,
    "outcomes": str,
    "description": str,
    "timeout": (int, float),
}
_REQUIRED = ("name", "steps", "replications", "seed")
_DESIGN_KEYS = {"kind": str, "samples": int, "levels": int}


def _unknown(where: str, key: str, allowed: Any) -> ConfigError:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(sorted(allowed))}"
    return ConfigError(f"unknown key {where}{key!r}{hint}")


def _unknown_table(key: str) -> ConfigError:
    close = difflib.get_close_matches(key, sorted(_SECTIONS), n=1)
    hint = f"; did you mean [{close[0]}]?" if close else ""
    allowed = ", ".join(f"[{name}]" for name in sorted(_SECTIONS))
    return ConfigError(f"unknown table [{key}]{hint} (allowed: {allowed})")


def check_scenario(name: str, where: str) -> str:
    """A scenario name (or a .toml path), or `ConfigError` with the closest name."""
    valid = list_scenarios()
    if name.endswith(".toml") or name in valid:
        return name
    close = difflib.get_close_matches(name, valid, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ConfigError(f"{where}unknown scenario {name!r}{hint} (valid: {', '.join(valid)})")


def _typed(section: str, data: dict[str, Any], types: dict[str, Any]) -> None:
    for key, value in data.items():
        if key not in types:
            raise _unknown(f"{section}.", key, types)
        expected = types[key]
        if not isinstance(value, expected) or isinstance(value, bool):
            name = "number" if isinstance(expected, tuple) else expected.__name__
            raise ConfigError(f"{section}.{key} must be {name}; got {value!r}")


def validate(data: dict[str, Any], text: str) -> ExperimentSpec:
    """The spec of a parsed experiment file, every value checked."""
    for key in data:
        if key not in _SECTIONS:
            raise _unknown_table(key) from None
    experiment = data.get("experiment")
    if not isinstance(experiment, dict):
        raise ConfigError("the file needs an [experiment] table")
    _typed("experiment", experiment, _EXPERIMENT_KEYS)
    for key in _REQUIRED:
        if key not in experiment:
            raise ConfigError(f"experiment.{key} is required")
    check_steps(experiment["steps"], "experiment.steps")
    for key, low in (("replications", 1), ("seed", 0), ("observe_every", 1)):
        if key in experiment and experiment[key] < low:
            raise ConfigError(f"experiment.{key} must be an integer >= {low}; got {experiment[key]}")
    scenario = check_scenario(experiment.get("scenario", "status_quo"), "experiment.scenario: ")
    policy = experiment.get("seed_policy", "common")
    if policy not in SEED_POLICIES:
        raise ConfigError(f"experiment.seed_policy must be one of {SEED_POLICIES}; got {policy!r}")
    outputs = tuple(experiment.get("outputs", OUTPUTS))
    for name in outputs:
        if name not in OUTPUTS:
            raise ConfigError(f"experiment.outputs: {name!r} is not one of {OUTPUTS}")
    timeout = experiment.get("timeout")
    if timeout is not None:
        timeout = check_timeout(timeout, "experiment.timeout")
    for key in ("model", "outcomes"):
        entry = experiment.get(key)
        if entry is not None and ":" not in entry:
            raise ConfigError(f"experiment.{key} must be 'module:callable'; got {entry!r}")

    kind, samples, levels = _design(data.get("design", {}))
    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise ConfigError(f"[parameters] must be a table; got {parameters!r}")
    try:
        check_names(parameters)
    except ConfigError as exc:
        raise ConfigError(f"[parameters]: {exc}") from None
    factors = tuple(_factor(name, value, kind) for name, value in parameters.items())
    if kind == "points":
        samples = _count_points(factors)
    elif kind != "factorial" and not any(f.kind == "range" for f in factors):
        raise ConfigError(f"a {kind} design needs at least one parameter given as {{low = , high = }}")
    conditions = _conditions(data.get("conditions", []), set(parameters))
    spec = ExperimentSpec(
        name=experiment["name"],
        scenario=scenario,
        steps=experiment["steps"],
        replications=experiment["replications"],
        seed=experiment["seed"],
        factors=factors,
        design=kind,
        samples=samples,
        morris_levels=levels,
        seed_policy=policy,
        observe_every=experiment.get("observe_every", 1),
        outputs=outputs,
        model=experiment.get("model", "model:PortabilityModel"),
        description=experiment.get("description", ""),
        timeout=timeout,
        conditions=conditions,
        outcomes=experiment.get("outcomes", ""),
        text=text,
    )
    load_scenario(scenario).with_overrides(**spec.fixed)  # fixed values must be valid on their own
    return spec


def _count_points(factors: tuple[Factor, ...]) -> int:
    """The points of a points design: every {points = [...]} list has one value per point."""
    if any(f.kind == "range" for f in factors):
        raise ConfigError("a points design takes {points = [...]} lists, not {low = , high = } ranges")
    lengths = {f.name: len(f.levels) for f in factors if f.kind == "points"}
    if not lengths:
        raise ConfigError("a points design needs at least one parameter given as {points = [...]}")
    if len(set(lengths.values())) > 1:
        raise ConfigError(f"a points design needs one value per point in every list; got lengths {lengths}")
    return next(iter(lengths.values()))


def _design(design: Any) -> tuple[str, int, int]:
    if not isinstance(design, dict):
        raise ConfigError(f"[design] must be a table; got {design!r}")
    _typed("design", design, _DESIGN_KEYS)
    kind = design.get("kind", "factorial")
    if kind not in DESIGNS:
        raise ConfigError(f"design.kind must be one of {DESIGNS}; got {kind!r}")
    samples = design.get("samples", 0)
    if kind not in ("factorial", "points") and samples < 1:
        raise ConfigError(f"design.samples must be an integer >= 1 for a {kind} design; got {samples}")
    levels = design.get("levels", 4)
    if levels < 2:
        raise ConfigError(f"design.levels must be an integer >= 2; got {levels}")
    return kind, samples, levels


def _conditions(tables: Any, parameters: set[str]) -> tuple[Condition, ...]:
    """The [[conditions]]: each a name, an optional scenario and parameter values."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError("[[conditions]] must be tables, each with a name and parameter values")
    conditions: list[Condition] = []
    for i, table in enumerate(tables):
        where = f"conditions[{i}]"
        name = table.get("name")
        if not isinstance(name, str) or not name:
            raise ConfigError(f"{where} needs a name (a string); got {name!r}")
        if any(c.name == name for c in conditions):
            raise ConfigError(f"{where}: the name {name!r} is used twice; each condition needs its own")
        scenario = table.get("scenario")
        if scenario is not None:
            check_scenario(str(scenario), f"{where}.scenario: ")
        values = {k: v for k, v in table.items() if k not in ("name", "scenario")}
        try:
            check_names(values)
        except ConfigError as exc:
            raise ConfigError(f"{where} ({name}): {exc}") from None
        for key, value in values.items():
            if key in parameters:
                raise ConfigError(f"{where} ({name}): {key} is also in [parameters]; set it in one place")
            check_value(f"{where}.{key}", key, value)
        conditions.append(Condition(name, scenario, values))
    if CONDITION in parameters:
        raise ConfigError(f"[parameters]: {CONDITION!r} names the [[conditions]]; it is not a parameter")
    return tuple(conditions)


def _factor(name: str, value: Any, design: str) -> Factor:
    where = f"parameters.{name}"
    meta = next(f.metadata for f in fields(Params) if f.name == name)
    if isinstance(value, list):
        if not value:
            raise ConfigError(f"{where}: an empty list of levels; give at least one value")
        if design in ("sobol", "morris"):
            raise ConfigError(
                f"{where}: a {design} design samples {{low, high}} ranges; fix it or give a range"
            )
        for level in value:
            check_value(where, name, level)
        _warn_repeats(where, value)
        return (
            Factor(name, "levels", levels=tuple(value))
            if len(value) > 1
            else Factor(name, "fixed", value=value[0])
        )
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"value"}:
            check_value(where, name, value["value"])
            return Factor(name, "fixed", value=value["value"])
        if keys == {"points"}:
            return _points(where, name, value["points"], design)
        if keys == {"low", "high"}:
            if design == "factorial":
                raise ConfigError(
                    f"{where}: {{low, high}} ranges are for lhs, sobol and morris designs; "
                    "a factorial design needs a list of levels"
                )
            if "low" not in meta:
                raise ConfigError(f"{where}: a range needs a numeric parameter; {name} is not")
            low, high = value["low"], value["high"]
            for bound in (low, high):
                check_value(where, name, bound)
            if not low < high:
                raise ConfigError(f"{where}: low must be below high; got low = {low}, high = {high}")
            return Factor(name, "range", low=float(low), high=float(high), integer=bool(meta.get("integer")))
        raise ConfigError(
            f"{where}: a table must be {{value = ...}}, {{low = , high = }} or {{points = [...]}}; "
            f"got keys {sorted(keys)}"
        )
    check_value(where, name, value)
    return Factor(name, "fixed", value=value)


def _points(where: str, name: str, values: Any, design: str) -> Factor:
    """A points design's values of one parameter (the i-th value belongs to the i-th point)."""
    if design != "points":
        raise ConfigError(f'{where}: {{points = [...]}} is for a design of kind = "points"; this is {design}')
    if not isinstance(values, list) or not values:
        raise ConfigError(f"{where}: points must be a non-empty list of values; got {values!r}")
    for value in values:
        check_value(where, name, value)
    return Factor(name, "points", levels=tuple(values))


def _warn_repeats(where: str, levels: list[Any]) -> None:
    """A level listed twice runs the same condition twice, with the same seeds: legal, but a mistake."""
    seen: list[Any] = []
    for level in levels:
        if level in seen:
            warnings.warn(
                f"{where} lists {level!r} twice: the same runs, with the same seeds, run twice; "
                "remove the repeat",
                SweepWarning,
                stacklevel=2,
            )
            return
        seen.append(level)


def check_value(where: str, name: str, value: Any) -> None:
    """`value` must be valid for parameter `name`; the error is prefixed with `where`."""
    try:
        Params().with_overrides(**{name: value})
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
