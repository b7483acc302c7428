"""The app's inputs: what run to build (`Setup`), and the controls that change it.

Every parameter control is generated from `Params` metadata (`param_info()`): its label,
unit, bounds and help text are never written here, so the controls follow the model when
fields are added, renamed or removed. Typed values are validated by `Params` itself, so the
app shows the model's own message (which names the allowed range). Changing any input
rebuilds the run at month 0.
"""

from __future__ import annotations

import contextlib
import html
from dataclasses import dataclass, replace
from typing import Any

import solara

from model import ConfigError, Params, list_scenarios, load_scenario
from model.params import REMEDY_NAMES, check_names, param_info, parse_value
from model.regimes import REGIME_NAMES, REGIME_SETTINGS
from model.regimes import TERMS as REGIME_TERMS
from viz.labels import param_help, param_label, param_meta, regime_title, remedy_title, scenario

__all__ = [
    "DEFAULT_SCALE",
    "REGIME_TERMS",
    "ParameterPanel",
    "Setup",
    "SetupCard",
    "choice_fields",
    "compare_label",
    "compare_options",
    "slider_fields",
    "validate",
]

DEFAULT_SCALE = param_meta("scale")["default"]
_OWN_INPUTS = {"scale", "regime", "remedy"}  # the setup card's own inputs


def slider_fields() -> list[str]:
    """Numeric `Params` fields shown as sliders under "All parameters" (not the regime's terms)."""
    return [
        row["name"]
        for row in param_info()
        if "low" in row and row["name"] not in _OWN_INPUTS and row["name"] not in REGIME_TERMS
    ]


def choice_fields() -> list[str]:
    """`Params` fields with a fixed set of values (on/off, ...), each a select on the setup card."""
    return [row["name"] for row in param_info() if "choices" in row and row["name"] not in _OWN_INPUTS]


@dataclass(frozen=True)
class Setup:
    """What run the page shows: a scenario, optionally another regime, seed, scale, overrides.

    `overrides` holds every parameter the user has set (sliders, regime terms, things to
    try), on top of the scenario. `compare` is None, "regime:<name>", "scenario:<name>",
    "remedy:<name>" or "param:<field>=<value>" (a choice field set otherwise): a second run
    with the same seed.
    """

    scenario: str = "status_quo"
    regime: str | None = None  # None: the scenario's own
    seed: int = 42
    scale: float = DEFAULT_SCALE
    overrides: tuple[tuple[str, Any], ...] = ()
    compare: str | None = None

    def params(self) -> Params:
        """The run's parameters: the scenario, then regime, scale and the user's overrides."""
        values: dict[str, Any] = {"scale": self.scale, **dict(self.overrides)}
        if self.regime is not None:
            values["regime"] = self.regime
        return load_scenario(self.scenario).with_overrides(**values)

    def with_override(self, name: str, value: Any) -> Setup:
        """This setup with parameter `name` set to `value` (the regime has its own field).

        Raises:
            ConfigError: the model refuses the value (checked here, before the page uses it).
        """
        if name == "regime":
            new = replace(self, regime=value, overrides=self._without(REGIME_TERMS))
        else:
            new = replace(self, overrides=tuple(sorted({**dict(self.overrides), name: value}.items())))
        new.params()
        return new

    def _without(self, names: tuple[str, ...] | set[str]) -> tuple[tuple[str, Any], ...]:
        return tuple((k, v) for k, v in self.overrides if k not in names)

    def run(self) -> Setup:
        """The setup of the main run alone (choosing a comparison must not restart it)."""
        return replace(self, compare=None)

    def compared(self) -> Setup | None:
        """The setup of the comparison run: same seed, scale and mechanism; another regime or scenario."""
        if self.compare is None:
            return None
        kind, name = self.compare.split(":", 1)
        own = self._without(REGIME_TERMS)  # a regime's terms belong to that regime
        if kind == "regime":
            return replace(self, regime=name, overrides=own, compare=None)
        if kind == "param":
            field, value = name.split("=", 1)
            return replace(self.with_override(field, value), compare=None)
        if kind == "remedy":  # issue 10: the same run with another remedy
            remedy = tuple(sorted({**dict(self.overrides), "remedy": name}.items()))
            return replace(self, overrides=remedy, compare=None)
        return replace(self, scenario=name, regime=None, overrides=own, compare=None)

    def label(self) -> str:
        """The run in words: the scenario's title, and the regime and remedy when the user changed them."""
        title = scenario(self.scenario).title
        title = f"{title}, {regime_title(self.regime)}" if self.regime else title
        remedy = dict(self.overrides).get("remedy")  # a remedy other than the scenario's, in words
        if remedy is not None and remedy != load_scenario(self.scenario).remedy:
            title = f"{title}, {remedy_title(remedy)}"
        return title

    def short(self) -> str:
        """A short name for legends: the regime's name, and the remedy when there is one."""
        params = self.params()
        remedy = "" if params.remedy == "none" else f", {remedy_title(params.remedy)}"
        return regime_title(params.regime) + remedy

    def contrast(self, other: Setup) -> tuple[tuple[str, str], tuple[str, str]]:
        """(short, long) names of this run and `other`, by what differs: regime, scenario or a choice."""
        long = self.label(), other.label()
        if self.short() != other.short():
            return (self.short(), long[0]), (other.short(), long[1])
        titles = scenario(self.scenario).title, scenario(other.scenario).title
        if titles[0] != titles[1]:
            return (titles[0], long[0]), (titles[1], long[1])
        mine, theirs = self.params(), other.params()
        differ = [n for n in choice_fields() if getattr(mine, n) != getattr(theirs, n)]
        if not differ:
            return ("this run", long[0]), ("the same run", long[1])
        a, b = (
            ", ".join(f"{param_label(n, unit=False)} {getattr(p, n)}" for n in differ) for p in (mine, theirs)
        )
        return (a, f"{long[0]} ({a})"), (b, f"{long[1]} ({b})")


