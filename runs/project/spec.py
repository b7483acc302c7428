"""A projection's file (`runs/experiments/projection.toml`), read and checked before any work.

Every problem is a `ConfigError` naming the value and the rule (the command line turns it into
one line and exit 2): an unknown option scenario, a stress's invalid event, a deep-uncertainty
range outside the parameter's bounds or over a parameter the calibration fitted, a month before the branch, a
number of draws below one.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from model.calendar import parse_month, steps_between
from model.errors import ConfigError
from model.params import Params, check_names
from runs.calibrate.spec import number
from runs.files import read_toml

__all__ = ["DEFAULT_FILE", "Option", "ProjectionSpec", "Range", "Stress", "load_projection"]

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "experiments" / "projection.toml"
BRANCH = "2026-01"  # the history scenarios' branch (runs.outcomes.projection.BRANCH)
MAX_DRAWS = 100_000  # worlds: each is a run under every option and stress
_KEYS = {"projection", "option", "stress", "deep"}
_PROJECTION_KEYS = {"name", "description", "seed", "draws", "until", "baseline", "min_density", "scale"}


@dataclass(frozen=True)
class Option:
    """An ICP-2 option: its name in the tables and the history scenario that branches to it."""

    name: str
    scenario: str
    title: str  # in the tables and legends: the file's `title`, or the scenario's


@dataclass(frozen=True)
class Stress:
    """A test the worlds are put to after the branch: governance events on top of the record's."""

    name: str
    title: str
    events: tuple[dict[str, Any], ...]  # `Params.events` entries (the timeline's are kept)


@dataclass(frozen=True)
class Range:
    """A registry-side parameter the record cannot inform: explored over [low, high] by LHS."""

    name: str
    low: float
    high: float
    why: str


@dataclass(frozen=True)
class ProjectionSpec:
    """Everything a projection needs besides the posterior."""

    name: str
    description: str
    seed: int
    draws: int
    until: str
    baseline: str
    min_density: float
    scale: float | None  # None: the calibration's scale
    options: tuple[Option, ...]
    stresses: tuple[Stress, ...]
    deep: tuple[Range, ...]

    def conditions(self) -> list[tuple[str, Option, Stress]]:
        """Every option under every stress: (the sweep's condition name, option, stress)."""
        return [(f"{o.name}/{s.name}", o, s) for s in self.stresses for o in self.options]

    @property
    def steps(self) -> int:
        """Months from the history scenarios' start (October 2018) to `until`."""
        from model import load_scenario

        return steps_between(load_scenario(self.options[0].scenario).start, self.until)


def _option(i: int, row: Any) -> Option:
    from model.scenarios import scenario_info
    from runs.spec_rules import check_scenario

    if not isinstance(row, dict) or not {"name", "scenario"} <= set(row) <= {"name", "scenario", "title"}:
        raise ConfigError(
            f"option[{i}] must be a table with `name`, `scenario` and optionally `title`; got {row!r}"
        )
    scenario = check_scenario(str(row["scenario"]), f"option[{i}].scenario: ")
    return Option(str(row["name"]), scenario, str(row.get("title") or scenario_info(scenario).title))


def _stress(i: int, row: Any) -> Stress:
    from runs.spec_rules import check_value

    if not isinstance(row, dict) or not {"name", "title"} <= set(row) <= {"name", "title", "events"}:
        raise ConfigError(
            f"stress[{i}] must be a table with `name`, `title` and optionally `events`; got {row!r}"
        )
    events = row.get("events", [])
    check_value(f"stress[{i}].events", "events", events)
    for event in events:
        if steps_between(BRANCH, str(event.get("start", BRANCH))) < 0:
            raise ConfigError(f"stress[{i}].events: an event starts before the branch ({BRANCH}): {event!r}")
    return Stress(str(row["name"]), str(row["title"]), tuple(events))


