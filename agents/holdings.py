"""What a holding is worth to its holder and what it costs at each registry.

A holder's stake is measured in /24 blocks (at least one: a new member still waiting to
buy its space has a membership, an ASN and plans at stake). From it follow:

- `holding_value`: USD a year that one point of the quality index is worth to the holder at
  weight 1 (`quality_value` per address held);
- `size_factor`: its one-off costs of a move relative to a /22 holder's
  ((blocks / 4) ^ `size_exponent`: work grows with the records, sub-linearly in space);
- `yearly_fees`: its yearly fee at every registry's schedule (tiers by IPv4 held, plus a
  fee per ASN), or one common schedule, the mean of all, where fees are set aside.

When a sale or a pool allocation changes holdings, `rehold` recomputes all three.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from agents.state import HolderState

__all__ = [
    "ADDRESSES_PER_BLOCK",
    "MEDIAN_BLOCKS",
    "FeeSchedule",
    "HoldingTerms",
    "holding_value",
    "median_fee",
    "rehold",
    "schedule_fee",
    "size_factor",
    "stake_blocks",
    "yearly_fees",
]

ADDRESSES_PER_BLOCK = 256  # holdings are counted in /24 blocks
MEDIAN_BLOCKS = 4.0  # a /22: the median holding (domain notes §A3), the unit of one-off costs


class FeeSchedule(NamedTuple):
    """One registry's yearly fees: by tier of IPv4 held, plus a fee per ASN."""

    bounds: np.ndarray  # upper bound of each tier, /24s (the last: +inf)
    fees: np.ndarray  # USD a year in each tier
    per_asn: float  # USD a year per ASN


class HoldingTerms(NamedTuple):
    """What holdings are worth and cost, from the parameters and the registries' schedules."""

    quality_value: float  # USD per address a year of one quality point at weight 1
    size_exponent: float
    schedules: tuple[FeeSchedule, ...]  # one per registry
    common_fees: bool  # every registry charges the mean of the schedules


def stake_blocks(ipv4: np.ndarray) -> np.ndarray:
    """The /24s a member's stake in its registry is measured by: its holding, at least one."""
    return np.maximum(ipv4, 1).astype(float)


def holding_value(ipv4: np.ndarray, t: HoldingTerms) -> np.ndarray:
    """USD a year that one point of quality is worth to a holder of `ipv4` /24s, at weight 1."""
    return t.quality_value * ADDRESSES_PER_BLOCK * stake_blocks(ipv4)


def size_factor(ipv4: np.ndarray, t: HoldingTerms) -> np.ndarray:
    """One-off costs of a move relative to a /22 holder's (a member moves at least a /24's worth)."""
    return (stake_blocks(ipv4) / MEDIAN_BLOCKS) ** t.size_exponent


def schedule_fee(schedule: FeeSchedule, ipv4: np.ndarray, asn: np.ndarray) -> np.ndarray:
    """Yearly fee (USD) of holders of `ipv4` /24s and `asn` ASNs under one registry's schedule."""
    tier = np.searchsorted(schedule.bounds, ipv4, side="left")
    return schedule.fees[np.minimum(tier, len(schedule.fees) - 1)] + schedule.per_asn * asn


def yearly_fees(ipv4: np.ndarray, asn: np.ndarray, t: HoldingTerms) -> np.ndarray:
    """(holders, R): each holder's yearly fee at every registry's schedule, USD.

    With common fees every registry charges the mean of the schedules (fees set aside).
    """
    fee_usd = np.stack([schedule_fee(schedule, ipv4, asn) for schedule in t.schedules], axis=1)
    if t.common_fees:
        fee_usd = np.repeat(fee_usd.mean(axis=1, keepdims=True), fee_usd.shape[1], axis=1)
    return fee_usd


def median_fee(schedule: FeeSchedule) -> float:
    """The yearly fee of a median member under a schedule: a /22 with one ASN, USD."""
    return float(schedule_fee(schedule, np.array([MEDIAN_BLOCKS]), np.array([1]))[0])


def rehold(s: HolderState, holders: np.ndarray, t: HoldingTerms) -> None:
    """After a sale or an allocation: what these holders' new holdings are worth and cost."""
    s.value[holders] = holding_value(s.ipv4[holders], t)
    s.size_factor[holders] = size_factor(s.ipv4[holders], t)
    s.fee_usd[holders] = yearly_fees(s.ipv4[holders], s.asn[holders], t)
    s.refresh(holders)
