"""What each registry is told at the end of a month: its tally of members, money, moves and sales."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numba import njit

from agents.migration import REASONS
from agents.state import Action, HolderState

if TYPE_CHECKING:
    from agents.migration import Settlement

__all__ = ["RegistryTally", "Sector", "tally_registries"]


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
    threat: float  # `agents.threat.credible_threat` on public facts: revenue at stake, its model's guess
    queue: int  # release requests due but not yet processed
    sales_in: int = 0  # /24s its members bought from other registries' members (not exit)
    sales_out: int = 0  # /24s its members sold to other registries' members
    sales_within: int = 0  # /24s its members sold to each other
    sales_out_legacy: int = 0  # /24s of `sales_out` sold by holders of legacy space
    quality_lost: float = 0.0  # of `revenue_lost`: members it recorded as leaving for quality
    fee_lost: float = 0.0  # ... for its fees
    sector: Sector | None = None  # every registry's public facts this month (rivals' experience)


class Sector(NamedTuple):
    """What every registry can see of every registry this month: public, the same for all."""

    expected: np.ndarray  # (R,) yearly share of revenue each registry's model expects to leave
    lost: np.ndarray  # (R,) share of revenue that did leave this month
    members: np.ndarray  # (R,)


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
    recorded: np.ndarray | None = None,
    expected: np.ndarray | None = None,
) -> list[RegistryTally]:
    """Each registry's tally: members, holdings, fees, voice; moves in and out; sales across.

    `action`: the holders' actions this month; `threat`: (R,) the credible-threat estimate;
    `settled`: this month's completed moves (none at the start); `fees_before`: (R,) yearly
    fees before the moves (revenue lost is measured against them); `recorded`: why the
    releasing registry recorded each mover as leaving (`agents.migration.REASONS` codes);
    `expected`: (R,) the yearly share of revenue each registry's model expects to leave;
    `sold`, `sold_legacy`: (R, R) /24s sold
    from members of one registry to members of another this month.
    """
    n_registries = threat.size
    members, ipv4, asn, fees, voices = _totals(s.registry, s.ipv4, s.asn, s.paid_usd, action, n_registries)
    zeros = np.zeros(n_registries, dtype=np.int64)
    lost_by = np.zeros((len(REASONS), n_registries))
    if settled is None:
        inflow = outflow = queue = zeros
        lost = np.zeros(n_registries)
    else:
        inflow = np.bincount(settled.destinations, minlength=n_registries)
        outflow = np.bincount(settled.origins, minlength=n_registries)
        queue = settled.queue
        paid = s.fee_usd[settled.holders, settled.origins]
        lost = np.bincount(settled.origins, weights=paid, minlength=n_registries)
        why = settled.reasons if recorded is None else recorded
        for code in range(len(REASONS)):
            mine = why == code
            lost_by[code] = np.bincount(settled.origins[mine], weights=paid[mine], minlength=n_registries)
    before = fees if fees_before is None else fees_before
    share = np.divide(lost_by, before, out=np.zeros_like(lost_by), where=before > 0)
    quality, fee = share[REASONS.index("quality")], share[REASONS.index("fees")]
    revenue_lost = np.divide(lost, before, out=np.zeros(n_registries), where=before > 0)
    sector = Sector(
        expected=np.zeros(n_registries) if expected is None else expected,
        lost=revenue_lost,
        members=members,
    )
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
            revenue_lost=float(revenue_lost[r]),
            voice_share=float(voices[r] / members[r]) if members[r] else 0.0,
            threat=float(threat[r]),
            queue=int(queue[r]),
            sales_in=int(across[:, r].sum()),
            sales_out=int(across[r, :].sum()),
            sales_within=int(sold[r, r]),
            sales_out_legacy=int(across_legacy[r, :].sum()),
            quality_lost=float(quality[r]),
            fee_lost=float(fee[r]),
            sector=sector,
        )
        for r in range(n_registries)
    ]
