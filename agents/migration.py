"""Who reviews, and what happens to a move request: it joins the releasing registry's queue.

Each month a holder reviews its registration with chance `review_rate`, and every member of
a registry whose status just changed reviews (`who_reviews`); a reviewer may request a move
(`agents.holder.decide`). A request falls due after the regime's porting delay. The
releasing registry processes due requests first come, first served, up to its release
capacity this month
(`RegistryAgent.release_slots`); the rest wait in its queue (and the holder goes on losing
service while it waits). A processed request completes with probability
approval_odds x (1 - obstruction x (1 - neutrality of the releasing registry)); otherwise it
was obstructed or refused. A request to a registry that has closed meanwhile is refused. A
completed move changes the holder's registry and all of its resources go with it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from agents.state import NO_MOVE, Action, Decisions, Draw, HolderState, Month

__all__ = [
    "REASONS",
    "Settlement",
    "admitted",
    "classify_reasons",
    "exit_reasons",
    "request_moves",
    "settle_moves",
    "who_reviews",
]

#: why a member moves: the largest part of its believed yearly gain (codes of `exit_reasons`)
REASONS = ("quality", "taste", "fees")


@dataclass
class Settlement:
    """What the regime did with the requests processed this month."""

    holders: np.ndarray  # ids of holders that moved
    origins: np.ndarray
    destinations: np.ndarray
    obstructed: np.ndarray  # releasing registry of each obstructed request
    refused: int
    processed: np.ndarray  # (R,) requests each registry processed (they used its capacity)
    queue: np.ndarray  # (R,) requests due but still waiting for the releasing registry
    reasons: np.ndarray  # why each mover left (`REASONS` codes, as it saw its gain when released)


def who_reviews(
    draw: np.ndarray, review_rate: float, status_changed: np.ndarray, registry: np.ndarray
) -> np.ndarray:
    """(n,) bool: holders reviewing this month: a draw below `review_rate`, or a registry that changed.

    `draw`: each holder's uniform for the month (`Draw.REVIEW`); `status_changed`: (R,) bool,
    the registry's status changed this month (all its members then review).
    """
    return (draw < review_rate) | status_changed[registry]


def admitted(s: HolderState, h: int, origin: int, destination: int, m: Month) -> bool:
    """Whether the transfer rules let holder h move its registration origin -> destination.

    Where the regime has conditions (today's inter-RIR transfers), a registration move must
    pass what a real inter-RIR transfer of all the holder's space must pass:
    - a presence in the destination's region, where that registry admits only such members
      (ARIN's "real and substantial connection", LACNIC's and AFRINIC's in-region rules);
    - the origin's holding period: nothing received within it;
    - the destination's needs test: the holder needs its whole holding within the test's
      window, its need growing at its own rate (idle space cannot be justified);
    - where only the origin is needs-based, the destination's counterpart rule: the holder
      plans to use `counterpart_share` of its holding within `counterpart_months`.
    Mandatory portability lifts them all.
    """
    if not m.conditions:
        return True
    if m.presence_required[destination] and not s.presence[h, destination]:
        return False
    if m.step - s.received_at[h] < m.hold_months[origin]:
        return False
    holding = s.ipv4[h]
    if m.needs_months[destination] > 0:
        return s.need[h] * math.exp(s.growth[h] * m.needs_months[destination] / 12.0) >= holding - 1e-9
    if m.needs_months[origin] > 0 and m.counterpart_share[destination] > 0:
        ahead = s.need[h] * math.exp(s.growth[h] * m.counterpart_months[destination] / 12.0)
        return ahead >= m.counterpart_share[destination] * holding - 1e-9
    return True


def exit_reasons(s: HolderState, m: Month, holders: np.ndarray, destinations: np.ndarray) -> np.ndarray:
    """Why these holders move to these destinations: the largest part of their believed yearly gain.

    The gain splits into quality and neutrality (beliefs), taste and friction (fixed appeal)
    and fees; the code is that part's index in `REASONS`.
    """
    h = holders
    here, there = s.registry[h], destinations
    beliefs = s.value[h] * (
        s.w_quality[h] * (s.belief_quality[h, there] - s.belief_quality[h, here])
        + s.w_neutrality[h] * (s.belief_neutrality[h, there] - s.belief_neutrality[h, here])
    )
    taste = s.value[h] * (s.appeal[h, there] - s.appeal[h, here])
    fees = s.fee_usd[h, here] * m.fee_multiplier[here] - s.fee_usd[h, there] * m.fee_multiplier[there]
    if h.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.argmax(np.stack([beliefs, taste, fees]), axis=0)


def classify_reasons(reasons: np.ndarray, accuracy: float, u: np.ndarray) -> np.ndarray:
    """The reasons a releasing registry records: right with chance `accuracy`, else one of the others.

    Registries learn why members leave from transfer requests and exit surveys, imperfectly;
    `u`: a uniform per mover.
    """
    wrong = u >= accuracy
    # where it errs, the rest of the draw picks which of the two other reasons it records
    other = 1 + ((u - accuracy) >= 0.5 * (1.0 - accuracy)).astype(np.int64)
    return np.where(wrong, (reasons + other) % len(REASONS), reasons)


def request_moves(s: HolderState, decisions: Decisions, month: Month) -> int:
    """Queue every MOVE decision; due after the regime's delay (rounded to whole months)."""
    movers = np.flatnonzero(decisions.action == Action.MOVE)
    s.pending_destination[movers] = decisions.destination[movers]
    s.pending_due[movers] = month.step + round(month.porting_delay)
    return int(movers.size)


def settle_moves(s: HolderState, month: Month, slots: np.ndarray, obstruction: float) -> Settlement:
    """Process due requests, oldest first, up to each releasing registry's `slots`: move, obstruct, refuse.

    A release completes with the regime's approval odds, less what a partial registry
    obstructs (`obstruction` x (1 - neutrality)) and, for a targeted member, what a registry
    singling out its group denies (`Month.denial`); an obstructed or denied request lapses.
    """
    n_registries = slots.size
    due = np.flatnonzero((s.pending_destination != NO_MOVE) & (s.pending_due <= month.step))
    origin_of_due = s.registry[due]
    order = np.lexsort((due, s.pending_due[due], origin_of_due))  # by origin, then age, then id
    due, origin_of_due = due[order], origin_of_due[order]
    first = np.searchsorted(origin_of_due, np.arange(n_registries))
    rank = np.arange(due.size) - first[origin_of_due]
    processed_mask = rank < slots[origin_of_due]
    waiting = np.bincount(origin_of_due[~processed_mask], minlength=n_registries)
    taken = due[processed_mask]
    origins = s.registry[taken]
    destinations = s.pending_destination[taken]
    u = month.draws[Draw.SETTLEMENT, taken]
    completes = month.approval_odds * (1.0 - obstruction * (1.0 - month.neutrality[origins]))
    # a registry singling out a group refuses its members' releases: denied, they must ask again
    completes *= 1.0 - month.denial[origins] * s.targeted[taken]
    moved = (u < completes) & month.accepting[destinations]
    blocked = ~moved & (u < month.approval_odds) & month.accepting[destinations]
    movers = taken[moved]
    reasons = exit_reasons(s, month, movers, destinations[moved])
    s.registry[movers] = destinations[moved]
    s.imported[movers] = True
    s.moved_at[movers] = month.step
    s.moves[movers] += 1
    s.pending_destination[taken] = NO_MOVE
    s.refresh(movers)
    return Settlement(
        holders=movers,
        origins=origins[moved],
        destinations=destinations[moved],
        obstructed=origins[blocked],
        refused=int(taken.size - movers.size - np.count_nonzero(blocked)),
        processed=np.bincount(origins, minlength=n_registries),
        queue=waiting,
        reasons=reasons,
    )
