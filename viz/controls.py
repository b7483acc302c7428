"""The app's inputs: what run to build (`Setup`), and the sliders, all generated from `Params`.

Bounds, labels and defaults come from `Params` field metadata and the scenario files, never
written here; typed values are validated by `Params` itself, so the app shows the model's
own message (which names the allowed range).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import solara
from mesa.visualization import Slider

from model import ConfigError, Params, describe_scenario, list_scenarios, load_scenario
from model.params import check_names
from model.regimes import REGIME_NAMES, REGIME_SETTINGS

__all__ = [
    "REGIME_TERMS",
    "SLIDER_FIELDS",
    "Setup",
    "SetupCard",
    "compare_options",
    "sliders",
]

#: Mechanism parameters shown as sliders (Mesa's "Model Parameters" card; applied on Reset).
SLIDER_FIELDS = (
    "responsiveness",
    "switching_cost",
    "waiting_cost",
    "weight_fee",
    "loyalty_weight",
    "threat_weight",
    "exit_weight",
    "voice_weight",
    "review_rate",
    "event_hazard",
)
#: The regime's terms, shown at the regime's values until the user moves them.
REGIME_TERMS = ("porting_delay", "approval_odds", "obstruction", "friction", "hold_period")
DEFAULT_SCALE = 0.05  # ~4,250 holders: a step plus redraw well under 100 ms
_META = {f.name: f.metadata for f in fields(Params)}


@dataclass(frozen=True)
class Setup:
    """What run the page shows: a scenario, optionally another regime and terms, seed, scale.

    `compare` is None or "regime:<name>" / "scenario:<name>": a second run, same seed.
    """

    scenario: str = "status_quo"
    regime: str | None = None  # None: the scenario's own
    seed: int = 42
    scale: float = DEFAULT_SCALE
    terms: tuple[tuple[str, float], ...] = ()  # regime terms the user has set
    compare: str | None = None

    def params(self, **sliders: Any) -> Params:
        """The run's parameters: the scenario, then regime, scale, terms and slider values."""
        overrides: dict[str, Any] = {"scale": self.scale, **dict(self.terms), **sliders}
        if self.regime is not None:
            overrides["regime"] = self.regime
        return load_scenario(self.scenario).with_overrides(**overrides)

    def fixed_kwargs(self) -> dict[str, Any]:
        """Everything but the sliders, as the flat keywords Mesa passes to the model on Reset."""
        params = self.params()
        kwargs = {f.name: getattr(params, f.name) for f in fields(Params) if f.name not in SLIDER_FIELDS}
        return {**kwargs, "seed": self.seed}

    def compared(self) -> Setup | None:
        """The setup of the comparison run, or None."""
        if self.compare is None:
            return None
        kind, name = self.compare.split(":", 1)
        if kind == "regime":
            return replace(self, regime=name, terms=(), compare=None)
        return replace(self, scenario=name, regime=None, terms=(), compare=None)

    def label(self) -> str:
        """A short name for legends."""
        regime = self.params().regime
        return f"{self.scenario} / {regime}" if self.regime else self.scenario


def sliders(params: Params) -> dict[str, Slider]:
    """Mesa sliders for `SLIDER_FIELDS`, at this run's values, with bounds from `Params`."""
    out = {}
    for name in SLIDER_FIELDS:
        meta = _META[name]
        integer = bool(meta.get("integer"))
        step = 1 if integer else _step(meta["high"] - meta["low"])
        out[name] = Slider(
            _label(name),
            value=getattr(params, name),
            min=meta["low"],
            max=meta["high"],
            step=step,
            dtype=int if integer else float,
        )
    return out


def compare_options() -> list[str]:
    """Choices for the comparison run."""
    return [f"regime:{r}" for r in REGIME_NAMES] + [f"scenario:{s}" for s in list_scenarios()]


def _step(span: float) -> float:
    for step in (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0):
        if span / step <= 200:
            return step
    return 1.0


