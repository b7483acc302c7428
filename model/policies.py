"""The policies in force: the regime, the remedy, each registry's fee schedule and pool allocation.

They start as the parameters and the calibration set them, with the changes dated up to the
first month applied, and change on the dates of the run's schedule (`model.timeline`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from agents.holdings import FeeSchedule, HoldingTerms
from model.calibration import Calibration
from model.params import DatedChange, Params
from model.terms import Regime, holding_terms, regime_terms

__all__ = ["Policies"]


@dataclass
class Policies:
    """What is in force now; `apply` a dated change and say what it changed."""

    regime: Regime
    remedy: str
    holdings: HoldingTerms  # what holdings are worth and cost: each registry's fee schedule
    pool_max: list[int]  # per registry: the most a new member gets from the free pool, /24s
    member_pool_max: list[int]  # per registry: the most an existing member gets from it by need
    names: tuple[str, ...]
    policy: dict[str, np.ndarray] = field(repr=False)  # each registry's transfer rules

    @classmethod
    def at_start(
        cls,
        p: Params,
        calibration: Calibration,
        policy: dict[str, np.ndarray],
        changes: Sequence[DatedChange],
    ) -> Policies:
        """The parameters' and calibration's policies, with the changes dated up to the first month."""
        names = calibration.names
        policies = cls(
            regime=regime_terms(p, p.regime, names, policy),
            remedy=p.remedy,
            holdings=holding_terms(p, calibration),
            pool_max=[spec.pool_max_blocks for spec in calibration.registries],
            member_pool_max=[spec.member_pool_max for spec in calibration.registries],
            names=names,
            policy=policy,
        )
        for change in changes:
            policies.apply(change, p)
        return policies

    def apply(self, change: DatedChange, p: Params) -> list[str]:
        """Put a change in force; returns what it changed, in words (for the event log)."""
        said = []
        if change.regime is not None and change.regime != self.regime.name:
            self.regime = regime_terms(p, change.regime, self.names, self.policy)
            said.append(f"regime {change.regime}")
        if change.remedy is not None and change.remedy != self.remedy:
            self.remedy = change.remedy
            said.append(f"remedy {change.remedy}")
        if change.registry is None:
            return said
        r = self.names.index(change.registry)
        if change.pool_max_blocks is not None:
            self.pool_max[r] = change.pool_max_blocks
            said.append(f"{change.registry}: at most {change.pool_max_blocks} /24s from the pool")
        if change.member_pool_max is not None:
            self.member_pool_max[r] = change.member_pool_max
            said.append(f"{change.registry}: members get at most {change.member_pool_max} /24s from the pool")
        if change.fee_tiers is not None or change.fee_per_asn is not None:
            old = self.holdings.schedules[r]
            tiers = change.fee_tiers
            bounds = old.bounds if tiers is None else np.array([b if b > 0 else np.inf for b, _ in tiers])
            fees = old.fees if tiers is None else np.array([f for _, f in tiers])
            per_asn = old.per_asn if change.fee_per_asn is None else float(change.fee_per_asn)
            schedules = list(self.holdings.schedules)
            schedules[r] = FeeSchedule(bounds, fees, per_asn)
            self.holdings = self.holdings._replace(schedules=tuple(schedules))
            said.append(f"{change.registry}: new fee schedule")
        return said

    def fees_changed(self, before: HoldingTerms) -> bool:
        """Whether the fee schedules differ from `before` (holders' fees must then be recomputed)."""
        return self.holdings is not before
