"""What each holder enjoys at its registry, by the truth: the model's measure of welfare."""

from __future__ import annotations

import numpy as np
from numba import njit

from agents.compiled import compiled
from agents.state import NO_MOVE, HolderColumns
from agents.utility import yearly_utility

__all__ = ["utility_here", "utility_here_all"]


def utility_here(
    s: HolderColumns,
    h: int,
    quality: np.ndarray,
    neutrality: np.ndarray,
    harm: np.ndarray,
    multiplier: np.ndarray,
    gap: float,
) -> float:
    """Holder h's `yearly_utility` at its registry by the true traits, USD a year.

    The fee it pays there (times the registry's multiplier), its fixed appeal there, the
    service `gap` it loses while a move it requested is pending, and the neutrality a
    registry singling out its group withholds from a targeted member (`harm`).
    """
    r = s.registry[h]
    waiting = gap * (1.0 if s.pending_destination[h] != NO_MOVE else 0.0)
    return yearly_utility(
        s.value[h],
        s.w_quality[h],
        quality[r] - waiting,
        s.w_neutrality[h],
        neutrality[r] - harm[r] * s.targeted[h],
        s.appeal_here[h],
        s.paid_usd[h] * multiplier[r],
    )


_utility_here = compiled(utility_here)


@njit(cache=True)
def utility_here_all(s, quality, neutrality, harm, multiplier, gap):  # pragma: no cover - compiled
    """`utility_here` of every holder, in one compiled pass."""
    out = np.empty(s.registry.shape[0])
    for h in range(s.registry.shape[0]):
        out[h] = _utility_here(s, h, quality, neutrality, harm, multiplier, gap)
    return out
