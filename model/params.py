"""Every parameter of the model: its default, its bounds, its meaning. The only place they live.

`Params` is frozen and validated on construction (and so on every `dataclasses.replace`).
Bounds and one-line descriptions sit in each field's metadata: the app builds its sliders
from them and `docs/ODD.md` documents them, so a default is never written twice.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any

from model.errors import ConfigError
from model.regimes import REGIME_NAMES, REGIME_SETTINGS

__all__ = [
    "EVENT_STATUSES",
    "REGISTRY_OVERRIDE_KEYS",
    "GovernanceEvent",
    "Params",
    "param_info",
]

EVENT_STATUSES = ("degraded", "failed")

#: Per-registry settings a scenario may override, with their allowed range.
REGISTRY_OVERRIDE_KEYS: dict[str, tuple[float, float]] = {
    "quality": (0.0, 1.0),
    "neutrality": (0.0, 1.0),
    "responsiveness": (0.0, 1.0),
    "reserves_months": (0.0, 240.0),
    "fixed_cost_share": (0.0, 1.0),
    "cost_ratio": (0.1, 10.0),
}


def _num(
    default: float | None,
    low: float,
    high: float,
    doc: str,
    *,
    unit: str = "",
    integer: bool = False,
    label: str | None = None,
) -> Any:
    """A numeric field with its bounds and description in the metadata."""
    meta = {"low": low, "high": high, "doc": doc, "unit": unit, "integer": integer, "label": label}
    return field(default=default, metadata=meta)


def _choice(default: str, choices: tuple[str, ...], doc: str, label: str | None = None) -> Any:
    """A categorical field with its allowed values in the metadata."""
    return field(default=default, metadata={"choices": choices, "doc": doc, "label": label})


@dataclass(frozen=True, kw_only=True)
class GovernanceEvent:
    """A scheduled governance failure of one registry (domain.md §C: AFRINIC 2021-2025).

    At `start` the registry's quality and neutrality drop by the given amounts and its
    status becomes `status`; for `duration` months its management is paralysed (effort
    has no effect while `failed`, half effect while `degraded`) and neutrality erodes by a
    further `capture_rate` a month. Then it is `operating` again and may recover.
    """

    registry: str
    start: int
    duration: int
    quality_drop: float = 0.0
    neutrality_drop: float = 0.0
    status: str = "failed"
    capture_rate: float = 0.0

    def __post_init__(self) -> None:
        """Check every field against its allowed range."""
        where = f"event for {self.registry!r}"
        if not isinstance(self.registry, str) or not self.registry:
            raise ConfigError(f"event registry must be a registry name; got {self.registry!r}")
        for name, low in (("start", 0), ("duration", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(f"{where}: {name} must be an integer >= {low}; got {value!r}")
        for name in ("quality_drop", "neutrality_drop", "capture_rate"):
            _check_number(f"{where}: {name}", getattr(self, name), 0.0, 1.0)
        if self.status not in EVENT_STATUSES:
            raise ConfigError(f"{where}: status must be one of {EVENT_STATUSES}; got {self.status!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> GovernanceEvent:
        """Build an event from a TOML table, rejecting unknown keys by name."""
        if isinstance(data, GovernanceEvent):
            return data
        if not isinstance(data, Mapping):
            raise ConfigError(f"events must be a list of tables; got {data!r}")
        allowed = [f.name for f in fields(cls)]
        for key in data:
            if key not in allowed:
                raise ConfigError(_unknown("event key", key, allowed))
        return cls(**data)


@dataclass(frozen=True, kw_only=True)
class Params:
    """The parameters of one run.

    Units: time in months, traits on [0, 1], utility in the holders' own units (a quality
    difference of 0.1 is worth 0.1 to a holder of weight 1).
    """

    # --- population and regime -----------------------------------------------------------
    scale: float = _num(
        0.05,
        0.0005,
        2.0,
        "share of the real population of holders (1.0 = about 85,000, the five RIRs' members)",
    )
    regime: str = _choice(
        "status_quo",
        REGIME_NAMES,
        "portability regime: which moves between registries are allowed and on what terms",
    )
    # --- the regime's terms; None keeps the regime's own value ---------------------------
    porting_delay: float | None = _num(
        None,
        0.0,
        60.0,
        "months from a move request to its completion (None: the regime's)",
        unit="months",
    )
    approval_odds: float | None = _num(
        None, 0.0, 1.0, "probability a requested move is approved (None: the regime's)"
    )
    obstruction: float | None = _num(
        None,
        0.0,
        1.0,
        "chance a releasing registry of neutrality 0 blocks a move (None: the regime's)",
    )
    friction: float | None = _num(
        None, 0.0, 2.0, "utility cost of being registered outside one's home region (None: the regime's)"
    )
    hold_period: int | None = _num(
        None,
        0,
        120,
        "months a holder must wait after a move before moving again (None: the regime's)",
        unit="months",
        integer=True,
    )
    # --- resource holders ----------------------------------------------------------------
    review_rate: float = _num(1 / 12, 0.0, 1.0, "chance a holder reviews its registration in a month")
    weight_quality: float = _num(1.0, 0.0, 5.0, "mean weight holders put on service quality")
    weight_neutrality: float = _num(1.0, 0.0, 5.0, "mean weight holders put on neutrality")
    weight_fee: float = _num(
        0.3, 0.0, 10.0, "mean weight on the yearly fee as a share of the holding's market value"
    )
    preference_spread: float = _num(0.5, 0.0, 1.0, "weights are drawn uniformly within mean x (1 +/- spread)")
    taste_sd: float = _num(0.03, 0.0, 0.5, "s.d. of each holder's fixed taste for each registry")
    switching_cost: float = _num(
        0.1, 0.0, 2.0, "utility cost of a move for a /22 holder, per unit of its holdings"
    )
    size_exponent: float = _num(
        0.8, 0.0, 1.0, "switching cost grows with holdings to this power (sub-linear)"
    )
    ipv6_renumbering_cost: float = _num(
        0.03, 0.0, 2.0, "extra cost of a move when the holder's IPv6 cannot move with it"
    )
    waiting_cost: float = _num(
        0.01, 0.0, 1.0, "utility cost of each month a move is pending", unit="per month"
    )
    waiting_service_gap: float = _num(
        0.1, 0.0, 1.0, "service quality a holder loses while its move is pending"
    )
    loyalty_weight: float = _num(0.05, 0.0, 1.0, "gain a fully loyal holder needs before it leaves")
    aspiration: float = _num(0.75, 0.0, 1.0, "quality/neutrality below which a holder is dissatisfied")
    voice_propensity: float = _num(3.0, 0.0, 20.0, "how readily a dissatisfied holder complains (voice)")
    learning_rate: float = _num(0.1, 0.0, 1.0, "weight of a month's own experience in beliefs")
    peer_weight: float = _num(0.2, 0.0, 1.0, "weight of a peer's report in beliefs")
    public_weight: float = _num(0.05, 0.0, 1.0, "weight of the public signal in beliefs")
    observation_noise: float = _num(0.05, 0.0, 0.5, "s.d. of the noise in one observation")
    # --- registries ----------------------------------------------------------------------
    initial_quality: float = _num(0.8, 0.0, 1.0, "every registry's service quality at start")
    initial_neutrality: float = _num(0.8, 0.0, 1.0, "every registry's neutrality at start")
    responsiveness: float = _num(0.5, 0.0, 1.0, "how strongly registry management answers pressure")
    base_effort: float = _num(0.3, 0.0, 1.0, "effort of a registry under no pressure (complacency)")
    effort_adjustment: float = _num(0.2, 0.0, 1.0, "share of the gap to target effort closed a month")
    improvement_rate: float = _num(0.05, 0.0, 1.0, "monthly gain in quality/neutrality at full effort")
    complacency_rate: float = _num(0.01, 0.0, 1.0, "monthly loss of quality at zero effort")
    capture_drift: float = _num(0.005, 0.0, 1.0, "monthly loss of neutrality at zero effort")
    exit_weight: float = _num(5.0, 0.0, 50.0, "pressure from resources lost in the last year")
    threat_weight: float = _num(1.0, 0.0, 50.0, "pressure from the credible threat of exit")
    voice_weight: float = _num(2.0, 0.0, 50.0, "pressure from members' voice")
    threat_margin: float = _num(
        0.02, 0.0, 1.0, "a member counts as a threat if its gain from leaving is within this of its threshold"
    )
    effort_cost: float = _num(0.2, 0.0, 2.0, "extra operating cost at full effort, relative to base")
    fixed_cost_share: float = _num(0.7, 0.0, 1.0, "share of operating cost that does not shrink with members")
    reserve_target: float = _num(12.0, 0.0, 120.0, "reserves a registry aims to hold", unit="months")
    fee_adjustment: float = _num(
        0.1, 0.0, 1.0, "share of the way to cost-recovering fees a registry moves each month"
    )
    max_fee_multiplier: float = _num(4.0, 1.0, 20.0, "cap on a registry's fees relative to its schedule")
    # --- governance events ---------------------------------------------------------------
    event_hazard: float = _num(0.0, 0.0, 0.1, "monthly chance of a random governance event per registry")
    event_duration: float = _num(12.0, 1.0, 120.0, "mean duration of a random event", unit="months")
    event_quality_drop: float = _num(0.3, 0.0, 1.0, "quality lost at the start of a random event")
    event_neutrality_drop: float = _num(0.2, 0.0, 1.0, "neutrality lost at the start of a random event")
    surge_factor: float = _num(
        3.0, 1.0, 100.0, "moves above this multiple of the last year's mean are a surge"
    )
    events: tuple[GovernanceEvent, ...] = field(
        default=(), metadata={"doc": "scheduled governance events (list of tables)"}
    )
    registry_overrides: Mapping[str, Mapping[str, float]] = field(
        default_factory=dict,
        metadata={"doc": "per-registry settings, e.g. {AFRINIC = {reserves_months = 3}}"},
    )

    def __post_init__(self) -> None:
        """Validate every field; the message names the field, the value and the rule."""
        for f in fields(self):
            value = getattr(self, f.name)
            meta = f.metadata
            if "choices" in meta:
                if value not in meta["choices"]:
                    raise ConfigError(f"{f.name} must be one of {meta['choices']}; got {value!r}")
            elif "low" in meta:
                if value is None and f.default is None:
                    continue
                _check_number(f.name, value, meta["low"], meta["high"], integer=meta["integer"])
        object.__setattr__(self, "events", tuple(GovernanceEvent.from_mapping(e) for e in self.events))
        object.__setattr__(self, "registry_overrides", _check_overrides(self.registry_overrides))

    def regime_setting(self, name: str) -> Any:
        """The regime's term `name` (delay, approval, ...), after this run's overrides."""
        override = getattr(self, name, None)
        return REGIME_SETTINGS[self.regime][name] if override is None else override

    def with_overrides(self, **overrides: Any) -> Params:
        """A copy with `overrides` applied; unknown names are rejected with a suggestion."""
        check_names(overrides)
        return replace(self, **{k: _coerce(k, v) for k, v in overrides.items()})

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Params:
        """Build from a flat mapping (a TOML table, a UI's values)."""
        return cls().with_overrides(**dict(data))


def _check_number(name: str, value: Any, low: float, high: float, *, integer: bool = False) -> None:
    kind = "an integer" if integer else "a number"
    ok_type = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok_type or (isinstance(value, float) and math.isnan(value)):
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")
    if integer and int(value) != value:
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")


def _check_overrides(overrides: Any) -> dict[str, dict[str, float]]:
    if not isinstance(overrides, Mapping):
        raise ConfigError(f"registry_overrides must be a table of tables; got {overrides!r}")
    checked: dict[str, dict[str, float]] = {}
    for registry, settings in overrides.items():
        if not isinstance(settings, Mapping):
            raise ConfigError(f"registry_overrides.{registry} must be a table; got {settings!r}")
        for key, value in settings.items():
            if key not in REGISTRY_OVERRIDE_KEYS:
                raise ConfigError(_unknown(f"registry_overrides.{registry} key", key, REGISTRY_OVERRIDE_KEYS))
            low, high = REGISTRY_OVERRIDE_KEYS[key]
            _check_number(f"registry_overrides.{registry}.{key}", value, low, high)
        checked[str(registry)] = {k: float(v) for k, v in settings.items()}
    return checked


def _unknown(what: str, name: str, valid: Any) -> str:
    close = difflib.get_close_matches(str(name), list(valid), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(sorted(valid))}"
    return f"unknown {what} {name!r}{hint}"


def check_names(values: Mapping[str, Any]) -> None:
    """Reject any name that is not a `Params` field, suggesting the closest one."""
    valid = [f.name for f in fields(Params)]
    for name in values:
        if name not in valid:
            raise ConfigError(_unknown("parameter", name, valid))


def _coerce(name: str, value: Any) -> Any:
    """Turn what a UI or CLI sends (strings, floats for integers) into the field's type."""
    meta = next(f.metadata for f in fields(Params) if f.name == name)
    if isinstance(value, str) and "low" in meta:
        try:
            value = float(value)
        except ValueError:
            raise ConfigError(
                f"{name} must be a number in [{meta['low']}, {meta['high']}]; got {value!r}"
            ) from None
    if meta.get("integer") and isinstance(value, float) and value.is_integer():
        value = int(value)
    if name == "events" and isinstance(value, list):
        value = tuple(value)
    return value


def param_info() -> list[dict[str, Any]]:
    """One dict per field: name, default, bounds or choices, unit, description (for docs and UI)."""
    info = []
    for f in fields(Params):
        default = f.default if f.default_factory is MISSING else f.default_factory()
        info.append({"name": f.name, "default": default, **f.metadata})
    return info
