"""Experiment files: TOML, validated here and only here.

    [experiment]
    name = "regimes"
    scenario = "status_quo"        # base parameters (a scenario name or a .toml path)
    steps = 120                    # months per run
    replications = 20
    seed = 42                      # root of every run's seed
    seed_policy = "common"         # or "independent"
    observe_every = 1              # keep every k-th month (and the last)
    outputs = ["timeseries", "registries"]
    model = "model:PortabilityModel"   # entry point: module:callable(params, seed=...)
    timeout = 600                  # optional: seconds a run may take before it is recorded as failed

    [parameters]                   # a list = levels; a scalar or {value = ...} = fixed;
    regime = ["none", "mandatory"] # {low = , high = } = a range for lhs / sobol / morris
    scale = 0.05

    [design]
    kind = "factorial"             # or "lhs", "sobol", "morris" (with samples = N)

Every error names the key, the value and what is allowed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from model import ConfigError, list_scenarios, load_scenario
from model.params import Params, check_names

__all__ = ["DESIGNS", "OUTPUTS", "SEED_POLICIES", "ExperimentSpec", "Factor", "load_spec"]

DESIGNS = ("factorial", "lhs", "sobol", "morris")
SEED_POLICIES = ("common", "independent")
OUTPUTS = ("timeseries", "registries")
_SECTIONS = {"experiment", "parameters", "design"}
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
    "description": str,
    "timeout": (int, float),
}
_REQUIRED = ("name", "steps", "replications", "seed")
_DESIGN_KEYS = {"kind": str, "samples": int, "levels": int}


@dataclass(frozen=True)
class Factor:
    """One parameter of the experiment: levels, a fixed value, or a range for a sampler."""

    name: str
    kind: str  # "levels", "fixed" or "range"
    levels: tuple[Any, ...] = ()
    value: Any = None
    low: float = 0.0
    high: float = 0.0
    integer: bool = False


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment: what to vary, how to sample, how many runs, which seeds."""

    name: str
    scenario: str
    steps: int
    replications: int
    seed: int
    factors: tuple[Factor, ...]
    design: str = "factorial"
    samples: int = 0
    morris_levels: int = 4
    seed_policy: str = "common"
    observe_every: int = 1
    outputs: tuple[str, ...] = OUTPUTS
    model: str = "model:PortabilityModel"
    description: str = ""
    timeout: float | None = None  # how a run is executed, not what it computes: not in the hash
    text: str = field(default="", compare=False)  # the file as written, for the record

    @property
    def varying(self) -> tuple[Factor, ...]:
        """Factors that take more than one value."""
        return tuple(f for f in self.factors if f.kind != "fixed")

    @property
    def fixed(self) -> dict[str, Any]:
        """Parameters fixed for every run."""
        return {f.name: f.value for f in self.factors if f.kind == "fixed"}

    def canonical(self) -> dict[str, Any]:
        """The spec as plain data in a fixed order (what the hash covers)."""
        return {
            "name": self.name,
            "scenario": self.scenario,
            "steps": self.steps,
            "replications": self.replications,
            "seed": self.seed,
            "design": self.design,
            "samples": self.samples,
            "morris_levels": self.morris_levels,
            "seed_policy": self.seed_policy,
            "observe_every": self.observe_every,
            "outputs": list(self.outputs),
            "model": self.model,
            "factors": [
                {
                    "name": f.name,
                    "kind": f.kind,
                    "levels": list(f.levels),
                    "value": f.value,
                    "low": f.low,
                    "high": f.high,
                }
                for f in self.factors
            ],
        }

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical spec: the experiment's identity."""
        text = json.dumps(self.canonical(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def with_overrides(
        self,
        *,
        scale: float | None = None,
        replications: int | None = None,
        samples: int | None = None,
        steps: int | None = None,
        timeout: float | None = None,
    ) -> ExperimentSpec:
        """A copy at another scale (a fixed parameter), number of replicates, samples, steps or timeout."""
        spec = self
        if steps is not None:
            if steps < 1:
                raise ConfigError(f"--steps must be an integer >= 1; got {steps}")
            spec = replace(spec, steps=steps)
        if timeout is not None:
            if not timeout > 0:
                raise ConfigError(f"--timeout must be a number of seconds > 0; got {timeout}")
            spec = replace(spec, timeout=float(timeout))
        if samples is not None and spec.design != "factorial":
            if samples < 1:
                raise ConfigError(f"--samples must be an integer >= 1; got {samples}")
            spec = replace(spec, samples=samples)
        if replications is not None:
            if replications < 1:
                raise ConfigError(f"--replications must be an integer >= 1; got {replications}")
            spec = replace(spec, replications=replications)
        if scale is not None:
            _check_value("--scale", "scale", scale)
            kept = [f for f in spec.factors if f.name != "scale"]
            factors = (*kept, Factor("scale", "fixed", value=scale))
            spec = replace(spec, factors=factors)
        return spec

    @classmethod
    def from_text(cls, text: str, *, source: str = "experiment file") -> ExperimentSpec:
        """Parse and validate TOML text."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source} is not valid TOML: {exc}") from None
        return _validate(data, text)


def load_spec(path: str | Path) -> ExperimentSpec:
    """Read and validate an experiment file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"experiment file {str(path)!r} does not exist")
    return ExperimentSpec.from_text(path.read_text(encoding="utf-8"), source=str(path))


def _unknown(where: str, key: str, allowed: Any) -> ConfigError:
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; allowed: {', '.join(sorted(allowed))}"
    return ConfigError(f"unknown key {where}{key!r}{hint}")


def _unknown_table(key: str) -> ConfigError:
    close = difflib.get_close_matches(key, sorted(_SECTIONS), n=1)
    hint = f"; did you mean [{close[0]}]?" if close else ""
    allowed = ", ".join(f"[{name}]" for name in sorted(_SECTIONS))
    return ConfigError(f"unknown table [{key}]{hint} (allowed: {allowed})")


def _typed(section: str, data: dict[str, Any], types: dict[str, type]) -> None:
    for key, value in data.items():
        if key not in types:
            raise _unknown(f"{section}.", key, types)
        expected = types[key]
        ok = isinstance(value, expected) and not isinstance(value, bool)
        if not ok:
            name = "number" if isinstance(expected, tuple) else expected.__name__
            raise ConfigError(f"{section}.{key} must be {name}; got {value!r}")


def _validate(data: dict[str, Any], text: str) -> ExperimentSpec:
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
    for key, low in (("steps", 1), ("replications", 1), ("seed", 0), ("observe_every", 1)):
        if key in experiment and experiment[key] < low:
            raise ConfigError(f"experiment.{key} must be an integer >= {low}; got {experiment[key]}")
    scenario = experiment.get("scenario", "status_quo")
    if not scenario.endswith(".toml") and scenario not in list_scenarios():
        raise ConfigError(
            f"experiment.scenario: unknown scenario {scenario!r}; valid: {', '.join(list_scenarios())}"
        )
    policy = experiment.get("seed_policy", "common")
    if policy not in SEED_POLICIES:
        raise ConfigError(f"experiment.seed_policy must be one of {SEED_POLICIES}; got {policy!r}")
    outputs = tuple(experiment.get("outputs", OUTPUTS))
    for name in outputs:
        if name not in OUTPUTS:
            raise ConfigError(f"experiment.outputs: {name!r} is not one of {OUTPUTS}")
    timeout = experiment.get("timeout")
    if timeout is not None and not timeout > 0:
        raise ConfigError(f"experiment.timeout must be a number of seconds > 0; got {timeout}")
    model = experiment.get("model", "model:PortabilityModel")
    if ":" not in model:
        raise ConfigError(f"experiment.model must be 'module:callable'; got {model!r}")

    design = data.get("design", {})
    if not isinstance(design, dict):
        raise ConfigError(f"[design] must be a table; got {design!r}")
    _typed("design", design, _DESIGN_KEYS)
    kind = design.get("kind", "factorial")
    if kind not in DESIGNS:
        raise ConfigError(f"design.kind must be one of {DESIGNS}; got {kind!r}")
    samples = design.get("samples", 0)
    if kind != "factorial" and samples < 1:
        raise ConfigError(f"design.samples must be an integer >= 1 for a {kind} design; got {samples}")
    levels = design.get("levels", 4)
    if levels < 2:
        raise ConfigError(f"design.levels must be an integer >= 2; got {levels}")

    parameters = data.get("parameters", {})
    if not isinstance(parameters, dict):
        raise ConfigError(f"[parameters] must be a table; got {parameters!r}")
    try:
        check_names(parameters)
    except ConfigError as exc:
        raise ConfigError(f"[parameters]: {exc}") from None
    factors = tuple(_factor(name, value, kind) for name, value in parameters.items())
    if kind != "factorial" and not any(f.kind == "range" for f in factors):
        raise ConfigError(f"a {kind} design needs at least one parameter given as {{low = , high = }}")
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
        model=model,
        description=experiment.get("description", ""),
        timeout=float(timeout) if timeout is not None else None,
        text=text,
    )
    base = load_scenario(scenario)
    base.with_overrides(**spec.fixed)  # fixed values must be valid on their own
    return spec


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
            _check_value(where, name, level)
        return (
            Factor(name, "levels", levels=tuple(value))
            if len(value) > 1
            else Factor(name, "fixed", value=value[0])
        )
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"value"}:
            _check_value(where, name, value["value"])
            return Factor(name, "fixed", value=value["value"])
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
                _check_value(where, name, bound)
            if not low < high:
                raise ConfigError(f"{where}: low must be below high; got low = {low}, high = {high}")
            return Factor(name, "range", low=float(low), high=float(high), integer=bool(meta.get("integer")))
        raise ConfigError(
            f"{where}: a table must be {{value = ...}} or {{low = , high = }}; got keys {sorted(keys)}"
        )
    _check_value(where, name, value)
    return Factor(name, "fixed", value=value)


def _check_value(where: str, name: str, value: Any) -> None:
    try:
        Params().with_overrides(**{name: value})
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