def compare_options() -> dict[str, str]:
    """Choices for the comparison run: key -> words."""
    out = {f"regime:{r}": f"Regime: {regime_title(r)}" for r in REGIME_NAMES}
    out |= {f"scenario:{s}": f"Scenario: {scenario(s).title}" for s in list_scenarios()}
    for name in choice_fields():
        for value in param_meta(name)["choices"]:
            out[f"param:{name}={value}"] = f"{param_label(name, unit=False)}: {value}"
    out |= {f"remedy:{r}": f"Remedy: {remedy_title(r)}" for r in REMEDY_NAMES}
    return out


def compare_label(key: str | None) -> str:
    """The comparison in words."""
    return "off" if key is None else compare_options().get(key, key)


def _step(span: float) -> float:
    for step in (0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0):
        if span / step <= 200:
            return step
    return 1.0


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
        return getattr(Params().with_overrides(**{name: parse_value(name, text)}), name), None
    except ConfigError as exc:
        return None, str(exc)


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
def SetupCard(setup: solara.Reactive[Setup]) -> None:
    """Scenario picker, regime, seed, scale, and compare mode."""
    current = setup.value
    params = current.params()
    revision = repr(current)
    names = {scenario(s).title: s for s in list_scenarios()}
    own = f"The scenario's ({regime_title(load_scenario(current.scenario).regime)})"
    regimes = {own: None} | {regime_title(r): r for r in REGIME_NAMES}
    compares = {"off": None} | {v: k for k, v in compare_options().items()}

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
        solara.Select(
            "Compare with (same seed)",
            values=list(compares),
            value=compare_label(current.compare),
            on_value=lambda v: setup.set(replace(current, compare=compares[v])),
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
    with solara.Details(f"Regime's terms ({regime_title(params.regime)})"):
        for name in REGIME_TERMS:
            _Slider(setup, name, params.regime_setting(name), default.regime_setting(name)).key(name)
    # Built only when shown: every widget on the page is revisited on each step's redraw.
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
            if words and words not in f"{param_label(name)} {param_help(name)} {name}".lower():
                continue
            _Slider(setup, name, getattr(params, name), getattr(default, name)).key(name)


@solara.component
def _Slider(setup: solara.Reactive[Setup], name: str, value: Any, default: Any) -> None:
    """One parameter: its label, unit and value on one line, the slider, its meaning on hover."""
    meta = param_meta(name)
    integer = bool(meta.get("integer"))
    shown = f"{int(value)}" if integer else f"{float(value):g}"
    mark = "" if value == default else " (changed)"

    step = 1 if integer else _step(meta["high"] - meta["low"])

    def on_value(new: float) -> None:
        if abs(new - value) < step / 2:  # the browser's slider snapping a value onto its grid, not a move
            return
        new = min(max(new, meta["low"]), meta["high"])  # a slider never leaves the field's bounds
        with contextlib.suppress(ConfigError):  # a combination the model refuses: keep the current run
            setup.set(setup.value.with_override(name, int(new) if integer else float(new)))

    with solara.Column(gap="0px", classes=["param-slider"]):
        solara.HTML(  # its meaning shows on hover (a title: one widget, not a tooltip's three)
            "div",
            unsafe_innerHTML=f"{html.escape(param_label(name), quote=False)}: {shown}{mark}",
            attributes={"title": param_help(name) or param_label(name)},
            style={"font-size": "0.85em"},
            classes=["param-label"],
        )
        if integer:
            solara.SliderInt(
                "", value=int(value), min=int(meta["low"]), max=int(meta["high"]), on_value=on_value
            )
        else:
            solara.SliderFloat(
                "",
                value=float(value),
                min=meta["low"],
                max=meta["high"],
                step=step,
                on_value=on_value,
            )