def _label(name: str) -> str:
    meta = _META[name]
    unit = f" ({meta['unit']})" if meta.get("unit") else ""
    return (meta.get("label") or name.replace("_", " ").capitalize()) + unit


def validate(name: str, text: str) -> tuple[Any, str | None]:
    """(value, None) if `text` is a valid value for parameter `name`, else (None, the message)."""
    if name == "seed":
        try:
            value = int(text.strip())
        except ValueError:
            return None, f"seed must be a non-negative integer; got {text!r}"
        return (value, None) if value >= 0 else (None, f"seed must be a non-negative integer; got {text!r}")
    check_names({name: text})
    try:
        return getattr(Params().with_overrides(**{name: text}), name), None
    except ConfigError as exc:
        return None, str(exc)


@solara.component
def TypedInput(label: str, name: str, value: Any, on_value: Any) -> None:
    """A text field for a number; refuses bad values with the model's own message."""
    text, set_text = solara.use_state(str(value), key=f"{name}-{value}")
    error, set_error = solara.use_state(None, key=f"{name}-error-{value}")

    def submit(new: str) -> None:
        set_text(new)
        parsed, message = validate(name, new)
        set_error(message)
        if message is None and parsed != value:
            on_value(parsed)

    solara.InputText(label, value=text, on_value=submit, continuous_update=False)
    if error:
        solara.Error(
            error,
            dense=True,
            classes=["typed-input-error"],
            style={"white-space": "normal", "overflow-wrap": "anywhere", "max-width": "100%"},
        )


@solara.component
def SetupCard(setup: solara.Reactive[Setup]) -> None:
    """Scenario picker, regime, seed, scale, the regime's terms, and compare mode."""
    current = setup.value
    params = current.params()

    with solara.Card("Scenario"):
        solara.Select(
            "Scenario",
            values=list_scenarios(),
            value=current.scenario,
            on_value=lambda v: setup.set(replace(current, scenario=v, regime=None, terms=())),
        )
        solara.Markdown(describe_scenario(current.scenario), style={"font-size": "0.85em"})
        own = f"scenario's ({load_scenario(current.scenario).regime})"
        solara.Select(
            "Regime",
            values=[own, *REGIME_NAMES],
            value=current.regime or own,
            on_value=lambda v: setup.set(replace(current, regime=None if v == own else v, terms=())),
        )
        solara.Markdown(REGIME_SETTINGS[params.regime]["description"], style={"font-size": "0.85em"})
        TypedInput("Seed (integer)", "seed", current.seed, lambda v: setup.set(replace(current, seed=v)))
        TypedInput(
            "Scale (1.0 = 85,000 holders)",
            "scale",
            current.scale,
            lambda v: setup.set(replace(current, scale=v)),
        )
        with solara.Details("Regime's terms"):
            for name in REGIME_TERMS:
                _TermSlider(setup, name, params)
        options = ["off", *compare_options()]
        solara.Select(
            "Compare with (same seed)",
            values=options,
            value=current.compare or "off",
            on_value=lambda v: setup.set(replace(current, compare=None if v == "off" else v)),
        )


@solara.component
def _TermSlider(setup: solara.Reactive[Setup], name: str, params: Params) -> None:
    meta, current = _META[name], setup.value
    value = params.regime_setting(name)

    def on_value(new: float) -> None:
        terms = {**dict(current.terms), name: int(new) if meta.get("integer") else float(new)}
        setup.set(replace(current, terms=tuple(sorted(terms.items()))))

    if meta.get("integer"):
        solara.SliderInt(
            _label(name), value=int(value), min=int(meta["low"]), max=int(meta["high"]), on_value=on_value
        )
    else:
        solara.SliderFloat(
            _label(name),
            value=float(value),
            min=meta["low"],
            max=meta["high"],
            step=_step(meta["high"] - meta["low"]),
            on_value=on_value,
        )
