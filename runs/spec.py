"""Experiment files: TOML, validated here (the rules are in `runs.spec_rules`).

    [experiment]
    name = "regimes"
    scenario = "status_quo"        # base parameters (a scenario name or a .toml path)
    steps = 120                    # months per run (at most 1,200)
    replications = 20
    seed = 42                      # root of every run's seed
    seed_policy = "common"         # or "independent", or "paired" (common across conditions only)
    observe_every = 1              # keep every k-th month (and the last)
    outputs = ["timeseries", "registries"]
    model = "model:PortabilityModel"   # entry point: module:callable(params, seed=...)
    outcomes = "runs.outcomes:Failure" # optional: per-run outcomes read from the model as it runs
    timeout = 600                  # optional: seconds a run may take before it is recorded as failed

    [parameters]                   # a list = levels; a scalar or {value = ...} = fixed;
    regime = ["none", "mandatory"] # {low = , high = } = a range for lhs / sobol / morris
    scale = 0.05

    [design]
    kind = "factorial"             # or "lhs", "sobol", "morris" (with samples = N), or "points":
                                   # each parameter {points = [...]}, the i-th values a point

    [[conditions]]                 # optional: named conditions, crossed with the design
    name = "exit"                  # (a factor "condition" whose levels are the names)
    scenario = "registry_failure_portable"   # optional: this condition's own scenario
    remedy = "none"                # any parameter: its value in this condition

Every error names the key, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import tomli_w

from model import ConfigError
from runs.bounds import check_steps, check_timeout

__all__ = [
    "DESIGNS",
    "OUTPUTS",
    "SEED_POLICIES",
    "Condition",
    "ExperimentSpec",
    "Factor",
    "load_spec",
    "spec_toml",
]

DESIGNS = ("factorial", "lhs", "sobol", "morris", "points")
SEED_POLICIES = ("common", "independent", "paired")
OUTPUTS = ("timeseries", "registries")
CONDITION = "condition"  # the factor that names the conditions


@dataclass(frozen=True)
class Factor:
    """One parameter of the experiment: levels, a fixed value, or a range for a sampler."""

    name: str
    kind: str  # "levels", "fixed", "range" or "points" (one value per point of a points design)
    levels: tuple[Any, ...] = ()  # the levels, or a points design's values
    value: Any = None
    low: float = 0.0
    high: float = 0.0
    integer: bool = False


@dataclass(frozen=True)
class Condition:
    """A named condition: its own scenario (if any) and parameter values."""

    name: str
    scenario: str | None
    parameters: dict[str, Any]


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
    conditions: tuple[Condition, ...] = ()
    outcomes: str = ""  # "module:callable" of the per-run outcomes, or none
    text: str = field(default="", compare=False)  # the file as written, for the record

    @property
    def varying(self) -> tuple[Factor, ...]:
        """Factors that take more than one value (the conditions first, as a factor of their own)."""
        named = (Factor(CONDITION, "levels", levels=tuple(c.name for c in self.conditions)),)
        return (named if self.conditions else ()) + tuple(f for f in self.factors if f.kind != "fixed")

    @property
    def fixed(self) -> dict[str, Any]:
        """Parameters fixed for every run."""
        return {f.name: f.value for f in self.factors if f.kind == "fixed"}

    def condition(self, name: str) -> Condition | None:
        """The condition called `name` (None without conditions)."""
        return next((c for c in self.conditions if c.name == name), None)

    def canonical(self) -> dict[str, Any]:
        """The spec as plain data in a fixed order (what the hash covers)."""
        data = {
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
        if self.conditions:  # only when used: the hashes of earlier experiments stay as they were
            data["conditions"] = [
                {"name": c.name, "scenario": c.scenario, "parameters": c.parameters} for c in self.conditions
            ]
        if self.outcomes:
            data["outcomes"] = self.outcomes
        return data

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
            spec = replace(spec, steps=check_steps(steps, "--steps"))
        if timeout is not None:
            spec = replace(spec, timeout=check_timeout(timeout, "--timeout"))
        if samples is not None and spec.design not in ("factorial", "points"):
            if samples < 1:
                raise ConfigError(f"--samples must be an integer >= 1; got {samples}")
            spec = replace(spec, samples=samples)
        if replications is not None:
            if replications < 1:
                raise ConfigError(f"--replications must be an integer >= 1; got {replications}")
            spec = replace(spec, replications=replications)
        if scale is not None:
            spec = spec.with_parameters(where="--scale", scale=scale)
        return spec

    def with_parameters(self, *, where: str = "parameter", **values: Any) -> ExperimentSpec:
        """A copy with these parameters fixed at these values (replacing their levels or ranges)."""
        from runs.spec_rules import check_value

        for name, value in values.items():
            check_value(where, name, value)
        kept = [f for f in self.factors if f.name not in values]
        fixed = [Factor(name, "fixed", value=value) for name, value in values.items()]
        conditions = tuple(
            replace(c, parameters={k: v for k, v in c.parameters.items() if k not in values})
            for c in self.conditions
        )  # a value fixed here holds in every run, whatever the condition
        return replace(self, factors=(*kept, *fixed), conditions=conditions)

    @classmethod
    def from_canonical(cls, data: dict[str, Any]) -> ExperimentSpec:
        """The spec from `canonical()` data (as metadata.json keeps it), validated as a file would be."""
        factors = tuple(
            Factor(
                f["name"],
                f["kind"],
                levels=tuple(f["levels"]),
                value=f["value"],
                low=f["low"],
                high=f["high"],
            )
            for f in data["factors"]
        )
        conditions = tuple(
            Condition(c["name"], c["scenario"], dict(c["parameters"])) for c in data.get("conditions", ())
        )
        keys = ("name", "scenario", "steps", "replications", "seed", "design", "samples", "morris_levels")
        spec = cls(
            **{key: data[key] for key in keys},
            factors=factors,
            seed_policy=data["seed_policy"],
            observe_every=data["observe_every"],
            outputs=tuple(data["outputs"]),
            model=data["model"],
            conditions=conditions,
            outcomes=data.get("outcomes", ""),
        )
        return cls.from_text(spec_toml(spec))  # every rule checked, as for a file

    @classmethod
    def from_text(cls, text: str, *, source: str = "experiment file") -> ExperimentSpec:
        """Parse and validate TOML text."""
        from runs.spec_rules import validate

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source} is not valid TOML: {exc}") from None
        return validate(data, text)


def load_spec(path: str | Path) -> ExperimentSpec:
    """Read and validate an experiment file."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"experiment file {str(path)!r} is a folder; give a .toml file")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"experiment file {str(path)!r} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"experiment file {str(path)!r} cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        raise ConfigError(
            f"experiment file {str(path)!r} is not UTF-8 text (byte 0x{bad} at position {exc.start})"
        ) from None
    return ExperimentSpec.from_text(text, source=str(path))


