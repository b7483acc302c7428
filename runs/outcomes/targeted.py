"""Outcomes of targeted capture: what happens to the group a registry singles out.

The scenario's first targeting event (`GovernanceEvent.targets`); the group is its targeted
members still at the targeting registry when the event starts (entrants are never targeted).

- `targeted`: how many that is (at the run's scale);
- `harmed_share`: of them, the mean share still singled out over the event (1: nobody escaped);
- `months_to_relief`: mean months a targeted member stays singled out, from the event's start
  (leaving, a handoff or the event's end relieve it; censored at the run's end);
- `unfair_ipv4`: mean over the event of the share of the group's IPv4 (holders in the right)
  under unfair treatment: singled out, or reclaimed;
- `reclaimed_unfairly`: the share of the group's IPv4 reclaimed by the run's end;
- `left`: the share of the group that left the registry by the event's end;
- `others_quality`: the mean quality the registry's other members experience over the event
  (the average a regulator would see).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Targeted", "targeting"]


def targeting(model: Any) -> Any | None:
    """The run's first targeting event, its start a month number (a dated start converted), or None."""
    return next((e for e in model.schedule.events if e.targets is not None), None)


def _targeting(model: Any) -> tuple[Any, int]:
    for event in model.schedule.events:  # starts as month numbers, whether written so or as dates
        if event.targets is not None:
            return event, [r.name for r in model.registries].index(event.registry)
    raise ValueError("these outcomes need a scenario with a targeting event (an event with `targets`)")


class Targeted:
    """The targeted group over the targeting event (see above)."""

    def __init__(self, model: Any) -> None:
        """Start observing `model` (before its first month)."""
        self.event, self.registry = _targeting(model)
        self.month_no = 0
        self.group = np.zeros(0, dtype=np.int64)
        self.harmed: list[int] = []  # per month of the event: group members singled out
        self.unfair: list[float] = []
        self.quality: list[float] = []
        self.left = np.nan

    def month(self, model: Any) -> None:
        """After each month of the event: who in the group is singled out, and how unfairly."""
        from model.reporters import targeted_unfair_ipv4

        self.month_no += 1
        start, end = self.event.start, self.event.start + self.event.duration
        s, registry = model.holders, model.registries[self.registry]
        if self.month_no == start:
            self.group = np.flatnonzero(s.targeted & (s.registry == self.registry))
        if start <= self.month_no < end:
            here = s.registry[self.group] == self.registry
            self.harmed.append(int(np.count_nonzero(here)) if registry.harm > 0.0 else 0)
            self.unfair.append(targeted_unfair_ipv4(model))
            self.quality.append(registry.quality)
        if self.month_no == end - 1 and self.group.size:
            self.left = float(np.mean(s.registry[self.group] != self.registry))

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        n = self.group.size
        harmed = np.array(self.harmed, dtype=float)
        return {
            "targeted": float(n),
            "harmed_share": float(harmed.mean() / n) if n and harmed.size else np.nan,
            "months_to_relief": float(harmed.sum() / n) if n else np.nan,
            "unfair_ipv4": float(np.mean(self.unfair)) if self.unfair else np.nan,
            "reclaimed_unfairly": model.enforcement.reclaimed_unfairly(),
            "left": self.left,
            "others_quality": float(np.mean(self.quality)) if self.quality else np.nan,
        }
