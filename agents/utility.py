"""The arithmetic the holders' rules share: utility, learning, the value of a move.

Plain arithmetic on floats (and, for `yearly_utility`, on arrays), called by `agents.holder`
and `agents.welfare`, and compiled with them (`agents.compiled`).
"""

from __future__ import annotations

import math

__all__ = ["belief_spread", "kalman_gain", "move_value", "yearly_utility"]


def yearly_utility(value, w_quality, quality, w_neutrality, neutrality, appeal, fee):
    """What a registry is worth to a holder, USD a year.

    `value` (USD a year per index point) turns the weighted quality, neutrality and fixed
    appeal (taste less friction, index points) into money; the fee (USD a year) is paid.
    """
    return value * (w_quality * quality + w_neutrality * neutrality + appeal) - fee


def kalman_gain(variance: float, noise_variance: float) -> float:
    """Weight of a new observation in a belief of this variance (1 when both are 0: exact)."""
    total = variance + noise_variance
    return variance / total if total > 0.0 else 1.0


def move_value(
    yearly_gain: float, spread: float, one_off: float, present_value: float, approval_odds: float, z: float
) -> float:
    """Value of requesting a move, USD: the credible yearly gain, discounted, less one-off costs.

    `yearly_gain`: believed utility there less here, less what loyalty makes staying worth;
    `spread`: s.d. of that belief. The holder counts only what its evidence can tell from
    noise (`yearly_gain - z x spread`), over the years `present_value` stands for, if the
    move is approved.
    """
    return approval_odds * present_value * (yearly_gain - z * spread) - one_off


def belief_spread(
    value: float, w_quality: float, w_neutrality: float, var_here: float, var_there: float
) -> float:
    """S.d. of a believed utility difference, USD a year (quality and neutrality beliefs independent)."""
    return value * math.sqrt((w_quality * w_quality + w_neutrality * w_neutrality) * (var_here + var_there))
