"""Words for the page: labels, units and help for parameters, names for regimes and scenarios.

Parameter words come from `Params` metadata; scenario words from the scenario files; nothing
here restates a default or a bound.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from model.params import param_info
from model.regimes import REGIME_SETTINGS
from model.reporters import OUTPUTS
from model.scenarios import ScenarioInfo, scenario_info

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

# regimes.toml has a description per regime but no short name; these are the short names
# (a `title` in regimes.toml, if it gains one, wins).
_REGIME_TITLES = {
    "none": "No portability (lock-in)",
    "status_quo": "Status quo (2025 transfers)",
    "status_quo_2026": "Status quo with AFRINIC's 2026 policy",
    "mandatory": "Mandatory portability",
    "mandatory_safeguarded": "Mandatory, safeguarded",
}
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


@cache
def _params() -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in param_info()}


def param_meta(name: str) -> dict[str, Any]:
    """The field's metadata (and default) from `param_info()`."""
    return _params()[name]


def param_label(name: str, *, unit: bool = True) -> str:
    """The parameter's label (from its metadata), with its unit in brackets."""
    meta = _params().get(name, {})
    label = meta.get("label") or name.replace("_", " ").capitalize()
    return f"{label} ({meta['unit']})" if unit and meta.get("unit") else label


def param_help(name: str) -> str:
    """What the parameter means, and where its value comes from when known."""
    meta = _params().get(name, {})
    parts = [str(meta.get("doc") or "")]
    if meta.get("source"):
        parts.append(f"Source: {meta['source']}")
    return " ".join(p for p in parts if p)


def regime_title(name: str) -> str:
    """The regime's name in words."""
    return str(
        REGIME_SETTINGS.get(name, {}).get("title") or _REGIME_TITLES.get(name) or name.replace("_", " ")
    )


_REMEDY_TITLES = {"none": "No remedy", "icp2_draft": "ICP-2 draft remedy"}


def remedy_title(name: str) -> str:
    """The remedy's name in words (issue 10)."""
    return _REMEDY_TITLES.get(name, name.replace("_", " "))


def scenario(name: str) -> ScenarioInfo:
    """The scenario's narrative (title, story, things to notice and try)."""
    return _scenario(name)


@cache
def _scenario(name: str) -> ScenarioInfo:
    return scenario_info(name)


def column_title(column: str) -> str:
    """A registry_frame column's name in words."""
    return _COLUMNS.get(column) or column.replace("_", " ").capitalize()


def output_label(column: str) -> str:
    """A model_frame column's name in words (the model's table of outputs, else the column's name)."""
    return OUTPUTS.get(column, (column.replace("_", " ").capitalize(), ""))[0]


def output_unit(column: str) -> str:
    """A model_frame column's unit (from the model's table of outputs; empty when it has none)."""
    return OUTPUTS.get(column, ("", ""))[1]


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
