"""A scheduled governance event of one registry, as scenarios and users write it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from model.errors import ConfigError
from model.params.fields import EVENT_STATUSES, check_number, unknown

__all__ = ["GovernanceEvent"]


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
            check_number(f"{where}: {name}", getattr(self, name), 0.0, 1.0)
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
