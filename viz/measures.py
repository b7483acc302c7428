"""Measures the app derives from a run's frames, where the model reports none.

Each works on one run (arrays of months x registries) and on many seeds at once (a leading
axis of seeds), so the headline, the summary and the seeds' bands use one definition.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FAILING", "failing", "moved_share", "realised_exit", "stuck_holder_months", "worst_registry"]

#: The statuses that count as failing: as the model's `ipv4_at_risk` (not handed over, not closed).
FAILING = ("degraded", "failed")


def failing(status: np.ndarray) -> np.ndarray:
    """True where a registry's status is degraded or failed."""
    status = np.asarray(status)
    return np.logical_or.reduce([status == s for s in FAILING])  # faster than np.isin on text


def stuck_holder_months(members: np.ndarray, status: np.ndarray) -> np.ndarray:
    """Holder-months at degraded or failed registries, added up from month 0 to each month.

    `members` and `status` have months on the second-to-last axis and registries on the last.
    """
    stuck = np.where(failing(status), members, 0).sum(axis=-1)
    return np.cumsum(stuck, axis=-1)


def moved_share(moves: np.ndarray, holders: np.ndarray) -> np.ndarray:
    """Moves completed so far as a share (%) of the holders each month (months on the last axis)."""
    return 100.0 * np.cumsum(moves, axis=-1) / np.maximum(holders, 1)


def realised_exit(members: np.ndarray, outflow: np.ndarray) -> np.ndarray:
    """Members who left in the last 12 months, as a share of the members 12 months before.

    The window of month t is months t-11..t; it starts with the members at the end of month
    t-12 (month 0 for the first year). Months on the second-to-last axis, registries last.
    """
    members = np.asarray(members, dtype=float)
    total = np.cumsum(np.asarray(outflow, dtype=float), axis=-2)
    before = np.concatenate([np.zeros_like(total[..., :12, :]), total[..., :-12, :]], axis=-2)
    left = total - before[..., : total.shape[-2], :]
    start = np.concatenate([np.repeat(members[..., :1, :], 12, axis=-2), members[..., :-12, :]], axis=-2)[
        ..., : members.shape[-2], :
    ]
    return np.divide(left, start, out=np.zeros_like(left), where=start > 0)


def worst_registry(quality: np.ndarray, members: np.ndarray) -> tuple[float, int]:
    """(quality, index) of the worst registry that still has members (nan, -1 if none has)."""
    quality = np.asarray(quality, dtype=float)
    with_members = np.asarray(members) > 0
    if not with_members.any():
        return float("nan"), -1
    index = int(np.argmin(np.where(with_members, quality, np.inf)))
    return float(quality[index]), index
