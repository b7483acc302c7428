"""Words for the page: `model.words` (said once for the app and the figures), scenarios, numbers.

Parameter words come from `Params` metadata; scenario words from the scenario files; nothing
here restates a default or a bound.
"""

from __future__ import annotations

import math
from functools import cache

from model.scenarios import ScenarioInfo, scenario_info
from model.words import (
    output_label,
    output_unit,
    param_help,
    param_label,
    param_meta,
    regime_title,
    remedy_title,
)

__all__ = [
    "column_title",
    "fmt",
    "output_label",
    "output_unit",
    "param_help",
    "param_label",
    "param_meta",
    "regime_title",
    "remedy_title",
    "scenario",
    "sig",
    "tab_class",
]

# registry_frame columns the charts name; any other column gets its name in words
_COLUMNS = {
    "quality": "Service quality",
    "neutrality": "Neutrality",
    "fee": "Fee of a median member",
    "reserves": "Reserves",
    "members": "Members",
    "exit_threat": "Credible threat of exit",
    "effort": "Registry effort",
    "voice": "Members voicing complaints",
}


def scenario(name: str) -> ScenarioInfo:
    """The scenario's narrative (title, story, things to notice and try)."""
    return _scenario(name)


@cache
def _scenario(name: str) -> ScenarioInfo:
    return scenario_info(name)


def column_title(column: str) -> str:
    """A registry_frame column's name in words."""
    return _COLUMNS.get(column) or column.replace("_", " ").capitalize()


def sig(value: float, digits: int = 4) -> str:
    """`value` to `digits` significant digits (thousands separated above 10,000)."""
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    return f"{float(f'{value:.{digits}g}'):g}"


def fmt(value: float) -> str:
    """A headline number: integers as integers, others to four significant digits."""
    return f"{int(value):,}" if float(value).is_integer() else sig(value)


def tab_class(name: str) -> str:
    """The CSS class of a dashboard tab's content ("Members & money" -> "tab-members-money")."""
    return "tab-" + "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())
