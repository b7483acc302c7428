"""How a parameter is declared and checked: bounds, label, unit, meaning and source in metadata."""

from __future__ import annotations

import difflib
import math
from dataclasses import field
from typing import Any

from model.errors import ConfigError

__all__ = [
    "EVENT_STATUSES",
    "REGISTRY_OVERRIDE_KEYS",
    "REMEDY_NAMES",
    "TARGET_GROUPS",
    "check_number",
    "choice",
    "month",
    "number",
    "unknown",
]

EVENT_STATUSES = ("degraded", "failed", "operating")  # operating: a held shortfall or targeted capture
#: the member groups a captured registry may single out (`GovernanceEvent.targets`)
TARGET_GROUPS = ("disputed", "faction", "largest")
#: The oversight remedies: none, or the ICP-2 draft v2's process.
REMEDY_NAMES = ("none", "icp2_draft")

#: Per-registry settings a scenario may override, with their allowed range.
REGISTRY_OVERRIDE_KEYS: dict[str, tuple[float, float]] = {
    "quality": (0.0, 1.0),
    "neutrality": (0.0, 1.0),
    "responsiveness": (0.0, 1.0),
    "reserves_months": (0.0, 240.0),
    "fixed_cost_share": (0.0, 1.0),
    "cost_ratio": (0.1, 10.0),
    "strictness": (0.0, 1.0),  # enforcement at one registry
}


def number(
    default: float | None,
    low: float,
    high: float,
    doc: str,
    *,
    unit: str = "",
    integer: bool = False,
    label: str,
    source: str,
) -> Any:
    """A numeric field with its bounds, label, unit, description and source in the metadata."""
    meta = {
        "low": low,
        "high": high,
        "doc": doc,
        "unit": unit,
        "integer": integer,
        "label": label,
        "source": source,
    }
    return field(default=default, metadata=meta)


def choice(default: str, choices: tuple[str, ...], doc: str, *, label: str, source: str) -> Any:
    """A categorical field with its allowed values, label, description and source in the metadata."""
    meta = {"choices": choices, "doc": doc, "label": label, "unit": "", "source": source}
    return field(default=default, metadata=meta)


def month(default: str, doc: str, *, label: str, source: str) -> Any:
    """A calendar month field ("YYYY-MM") with its label, description and source in the metadata."""
    meta = {"month": True, "doc": doc, "label": label, "unit": "", "source": source}
    return field(default=default, metadata=meta)


def check_number(name: str, value: Any, low: float, high: float, *, integer: bool = False) -> None:
    """Raise `ConfigError` naming `name`, the value and the rule unless it is a number in [low, high]."""
    kind = "an integer" if integer else "a number"
    ok_type = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok_type or (isinstance(value, float) and math.isnan(value)):
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")
    if integer and int(value) != value:
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")


def unknown(what: str, name: str, valid: Any) -> str:
    """The message for an unknown name: the closest valid one, or the valid ones."""
    close = difflib.get_close_matches(str(name), list(valid), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(sorted(valid))}"
    return f"unknown {what} {name!r}{hint}"
