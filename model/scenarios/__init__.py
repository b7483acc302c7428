"""Named scenarios: TOML files in `model/scenarios/`, each a set of parameters over the defaults."""

from __future__ import annotations

import tomllib
from importlib import resources
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
    if name not in list_scenarios():
        raise ConfigError(f"unknown scenario {name!r}; valid: {', '.join(list_scenarios())}")
    text = resources.files("model.scenarios").joinpath(f"{name}.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for key in data:
        if key not in _TOP_KEYS:
            raise ConfigError(f"scenario {name!r}: unknown table [{key}]; allowed: {sorted(_TOP_KEYS)}")
    return data


def load_scenario(name: str) -> Params:
    """The scenario's parameters, validated (unknown keys are errors naming the key)."""
    params = _read(name).get("params", {})
    check_names(params)
    return Params.from_mapping(params)


def describe_scenario(name: str) -> str:
    """The scenario's one-paragraph description."""
    return str(_read(name).get("scenario", {}).get("description", ""))
