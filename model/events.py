"""Governance events (scheduled in a scenario, or drawn from a hazard rate) and the event log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from model.params import GovernanceEvent, Params

__all__ = ["EventKind", "EventLog", "GovernanceCalendar", "LoggedEvent"]


class EventKind(StrEnum):
    """What the event log records (the frame keeps the strings)."""

    GOVERNANCE_START = "governance_start"
    GOVERNANCE_END = "governance_end"
    INSOLVENCY = "insolvency"
    SOLVENCY_RESTORED = "solvency_restored"
    CLOSURE = "closure"
    SURGE = "surge"
    OBSTRUCTION = "obstruction"
    # the ICP-2 draft's process (agents.oversight) and enforcement (agents.enforcement)
    PETITION = "petition"
    AUDIT = "audit"
    DERECOGNITION = "derecognition"
    HANDOFF = "handoff"
    HANDOFF_END = "handoff_end"
    RECLAMATION = "reclamation"
    ESCAPE = "escape"


@dataclass(frozen=True)
class LoggedEvent:
    """One line of the event log."""

    step: int
    registry: str
    kind: str  # an EventKind value
    detail: str


class EventLog(list[LoggedEvent]):
    """The run's events, in the order they happened."""

    def add(self, step: int, registry: str, kind: str, detail: str = "") -> None:
        """Append an event (`kind` must be an `EventKind` value)."""
        self.append(LoggedEvent(step, registry, EventKind(kind).value, detail))


class GovernanceCalendar:
    """Which registry is hit by which governance event, month by month.

    Random events come from their own random stream, drawn for every registry every month
    whatever happens in the model, so equal seeds give equal events under every regime.
    An event that starts while another is active on the same registry replaces it.
    """

    def __init__(self, names: Sequence[str], params: Params, rng: np.random.Generator) -> None:
        """Scheduled events must name registries in `names` (`model.check_registries` checks)."""
        self.names = tuple(names)
        self.params = params
        self.rng = rng
        self.active: dict[int, tuple[GovernanceEvent, int]] = {}  # registry -> (event, end)

    def advance(self, step: int) -> tuple[list[int], list[tuple[int, GovernanceEvent]]]:
        """Events ending and starting at `step`: (registries whose event ends, new events)."""
        p = self.params
        hit = self.rng.random(len(self.names)) < p.event_hazard
        durations = self.rng.geometric(1.0 / p.event_duration, len(self.names))
        ending = [r for r, (_, end) in self.active.items() if end == step]
        for r in ending:
            del self.active[r]
        starting = [(self.names.index(e.registry), e) for e in p.events if e.start == step]
        scheduled = {r for r, _ in starting}
        for r in np.flatnonzero(hit):
            if int(r) not in self.active and int(r) not in scheduled:
                starting.append((int(r), self._random_event(int(r), step, int(durations[r]))))
        for r, event in starting:
            self.active[r] = (event, step + event.duration)
        return ending, starting

    def _random_event(self, r: int, step: int, duration: int) -> GovernanceEvent:
        p = self.params
        return GovernanceEvent(
            registry=self.names[r],
            start=step,
            duration=duration,
            quality_drop=p.event_quality_drop,
            neutrality_drop=p.event_neutrality_drop,
            status="degraded",
        )
