"""What each registry is told at the end of a month: its tally of members, money, moves and sales."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from agents.state import Action, HolderState

if TYPE_CHECKING:
    from agents.migration import Settlement

__all__ = ["RegistryTally", "tally_registries"]


@dataclass(frozen=True)
class RegistryTally:
    """What a registry is told this month, after the moves and the sales."""

    members: int
    ipv4: int
    ipv4_share: float
    asn_share: float
    yearly_fees: float  # what the members owe a year at the schedule (multiplier 1), USD
    inflow: int  # members arrived this month
    outflow: int  # members left this month
    revenue_lost: float  # share of last month's fees that left with them
    voice_share: float  # share of members who voiced this month
    threat: float  # `agents.threat.credible_threat`: share of revenue at stake for a margin's shortfall
    queue: int  # release requests due but not yet processed
    sales_in: int = 0  # /24s its members bought from other registries' members (not exit)
    sales_out: int = 0  # /24s its members sold to other registries' members
    sales_within: int = 0  # /24s its members sold to each other
    sales_out_legacy: int = 0  # /24s of `sales_out` sold by holders of legacy space


@njit(cache=True)
def _totals(registry, ipv4, asn, paid, action, n_registries):  # pragma: no cover - compiled
    # per registry, in one pass and in holder order (as np.bincount adds its weights)
    members = np.zeros(n_registries, dtype=np.int64)
    blocks = np.zeros(n_registries)
    asns = np.zeros(n_registries)
    fees = np.zeros(n_registries)
    voices = np.zeros(n_registries, dtype=np.int64)
    for h in range(registry.shape[0]):
        r = registry[h]
        members[r] += 1
        blocks[r] += ipv4[h]
        asns[r] += asn[h]
        fees[r] += paid[h]
        if action[h] == Action.VOICE:
            voices[r] += 1
    return members, blocks, asns, fees, voices


def tally_registries(
    s: HolderState,
    action: np.ndarray,
    threat: np.ndarray,
    total_ipv4: int,
    *,
    settled: Settlement | None = None,
    fees_before: np.ndarray | None = None,
    sold: np.ndarray | None = None,
    sold_legacy: np.ndarray | None = None,
) -> list[RegistryTally]:
    """Each registry's tally: members, holdings, fees, voice; moves in and out; sales across.

    `action`: the holders' actions this month; `threat`: (R,) the credible-threat estimate;
    `settled`: this month's completed moves (none at the start); `fees_before`: (R,) yearly
    fees before the moves (revenue lost is measured against them); `sold`, `sold_legacy`: (R, R) /24s sold
    from members of one registry to members of another this month.
    """
    n_registries = threat.size
    members, ipv4, asn, fees, voices = _totals(s.registry, s.ipv4, s.asn, s.paid_usd, action, n_registries)
    zeros = np.zeros(n_registries, dtype=np.int64)
    if settled is None:
        inflow = outflow = queue = zeros
        lost = np.zeros(n_registries)
    else:
        inflow = np.bincount(settled.destinations, minlength=n_registries)
        outflow = np.bincount(settled.origins, minlength=n_registries)
        queue = settled.queue
        lost = np.bincount(
            settled.origins, weights=s.fee_usd[settled.holders, settled.origins], minlength=n_registries
        )
    before = fees if fees_before is None else fees_before
    sold = np.zeros((n_registries, n_registries), dtype=np.int64) if sold is None else sold
    sold_legacy = np.zeros_like(sold) if sold_legacy is None else sold_legacy
    across = sold - np.diag(np.diag(sold))
    across_legacy = sold_legacy - np.diag(np.diag(sold_legacy))
    total_asn = max(asn.sum(), 1.0)
    return [
        RegistryTally(
            members=int(members[r]),
            ipv4=int(ipv4[r]),
            ipv4_share=float(ipv4[r] / total_ipv4),
            asn_share=float(asn[r] / total_asn),
            yearly_fees=float(fees[r]),
            inflow=int(inflow[r]),
            outflow=int(outflow[r]),
            revenue_lost=float(lost[r] / before[r]) if before[r] > 0 else 0.0,
            voice_share=float(voices[r] / members[r]) if members[r] else 0.0,
            threat=float(threat[r]),
            queue=int(queue[r]),
            sales_in=int(across[:, r].sum()),
            sales_out=int(across[r, :].sum()),
            sales_within=int(sold[r, r]),
            sales_out_legacy=int(across_legacy[r, :].sum()),
        )
        for r in range(n_registries)
    ]
