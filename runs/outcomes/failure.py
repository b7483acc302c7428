"""Outcomes of a registry's governance failure (the scenario's first governance event).

`Failure` (the remedies experiments, `scripts/remedies.py`, the remedies figure), over the
`WINDOW` months from the failure's start:

- `at_risk_window`: mean share of all IPv4 held at a degraded or failed registry;
- `quality_window`: mean quality experienced, model-wide;
- `restoration_months`: months from the failure's start until the failed registry is operating
  or handed off; `restored` is 1 if that happened within the run, else 0 and the months are
  those the run had left (censored);
- `members_left`: of the failed registry's members at the failure's start, the share still its
  members at restoration (or at the run's end). New holders who joined meanwhile are **not**
  counted (entrants excluded); members still waiting in its release queue count as there;
- `peak_petition_support`: the failed registry's highest petition support during the failure
  (a process that concludes resets it);
- `waiting_to_leave`: the share of its members with a move pending, 18 months in;
- `petition`, `handoff`: 1 if a petition was filed, a handoff made, during the run.

`Recovery` (`scripts/hirschman.py`, `scripts/validate.py`), from the failure's end:

- `months_to_075`, `months_to_065`: months from the end of the failure until the failed
  registry's quality is back at 0.75 (0.65); NaN if never within the run;
- `first_members_left`: of the holders registered there when the run started, the share still
  there at its end (entrants excluded);
- `at_risk_years`: IPv4 at risk summed over the run, in share-years;
- `voices_per_member`: voice given by its first members over the run, per first member;
- `first_leavers_size`, `first_leavers_quality_weight`: the first quarter of its first members
  to leave, their median holding and mean weight on quality against all its first members'
  (NaN if nobody left).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["WINDOW", "Failure", "Recovery"]

WINDOW = 60  # months from the failure's start
SERVED = ("operating", "handed_off")


def _failure(model: Any) -> tuple[Any, int]:
    """The scenario's first governance event and the index of the registry it strikes."""
    events = model.p.events
    if not events:
        raise ValueError("these outcomes need a scenario with a governance failure (params.events)")
    event = events[0]
    return event, [r.name for r in model.registries].index(event.registry)


class Failure:
    """The failed registry's story over the `WINDOW` months from the failure's start (see above)."""

    def __init__(self, model: Any) -> None:
        """Start observing `model` (before its first month)."""
        self.event, self.failed = _failure(model)
        self.month_no = 0
        self.cohort = np.zeros(0, dtype=np.int64)  # its members when the failure starts
        self.stayed: dict[int, int] = {}  # month -> how many of them are still its members
        self.waiting = np.nan

    def month(self, model: Any) -> None:
        """After each month: who is still a member; who waits to leave, 18 months in."""
        from agents.state import NO_MOVE

        self.month_no += 1
        start, s = self.event.start, model.holders
        if self.month_no == start:
            self.cohort = np.flatnonzero(s.registry == self.failed)
        if self.month_no >= start:
            self.stayed[self.month_no] = int(np.count_nonzero(s.registry[self.cohort] == self.failed))
        if self.month_no == start + 18:
            members = s.registry == self.failed
            pending = members & (s.pending_destination != NO_MOVE)
            self.waiting = float(np.count_nonzero(pending) / max(int(members.sum()), 1))

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        start, end = self.event.start, self.event.start + self.event.duration
        frame, registries = model.model_frame(), model.registry_frame()
        window = frame[(frame.step >= start) & (frame.step < start + WINDOW)]
        failed = registries[registries.registry == self.event.registry].set_index("step")
        served = failed.loc[start:][failed.loc[start:].status.isin(SERVED)]
        last = int(frame.step.max())
        at = int(served.index[0]) if len(served) else last
        kinds = set(model.event_frame().kind)
        left = self.stayed.get(min(max(at, start), last))
        return {
            "at_risk_window": float(window.ipv4_at_risk.mean()),
            "quality_window": float(window.quality_experienced.mean()),
            "restoration_months": float(at - start),
            "restored": float(len(served) > 0),
            "members_left": left / max(self.cohort.size, 1) if left is not None else np.nan,
            "peak_petition_support": float(failed.loc[start : end - 1].petition_support.max()),
            "waiting_to_leave": self.waiting,
            "petition": float("petition" in kinds),
            "handoff": float("handoff" in kinds),
        }


class Recovery:
    """The failed registry after its failure, and who of its first members left, when (see above)."""

    def __init__(self, model: Any) -> None:
        """Start observing `model` (before its first month): its first members."""
        self.event, self.failed = _failure(model)
        s = model.holders
        self.first = s.size  # entrants join after the first holders
        self.members0 = s.registry[: self.first] == self.failed
        self.ipv4_0 = s.ipv4[: self.first].copy()  # holdings at the start (sales change them later)
        self.left_at = np.full(self.first, -1)
        self.voices = 0
        self.month_no = 0

    def month(self, model: Any) -> None:
        """After each month: voice given, and who has left."""
        from agents.state import Action

        self.month_no += 1
        s, n = model.holders, self.first
        self.voices += int(np.count_nonzero((model.decisions.action[:n] == Action.VOICE) & self.members0))
        gone = self.members0 & (s.registry[:n] != self.failed) & (self.left_at < 0)
        self.left_at[gone] = self.month_no

    def _months_to(self, registries: Any, quality: float) -> float:
        end = self.event.start + self.event.duration
        failed = registries[registries.registry == self.event.registry]
        back = failed[(failed.step >= end) & (failed.quality >= quality)]
        return float(back.step.iloc[0] - end) if len(back) else np.nan

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        s, n = model.holders, self.first
        registries = model.registry_frame()
        members = max(int(self.members0.sum()), 1)
        leavers = np.flatnonzero(self.left_at > 0)
        first = leavers[np.argsort(self.left_at[leavers], kind="stable")][: max(1, leavers.size // 4)]
        median = np.median(self.ipv4_0[self.members0]) if self.members0.any() else np.nan
        weight = s.w_quality[:n][self.members0].mean() if self.members0.any() else np.nan
        return {
            "months_to_075": self._months_to(registries, 0.75),
            "months_to_065": self._months_to(registries, 0.65),
            "first_members_left": float(
                np.count_nonzero(self.members0 & (s.registry[:n] == self.failed)) / members
            ),
            "at_risk_years": float(model.model_frame().ipv4_at_risk.sum() / 12),
            "voices_per_member": self.voices / members,
            "first_leavers_size": float(np.median(self.ipv4_0[first]) / median) if leavers.size else np.nan,
            "first_leavers_quality_weight": float(s.w_quality[first].mean() / weight)
            if leavers.size
            else np.nan,
        }
