"""Governance events (scheduled in a scenario, or drawn from a hazard rate) and the event log."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np

from agents.state import Draw
from model.params import GovernanceEvent, Params

if TYPE_CHECKING:
    from agents.registry import RegistryAgent

__all__ = ["EventKind", "EventLog", "GovernanceCalendar", "LoggedEvent", "MonthDraws", "SurgeWatch"]


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
    # a dated change of policy (model.timeline): regime, remedy, a registry's pool or fees
    POLICY = "policy"


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

    def __init__(
        self,
        names: Sequence[str],
        params: Params,
        events: Sequence[GovernanceEvent],
        rng: np.random.Generator,
    ) -> None:
        """`events`: the scheduled events, starts as steps (`model.timeline.Schedule.events`)."""
        self.names = tuple(names)
        self.params = params
        self.events = tuple(events)
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
        starting = [(self.names.index(e.registry), e) for e in self.events if e.start == step]
        scheduled = {r for r, _ in starting}
        for r in np.flatnonzero(hit):
            if int(r) not in self.active and int(r) not in scheduled:
                starting.append((int(r), self._random_event(int(r), step, int(durations[r]))))
        for r, event in starting:
            self.active[r] = (event, step + event.duration)
        return ending, starting

    def held(self) -> list[tuple[int, float]]:
        """(registry, shortfall) of the events now holding a registry behind its best rival."""
        return [(r, e.shortfall) for r, (e, _) in self.active.items() if e.shortfall is not None]

    def fire(self, step: int, registries: Sequence[RegistryAgent], log: EventLog) -> None:
        """This month's events take effect on the registries (`advance`), and are logged."""
        ending, starting = self.advance(step)
        for r in ending:
            registries[r].end_event()
            log.add(step, registries[r].name, EventKind.GOVERNANCE_END, "governance restored")
        for r, event in starting:
            targeting = (self.params.targeted_harm, self.params.targeted_denial) if event.targets else (0, 0)
            registries[r].begin_event(
                event.quality_drop, event.neutrality_drop, event.status, event.capture_rate, targeting
            )
            if event.shortfall is not None:
                what = f"held {event.shortfall:g} behind its best allowed rival"
            elif event.targets is not None:
                what = f"singling out its {event.targets} members"
            else:
                what = event.status
            log.add(step, event.registry, EventKind.GOVERNANCE_START, f"{what} for {event.duration} months")

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


@dataclass
class SurgeWatch:
    """Logs a surge: a month's moves at least `factor` x the last year's mean, by `min_share` of holders."""

    factor: float
    min_share: float
    recent: list[int] = field(default_factory=list)

    def watch(self, step: int, moves: int, holders: int, log: EventLog) -> None:
        """Note this month's moves; log a surge if they are one."""
        last_year = self.recent[-12:]
        baseline = max(np.mean(last_year) if last_year else 0.0, 1.0)
        if moves >= self.factor * baseline and moves >= self.min_share * holders:
            log.add(step, "all", EventKind.SURGE, f"{moves} moves (last year's mean {baseline:.1f})")
        self.recent.append(moves)


class MonthDraws:
    """The buffer the month's uniforms are written into, reused month to month.

    The numbers are the generator's either way; writing them into memory already mapped
    saves the page faults of a fresh 8 MB array each month at full scale. Last month's
    draws are overwritten: nothing reads them once the month is over.
    """

    def __init__(self) -> None:
        """No buffer yet: the first month makes one."""
        self._buffer: np.ndarray | None = None

    def rows(self, n: int) -> np.ndarray:
        """A (len(Draw), n) array to draw into (grown by doubling when holders join)."""
        size = len(Draw) * n
        buffer = self._buffer
        if buffer is None or buffer.size < size:
            buffer = self._buffer = np.empty(max(size, 2 * (0 if buffer is None else buffer.size)))
        return buffer[:size].reshape(len(Draw), n)
