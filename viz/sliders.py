"""A slider for every numeric parameter, generated from `Params` metadata.

Label, unit, bounds and meaning come from the model's own definitions, never from here. A
parameter whose range spans orders of magnitude (switching cost: USD 0 to 1,000,000) moves
along a log scale of round values (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 per decade, and 0 when
allowed): one step is at most a third more, never a jump from 2,000 to 300,000. The value is
written beside the label, so the slider shows no bubble over it.
"""

from __future__ import annotations

import contextlib
import html
import math
from dataclasses import replace
from typing import Any

import solara

from model import ConfigError, load_scenario
from model.params import param_info
from model.words import param_help, param_label, param_meta, regime_title
from viz.setup import OWN_INPUTS, REGIME_TERMS, Setup

__all__ = ["MANTISSAS", "ParameterPanel", "linear_step", "log_grid", "slider_fields"]

MANTISSAS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
DECADES = 3  # a range of at least three orders of magnitude moves on a log scale


def slider_fields() -> list[str]:
    """Numeric `Params` fields shown as sliders under "All parameters" (not the regime's terms)."""
    return [
        row["name"]
        for row in param_info()
        if "low" in row and row["name"] not in OWN_INPUTS and row["name"] not in REGIME_TERMS
    ]


def linear_step(span: float) -> float:
    """A round step that divides `span` into at most 200 steps."""
    for step in (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0):
        if span / step <= 200:
            return step
    return 10.0


def log_grid(low: float, high: float) -> list[float] | None:
    """Round values from `low` to `high` on a log scale, or None when the range is not that wide.

    The grid starts at 0 when `low` is 0 (then at 1), and always ends at `high`.
    """
    floor = low if low > 0 else 1.0
    if high <= 0 or high / floor < 10**DECADES:
        return None
    grid = [0.0] if low == 0 else []
    for exponent in range(math.floor(math.log10(floor)), math.ceil(math.log10(high)) + 1):
        for mantissa in MANTISSAS:
            value = float(f"{mantissa * 10**exponent:.6g}")
            if floor <= value <= high and (not grid or value > grid[-1]):
                grid.append(value)
    if grid[-1] != high:
        grid.append(float(high))
    return grid


def _nearest(grid: list[float], value: float) -> int:
    return min(range(len(grid)), key=lambda i: abs(grid[i] - value))


@solara.component
def ParameterPanel(setup: solara.Reactive[Setup]) -> None:
    """The regime's terms and every other parameter, as sliders generated from `Params`."""
    current = setup.value
    params = current.params()
    default = load_scenario(current.scenario)
    query, set_query = solara.use_state("")
    shown, set_shown = solara.use_state(False)
    changed = [name for name, _ in current.overrides]
    if changed:
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text(
                f"Changed: {', '.join(param_label(n, unit=False) for n in changed)}",
                style={"font-size": "0.85em"},
            )
            solara.Button(
                "Scenario's values",
                small=True,
                text=True,
                on_click=lambda: setup.set(replace(current, overrides=())),
            )
    # Built only when shown: every widget on the page is revisited on each step's redraw.
    terms, set_terms = solara.use_state(False)
    solara.Button(
        f"{'Hide' if terms else 'Show'} the regime's terms ({regime_title(params.regime)})",
        text=True,
        on_click=lambda: set_terms(not terms),
        classes=["regime-terms"],
    )
    if terms:
        for name in REGIME_TERMS:
            _Slider(setup, name, params.regime_setting(name), default.regime_setting(name)).key(name)
    fields_ = slider_fields()
    solara.Button(
        f"{'Hide' if shown else 'Show'} all parameters ({len(fields_)})",
        text=True,
        on_click=lambda: set_shown(not shown),
        classes=["all-parameters"],
    )
    if shown:
        solara.InputText("Find a parameter", value=query, on_value=set_query, continuous_update=True)
        words = query.lower().strip()
        for name in fields_:
            if words and words not in f"{param_label(name)} {param_help(name)}".lower():
                continue
            _Slider(setup, name, getattr(params, name), getattr(default, name)).key(name)


@solara.component
def _Slider(setup: solara.Reactive[Setup], name: str, value: Any, default: Any) -> None:
    """One parameter: its label, unit and value on one line, the slider, its meaning on hover."""
    meta = param_meta(name)
    integer = bool(meta.get("integer"))
    shown = (
        f"{int(value):,}"
        if integer
        else (f"{float(value):,.0f}" if abs(value) >= 10_000 else f"{float(value):g}")
    )
    mark = "" if value == default else " (changed)"
    grid = None if integer else log_grid(meta["low"], meta["high"])
    step = 1 if integer else linear_step(meta["high"] - meta["low"])

    def set_value(new: float) -> None:
        new = min(max(new, meta["low"]), meta["high"])  # a slider never leaves the field's bounds
        with contextlib.suppress(ConfigError):  # a combination the model refuses: keep the current run
            setup.set(setup.value.with_override(name, int(new) if integer else float(new)))

    def on_linear(new: float) -> None:
        if abs(new - value) < step / 2:  # the browser's slider snapping a value onto its grid, not a move
            return
        set_value(new)

    def on_position(position: int) -> None:
        if position == _nearest(grid, value):  # the slider showing the current value at its nearest stop
            return
        set_value(grid[min(max(int(position), 0), len(grid) - 1)])

    scale_words = " · log scale" if grid else ""
    with solara.Column(gap="0px", classes=["param-slider"]):
        solara.HTML(  # its meaning shows on hover (a title: one widget, not a tooltip's three)
            "div",
            unsafe_innerHTML=f"{html.escape(param_label(name), quote=False)}: {shown}{mark}{scale_words}",
            attributes={"title": param_help(name) or param_label(name)},
            style={"font-size": "0.85em"},
            classes=["param-label"],
        )
        if grid is not None:
            solara.SliderInt(
                "",
                value=_nearest(grid, value),
                min=0,
                max=len(grid) - 1,
                on_value=on_position,
                thumb_label=False,
            )
        elif integer:
            solara.SliderInt(
                "",
                value=int(value),
                min=int(meta["low"]),
                max=int(meta["high"]),
                on_value=on_linear,
                thumb_label=False,
            )
        else:
            solara.SliderFloat(
                "",
                value=float(value),
                min=meta["low"],
                max=meta["high"],
                step=step,
                on_value=on_linear,
                thumb_label=False,
            )