def spec_toml(spec: ExperimentSpec) -> str:
    """The effective experiment file (what ran, overrides included); parses back to `spec`."""
    experiment: dict[str, Any] = {
        "name": spec.name,
        "scenario": spec.scenario,
        "steps": spec.steps,
        "replications": spec.replications,
        "seed": spec.seed,
        "seed_policy": spec.seed_policy,
        "observe_every": spec.observe_every,
        "outputs": list(spec.outputs),
        "model": spec.model,
    }
    if spec.outcomes:
        experiment["outcomes"] = spec.outcomes
    if spec.timeout is not None:
        experiment["timeout"] = spec.timeout
    if spec.description:
        experiment["description"] = spec.description
    parameters: dict[str, Any] = {}
    for f in spec.factors:
        if f.kind == "levels":
            parameters[f.name] = list(f.levels)
        elif f.kind == "range":
            parameters[f.name] = {"low": f.low, "high": f.high}
        elif f.kind == "points":
            parameters[f.name] = {"points": list(f.levels)}
        else:
            parameters[f.name] = {"value": f.value}
    design: dict[str, Any] = {"kind": spec.design}
    if spec.design not in ("factorial", "points"):  # a points design counts its points
        design["samples"] = spec.samples
    if spec.design == "morris":
        design["levels"] = spec.morris_levels
    document: dict[str, Any] = {"experiment": experiment, "parameters": parameters, "design": design}
    if spec.conditions:
        document["conditions"] = [
            {"name": c.name, **({"scenario": c.scenario} if c.scenario else {}), **c.parameters}
            for c in spec.conditions
        ]
    return tomli_w.dumps(document)
