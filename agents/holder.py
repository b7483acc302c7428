"""A resource holder (a network): what it believes about each registry and what it does each month.

This module is the holders' rule, written once, per holder, in plain Python:

- `update_beliefs`: every month a holder learns about every registry (a Kalman filter);
- `decide`: a holder that reviews this month stays, voices or requests a move;
- `exit_cost_table`: what a move costs each kind of holder, where the regime allows it.

The per-agent engine runs these functions as they are (`NetworkAgent.step`); the batched
engine runs the very same functions compiled and inlined into one loop over the holders
(`learn_and_decide`, via `agents.compiled`), so both engines give the same numbers by
construction.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from mesa.discrete_space import CellAgent
from numba import njit

from agents.compiled import compiled
from agents.migration import admitted
from agents.state import ALLOWED, ELIGIBLE_ONLY, NO_MOVE, Action, Decisions, Draw, HolderState, Month
from agents.utility import belief_spread, kalman_gain, move_value, yearly_utility

if TYPE_CHECKING:
    from mesa import Model
    from mesa.discrete_space import Cell

__all__ = [
    "NetworkAgent",
    "decide",
    "exit_cost_table",
    "learn_and_decide",
    "may_move",
    "one_off_cost",
    "update_beliefs",
    "utility",
]


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
        s = self.state
        update_beliefs(s, self.index, month, s.registry)
        choice = decide(s, self.index, month, self.model.exit_costs)  # type: ignore[attr-defined]
        decisions: Decisions = self.model.decisions  # type: ignore[attr-defined]
        decisions.action[self.index], decisions.destination[self.index], decisions.gain[self.index] = choice


def update_beliefs(s: HolderState, h: int, m: Month, registry_of: np.ndarray) -> None:
    """Beliefs about every registry, as a Kalman filter: a mean and a variance per registry.

    Each month the holder expects each registry to have drifted (variance + drift_var), then
    learns from the public benchmark of every registry, its own experience of its registry
    and one peer's report on the peer's registry (a peer drawn from its neighbours on the
    peering graph; `registry_of` gives every holder's registry). Each observation is weighted
    by how precise it is against what the holder already knows (`kalman_gain`): noisy
    sources move beliefs little, and with no noise at all beliefs are the truth. Quality and
    neutrality are seen together, so they share one variance.
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
        theirs = registry_of[peer]
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
    """What registry r is worth to holder h by its beliefs, USD a year (`yearly_utility`).

    A targeted member knows what a registry singling out its group withholds from it
    (`Month.harm`): it is the member's own treatment, not a belief about the registry.
    """
    return yearly_utility(
        s.value[h],
        s.w_quality[h],
        s.belief_quality[h, r],
        s.w_neutrality[h],
        s.belief_neutrality[h, r] - m.harm[r] * s.targeted[h],
        s.appeal[h, r],
        s.fee_usd[h, r] * m.fee_multiplier[r],
    )


def decide(s: HolderState, h: int, m: Month, costs: np.ndarray) -> tuple[int, int, float]:
    """Stay, voice, or request a move; returns (action, best allowed destination, its value).

    Only a holder that reviews this month, with no move under way, weighs its options; the
    others stay (destination NO_MOVE, value -inf). `costs` is the regime's one-off cost of
    every move for every kind of holder (`exit_cost_table`: +inf where a move is forbidden);
    a destination must also admit the holder (`agents.migration.admitted`: today's transfer
    rules, where the regime keeps them).

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
    current = s.registry[h]
    value = s.value[h]
    here = utility(s, h, current, m)
    staying = value * m.loyalty_weight * s.loyalty[h]
    waiting = value * s.w_quality[h] * m.waiting_service_gap * m.porting_delay / 12.0
    best, best_value = NO_MOVE, -math.inf
    for r in range(len(m.quality)):
        one_off = costs[s.kind[h], current, r]
        if r == current or not m.accepting[r] or one_off == math.inf or not admitted(s, h, current, r, m):
            continue
        spread = belief_spread(
            value, s.w_quality[h], s.w_neutrality[h], s.belief_var[h, current], s.belief_var[h, r]
        )
        worth = move_value(
            utility(s, h, r, m) - here - staying,
            spread,
            s.size_factor[h] * one_off + waiting,
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
            + s.w_neutrality[h] * (s.belief_neutrality[h, current] - m.harm[current] * s.targeted[h])
        ) / weight
        shortfall = m.aspiration - seen
        chance = m.voice_propensity * (m.voice_base + s.loyalty[h]) * shortfall
        if shortfall > 0.0 and m.draws[Draw.VOICE, h] < chance:
            return Action.VOICE, best, best_value
    return Action.STAY, best, best_value


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


def exit_cost_table(m: Month) -> np.ndarray:
    """One-off cost of every move for every kind of holder (a /22 holder's, USD); +inf where forbidden.

    Indexed [kind, origin, destination] with kind = `HolderState.kind`
    (4 x eligible + 2 x holds_asn + holds_ipv6). The regime's terms are fixed for a run, so
    the table is too.
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


_update_beliefs = compiled(update_beliefs)
_decide = compiled(decide)


@njit(cache=True, error_model="numpy")
def _learn_all(s, m, registry_of):  # pragma: no cover - compiled
    for h in range(s.registry.shape[0]):
        _update_beliefs(s, h, m, registry_of)


@njit(cache=True, error_model="numpy")
def _decide_all(s, m, costs, reviewers, action, destination, gain):  # pragma: no cover - compiled
    for h in reviewers:
        action[h], destination[h], gain[h] = _decide(s, h, m, costs)


def learn_and_decide(s: HolderState, m: Month, costs: np.ndarray) -> Decisions:
    """`update_beliefs` for every holder, then `decide` for the month's reviewers, compiled.

    Two passes: every holder learns, then the month's reviewers choose. A holder's choice
    reads only its own beliefs, so the order of the passes changes no number; it keeps the
    rarely taken, randomly placed branch of the choice out of the learning loop. Peers'
    registries are looked up at random, so they are read from a one-byte copy that stays in
    the processor's cache.
    """
    out = Decisions.empty(s.size)
    columns = s.columns()
    _learn_all(columns, m, s.registry.astype(np.min_scalar_type(len(m.quality))))
    reviewers = np.flatnonzero(m.review & (s.pending_destination == NO_MOVE))
    _decide_all(columns, m, costs, reviewers, out.action, out.destination, out.gain)
    return out
