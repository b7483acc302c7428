"""Words and colours, said once: what people read for regimes, remedies, parameters and outputs.

The app (`viz/`), the reports and paper figures (`runs/`) and the scripts all take their
names, units and colours from here; the words themselves live beside what they name
(regime titles in `model/data/regimes.toml`, parameter labels and units in `Params`
metadata, output labels in `model.reporters.OUTPUTS`), so nothing is written twice.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from model.params import param_info
from model.regimes import REGIME_NAMES, REGIME_SETTINGS
from model.reporters import OUTPUTS

__all__ = [
    "PALETTE",
    "REMEDY_TITLES",
    "colour",
    "output_label",
    "output_unit",
    "param_help",
    "param_label",
    "param_meta",
    "regime_colour",
    "regime_title",
    "remedy_title",
]

#: Okabe & Ito's colour-blind-safe palette; every chart and figure draws from it in this order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442")

#: The remedies in words (they have no data file of their own).
REMEDY_TITLES = {"none": "No remedy", "icp2_draft": "ICP-2 draft remedy"}


def colour(index: int) -> str:
    """The palette's colour for the index-th line (wrapping around)."""
    return PALETTE[index % len(PALETTE)]


def regime_colour(name: str) -> str:
    """A regime keeps one colour everywhere: its place among the regimes in `regimes.toml`."""
    return colour(REGIME_NAMES.index(name)) if name in REGIME_NAMES else colour(len(REGIME_NAMES))


def regime_title(name: str) -> str:
    """The regime's name in words (`title` in `regimes.toml`)."""
    settings = REGIME_SETTINGS.get(name)
    return str(settings["title"]) if settings else name.replace("_", " ")


def remedy_title(name: str) -> str:
    """The remedy's name in words."""
    return REMEDY_TITLES.get(name, name.replace("_", " "))


@cache
def _params() -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in param_info()}


def param_meta(name: str) -> dict[str, Any]:
    """The field's metadata (and default) from `param_info()`; empty for a name that is not a field."""
    return _params().get(name, {})


def param_label(name: str, *, unit: bool = True) -> str:
    """The parameter's label (from its metadata), with its unit in brackets."""
    meta = param_meta(name)
    label = meta.get("label") or name.replace("_", " ").capitalize()
    return f"{label} ({meta['unit']})" if unit and meta.get("unit") else label


def param_help(name: str) -> str:
    """What the parameter means, and where its value comes from when known."""
    meta = param_meta(name)
    parts = [str(meta.get("doc") or "")]
    if meta.get("source"):
        parts.append(f"Source: {meta['source']}")
    return " ".join(p for p in parts if p)


def output_label(column: str, *, unit: bool = False) -> str:
    """A model output's name in words (`OUTPUTS`, else the column's name), with its unit if asked."""
    label, its_unit = OUTPUTS.get(column, (column.replace("_", " ").capitalize(), ""))
    return f"{label} ({its_unit})" if unit and its_unit else label


def output_unit(column: str) -> str:
    """A model output's unit (empty when it has none)."""
    return OUTPUTS.get(column, ("", ""))[1]
