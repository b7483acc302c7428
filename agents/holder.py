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
from agents.utility import belief_spread, kalman_gain, move_value, yearly_utility

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
        action, destination, gain = decide(self.state, self.index, month)
        decisions = self.model.decisions  # type: ignore[attr-defined]
        decisions.action[self.index] = action
        decisions.destination[self.index] = destination
        decisions.gain[self.index] = gain


def update_beliefs(s: HolderState, h: int, m: Month) -> None:
    """Beliefs about every registry, as a Kalman filter: a mean and a variance per registry.

    Each month the holder expects each registry to have drifted (variance + drift_var), then
    learns from the public benchmark of every registry, its own experience of its registry
    and one peer's report on the peer's registry (a peer drawn from its neighbours on the
    peering graph). Each observation is weighted by how precise it is against what the
    holder already knows (`kalman_gain`): noisy sources move beliefs little, and with no
    noise at all beliefs are the truth. Quality and neutrality are seen together, so they
    share one variance.
    """
    public_var = m.public_noise * m.public_noise / 3.0
    for r in range(len(m.quality)):
        s.belief_var[h, r] += m.drift_var
        _learn(s, h, r, m.benchmark_quality[r], m.benchmark_neutrality[r], public_var)
    own = s.registry[h]
    seen_q = m.quality[own] + (2.0 * m.draws[Draw.OWN_QUALITY, h] - 1.0) * m.own_noise
    seen_n = m.neutrality[own] + (2.0 * m.draws[Draw.OWN_NEUTRALITY, h] - 1.0) * m.own_noise
    _learn(s, h, own, seen_q, seen_n, m.own_noise * m.own_noise / 3.0)
    degree = s.peer_start[h + 1] - s.peer_start[h]
    if degree > 0:
        peer = s.peers[s.peer_start[h] + int(m.draws[Draw.PEER_PICK, h] * degree)]
        theirs = s.registry[peer]
        heard_q = m.quality[theirs] + (2.0 * m.draws[Draw.PEER_QUALITY, h] - 1.0) * m.peer_noise
        heard_n = m.neutrality[theirs] + (2.0 * m.draws[Draw.PEER_NEUTRALITY, h] - 1.0) * m.peer_noise
        _learn(s, h, theirs, heard_q, heard_n, m.peer_noise * m.peer_noise / 3.0)


def _learn(s: HolderState, h: int, r: int, seen_q: float, seen_n: float, noise_var: float) -> None:
    """One observation of registry r (quality and neutrality together), weighted by its precision."""
    gain = kalman_gain(s.belief_var[h, r], noise_var)
    s.belief_quality[h, r] += gain * (seen_q - s.belief_quality[h, r])
    s.belief_neutrality[h, r] += gain * (seen_n - s.belief_neutrality[h, r])
    s.belief_var[h, r] *= 1.0 - gain


def utility(s: HolderState, h: int, r: int, m: Month) -> float:
    """What registry r is worth to holder h by its beliefs, USD a year (`yearly_utility`)."""
    return yearly_utility(
        s.value[h],
        s.w_quality[h],
        s.belief_quality[h, r],
        s.w_neutrality[h],
        s.belief_neutrality[h, r],
        s.appeal[h, r],
        s.fee_usd[h, r] * m.fee_multiplier[r],
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
    """One-off cost of a move for a /22 holder, USD: switching, plus renumbering IPv6 that cannot move."""
    renumber = holds_ipv6 and m.moves_ipv6[origin, destination] != ALLOWED
    return m.switching_cost + (m.ipv6_renumbering_cost if renumber else 0.0)


def decide(s: HolderState, h: int, m: Month) -> tuple[int, int, float]:
    """Stay, voice, or request a move; returns (action, best allowed destination, its value).

    Only a holder that reviews this month, with no move under way, weighs its options; the
    others stay (destination NO_MOVE, value -inf).

    The value of moving to r (`move_value`, USD) is the approval odds times the present value
    of the credible yearly gain, less one-off costs. The yearly gain is U_r - U_here less
    what loyalty makes staying worth (loyalty_weight x loyalty x value); "credible" means
    less `evidence_z` s.d. of the holder's own uncertainty about that difference, so a
    holder does not leave for a difference its evidence cannot tell from noise. The one-off
    costs are switching (and renumbering IPv6 that cannot move), scaled by the holder's size,
    plus the service lost while the move is pending. A reviewing holder that may leave does
    so when the best value is positive; one that does not leave voices with a chance that
    grows with its dissatisfaction and its loyalty (Hirschman: loyalty activates voice).
    """
    if not m.review[h] or s.pending_destination[h] != NO_MOVE:
        return Action.STAY, NO_MOVE, -math.inf  # only a holder that reviews weighs its options
    current = int(s.registry[h])
    eligible = bool(s.legacy[h] or s.imported[h])
    value = s.value[h]
    here = utility(s, h, current, m)
    staying = value * m.loyalty_weight * s.loyalty[h]
    waiting = value * s.w_quality[h] * m.waiting_service_gap * m.porting_delay / 12.0
    best, best_value = NO_MOVE, -math.inf
    for r in range(len(m.quality)):
        if r == current or not m.accepting[r]:
            continue
        if not may_move(current, r, eligible=eligible, holds_asn=s.asn[h] > 0, m=m):
            continue
        one_off = s.size_factor[h] * one_off_cost(current, r, holds_ipv6=s.ipv6[h] > 0, m=m)
        spread = belief_spread(
            value, s.w_quality[h], s.w_neutrality[h], s.belief_var[h, current], s.belief_var[h, r]
        )
        worth = move_value(
            utility(s, h, r, m) - here - staying,
            spread,
            one_off + waiting,
            m.present_value,
            m.approval_odds,
            m.evidence_z,
        )
        if worth > best_value:
            best, best_value = r, worth
    if m.step - s.moved_at[h] >= m.hold_period and best_value > 0.0:
        return Action.MOVE, best, best_value
    weight = s.w_quality[h] + s.w_neutrality[h]
    if weight > 0.0:
        seen = (
            s.w_quality[h] * s.belief_quality[h, current]
            + s.w_neutrality[h] * s.belief_neutrality[h, current]
        ) / weight
        shortfall = m.aspiration - seen
        chance = m.voice_propensity * (m.voice_base + s.loyalty[h]) * shortfall
        if shortfall > 0.0 and m.draws[Draw.VOICE, h] < chance:
            return Action.VOICE, best, best_value
    return Action.STAY, best, best_value
