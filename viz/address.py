"""The page's address: every input of the run, its month and the open tab, as a query string.

The query uses the inputs' own names: `scenario`, `regime`, `seed`, `scale`, `compare`,
`month`, `tab`, `seeds`, `until` (Play's last month), and every changed parameter by its
`Params` name (`remedy`, `market`, `porting_delay`, ...), e.g.
`?scenario=registry_failure_portable&seed=7&month=60&porting_delay=6`.
Opening such a link rebuilds the same run at the same month. A link with a value the model
refuses, or a name it does not know, opens with that part left out and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, urlencode

from model import ConfigError, list_scenarios
from model.params import param_info
from model.regimes import REGIME_NAMES
from viz.ensemble import DEFAULT_SEEDS, SEED_CHOICES
from viz.setup import Setup, compare_options, validate

__all__ = ["MAX_MONTH", "State", "parse", "query"]

MAX_MONTH = 1200  # a link rebuilds the run to its month: at most a century
_FIELDS = {row["name"] for row in param_info()}
_OWN = ("scenario", "regime", "seed", "scale", "compare", "month", "tab", "seeds", "until")


@dataclass(frozen=True)
class State:
    """What a link says: the setup, its month, tab (slug), seeds and Play's last month (0: natural)."""

    setup: Setup = Setup()  # noqa: RUF009 - a frozen dataclass: one shared default is safe
    month: int = 0
    tab: str | None = None
    seeds: int = DEFAULT_SEEDS
    until: int = 0


def _value(value: object) -> str:
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else f"{value:g}"
    return str(value)


def query(state: State) -> str:
    """The query string of `state` (without '?'): fixed inputs first, then changed parameters."""
    setup = state.setup
    items: list[tuple[str, str]] = [("scenario", setup.scenario)]
    if setup.regime is not None:
        items.append(("regime", setup.regime))
    items += [("seed", str(setup.seed)), ("scale", _value(setup.scale))]
    items += [(name, _value(value)) for name, value in setup.overrides]
    if setup.compare:
        items.append(("compare", setup.compare))
    items.append(("month", str(state.month)))
    if state.tab:
        items.append(("tab", state.tab))
    if state.seeds != DEFAULT_SEEDS:
        items.append(("seeds", str(state.seeds)))
    if state.until:
        items.append(("until", str(state.until)))
    return urlencode(items, safe=":")


def parse(text: str | None, tabs: list[str]) -> tuple[State, list[str]]:
    """The state a query string gives, and what in it was refused (in words), each part on its own."""
    state, problems = State(), []
    pairs = parse_qsl(text or "", keep_blank_values=True)
    values = dict(pairs)
    setup = state.setup
    name = values.get("scenario")
    if name is not None:
        if name in list_scenarios():
            setup = replace(setup, scenario=name)
        else:
            problems.append(f"the link's scenario {name!r} is not one of this model's scenarios")
    if "regime" in values:
        if values["regime"] in REGIME_NAMES:
            setup = replace(setup, regime=values["regime"])
        else:
            problems.append(f"the link's regime {values['regime']!r} is not one of {', '.join(REGIME_NAMES)}")
    for key in ("seed", "scale"):
        if key in values:
            value, message = validate(key, values[key])
            setup = replace(setup, **{key: value}) if message is None else setup
            if message:
                problems.append(f"the link's {message}")
    for key, text_value in pairs:
        if key in _OWN:
            continue
        if key not in _FIELDS:
            problems.append(f"the link names a setting this model does not have ({key!r})")
            continue
        value, message = validate(key, text_value)
        if message is None:
            try:
                setup = setup.with_override(key, value)
            except ConfigError as exc:
                message = str(exc)
        if message is not None:
            problems.append(f"the link's {message}")
    compare = values.get("compare")
    if compare:
        if compare in compare_options():
            setup = replace(setup, compare=compare)
        else:
            problems.append(f"the link's comparison {compare!r} is not one this page offers")
    month = _number(values.get("month"), 0, MAX_MONTH, "month", problems)
    seeds = _number(values.get("seeds"), 0, max(SEED_CHOICES), "seeds", problems)
    if seeds is not None and seeds not in SEED_CHOICES:
        problems.append(f"the link's seeds must be one of {', '.join(map(str, SEED_CHOICES))}; got {seeds}")
        seeds = None
    until = _number(values.get("until"), 1, MAX_MONTH, "until", problems)
    tab = values.get("tab")
    if tab is not None and tab not in tabs:
        problems.append(f"the link's tab {tab!r} is not one of this page's tabs")
        tab = None
    return State(setup, month or 0, tab, DEFAULT_SEEDS if seeds is None else seeds, until or 0), problems


def _number(text: str | None, low: int, high: int, name: str, problems: list[str]) -> int | None:
    if text is None:
        return None
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        problems.append(f"the link's {name} must be a whole number from {low} to {high}; got {text!r}")
        return None
    return value
