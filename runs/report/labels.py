"""What the reports call things: metrics, parameter values, conditions, comparisons; the print style.

Names, units and colours come from `model.words` (said once for the app, the reports and the
scripts); this module only puts them together for a figure's labels and a report's tables.
"""

from __future__ import annotations

import textwrap
from typing import Any

import pandas as pd

from model.reporters import OUTPUTS
from model.words import colour, param_label, param_meta, regime_colour, regime_title, remedy_title

__all__ = [
    "HEADLINE",
    "METRICS",
    "STYLE",
    "comparison",
    "condition_colour",
    "condition_label",
    "condition_style",
    "metric_label",
    "tick",
    "value_words",
]

#: The model's outputs in plain words, with their units (a metric not listed is shown by its name).
#: Figures cost every report, so the outputs drawn are chosen: every labelled output but these.
UNDRAWN = ("ipv4_transferred", "disputed_ipv4_shielded")
METRICS = {name: words for name, words in OUTPUTS.items() if name not in UNDRAWN}
HEADLINE = ("quality_experienced", "accountability", "worst_quality")
STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "savefig.dpi": 300,
}


def metric_label(metric: str, *, unit: bool = True) -> str:
    """A model output in plain words, with its unit."""
    label, metric_unit = METRICS.get(metric, (metric.replace("_", " "), ""))
    return f"{label} ({metric_unit})" if unit and metric_unit else label


def value_words(name: str, value: Any) -> str:
    """A parameter value in plain words (a regime or remedy by its name, a number with its unit)."""
    if name == "regime":
        return regime_title(value)
    if name == "remedy":
        return remedy_title(value)
    text = f"{value:,.4g}" if isinstance(value, float) else str(value)
    unit = param_meta(name).get("unit")
    return f"{text} {unit}" if unit else text


def tick(name: str, value: Any) -> str:
    """A level on an axis whose label carries the unit: the value alone."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,g}"  # 2,000 rather than 2e+03
    return value_words(name, value)


def _named(name: str) -> bool:
    """Factors whose values are names (said alone), not quantities (said with the parameter)."""
    return name in ("regime", "remedy", "condition")


def condition_label(row: pd.Series | dict, factors: list[str]) -> str:
    """A design point in words, short enough to stand beside its row in a figure."""
    if not factors:
        return "all runs"
    if len(factors) == 1 and _named(factors[0]):
        return value_words(factors[0], row[factors[0]])
    if len(factors) <= 2:
        return ", ".join(
            value_words(f, row[f]) if _named(f) else f"{param_label(f, unit=False)} {value_words(f, row[f])}"
            for f in factors
        )
    # many factors: values without units, wrapped, so that the label stays beside its row
    parts = [
        value_words(f, row[f]) if _named(f) else f"{param_label(f, unit=False).lower()} {tick(f, row[f])}"
        for f in factors
    ]
    return textwrap.fill(", ".join(parts), width=44)


def condition_colour(row: pd.Series | dict, factors: list[str], i: int) -> str:
    """A regime keeps its colour in every figure (`model.words.regime_colour`); else by order.

    When the regime is one factor among others, the conditions of one regime share its colour
    (`condition_style` tells them apart).
    """
    return regime_colour(row["regime"]) if "regime" in factors else colour(i)


LINE_STYLES = ("-", "--", ":", "-.")


def condition_style(row: pd.Series | dict, factors: list[str], seen: dict[tuple, int]) -> str:
    """The line style of a condition: by its values of the factors other than the regime."""
    others = tuple(row[f] for f in factors if f != "regime")
    return LINE_STYLES[seen.setdefault(others, len(seen)) % len(LINE_STYLES)] if "regime" in factors else "-"


def comparison(factor: str, level: Any, baseline: Any) -> str:
    """The difference "level - baseline" in words, named by the parameter unless the values are names."""
    if _named(factor):
        return f"{value_words(factor, level)} - {value_words(factor, baseline)}"
    return f"{param_label(factor)}: {tick(factor, level)} - {tick(factor, baseline)}"
