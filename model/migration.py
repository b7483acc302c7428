"""Moving a registration: requests join a queue; when due, the regime settles them.

Settlement of a due request: it completes with probability approval_odds x (1 - obstruction
x (1 - neutrality of the releasing registry)); otherwise it was obstructed or refused.
A completed move changes the holder's registry and all of its resources go with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.state import NO_MOVE, Action, Decisions, Draw, HolderState, Month

__all__ = ["Settlement", "request_moves", "settle_moves"]


@dataclass
class Settlement:
    """What the regime did with the requests that fell due this month."""

    holders: np.ndarray  # ids of holders that moved
    origins: np.ndarray
    destinations: np.ndarray
    obstructed: np.ndarray  # releasing registry of each obstructed request
    refused: int


def request_moves(s: HolderState, decisions: Decisions, month: Month) -> int:
    """Queue every MOVE decision; due after the regime's delay (rounded to whole months)."""
    movers = np.flatnonzero(decisions.action == Action.MOVE)
    s.pending_destination[movers] = decisions.destination[movers]
    s.pending_due[movers] = month.step + round(month.porting_delay)
    return int(movers.size)


def settle_moves(s: HolderState, month: Month, neutrality: np.ndarray, obstruction: float) -> Settlement:
    """Settle every request due by now: move, obstruct or refuse."""
    due = np.flatnonzero((s.pending_destination != NO_MOVE) & (s.pending_due <= month.step))
    origins = s.registry[due]
    destinations = s.pending_destination[due]
    u = month.draws[Draw.SETTLEMENT, due]
    completes = month.approval_odds * (1.0 - obstruction * (1.0 - neutrality[origins]))
    moved = u < completes
    blocked = ~moved & (u < month.approval_odds)
    movers = due[moved]
    s.registry[movers] = destinations[moved]
    s.imported[movers] = True
    s.moved_at[movers] = month.step
    s.pending_destination[due] = NO_MOVE
    s.refresh(movers)
    return Settlement(
        holders=movers,
        origins=origins[moved],
        destinations=destinations[moved],
        obstructed=origins[blocked],
        refused=int(due.size - movers.size - np.count_nonzero(blocked)),
    )
