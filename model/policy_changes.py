"""Dated policy changes taking effect during a run: regime, remedy, a registry's pool or fees.

A mixin of `PortabilityModel`: when the timeline or the run's own `changes` put a new regime
in force, holders' presence abroad, the members' priors, the enforcement rules and the exit
cost table follow it; a new remedy is adopted by the oversight body; new fee schedules
re-price every holding (`model.policies` says what each change sets).
"""

from __future__ import annotations

import numpy as np

from agents.holdings import median_fee, rehold
from model.events import EventKind
from model.params import DatedChange
from model.terms import Regime, enforcement_rules, member_priors, oversight_rules

__all__ = ["PolicyChanges"]


class PolicyChanges:
    """The policy step of `PortabilityModel` (ODD §3, step 1, and §7.14)."""

    @property
    def regime(self) -> Regime:
        """The regime in force (the run's, or the latest a dated change put in force)."""
        return self.policies.regime

    def _change_policies(self, changes: list[DatedChange]) -> None:
        """This month's dated changes take effect: regime, remedy, a registry's pool or fees."""
        if not changes:
            return
        regime, remedy, holdings = self.regime, self.policies.remedy, self.policies.holdings
        for change in changes:
            for said in self.policies.apply(change, self.p):
                self.events.add(self.steps, change.registry or "all", EventKind.POLICY, said)
        s = self.holders
        if self.regime is not regime:  # moves, sales, friction and the safeguards follow the regime
            s.appeal += (regime.friction - self.regime.friction) * (
                np.arange(s.appeal.shape[1]) != s.home[:, None]
            )
            s.refresh(np.arange(s.size))
            self.priors = member_priors(self.p, self.regime)
            self.enforcement.rules = enforcement_rules(self.p, self.regime)
            self._costs_stale = True
        if self.policies.remedy != remedy:
            self.oversight.adopt(oversight_rules(self.p, self.policies.remedy))
        if self.policies.holdings is not holdings:
            rehold(s, np.arange(s.size), self.policies.holdings)
        for registry, new, members, schedule in zip(
            self.registries,
            self.policies.pool_max,
            self.policies.member_pool_max,
            self.policies.holdings.schedules,
            strict=True,
        ):
            registry.limit_pool(new, members)
            registry.charge(median_fee(schedule))
