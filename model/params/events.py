"""A scheduled governance event of one registry, as scenarios and users write it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from model.calendar import parse_month
from model.errors import ConfigError
from model.params.fields import EVENT_STATUSES, REMEDY_NAMES, TARGET_GROUPS, check_number, unknown
from model.regimes import REGIME_NAMES

__all__ = ["DatedChange", "GovernanceEvent"]


@dataclass(frozen=True, kw_only=True)
class GovernanceEvent:
    """A scheduled governance failure of one registry (domain.md §C: AFRINIC 2021-2025).

    At `start` the registry's quality and neutrality drop by the given amounts and its
    status becomes `status`; for `duration` months its management is paralysed (effort
    has no effect while `failed`, half effect while `degraded`) and neutrality erodes by a
    further `capture_rate` a month. Then it is `operating` again and may recover.

    With `shortfall` (index points) the event is a counterfactual instead: for `duration`
    months the registry's quality is held that far below its best allowed rival's, whatever
    its effort, and its status stays operating (what a registry's members would do if it
    fell that far behind: the threat of exit as delivered).

    With `targets` (a member group: its `disputed` holders, a `faction` or its `largest`
    holders, `targeted_share` of its IPv4) the event is targeted capture: for `duration`
    months a captured management singles the group out while serving the rest (status
    operating unless given): it withholds `targeted_harm` of neutrality from the group's
    members, refuses their releases with chance `targeted_denial`, and presses reclamation
    against them at full strictness (the Cloud Innovation case, domain notes §C).
    """

    registry: str
    start: int | str  # a month (0 = the first) or a date "YYYY-MM[-DD]"
    duration: int
    quality_drop: float = 0.0
    neutrality_drop: float = 0.0
    status: str | None = None  # "failed" unless a shortfall is held ("operating")
    capture_rate: float = 0.0
    shortfall: float | None = None
    targets: str | None = None  # targeted capture: the group singled out (`TARGET_GROUPS`)
    source: str = ""  # where the event is documented (for dated, historical events)

    def __post_init__(self) -> None:
        """Check every field against its allowed range."""
        where = f"event for {self.registry!r}"
        if not isinstance(self.registry, str) or not self.registry:
            raise ConfigError(f"event registry must be a registry name; got {self.registry!r}")
        if isinstance(self.start, str):
            parse_month(self.start, f"{where}: start")
        for name, low in (("start", 0), ("duration", 1)):
            value = getattr(self, name)
            if name == "start" and isinstance(value, str):
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(f"{where}: {name} must be an integer >= {low}; got {value!r}")
        for name in ("quality_drop", "neutrality_drop", "capture_rate"):
            check_number(f"{where}: {name}", getattr(self, name), 0.0, 1.0)
        if self.targets is not None:
            if self.targets not in TARGET_GROUPS:
                raise ConfigError(f"{where}: targets must be one of {TARGET_GROUPS}; got {self.targets!r}")
            if self.shortfall is not None:
                raise ConfigError(f"{where}: give either targets or shortfall, not both")
            if self.status is None:
                object.__setattr__(self, "status", "operating")
        if self.shortfall is not None:
            check_number(f"{where}: shortfall", self.shortfall, 0.0, 1.0)
            if self.status not in (None, "operating"):
                raise ConfigError(
                    f"{where}: a held shortfall keeps the status operating; got status {self.status!r}"
                )
            object.__setattr__(self, "status", "operating")
        elif self.status is None:
            object.__setattr__(self, "status", "failed")
        elif self.status == "operating" and self.targets is None:
            raise ConfigError(
                f"{where}: status 'operating' is for a held shortfall or targeted capture; "
                "give `shortfall` or `targets` too"
            )
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
                raise ConfigError(unknown("event key", key, allowed))
        return cls(**data)


#: what a dated change may set, besides its date and source
CHANGE_KEYS = (
    "regime",
    "remedy",
    "registry",
    "pool_max_blocks",
    "member_pool_max",
    "fee_tiers",
    "fee_per_asn",
)


@dataclass(frozen=True, kw_only=True)
class DatedChange:
    """A change of policy on a date: the regime, the remedy, or one registry's pool or fees.

    `regime` or `remedy` switch the run's (from that month on); with `registry`,
    `pool_max_blocks` sets the most a new member gets from its free pool, `member_pool_max`
    the most an existing member gets from it by need, and `fee_tiers`
    ([[max /24s, USD a year], ...], the last with max 0) and `fee_per_asn` its fee schedule.
    A change never sets an outcome the model is checked against (members, volumes, prices).
    """

    date: str
    regime: str | None = None
    remedy: str | None = None
    registry: str | None = None
    pool_max_blocks: int | None = None
    member_pool_max: int | None = None
    fee_tiers: tuple[tuple[int, float], ...] | None = None
    fee_per_asn: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        """Check the date, that the change sets something, and that registry changes name one."""
        parse_month(self.date, "change date")
        what = f"change of {self.date!r}"
        if self.regime is not None and self.regime not in REGIME_NAMES:
            raise ConfigError(f"{what}: regime must be one of {REGIME_NAMES}; got {self.regime!r}")
        if self.remedy is not None and self.remedy not in REMEDY_NAMES:
            raise ConfigError(f"{what}: remedy must be one of {REMEDY_NAMES}; got {self.remedy!r}")
        per_registry = (self.pool_max_blocks, self.member_pool_max, self.fee_tiers, self.fee_per_asn)
        if any(v is not None for v in per_registry) != (self.registry is not None):
            raise ConfigError(f"{what}: a pool or fee change needs a registry, and a registry a change")
        if self.regime is None and self.remedy is None and self.registry is None:
            raise ConfigError(f"{what}: sets nothing; give one of {CHANGE_KEYS}")
        for key in ("pool_max_blocks", "member_pool_max"):
            if getattr(self, key) is not None:
                check_number(f"{what}: {key}", getattr(self, key), 0, 65536, integer=True)
        if self.fee_per_asn is not None:
            check_number(f"{what}: fee_per_asn", self.fee_per_asn, 0.0, 1e6)
        if self.fee_tiers is not None:
            tiers = tuple((int(b), float(f)) for b, f in self.fee_tiers)
            if not tiers or tiers[-1][0] != 0:
                raise ConfigError(
                    f"{what}: fee_tiers must end with an unbounded tier [0, fee]; got {self.fee_tiers!r}"
                )
            object.__setattr__(self, "fee_tiers", tiers)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DatedChange:
        """Build a change from a TOML table, rejecting unknown keys by name."""
        if isinstance(data, DatedChange):
            return data
        if not isinstance(data, Mapping):
            raise ConfigError(f"changes must be a list of tables; got {data!r}")
        allowed = [f.name for f in fields(cls)]
        for key in data:
            if key not in allowed:
                raise ConfigError(unknown("change key", key, allowed))
        return cls(**data)
