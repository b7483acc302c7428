"""Named scenarios: TOML files in `model/scenarios/`, each a set of parameters over the defaults.

A scenario file has a `[scenario]` table (its `description`, and for the app a `title`, a
natural length in `months`, a short `story`, `notice` (things to notice) and `[[scenario.try]]`
items (things to try: a `text`, parameters to `set`, a run to `compare` with)) and a
`[params]` table of `Params` fields. `load_scenario` also reads a file of the same form from
any path.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from model.errors import ConfigError
from model.params import Params, check_names

__all__ = [
    "ScenarioInfo",
    "Suggestion",
    "describe_scenario",
    "list_scenarios",
    "load_scenario",
    "scenario_info",
]

_TOP_KEYS = {"scenario", "params"}
_SCENARIO_KEYS = {"description", "title", "months", "story", "notice", "try"}
_TRY_KEYS = {"text", "set", "compare"}
DEFAULT_MONTHS = 240


@dataclass(frozen=True)
class Suggestion:
    """A thing to try: what to read, the parameters it sets, the run it compares with."""

    text: str
    set: dict[str, Any] = field(default_factory=dict)
    compare: str | None = None  # "regime:<name>" or "scenario:<name>"


@dataclass(frozen=True)
class ScenarioInfo:
    """A scenario's narrative, for people: title, length, story, things to notice and try."""

    name: str
    title: str
    description: str
    months: int = DEFAULT_MONTHS
    story: str = ""
    notice: tuple[str, ...] = ()
    tries: tuple[Suggestion, ...] = ()


def list_scenarios() -> list[str]:
    """Names of the packaged scenarios, sorted."""
    folder = resources.files("model.scenarios")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def _read(name: str) -> dict[str, Any]:
    if not isinstance(name, str | Path):
        raise ConfigError(
            f"scenario must be a scenario name ({', '.join(list_scenarios())}) or a .toml file; got {name!r}"
        )
    name = str(name)
    if name.endswith(".toml"):
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"scenario file {name!r} does not exist")
        text = path.read_text(encoding="utf-8")
    elif name in list_scenarios():
        text = resources.files("model.scenarios").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    else:
        close = difflib.get_close_matches(name, list_scenarios(), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ConfigError(
            f"unknown scenario {name!r}; {hint}valid: {', '.join(list_scenarios())} or a .toml file"
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"scenario {name!r} is not valid TOML: {exc}") from None
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(f"scenario {name!r}: unknown table [{key}]; allowed: {sorted(_TOP_KEYS)}")
    return data


def load_scenario(name: str) -> Params:
    """The scenario's parameters, validated (unknown keys are errors naming the key).

    Args:
        name: a packaged scenario (see `list_scenarios()`) or the path of a `.toml` file.
    """
    params = _read(name).get("params", {})
    check_names(params)
    return Params.from_mapping(params)


def describe_scenario(name: str) -> str:
    """The scenario's one-paragraph description."""
    return str(_read(name).get("scenario", {}).get("description", ""))


def scenario_info(name: str) -> ScenarioInfo:
    """The scenario's narrative (the `[scenario]` table); unknown keys are errors naming the key."""
    table = _read(name).get("scenario", {})
    for key in table:
        if key not in _SCENARIO_KEYS:
            raise ConfigError(
                f"scenario {name!r}: unknown key {key!r} in [scenario]; allowed: {sorted(_SCENARIO_KEYS)}"
            )
    tries = []
    for item in table.get("try", []):
        unknown = set(item) - _TRY_KEYS
        if unknown:
            raise ConfigError(f"scenario {name!r}: unknown key(s) {sorted(unknown)} in [[scenario.try]]")
        tries.append(Suggestion(str(item["text"]), dict(item.get("set", {})), item.get("compare")))
    months = table.get("months", DEFAULT_MONTHS)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        raise ConfigError(f"scenario {name!r}: months must be an integer >= 1; got {months!r}")
    return ScenarioInfo(
        name=name,
        title=str(table.get("title") or name.replace("_", " ").capitalize()),
        description=str(table.get("description", "")),
        months=months,
        story=str(table.get("story", "")),
        notice=tuple(str(n) for n in table.get("notice", [])),
        tries=tuple(tries),
    )
