"""The credible threat of exit: how much of its revenue a registry stands to lose by falling behind.

A registry cannot see its members' tastes, loyalty or beliefs. It sees its records (each
member's holdings, fee, which resources it holds, whether it is eligible to leave), the
regime (who may leave where, at what cost and delay), the public standing of every registry
and the fee schedules. For each member it values the best allowed move as the member would
(`agents.utility.move_value`'s arithmetic, with the population's average weights and
loyalty, `MemberPriors`, and no evidence discount: `member_z`) and takes the chance that the
member's private gain tips it over as a normal with s.d. `uncertainty`. The threat is how
much that chance rises, fee-weighted, when the registry falls `margin` behind
(`tip_rise`): a slope, zero when nobody may leave, positive at parity when they may.

`credible_threat` is the rule, per member in plain Python, keeping the month's values of
`tip_rise` in a memo (members with the same holding, kind and registry share a z): a hit
returns the very number a miss computes. `credible_threat_all` is that rule compiled.

That estimate is the registry's model of its members, from public facts: it reads every
registry's standing through the public benchmark (`public_view`), not its true traits. What
a registry believes at stake is its model's estimate times how far it has learnt to trust
it (`learn_exit_response`): its model also says how many members should be leaving as
things stand, and its own and its rivals' experience of members leaving, and not leaving,
tells it how far to believe that model.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from agents.compiled import allocates, compiled
from agents.migration import admitted
from agents.state import HolderState, Month

__all__ = [
    "MemberPriors",
    "credible_threat",
    "credible_threat_all",
    "learn_exit_response",
    "member_z",
    "public_view",
    "remembered_rise",
    "shares",
    "standing_gained",
    "tip_rise",
    "tipped",
]

SQRT2 = math.sqrt(2.0)


class MemberPriors(NamedTuple):
    """What a registry assumes of a member it cannot see into: the population's averages."""

    w_quality: float
    w_neutrality: float
    loyalty: float  # mean loyalty
    loyalty_weight: float
    friction: float  # index points a year outside one's home region
    uncertainty: float  # s.d. of a member's private yearly gain, index points
    margin: float  # the shortfall the registry gauges, index points


@allocates
def standing_gained(m: Month, priors: MemberPriors) -> np.ndarray:
    """(home, here, there): public standing a member from `home` gains moving here -> there.

    Index points a year, by the public truth and the priors' weights, less friction away from
    home (gained back when leaving an away registry) and what loyalty makes staying worth.
    """
    n = len(m.quality)
    gained = np.zeros((n, n, n))
    w_q, w_n = priors.w_quality, priors.w_neutrality
    loyal = priors.loyalty_weight * priors.loyalty
    for home in range(n):
        for here in range(n):
            away_here = priors.friction if here != home else 0.0
            standing_here = w_q * m.quality[here] + w_n * m.neutrality[here]
            for r in range(n):
                standing = w_q * m.quality[r] + w_n * m.neutrality[r]
                away = priors.friction if r != home else 0.0
                gained[home, here, r] = standing - standing_here - away + away_here - loyal
    return gained


def member_z(
    s: HolderState, h: int, m: Month, costs: np.ndarray, priors: MemberPriors, gained: np.ndarray
) -> float:
    """How far member h's best allowed move is from worth making, in s.d. of its private gain.

    The best move's value as the registry estimates it (USD: approval odds x present value x
    the yearly gain in standing and fees, less one-off and waiting costs), over the s.d. of
    the member's private gain in USD. -inf when it may go nowhere (or nothing is at stake).
    """
    here = s.registry[h]
    value = s.value[h]
    scale = m.approval_odds * m.present_value * value * priors.uncertainty
    if not scale > 0.0:
        return -math.inf
    fee_here = s.paid_usd[h] * m.fee_multiplier[here]
    waiting = value * priors.w_quality * m.waiting_service_gap * m.porting_delay / 12.0
    best = -math.inf
    for r in range(len(m.quality)):
        one_off = costs[s.kind[h], here, r]
        if not m.accepting[r] or one_off == math.inf or not admitted(s, h, here, r, m):
            continue
        # a targeted member gains the neutrality withheld from it here (or loses it there)
        singled_out = priors.w_neutrality * (m.harm[here] - m.harm[r]) * s.targeted[h]
        yearly = value * (gained[s.home[h], here, r] + singled_out) - (
            s.fee_usd[h, r] * m.fee_multiplier[r] - fee_here
        )
        worth = m.approval_odds * m.present_value * yearly - (s.size_factor[h] * one_off + waiting)
        if worth > best:
            best = worth
    if best == -math.inf:
        return -math.inf
    return best / scale


def tipped(z: float) -> float:
    """P(Z < z), Z standard normal: the chance a member's private gain tips it into leaving."""
    return 0.5 * math.erfc(-z / SQRT2)


def tip_rise(z: float, shift: float) -> float:
    """P(z <= Z < z + shift), Z standard normal: how much falling `shift` s.d. behind tips a member."""
    return 0.5 * math.erfc(-(z + shift) / SQRT2) - 0.5 * math.erfc(-z / SQRT2)


