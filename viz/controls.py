"""The sidebar's inputs: the run's scenario, regime, choices, remedy, seed, scale and comparison.

Typed values are validated by `Params` itself, so the page shows the model's own message
(which names the allowed range). Changing any input rebuilds the run at month 0, and the
page says so (`viz.views.restart_note`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import solara

from model import list_scenarios, load_scenario
from model.params import REMEDY_NAMES
from model.regimes import REGIME_NAMES, REGIME_SETTINGS
from model.words import param_help, param_label, param_meta, regime_title, remedy_title
from viz.ensemble import SEED_CHOICES
from viz.labels import scenario
from viz.setup import (
    DEFAULT_SCALE,
    REGIME_TERMS,
    Setup,
    choice_fields,
    compare_label,
    compare_options,
    validate,
)
from viz.sliders import ParameterPanel, slider_fields

__all__ = [
    "DEFAULT_SCALE",
    "REGIME_TERMS",
    "ParameterPanel",
    "Setup",
    "SetupCard",
    "choice_fields",
    "compare_label",
    "compare_options",
    "seeds_label",
    "slider_fields",
    "validate",
]


def seeds_label(n: int) -> str:
    """The seeds' select in words."""
    return "off" if n == 0 else f"{n} seeds"


@solara.component
def TypedInput(label: str, name: str, value: Any, on_value: Any, revision: str) -> None:
    """A text field for a number; refuses bad values with the model's own message.

    Its text and error are reset whenever the run is rebuilt (`revision`), so a field left
    blank or wrong does not keep a stale message after another input changed the run.
    """
    text, set_text = solara.use_state(str(value), key=f"{name}-{revision}")
    error, set_error = solara.use_state(None, key=f"{name}-error-{revision}")

    def submit(new: str) -> None:
        set_text(new)
        parsed, message = validate(name, new)
        set_error(message)
        if message is None and parsed != value:
            on_value(parsed)

    solara.InputText(label, value=text, on_value=submit, continuous_update=False)
    if error:
        solara.Error(error, dense=True, classes=["typed-input-error"], style={"white-space": "normal"})


@solara.component
def SetupCard(setup: solara.Reactive[Setup], seeds: solara.Reactive[int]) -> None:
    """Scenario picker, regime, choices, remedy, seed, scale, the seeds' band, and compare mode."""
    current = setup.value
    params = current.params()
    revision = repr(current)
    names = {scenario(s).title: s for s in list_scenarios()}
    own = f"The scenario's ({regime_title(load_scenario(current.scenario).regime)})"
    regimes = {own: None} | {regime_title(r): r for r in REGIME_NAMES}
    compares = {"off": None} | {v: k for k, v in compare_options().items()}
    counts = {seeds_label(n): n for n in SEED_CHOICES}

    with solara.Card("Run", margin=0, classes=["setup-card"]):
        solara.Select(
            "Scenario",
            values=list(names),
            value=scenario(current.scenario).title,
            on_value=lambda v: setup.set(replace(current, scenario=names[v], regime=None, overrides=())),
        )
        solara.Select(
            "Regime",
            values=list(regimes),
            value=next(k for k, v in regimes.items() if v == current.regime),
            on_value=lambda v: setup.set(current.with_override("regime", regimes[v])),
        )
        solara.Text(REGIME_SETTINGS[params.regime]["description"], style={"font-size": "0.85em"})
        for name in choice_fields():
            _Choice(setup, name, getattr(params, name), getattr(load_scenario(current.scenario), name))
        remedies = {remedy_title(r): r for r in REMEDY_NAMES}
        solara.Select(  # issue 10: the second policy dimension
            param_label("remedy", unit=False),
            values=list(remedies),
            value=remedy_title(params.remedy),
            on_value=lambda v: setup.set(current.with_override("remedy", remedies[v])),
        )
        with solara.Row(gap="8px"):
            TypedInput("Seed", "seed", current.seed, lambda v: setup.set(replace(current, seed=v)), revision)
            holders = f"{param_label('scale')} (1.0 = all holders)"
            TypedInput(
                holders, "scale", current.scale, lambda v: setup.set(replace(current, scale=v)), revision
            )
        with solara.Tooltip(
            "The same run with other seeds (this seed and the next ones), computed in the background:"
            " the headline numbers and the main charts show their mean and the range 90% of them fall in."
        ):
            solara.Select(
                "Seeds for the 90% band",
                values=list(counts),
                value=seeds_label(seeds.value),
                on_value=lambda v: seeds.set(counts[v]),
            )
        solara.Select(
            "Compare with (same seed)",
            values=list(compares),
            value=compare_label(current.compare),
            on_value=lambda v: setup.set(replace(current, compare=compares[v])),
            classes=["compare-select"],
        )


@solara.component
def _Choice(setup: solara.Reactive[Setup], name: str, value: str, default: str) -> None:
    """A choice field (on/off, ...): a select labelled from its metadata, its meaning on hover."""
    mark = "" if value == default else " (changed)"
    with solara.Tooltip(param_help(name) or param_label(name)):
        solara.Select(
            param_label(name) + mark,
            values=list(param_meta(name)["choices"]),
            value=value,
            on_value=lambda v: setup.set(setup.value.with_override(name, v)),
            classes=["param-choice"],
        )
