"""Dated changes and events in calendar time: the record a run replays, and a scenario's own.

A run's schedule is the timeline it names (`Params.timeline`; "history" is
`model/data/timeline.toml`) together with its own `changes` and `events`. Dates become
steps counted from `Params.start`. Changes dated at or before the first month are in force
from the start. A scenario that sets the regime (or the remedy) from some date on takes
that policy out of the timeline from then: a branch to mandatory portability in 2026 is not
undone by the status quo's later changes.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from importlib import resources
from typing import Any

from model.calendar import steps_between
from model.errors import ConfigError
from model.params import DatedChange, GovernanceEvent, Params

__all__ = ["TIMELINES", "Schedule", "load_timeline"]

TIMELINES = {"history": "timeline.toml"}
_KEYS = {"change", "event"}


@cache
def load_timeline(name: str) -> tuple[tuple[DatedChange, ...], tuple[GovernanceEvent, ...]]:
    """A named timeline's dated changes and events, validated (unknown keys name the key)."""
    text = resources.files("model.data").joinpath(TIMELINES[name]).read_text(encoding="utf-8")
    data: dict[str, Any] = tomllib.loads(text)
    for key in data:
        if key not in _KEYS:
            raise ConfigError(f"timeline {name!r}: unknown table [[{key}]]; allowed: {sorted(_KEYS)}")
    changes = tuple(DatedChange.from_mapping(c) for c in data.get("change", []))
    events = tuple(GovernanceEvent.from_mapping(e) for e in data.get("event", []))
    return changes, events


class Schedule:
    """The run's dated changes by step (`due`), and its governance events with their starts as steps."""

    def __init__(self, p: Params, registries: Sequence[str]) -> None:
        """Merge the timeline with the run's own changes and events; check every name and date."""
        timeline_changes, timeline_events = load_timeline(p.timeline) if p.timeline != "none" else ((), ())
        own = list(p.changes)
        step_of = {id(c): steps_between(p.start, c.date) for c in (*timeline_changes, *own)}
        branch = {
            key: min((step_of[id(c)] for c in own if getattr(c, key) is not None), default=None)
            for key in ("regime", "remedy")
        }
        kept = [c for c in timeline_changes if not _overridden(c, step_of[id(c)], branch)]
        self.by_step: dict[int, list[DatedChange]] = defaultdict(list)
        for change in sorted(kept + own, key=lambda c: step_of[id(c)]):
            if change.registry is not None and change.registry not in registries:
                valid = ", ".join(registries)
                raise ConfigError(
                    f"change of {change.date!r}: {change.registry!r} is not a registry; valid: {valid}"
                )
            self.by_step[max(0, step_of[id(change)])].append(change)
        self.events = tuple(_as_step(e, p.start) for e in (*timeline_events, *p.events))

    def due(self, step: int) -> list[DatedChange]:
        """The changes that take effect at `step` (at step 0: all dated up to the first month)."""
        return self.by_step.get(step, [])


def _overridden(change: DatedChange, step: int, branch: dict[str, int | None]) -> bool:
    """A timeline change of a policy the run itself sets from an earlier or the same month on."""
    return any(
        getattr(change, key) is not None and since is not None and step >= since
        for key, since in branch.items()
    )


def _as_step(event: GovernanceEvent, start: str) -> GovernanceEvent:
    """The event with its start as a step; a dated event must not begin before the first month."""
    if isinstance(event.start, int):
        return event
    step = steps_between(start, event.start)
    if step < 0:
        raise ConfigError(
            f"event for {event.registry!r} starts on {event.start}, before the run's first month {start}"
        )
    return replace(event, start=step)