def _range(name: str, row: Any) -> Range:
    check_names({name: None})
    meta = next(f.metadata for f in fields(Params) if f.name == name)
    if "low" not in meta or meta.get("integer"):
        raise ConfigError(f"deep.{name}: only a continuous numeric parameter can be explored")
    if not isinstance(row, dict) or not {"low", "high", "why"} <= set(row) or not str(row["why"]).strip():
        raise ConfigError(f"deep.{name} must be a table with `low`, `high` and `why`")
    low, high = number(f"deep.{name}.low", row["low"]), number(f"deep.{name}.high", row["high"])
    if not low < high:
        raise ConfigError(f"deep.{name}: low must be below high; got [{low}, {high}]")
    if low < meta["low"] or high > meta["high"]:
        bounds = f"[{meta['low']}, {meta['high']}]"
        raise ConfigError(f"deep.{name}: [{low}, {high}] lies outside the parameter's bounds {bounds}")
    return Range(name, low, high, str(row["why"]))


def load_projection(
    path: str | Path | None = None,
    *,
    draws: int | None = None,
    scale: float | None = None,
    until: str | None = None,
) -> ProjectionSpec:
    """Read and check a projection file (the packaged one by default); the keywords override it."""
    path = Path(path) if path is not None else DEFAULT_FILE
    data = read_toml(path, "projection", _KEYS)
    table = data.get("projection", {})
    if unknown := set(table) - _PROJECTION_KEYS:
        raise ConfigError(f"projection: unknown keys {sorted(unknown)}; known: {sorted(_PROJECTION_KEYS)}")
    options = tuple(_option(i, row) for i, row in enumerate(data.get("option", [])))
    if len(options) < 2:
        raise ConfigError("a projection needs at least two [[option]] tables (a baseline and an option)")
    names = [o.name for o in options]
    if len(set(names)) < len(names):
        raise ConfigError(f"option names must differ; got {names}")
    stresses = tuple(
        _stress(i, row) for i, row in enumerate(data.get("stress", [{"name": "none", "title": "No stress"}]))
    )
    if len({s.name for s in stresses}) < len(stresses):
        raise ConfigError(f"stress names must differ; got {[s.name for s in stresses]}")
    deep = tuple(_range(name, row) for name, row in data.get("deep", {}).items())
    spec = ProjectionSpec(
        name=str(table.get("name", path.stem)),
        description=str(table.get("description", "")),
        seed=table.get("seed", 0),
        draws=table.get("draws", 100),
        until=str(table.get("until", "2040-12")),
        baseline=str(table.get("baseline", names[0])),
        min_density=number("projection.min_density", table.get("min_density", 0.8)),
        scale=number("projection.scale", table["scale"]) if "scale" in table else None,
        options=options,
        stresses=stresses,
        deep=deep,
    )
    overrides = {"draws": draws, "scale": scale, "until": until}
    return check(replace(spec, **{k: v for k, v in overrides.items() if v is not None}))


def check(spec: ProjectionSpec) -> ProjectionSpec:
    """Every rule that does not need the posterior; returns `spec`."""
    if isinstance(spec.draws, bool) or not isinstance(spec.draws, int) or not 2 <= spec.draws <= MAX_DRAWS:
        raise ConfigError(
            f"--draws must be an integer in [2, {MAX_DRAWS:,}] (a share of worlds needs worlds); "
            f"got {spec.draws!r}"
        )
    if isinstance(spec.seed, bool) or not isinstance(spec.seed, int) or spec.seed < 0:
        raise ConfigError(f"projection.seed must be an integer >= 0; got {spec.seed!r}")
    parse_month(spec.until, "--until")
    if steps_between(BRANCH, spec.until) < 12:
        raise ConfigError(f"--until must be at least a year after the branch ({BRANCH}); got {spec.until!r}")
    from runs.bounds import check_steps

    check_steps(spec.steps, "--until")
    if spec.baseline not in {o.name for o in spec.options}:
        raise ConfigError(
            f"projection.baseline {spec.baseline!r} is none of the options {[o.name for o in spec.options]}"
        )
    if not 0 < spec.min_density <= 1:
        raise ConfigError(f"projection.min_density must be in (0, 1]; got {spec.min_density}")
    if spec.scale is not None:
        Params().with_overrides(scale=spec.scale)  # a scale outside its bounds is refused here
    return spec
