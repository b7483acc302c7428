"""What run the page shows (`Setup`), the comparisons it offers, and changes said in words.

A `Setup` is the scenario, optionally another regime, the seed, the scale, every parameter
the user has changed, and an optional comparison: everything that rebuilds the run. It is
what the page's address holds (`viz.address`) and what a settings file reproduces.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from model import ConfigError, Params, list_scenarios, load_scenario
from model.params import REMEDY_NAMES, check_names, param_info, parse_value
from model.regimes import REGIME_NAMES
from model.regimes import TERMS as REGIME_TERMS
from model.words import param_label, param_meta, plain, regime_title, remedy_title
from viz.labels import scenario

__all__ = [
    "DEFAULT_SCALE",
    "REGIME_TERMS",
    "Setup",
    "changes",
    "choice_fields",
    "compare_label",
    "compare_options",
    "ordered",
    "validate",
]

DEFAULT_SCALE = param_meta("scale")["default"]
_scenario_params = cache(load_scenario)  # a scenario file is read once: `Params` are frozen
OWN_INPUTS = {"scale", "regime", "remedy"}  # the setup card's own inputs


def choice_fields() -> list[str]:
    """`Params` fields with a fixed set of values (on/off, ...), each a select on the setup card."""
    return [row["name"] for row in param_info() if "choices" in row and row["name"] not in OWN_INPUTS]


@dataclass(frozen=True)
class Setup:
    """What run the page shows: a scenario, optionally another regime, seed, scale, overrides.

    `overrides` holds every parameter the user has set (sliders, regime terms, choices, the
    remedy, things to try), on top of the scenario. `compare` is None, "regime:<name>",
    "scenario:<name>", "remedy:<name>" or "param:<field>=<value>": a second run, same seed.
    """

    scenario: str = "status_quo"
    regime: str | None = None  # None: the scenario's own
    seed: int = 42
    scale: float = DEFAULT_SCALE
    overrides: tuple[tuple[str, Any], ...] = ()
    compare: str | None = None

    def params(self) -> Params:
        """The run's parameters: the scenario, then regime, scale and the user's overrides."""
        return _params(self)

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
        if remedy is not None and remedy != _scenario_params(self.scenario).remedy:
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


@lru_cache(maxsize=256)
def _params(setup: Setup) -> Params:
    """A setup's parameters, validated once (a setup is frozen; the page asks at every step)."""
    values: dict[str, Any] = {"scale": setup.scale, **dict(setup.overrides)}
    if setup.regime is not None:
        values["regime"] = setup.regime
    return _scenario_params(setup.scenario).with_overrides(**values)


def order_key(setup: Setup) -> tuple:
    """Less portability, no remedy and each choice's first value come first (drawn solid)."""
    params = setup.params()
    choices = tuple(param_meta(n)["choices"].index(getattr(params, n)) for n in choice_fields())
    regime = REGIME_NAMES.index(params.regime) if params.regime in REGIME_NAMES else len(REGIME_NAMES)
    return (regime, REMEDY_NAMES.index(params.remedy), choices, setup.scenario, repr(setup.overrides))


@lru_cache(maxsize=64)
def ordered(setup: Setup) -> tuple[tuple[Setup, str, str], ...]:
    """The runs to draw as (setup, short name, long name), in a fixed order.

    In a comparison the order is the runs' own (by `order_key`), not which one is in the
    sidebar, so the same pair is always drawn the same way: the first solid, the second dashed.
    """
    compared = setup.compared()
    if compared is None:
        return ((setup.run(), setup.short(), setup.label()),)
    (a, long_a), (b, long_b) = setup.run().contrast(compared)
    pair = [(setup.run(), a, long_a), (compared, b, long_b)]
    return tuple(sorted(pair, key=lambda item: order_key(item[0])))


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


def validate(name: str, text: str) -> tuple[Any, str | None]:
    """(value, None) if `text` is a valid value for parameter `name`, else (None, the message)."""
    if name == "seed":
        try:
            value = int(str(text).strip())
        except ValueError:
            return None, f"seed must be a non-negative integer; got {text!r}"
        return (value, None) if value >= 0 else (None, f"seed must be a non-negative integer; got {text!r}")
    try:
        check_names({name: text})
        return getattr(Params().with_overrides(**{name: parse_value(name, text)}), name), None
    except ConfigError as exc:
        return None, plain(str(exc))


def _shown(name: str, value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def changes(old: Setup, new: Setup) -> list[str]:
    """What differs between two setups of the main run, in words ("Seed 42 → 7")."""
    out = []
    if old.scenario != new.scenario:
        out.append(f"Scenario: {scenario(old.scenario).title} → {scenario(new.scenario).title}")
    if old.regime != new.regime:
        names = [regime_title(r) if r else "the scenario's" for r in (old.regime, new.regime)]
        out.append(f"Regime: {names[0]} → {names[1]}")
    if old.seed != new.seed:
        out.append(f"Seed {old.seed} → {new.seed}")
    if old.scale != new.scale:
        out.append(f"{param_label('scale', unit=False)} {old.scale:g} → {new.scale:g}")
    if old.scenario == new.scenario:
        mine, theirs = old.params(), new.params()
        for name in sorted({k for k, _ in old.overrides} | {k for k, _ in new.overrides}):
            if name in REGIME_TERMS:
                a, b = mine.regime_setting(name), theirs.regime_setting(name)
            else:
                a, b = getattr(mine, name), getattr(theirs, name)
            if a != b:
                shown = [remedy_title(v) if name == "remedy" else _shown(name, v) for v in (a, b)]
                out.append(f"{param_label(name)}: {shown[0]} → {shown[1]}")
    return out