MEMO_SIZE = 1 << 15  # slots of the memo (power of two; three 256 KiB tables: they stay in cache)


def remembered_rise(
    z: float, shift: float, memo_z: np.ndarray, memo_rise: np.ndarray, memo_tipped: np.ndarray
) -> tuple[float, float]:
    """`tip_rise(z, shift)` and `tipped(z)`, through a memo: a hit returns what a miss computes.

    Members with the same holding, kind and registry share a z, and the two normal tails are
    most of the threat's cost: the memo is direct-mapped on z itself (its fixed-point low
    bits pick the slot; a slot holds the z it was computed for). NaN and huge z are computed
    and never kept.
    """
    if not abs(z) < 1e6:
        return tip_rise(z, shift), tipped(z)
    slot = int(z * 1048576.0) & (memo_z.shape[0] - 1)
    if memo_z[slot] == z:
        return memo_rise[slot], memo_tipped[slot]
    rise, level = tip_rise(z, shift), tipped(z)
    memo_z[slot] = z
    memo_rise[slot] = rise
    memo_tipped[slot] = level
    return rise, level


@allocates
def credible_threat(
    s: HolderState, m: Month, costs: np.ndarray, priors: MemberPriors
) -> tuple[np.ndarray, np.ndarray]:
    """Per registry: the share of its fees at stake for a `margin` shortfall, and the share leaving.

    The first is the share of its yearly fees at stake if it fell `margin` behind its
    rivals; the second the share its model expects to leave in a year as things stand (what
    it can check against its books).
    """
    n_registries = len(m.quality)
    gained = standing_gained(m, priors)
    shift = priors.w_quality * priors.margin / priors.uncertainty
    memo_z, memo_rise, memo_tipped = np.full(MEMO_SIZE, np.nan), np.empty(MEMO_SIZE), np.empty(MEMO_SIZE)
    fees = np.zeros(n_registries)
    at_stake = np.zeros(n_registries)
    leaving = np.zeros(n_registries)
    for h in range(s.registry.shape[0]):
        here = s.registry[h]
        fees[here] += s.paid_usd[h]
        z = member_z(s, h, m, costs, priors, gained)
        if z > -math.inf:
            rise, level = remembered_rise(z, shift, memo_z, memo_rise, memo_tipped)
            at_stake[here] += s.paid_usd[h] * rise
            leaving[here] += s.paid_usd[h] * level
    return shares(at_stake, fees), shares(leaving, fees)


@allocates
def shares(at_stake: np.ndarray, fees: np.ndarray) -> np.ndarray:
    """Per registry, `at_stake` as a share of `fees` (0 where it has no fees)."""
    out = np.zeros(fees.shape[0])
    for r in range(fees.shape[0]):
        if fees[r] > 0.0:
            out[r] = at_stake[r] / fees[r]
    return out


_threat = compiled(credible_threat)


def credible_threat_all(
    s: HolderState, m: Month, costs: np.ndarray, priors: MemberPriors
) -> tuple[np.ndarray, np.ndarray]:
    """`credible_threat`, compiled (`agents.compiled`): the very rule, run on the holders' columns."""
    return _threat(s.columns(), m, costs, priors)


# --- what a registry sees of its standing, and how it learns what exit costs it -------------
def public_view(view: np.ndarray, benchmark: np.ndarray, memory: float) -> np.ndarray:
    """The public standing registries see: the benchmark (R, 2: quality, neutrality) remembered.

    Each month moves `1 / memory` of the way to this month's benchmark: rivals are seen
    through the public benchmark, with its noise and a lag, never through their true traits.
    """
    return view + (benchmark - view) / memory


def learn_exit_response(
    mean: float,
    var: float,
    expected: np.ndarray,
    observed: np.ndarray,
    members: np.ndarray,
    own: int,
    noise: float,
    rival_ratio: float,
    drift_var: float,
) -> tuple[float, float]:
    """How far a registry trusts its model of its members, learnt from who leaves and who stays.

    The registry believes members leave `mean` times as readily as its model of them says
    (a belief with variance `var`; 1 at the start: it trusts its model). Each month the
    belief ages (`drift_var`); then every registry's month is an observation, its own and,
    as public figures, its rivals': `observed` (the yearly share of revenue that left this
    month) against `expected` (the share its model expects to leave in a year as things
    stand): observed = mean x expected + noise. A month's departures are few and lumpy: the
    noise's variance is that of a Poisson count of members, 12 x mean x expected / members,
    plus `noise`^2; a rival's figures are `rival_ratio` times as noisy. So a registry learns
    from members not leaving as much as from members leaving: if fewer leave than its model
    expects, it trusts the model's threat less.
    """
    var += drift_var
    for j in range(expected.shape[0]):
        x = expected[j]
        if x <= 0.0 or members[j] <= 0:
            continue
        v = 12.0 * max(mean, 0.05) * x / members[j] + noise * noise
        if j != own:
            v *= rival_ratio * rival_ratio
        gain = var * x / (x * x * var + v)
        mean += gain * (observed[j] - mean * x)
        var *= 1.0 - gain * x
    return max(0.0, mean), var
