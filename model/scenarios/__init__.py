"""Named scenarios: TOML files in `model/scenarios/`, each a set of parameters over the defaults.

A scenario file has a `[scenario]` table (its `description`) and a `[params]` table of
`Params` fields. `load_scenario` also reads a file of the same form from any path.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from model.errors import ConfigError
from model.params import Params, check_names

__all__ = ["describe_scenario", "list_scenarios", "load_scenario"]

_TOP_KEYS = {"scenario", "params"}


def list_scenarios() -> list[str]:
    """Names of the packaged scenarios, sorted."""
    folder = resources.files("model.scenarios")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def _read(name: str) -> dict[str, Any]:
    if name.endswith(".toml"):
        path = Path(name)
        if not path.is_file():
            raise ConfigError(f"scenario file {name!r} does not exist")
        text = path.read_text(encoding="utf-8")
    elif name in list_scenarios():
        text = resources.files("model.scenarios").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    else:
        raise ConfigError(f"unknown scenario {name!r}; valid: {', '.join(list_scenarios())} or a .toml file")
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
