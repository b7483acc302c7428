"""The holders' rule as one compiled pass over the holder arrays: what the model runs.

`agents.holder` is the specification, written per agent in plain Python. This module runs
the same rule for every holder in one numba-compiled loop, reading the same `Month` and the
holders' arrays (`HolderColumns`), and compiling the very functions of `agents.utility` that
the specification calls. The operations come in the same order (numba, without fastmath,
fuses no multiply-adds), so the floating-point results are identical;
`tests/test_kernel_equivalence.py` proves it on whole runs. The per-pair parts of the rule
(may this holder move origin -> destination, at what one-off cost) are tabulated by calling
`agents.holder`'s own functions, so they too are written once.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from agents import utility
from agents.holder import may_move, one_off_cost
from agents.market import ADDRESSES, MarketTerms, Orders
from agents.state import NO_MOVE, Action, Decisions, Draw, HolderState, Month

if TYPE_CHECKING:
    from agents.registry import MemberPriors

__all__ = [
    "credible_threat_all",
    "decide_all",
    "exit_cost_table",
    "market_orders_all",
    "registry_totals",
    "utility_here_all",
]

SQRT2 = math.sqrt(2.0)

_yearly_utility = njit(inline="always")(utility.yearly_utility)
_kalman_gain = njit(inline="always")(utility.kalman_gain)
_move_value = njit(inline="always")(utility.move_value)
_belief_spread = njit(inline="always")(utility.belief_spread)


def exit_cost_table(m: Month) -> np.ndarray:
    """One-off cost of every move for every kind of holder (a /22 holder's, USD); +inf where forbidden.

    Indexed [kind, origin, destination] with kind = `HolderState.kind`
    (4 x eligible + 2 x holds_asn + holds_ipv6).
    """
    n = len(m.quality)
    table = np.full((8, n, n), np.inf)
    for kind in range(8):
        eligible, holds_asn, holds_ipv6 = bool(kind & 4), bool(kind & 2), bool(kind & 1)
        for origin in range(n):
            for destination in range(n):
                if origin != destination and may_move(
                    origin, destination, eligible=eligible, holds_asn=holds_asn, m=m
                ):
                    table[kind, origin, destination] = one_off_cost(
                        origin, destination, holds_ipv6=holds_ipv6, m=m
                    )
    return table


def decide_all(s: HolderState, m: Month, costs: np.ndarray) -> Decisions:
    """`holder.update_beliefs` then `holder.decide` for every holder; `costs` = `exit_cost_table(m)`.

    Two passes: every holder learns, then the month's reviewers choose. A holder's choice
    reads only its own beliefs, so the order of the passes changes no number; it keeps the
    rarely taken, randomly placed branch of the choice out of the learning loop, whose
    memory reads then overlap (the choice now costs about a sixth of what it did inside it).
    """
    out = Decisions.empty(s.size)
    columns = s.columns()
    # peers' registries are looked up at random: a one-byte copy stays in the core's cache
    _learn_all(columns, m, s.registry.astype(np.min_scalar_type(len(m.quality))))
    reviewers = np.flatnonzero(m.review & (s.pending_destination == NO_MOVE))
    _choose(columns, m, costs, reviewers, out.action, out.destination, out.gain)
    return out


@njit(cache=True, inline="always")
def _learn(s, h, r, seen_q, seen_n, noise_var):  # pragma: no cover - compiled
    gain = _kalman_gain(s.belief_var[h, r], noise_var)
    s.belief_quality[h, r] += gain * (seen_q - s.belief_quality[h, r])
    s.belief_neutrality[h, r] += gain * (seen_n - s.belief_neutrality[h, r])
    s.belief_var[h, r] *= 1.0 - gain


@njit(cache=True, inline="always")
def _utility(s, h, r, m):  # pragma: no cover - compiled
    return _yearly_utility(
        s.value[h],
        s.w_quality[h],
        s.belief_quality[h, r],
        s.w_neutrality[h],
        s.belief_neutrality[h, r],
        s.appeal[h, r],
        s.fee_usd[h, r] * m.fee_multiplier[r],
    )


@njit(cache=True, error_model="numpy")
def _learn_all(s, m, registry_of):  # pragma: no cover - compiled
    # beliefs: expected drift, the public benchmark, own experience, one peer's report
    n_registries = m.quality.shape[0]
    public_var = m.public_noise * m.public_noise / 3.0
    own_var = m.own_noise * m.own_noise / 3.0
    peer_var = m.peer_noise * m.peer_noise / 3.0
    drift_var = m.drift_var
    # local copies: the compiler cannot tell that the belief stores leave them alone
    public_q, public_n = m.benchmark_quality.copy(), m.benchmark_neutrality.copy()
    for h in range(s.registry.shape[0]):
        for r in range(n_registries):
            s.belief_var[h, r] += drift_var
            _learn(s, h, r, public_q[r], public_n[r], public_var)
        own = s.registry[h]
        seen_q = m.quality[own] + (2.0 * m.draws[Draw.OWN_QUALITY, h] - 1.0) * m.own_noise
        seen_n = m.neutrality[own] + (2.0 * m.draws[Draw.OWN_NEUTRALITY, h] - 1.0) * m.own_noise
        _learn(s, h, own, seen_q, seen_n, own_var)
        degree = s.peer_start[h + 1] - s.peer_start[h]
        if degree > 0:
            peer = s.peers[s.peer_start[h] + int(m.draws[Draw.PEER_PICK, h] * degree)]
            theirs = registry_of[peer]
            heard_q = m.quality[theirs] + (2.0 * m.draws[Draw.PEER_QUALITY, h] - 1.0) * m.peer_noise
            heard_n = m.neutrality[theirs] + (2.0 * m.draws[Draw.PEER_NEUTRALITY, h] - 1.0) * m.peer_noise
            _learn(s, h, theirs, heard_q, heard_n, peer_var)


@njit(cache=True, error_model="numpy")
def _choose(s, m, costs, reviewers, action, destination, best_values):  # pragma: no cover - compiled
    # the choice of each reviewer (no move pending): the best allowed move, then move / voice / stay
    n_registries = m.quality.shape[0]
    for h in reviewers:
        own = s.registry[h]
        value = s.value[h]
        here = _utility(s, h, own, m)
        staying = value * m.loyalty_weight * s.loyalty[h]
        waiting = value * s.w_quality[h] * m.waiting_service_gap * m.porting_delay / 12.0
        best, best_value = NO_MOVE, -np.inf
        for r in range(n_registries):
            one_off = costs[s.kind[h], own, r]
            if r == own or not m.accepting[r] or one_off == np.inf:
                continue
            spread = _belief_spread(
                value, s.w_quality[h], s.w_neutrality[h], s.belief_var[h, own], s.belief_var[h, r]
            )
            worth = _move_value(
                _utility(s, h, r, m) - here - staying,
                spread,
                s.size_factor[h] * one_off + waiting,
                m.present_value,
                m.approval_odds,
                m.evidence_z,
            )
            if worth > best_value:
                best, best_value = r, worth
        destination[h] = best
        best_values[h] = best_value
        if m.step - s.moved_at[h] >= m.hold_period and best_value > 0.0:
            action[h] = Action.MOVE
            continue
        weight = s.w_quality[h] + s.w_neutrality[h]
        if weight > 0.0:
            seen = (
                s.w_quality[h] * s.belief_quality[h, own] + s.w_neutrality[h] * s.belief_neutrality[h, own]
            ) / weight
            shortfall = m.aspiration - seen
            chance = m.voice_propensity * (m.voice_base + s.loyalty[h]) * shortfall
            if shortfall > 0.0 and m.draws[Draw.VOICE, h] < chance:
                action[h] = Action.VOICE


def credible_threat_all(s: HolderState, m: Month, costs: np.ndarray, priors: MemberPriors) -> np.ndarray:
    """`agents.registry.credible_threat`, compiled: the same estimate in one pass over the members.

    The readable form is the specification; `tests/test_registry_rules.py` checks that both
    agree (to rounding: the normal distribution function is computed with `math.erfc` here
    and scipy's `ndtr` there). The model runs this one under both engines.
    """
    n_registries = len(m.quality)
    return _threat(
        s.columns(),
        m,
        costs,
        n_registries,
        priors.w_quality,
        priors.w_neutrality,
        priors.loyalty_weight * priors.loyalty,
        priors.friction,
        priors.uncertainty,
        priors.margin,
    )


MEMO_SIZE = 1 << 15  # slots of the threat's memo (two 256 KiB tables: they stay in cache)
GOLDEN = 0x9E3779B97F4A7C15  # Fibonacci hashing's multiplier (2^64 / golden ratio)


@njit(cache=True, inline="always")
def _band(z, shift, memo_z, memo_band):  # pragma: no cover - compiled
    # P(z <= Z < z + shift), Z standard normal: two erfc calls, most of the threat's cost. Members
    # of the same holding, kind and registry have the very same z, so the month's values are
    # kept in a direct-mapped memo (power-of-two size) keyed on z itself: a hit returns the
    # number a miss computes. NaN and huge z are computed and never kept.
    if not abs(z) < 1e6:
        return 0.5 * math.erfc(-(z + shift) / SQRT2) - 0.5 * math.erfc(-z / SQRT2)
    mixed = np.uint64(np.int64(z * 1048576.0)) * np.uint64(GOLDEN)
    slot = (mixed >> np.uint64(32)) & np.uint64(memo_z.shape[0] - 1)
    if memo_z[slot] == z:
        return memo_band[slot]
    band = 0.5 * math.erfc(-(z + shift) / SQRT2) - 0.5 * math.erfc(-z / SQRT2)
    memo_z[slot], memo_band[slot] = z, band
    return band


@njit(cache=True, error_model="numpy")
def _threat(s, m, costs, n_registries, w_q, w_n, loyal, friction, uncertainty, margin):  # pragma: no cover
    fees = np.zeros(n_registries)
    at_stake = np.zeros(n_registries)
    shift = w_q * margin / uncertainty
    memo_z, memo_band = np.full(MEMO_SIZE, np.nan), np.empty(MEMO_SIZE)
    # public standing gained by a move here -> r for a member from `home`, index points a year
    gained = np.zeros((n_registries, n_registries, n_registries))
    for home in range(n_registries):
        for here in range(n_registries):
            away_here = friction if here != home else 0.0
            standing_here = w_q * m.quality[here] + w_n * m.neutrality[here]
            for r in range(n_registries):
                standing = w_q * m.quality[r] + w_n * m.neutrality[r]
                away = friction if r != home else 0.0
                gained[home, here, r] = standing - standing_here - away + away_here - loyal
    for h in range(s.registry.shape[0]):
        here = s.registry[h]
        fees[here] += s.paid_usd[h]
        value = s.value[h]
        scale = m.approval_odds * m.present_value * value * uncertainty
        if not scale > 0.0:
            continue
        fee_here = s.paid_usd[h] * m.fee_multiplier[here]
        waiting = value * w_q * m.waiting_service_gap * m.porting_delay / 12.0
        best = -np.inf
        for r in range(n_registries):
            one_off = costs[s.kind[h], here, r]
            if not m.accepting[r] or one_off == np.inf:
                continue
            yearly = value * gained[s.home[h], here, r] - (s.fee_usd[h, r] * m.fee_multiplier[r] - fee_here)
            worth = m.approval_odds * m.present_value * yearly - (s.size_factor[h] * one_off + waiting)
            if worth > best:
                best = worth
        if best == -np.inf:
            continue
        at_stake[here] += s.paid_usd[h] * _band(best / scale, shift, memo_z, memo_band)
    out = np.zeros(n_registries)
    for r in range(n_registries):
        if fees[r] > 0.0:
            out[r] = at_stake[r] / fees[r]
    return out


def market_orders_all(s: HolderState, t: MarketTerms) -> tuple[Orders, Orders]:
    """`market.buy_orders` and `market.sell_orders`, compiled as one pass over the holders.

    The same arithmetic in the same order; `tests/test_market.py` checks that both give the
    same orders on whole model states.
    """
    bid_h, bid_q, offer_h, offer_q = _orders(
        s.need, s.ipv4, s.registry, s.home, s.pending_destination, s.received_at, s.wtp, s.reserve, t
    )
    return Orders(bid_h, bid_q), Orders(offer_h, offer_q)


@njit(cache=True, inline="always")
def _wanted(need, factor):  # pragma: no cover - compiled
    return max(1, math.ceil(need * factor - 1e-9))


@njit(cache=True)
def _orders(need, ipv4, registry, home, pending, received_at, wtp, reserve, t):  # pragma: no cover
    n = need.shape[0]
    bid_h = np.empty(n, dtype=np.int64)
    bid_q = np.empty(n, dtype=np.int64)
    offer_h = np.empty(n, dtype=np.int64)
    offer_q = np.empty(n, dtype=np.int64)
    n_bids = n_offers = 0
    for h in range(n):
        here = registry[h]
        if pending[h] != NO_MOVE or not t.processing[here]:
            continue
        wanted = _wanted(need[h], t.ahead[h])
        if wanted > ipv4[h]:
            blocks = wanted - ipv4[h]
            if t.needs_months[here] > 0:
                blocks = min(blocks, max(0, _wanted(need[h], t.ahead_tested[h]) - ipv4[h]))
            if t.in_region[here] and home[h] != here:
                blocks = 0
            if blocks > 0:
                premium = 1.0 + t.small_block_premium / math.sqrt(blocks)
                cost = t.price * premium + t.transfer_fee[here] / (ADDRESSES * blocks)
                if cost <= wtp[h]:
                    bid_h[n_bids] = h
                    bid_q[n_bids] = blocks
                    n_bids += 1
            continue
        # only a holder that reviews its space offers any; tested first, as it rarely passes
        # (the tests below are coin flips to the processor's branch predictor)
        if not t.review[h]:
            continue
        # a seller keeps room for growth but does not sell ahead of a shrinking need
        keep = wanted if t.rate[h] >= 0.0 else _wanted(need[h], 1.0)
        if keep < ipv4[h] and t.step - received_at[h] >= t.hold_months[here]:
            blocks = ipv4[h] - keep
            if t.price - t.deaggregation_cost / (ADDRESSES * blocks) >= reserve[h]:
                offer_h[n_offers] = h
                offer_q[n_offers] = blocks
                n_offers += 1
    return bid_h[:n_bids], bid_q[:n_bids], offer_h[:n_offers], offer_q[:n_offers]


@njit(cache=True)
def registry_totals(registry, ipv4, asn, paid, action, n_registries):  # pragma: no cover - compiled
    """Per registry, in one pass: members, IPv4 (/24s), ASNs, yearly fees (USD), members voicing.

    The sums run in holder order, as `np.bincount` adds its weights, so they are the same
    numbers; `tests/test_market.py` checks it.
    """
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


@njit(cache=True)
def utility_here_all(s, quality, neutrality, multiplier, gap):  # pragma: no cover - compiled
    """Each holder's `yearly_utility` at its registry by the truth, less `gap` while a move is pending.

    `s`: `HolderState.columns()`; `model.reporters.holder_utility` calls it. Element by
    element the numpy expression it replaced, in one pass instead of a dozen;
    `tests/test_kernel_equivalence.py` checks both agree exactly.
    """
    out = np.empty(s.registry.shape[0])
    for h in range(s.registry.shape[0]):
        r = s.registry[h]
        waiting = gap * (1.0 if s.pending_destination[h] != NO_MOVE else 0.0)
        out[h] = _yearly_utility(
            s.value[h],
            s.w_quality[h],
            quality[r] - waiting,
            s.w_neutrality[h],
            neutrality[r],
            s.appeal_here[h],
            s.paid_usd[h] * multiplier[r],
        )
    return out
