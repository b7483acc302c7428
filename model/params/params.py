"""`Params`: one flat, frozen, validated set of every parameter of a run.

Its fields come in sections (`regime`, `holders`, `registries`, `market`, `remedies`), each
a dataclass of its own file; `Params` inherits them in that order, so its fields, its flat
keywords (`Params(porting_delay=6)`, `PortabilityModel(porting_delay=6)`, SolaraViz,
`mesa.batch_run`) and their order are one list. Bounds and one-line descriptions sit in
each field's metadata: the app builds its sliders from them and `docs/ODD.md` documents
them, so a default is never written twice.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any

from model.calendar import parse_month
from model.errors import ConfigError
from model.params.events import DatedChange, GovernanceEvent
from model.params.fields import REGISTRY_OVERRIDE_KEYS, check_number, unknown
from model.params.holders import HolderParams
from model.params.market import MarketParams
from model.params.regime import RegimeParams
from model.params.registries import RegistryParams
from model.params.remedies import RemedyParams
from model.regimes import REGIME_SETTINGS

__all__ = ["Params", "check_names", "param_info", "parse_value"]


@dataclass(frozen=True, kw_only=True)
class Params(RemedyParams, MarketParams, RegistryParams, HolderParams, RegimeParams):
    """The parameters of one run.

    Units: time in months (horizons in years), traits and the quality index on [0, 1], money
    in USD. A holder values the quality index in money: a whole point of quality (0 -> 1) is
    worth `quality_value` USD per address per year, times its own weight; fees are paid in
    USD. "Index points" below are points of that quality scale (0.1 = a tenth of the range).
    Every field's metadata has bounds, a label, a unit, a description and its source
    (`domain.md` sections are summarised in docs/ODD.md §6; `[assumption]` marks a modelling
    choice with no published figure behind it).
    """

    events: tuple[GovernanceEvent, ...] = field(
        default=(), metadata={"doc": "scheduled governance events (list of tables)", "label": "Events"}
    )
    changes: tuple[DatedChange, ...] = field(
        default=(),
        metadata={
            "doc": "dated changes of regime, remedy, a registry's pool or fees (list of tables)",
            "label": "Changes",
            "source": "each change carries its own source (model/data/timeline.toml, the scenarios)",
        },
    )
    registry_overrides: Mapping[str, Mapping[str, float]] = field(
        default_factory=dict,
        metadata={
            "doc": "per-registry settings, e.g. {AFRINIC = {reserves_months = 3}}",
            "label": "Registry overrides",
        },
    )

    def __post_init__(self) -> None:
        """Validate every field; the message names the field, the value and the rule."""
        for f in fields(self):
            value = getattr(self, f.name)
            meta = f.metadata
            if "choices" in meta:
                if value not in meta["choices"]:
                    close = difflib.get_close_matches(str(value), meta["choices"], n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""  # as for unknown names
                    raise ConfigError(f"{f.name} must be one of {meta['choices']}; got {value!r}{hint}")
            elif "low" in meta:
                if value is None and f.default is None:
                    continue
                check_number(f.name, value, meta["low"], meta["high"], integer=meta["integer"])
            elif "month" in meta:
                parse_month(value, f.name)
        if isinstance(self.events, str | bytes | Mapping) or not isinstance(self.events, list | tuple):
            raise ConfigError(f"events must be a list of tables; got {self.events!r}")
        object.__setattr__(self, "events", tuple(GovernanceEvent.from_mapping(e) for e in self.events))
        if isinstance(self.changes, str | bytes | Mapping) or not isinstance(self.changes, list | tuple):
            raise ConfigError(f"changes must be a list of tables; got {self.changes!r}")
        object.__setattr__(self, "changes", tuple(DatedChange.from_mapping(c) for c in self.changes))
        object.__setattr__(self, "registry_overrides", _check_overrides(self.registry_overrides))

    def regime_setting(self, name: str) -> Any:
        """The regime's term `name` (delay, approval, ...), after this run's overrides."""
        override = getattr(self, name, None)
        return REGIME_SETTINGS[self.regime][name] if override is None else override

    def with_overrides(self, **overrides: Any) -> Params:
        """A copy with `overrides` applied; unknown names are rejected with a suggestion.

        Values are typed: a number for a numeric field (an integral float is taken for an
        integer field), one of the choices for a categorical one. Text from a page, a URL or
        a command line goes through `parse_value` (or `from_mapping`) first.
        """
        check_names(overrides)
        return replace(self, **{k: _coerce(k, v) for k, v in overrides.items()})

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Params:
        """Build from a flat mapping (a TOML table, a page's or a URL's values, text allowed)."""
        check_names(data)
        return cls().with_overrides(**{k: parse_value(k, v) for k, v in data.items()})


def _check_overrides(overrides: Any) -> dict[str, dict[str, float]]:
    if not isinstance(overrides, Mapping):
        raise ConfigError(f"registry_overrides must be a table of tables; got {overrides!r}")
    checked: dict[str, dict[str, float]] = {}
    for registry, settings in overrides.items():
        if not isinstance(settings, Mapping):
            raise ConfigError(f"registry_overrides.{registry} must be a table; got {settings!r}")
        for key, value in settings.items():
            if key not in REGISTRY_OVERRIDE_KEYS:
                raise ConfigError(unknown(f"registry_overrides.{registry} key", key, REGISTRY_OVERRIDE_KEYS))
            low, high = REGISTRY_OVERRIDE_KEYS[key]
            check_number(f"registry_overrides.{registry}.{key}", value, low, high)
        checked[str(registry)] = {k: float(v) for k, v in settings.items()}
    return checked


def check_names(values: Mapping[str, Any]) -> None:
    """Reject any name that is not a `Params` field, suggesting the closest one."""
    valid = [f.name for f in fields(Params)]
    for name in values:
        if name not in valid:
            raise ConfigError(unknown("parameter", name, valid))


def parse_value(name: str, value: Any) -> Any:
    """A value as a page, a URL or a command line sends it (text for a number) in its field's type.

    Raises `ConfigError` naming the field, the text and the rule when the text is no number.
    Anything that is not text is returned as it is (`with_overrides` checks it).
    """
    check_names({name: value})
    meta = next(f.metadata for f in fields(Params) if f.name == name)
    if not isinstance(value, str) or "low" not in meta:
        return value
    try:
        number = float(value.strip())
    except ValueError:
        raise ConfigError(
            f"{name} must be a number in [{meta['low']}, {meta['high']}]; got {value!r}"
        ) from None
    return int(number) if meta.get("integer") and number.is_integer() else number


def _coerce(name: str, value: Any) -> Any:
    """An integral float for an integer field as an int; a list of events as a tuple."""
    meta = next(f.metadata for f in fields(Params) if f.name == name)
    if isinstance(value, str) and "low" in meta:
        raise ConfigError(
            f"{name} must be a number in [{meta['low']}, {meta['high']}]; got {value!r} (text: "
            "pass a number, or read text with model.params.parse_value)"
        )
    if meta.get("integer") and isinstance(value, float) and value.is_integer():
        value = int(value)
    if name in ("events", "changes") and isinstance(value, list):
        value = tuple(value)
    return value


def param_info() -> list[dict[str, Any]]:
    """One dict per field: name, default, bounds or choices, unit, description (for docs and UI)."""
    info = []
    for f in fields(Params):
        default = f.default if f.default_factory is MISSING else f.default_factory()
        info.append({"name": f.name, "default": default, **f.metadata})
    return info
