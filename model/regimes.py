"""Portability regimes: which origin -> destination moves are allowed, and on what terms.

The regimes are data (`model/data/regimes.toml`); this module reads them and turns a
regime's rules into move matrices for a given list of registries.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from agents.state import ALLOWED, ELIGIBLE_ONLY, FORBIDDEN

__all__ = [
    "ALLOWED",
    "ELIGIBLE_ONLY",
    "FORBIDDEN",
    "REGIME_NAMES",
    "REGIME_SETTINGS",
    "RESOURCES",
    "move_matrix",
]

RESOURCES = ("ipv4", "asn", "ipv6")
TERMS = ("porting_delay", "approval_odds", "obstruction", "friction", "hold_period", "release_fallback")
#: a regime's switch: registration moves pass the transfer policies' conditions
CONDITIONS = "conditions"
TABLES = ("moves", "sales")  # registration moves; sales of space between holders
_RULE_KEYS = {"open", "inbound", "outbound_eligible"}


def _load() -> dict[str, dict[str, Any]]:
    text = resources.files("model.data").joinpath("regimes.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for name, regime in data.items():
        missing = [t for t in (*TERMS, CONDITIONS, "title", "description", *TABLES) if t not in regime]
        if missing:
            raise ValueError(f"regime {name!r} in regimes.toml lacks {missing}")
        for table in TABLES:
            for resource, rule in regime[table].items():
                if resource not in RESOURCES or not set(rule) <= _RULE_KEYS:
                    raise ValueError(f"regime {name!r}: bad {table} rule {resource} = {rule}")
    return data


REGIME_SETTINGS: dict[str, dict[str, Any]] = _load()
REGIME_NAMES: tuple[str, ...] = tuple(REGIME_SETTINGS)


def move_matrix(regime: str, registries: Sequence[str], resource: str, table: str = "moves") -> np.ndarray:
    """Matrix M[origin, destination] of FORBIDDEN / ALLOWED / ELIGIBLE_ONLY for one resource.

    `table` "moves" gives registration moves (a holder with all its space), "sales" the
    inter-RIR sales of space between holders; the diagonal is FORBIDDEN in both.
    """
    rule = REGIME_SETTINGS[regime][table].get(resource, {})
    index = {name: i for i, name in enumerate(registries)}

    def members(key: str) -> list[int]:
        names = rule.get(key, [])
        return list(index.values()) if names == "all" else [index[n] for n in names if n in index]

    matrix = np.full((len(registries), len(registries)), FORBIDDEN, dtype=np.int8)
    open_ = members("open")
    for origin in open_:
        matrix[origin, open_] = ALLOWED
        for destination in members("inbound"):
            matrix[origin, destination] = ALLOWED
    for origin in members("outbound_eligible"):
        matrix[origin, open_] = ELIGIBLE_ONLY
    np.fill_diagonal(matrix, FORBIDDEN)
    return matrix
