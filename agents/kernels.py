"""The holders' rule as one compiled pass over the holder arrays: what the model runs.

`agents.holder` is the specification, written per agent in plain Python. This module
runs the same rule for every holder in one numba-compiled loop: the same operations in the
same order (numba, without fastmath, fuses no multiply-adds), so the floating-point results
are identical; `tests/test_kernel_equivalence.py` proves it on whole runs. The per-pair parts
of the rule (may this holder move origin -> destination, at what one-off cost) are tabulated
by calling `agents.holder`'s own functions, so they are written once.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from agents.holder import may_move, one_off_cost
from agents.state import NO_MOVE, Action, Decisions, Draw, HolderState, Month

__all__ = ["decide_all", "exit_cost_table"]


def exit_cost_table(m: Month) -> np.ndarray:
    """One-off cost of every move for every kind of holder; +inf where the regime forbids it.

    Indexed [kind, origin, destination] with kind = 4 x eligible + 2 x holds_asn + holds_ipv6.
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
    """`holder.update_beliefs` then `holder.decide` for every holder; `costs` = `exit_cost_table(m)`."""
    out = Decisions.empty(s.size)
    _month(
        s.registry,
        s.home,
        s.asn,
        s.ipv6,
        s.legacy,
        s.imported,
        s.w_quality,
        s.w_neutrality,
        s.loyalty,
        s.weighted_fee,
        s.fixed_appeal,
        s.size_cost,
        s.belief_quality,
        s.belief_neutrality,
        s.pending_destination,
        s.moved_at,
        s.peer_start,
        s.peers,
        m.quality,
        m.neutrality,
        m.fee_multiplier,
        m.review,
        m.draws,
        costs,
        m.step,
        m.hold_period,
        1.0 - m.public_weight,
        m.public_weight,
        m.learning_rate,
        m.peer_weight,
        m.noise_amplitude,
        m.waiting_cost * m.porting_delay,
        m.approval_odds,
        m.loyalty_weight,
        m.threat_margin,
        m.aspiration,
        m.voice_propensity,
        out.action,
        out.destination,
        out.threat,
    )
    return out


@njit(cache=True)
def _month(
    registry,
    home,
    asn,
    ipv6,
    legacy,
    imported,
    w_quality,
    w_neutrality,
    loyalty,
    weighted_fee,
    fixed_appeal,
    size_cost,
    belief_q,
    belief_n,
    pending,
    moved_at,
    peer_start,
    peers,
    quality,
    neutrality,
    fee_multiplier,
    review,
    draws,
    costs,
    step,
    hold_period,
    keep,
    public_weight,
    learning_rate,
    peer_weight,
    noise_amplitude,
    waiting,
    approval_odds,
    loyalty_weight,
    threat_margin,
    aspiration,
    voice_propensity,
    action,
    destination,
    threat,
):  # pragma: no cover - compiled; covered through the equivalence tests
    n_registries = quality.shape[0]
    for h in range(registry.shape[0]):
        # beliefs: public signal, own experience, one peer's report
        for r in range(n_registries):
            belief_q[h, r] = belief_q[h, r] * keep + public_weight * quality[r]
            belief_n[h, r] = belief_n[h, r] * keep + public_weight * neutrality[r]
        own = registry[h]
        seen_q = quality[own] + (2.0 * draws[2, h] - 1.0) * noise_amplitude
        seen_n = neutrality[own] + (2.0 * draws[3, h] - 1.0) * noise_amplitude
        belief_q[h, own] += learning_rate * (seen_q - belief_q[h, own])
        belief_n[h, own] += learning_rate * (seen_n - belief_n[h, own])
        degree = peer_start[h + 1] - peer_start[h]
        if degree > 0:
            peer = peers[peer_start[h] + int(draws[4, h] * degree)]
            theirs = registry[peer]
            heard_q = quality[theirs] + (2.0 * draws[5, h] - 1.0) * noise_amplitude
            heard_n = neutrality[theirs] + (2.0 * draws[6, h] - 1.0) * noise_amplitude
            belief_q[h, theirs] += peer_weight * (heard_q - belief_q[h, theirs])
            belief_n[h, theirs] += peer_weight * (heard_n - belief_n[h, theirs])

        # the choice: best allowed move, threat, then move / voice / stay
        here = (
            w_quality[h] * belief_q[h, own]
            + w_neutrality[h] * belief_n[h, own]
            - weighted_fee[h, own] * fee_multiplier[own]
            + fixed_appeal[h, own]
        )
        kind = 4 * (legacy[h] or imported[h]) + 2 * (asn[h] > 0) + (ipv6[h] > 0)
        best, best_gain = NO_MOVE, -np.inf
        for r in range(n_registries):
            one_off = costs[kind, own, r]
            if r == own or one_off == np.inf:
                continue
            cost = size_cost[h] * one_off
            cost += waiting
            u = (
                w_quality[h] * belief_q[h, r]
                + w_neutrality[h] * belief_n[h, r]
                - weighted_fee[h, r] * fee_multiplier[r]
                + fixed_appeal[h, r]
            )
            gain = approval_odds * (u - here) - cost
            if gain > best_gain:
                best, best_gain = r, gain
        destination[h] = best
        can_exit = pending[h] == NO_MOVE and step - moved_at[h] >= hold_period
        threshold = loyalty_weight * loyalty[h]
        threat[h] = can_exit and best_gain > threshold - threat_margin
        if not review[h] or pending[h] != NO_MOVE:
            continue
        if can_exit and best_gain > threshold:
            action[h] = 2  # Action.MOVE
            continue
        weight = w_quality[h] + w_neutrality[h]
        if weight > 0.0:
            seen = (w_quality[h] * belief_q[h, own] + w_neutrality[h] * belief_n[h, own]) / weight
            shortfall = aspiration - seen
            chance = voice_propensity * (0.5 + loyalty[h]) * shortfall
            if shortfall > 0.0 and draws[1, h] < chance:
                action[h] = 1  # Action.VOICE


# the compiled loop names rows and actions by number: keep them in step with the enums
assert (Draw.VOICE, Draw.OWN_QUALITY, Draw.OWN_NEUTRALITY, Draw.PEER_PICK) == (1, 2, 3, 4)
assert (Draw.PEER_QUALITY, Draw.PEER_NEUTRALITY, Action.VOICE, Action.MOVE) == (5, 6, 1, 2)
