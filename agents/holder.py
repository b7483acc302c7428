"""A resource holder (a network): its beliefs and its monthly choice, written plainly.

This module is the specification of the holders' rule. The model runs the same rule
batched over arrays (`agents.kernels`); a test proves both give the same decisions on the
same draws. Read this one to learn the rule.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mesa.discrete_space import CellAgent

from agents.state import ALLOWED, ELIGIBLE_ONLY, NO_MOVE, Action, Draw, HolderState, Month

if TYPE_CHECKING:
    from mesa import Model
    from mesa.discrete_space import Cell

__all__ = ["NetworkAgent", "decide", "may_move", "one_off_cost", "update_beliefs", "utility"]


class NetworkAgent(CellAgent):
    """A resource holder on the peering graph; a view onto row `index` of the holder arrays."""

    def __init__(self, model: Model, index: int, cell: Cell) -> None:
        """Attach holder `index` to its node of the peering graph."""
        super().__init__(model)
        self.index = index
        self.cell = cell

    @property
    def state(self) -> HolderState:
        """The arrays this agent is a view onto."""
        return self.model.holders  # type: ignore[attr-defined]

    @property
    def registry(self) -> int:
        """Index of the registry the holder is registered with now."""
        return int(self.state.registry[self.index])

    @property
    def ipv4(self) -> int:
        """IPv4 held, in /24 blocks."""
        return int(self.state.ipv4[self.index])

    def step(self) -> None:
        """The per-agent path: update beliefs, then decide (the model settles the moves)."""
        month: Month = self.model.month  # type: ignore[attr-defined]
        update_beliefs(self.state, self.index, month)
        action, destination, threat = decide(self.state, self.index, month)
        decisions = self.model.decisions  # type: ignore[attr-defined]
        decisions.action[self.index] = action
        decisions.destination[self.index] = destination
        decisions.threat[self.index] = threat


def update_beliefs(s: HolderState, h: int, m: Month) -> None:
    """Beliefs move toward what the holder hears: the public signal, its own experience, a peer.

    Each is a partial adjustment, belief = (1 - weight) x belief + weight x observation, so
    beliefs lag reality. One peer a month (drawn from the holder's neighbours on the peering
    graph) reports on its own registry. Observations carry uniform noise.
    """
    bq, bn = s.belief_quality[h], s.belief_neutrality[h]
    keep = 1.0 - m.public_weight
    for r in range(len(m.quality)):
        bq[r] = bq[r] * keep + m.public_weight * m.quality[r]
        bn[r] = bn[r] * keep + m.public_weight * m.neutrality[r]
    own = s.registry[h]
    seen_q = m.quality[own] + (2.0 * m.draws[Draw.OWN_QUALITY, h] - 1.0) * m.noise_amplitude
    seen_n = m.neutrality[own] + (2.0 * m.draws[Draw.OWN_NEUTRALITY, h] - 1.0) * m.noise_amplitude
    bq[own] += m.learning_rate * (seen_q - bq[own])
    bn[own] += m.learning_rate * (seen_n - bn[own])
    degree = s.peer_start[h + 1] - s.peer_start[h]
    if degree > 0:
        peer = s.peers[s.peer_start[h] + int(m.draws[Draw.PEER_PICK, h] * degree)]
        theirs = s.registry[peer]
        heard_q = m.quality[theirs] + (2.0 * m.draws[Draw.PEER_QUALITY, h] - 1.0) * m.noise_amplitude
        heard_n = m.neutrality[theirs] + (2.0 * m.draws[Draw.PEER_NEUTRALITY, h] - 1.0) * m.noise_amplitude
        bq[theirs] += m.peer_weight * (heard_q - bq[theirs])
        bn[theirs] += m.peer_weight * (heard_n - bn[theirs])


def utility(s: HolderState, h: int, r: int, m: Month) -> float:
    """How good registry r looks to holder h.

    Weighted believed quality and neutrality, less the weighted fee (a share of the holding's
    market value, times the registry's cost-recovery multiplier), plus the holder's fixed
    appeal of r (its taste, less the regime's out-of-region friction when r is not home).
    """
    return (
        s.w_quality[h] * s.belief_quality[h, r]
        + s.w_neutrality[h] * s.belief_neutrality[h, r]
        - s.weighted_fee[h, r] * m.fee_multiplier[r]
        + s.fixed_appeal[h, r]
    )


def may_move(origin: int, destination: int, *, eligible: bool, holds_asn: bool, m: Month) -> bool:
    """The regime lets this holder's IPv4 (and ASNs, if it holds any) go origin -> destination.

    `eligible`: the holder's space is legacy or was imported, which AFRINIC's one-way policy
    lets leave.
    """

    def allowed(rule: int) -> bool:
        return rule == ALLOWED or (rule == ELIGIBLE_ONLY and eligible)

    ipv4_ok = allowed(m.moves_ipv4[origin, destination])
    return ipv4_ok and (not holds_asn or allowed(m.moves_asn[origin, destination]))


def one_off_cost(origin: int, destination: int, *, holds_ipv6: bool, m: Month) -> float:
    """One-off cost of a move for a /22 holder: switching, plus renumbering IPv6 that cannot move."""
    renumber = holds_ipv6 and m.moves_ipv6[origin, destination] != ALLOWED
    return m.switching_cost + (m.ipv6_renumbering_cost if renumber else 0.0)


def decide(s: HolderState, h: int, m: Month) -> tuple[int, int, bool]:
    """Stay, voice, or request a move; and whether the holder is a credible threat of exit.

    The expected gain of moving to r is approval_odds x (U_r - U_current) - cost, where
    cost = size factor x one-off cost + waiting_cost x porting_delay (waiting costs
    something, so slow porting deters). The holder leaves for the best allowed registry
    when that gain beats its loyalty (loyalty_weight x loyalty). It is a *threat* when it
    may leave and the gain is within threat_margin of that. A reviewing holder that does
    not leave voices with a chance that grows with its dissatisfaction and its loyalty
    (Hirschman: loyalty activates voice).
    """
    current = int(s.registry[h])
    can_exit = s.pending_destination[h] == NO_MOVE and m.step - s.moved_at[h] >= m.hold_period
    eligible = bool(s.legacy[h] or s.imported[h])
    here = utility(s, h, current, m)
    best, best_gain = NO_MOVE, -math.inf
    for r in range(len(m.quality)):
        if r == current or not may_move(current, r, eligible=eligible, holds_asn=s.asn[h] > 0, m=m):
            continue
        cost = s.size_cost[h] * one_off_cost(current, r, holds_ipv6=s.ipv6[h] > 0, m=m)
        cost += m.waiting_cost * m.porting_delay
        gain = m.approval_odds * (utility(s, h, r, m) - here) - cost
        if gain > best_gain:
            best, best_gain = r, gain
    threshold = m.loyalty_weight * s.loyalty[h]
    threat = bool(can_exit and best_gain > threshold - m.threat_margin)
    if not m.review[h] or s.pending_destination[h] != NO_MOVE:
        return Action.STAY, best, threat
    if can_exit and best_gain > threshold:
        return Action.MOVE, best, threat
    weight = s.w_quality[h] + s.w_neutrality[h]
    if weight > 0.0:
        seen = (
            s.w_quality[h] * s.belief_quality[h, current]
            + s.w_neutrality[h] * s.belief_neutrality[h, current]
        ) / weight
        shortfall = m.aspiration - seen
        chance = m.voice_propensity * (0.5 + s.loyalty[h]) * shortfall
        if shortfall > 0.0 and m.draws[Draw.VOICE, h] < chance:
            return Action.VOICE, best, threat
    return Action.STAY, best, threat
