"""Keeping a sample's top in proportion: no holder above a cap, the top's total kept."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["cap_holdings"]


def cap_holdings(blocks: np.ndarray, cap: float, top_share: float = 0.01) -> np.ndarray:
    """Holdings with none above `cap` and the same total, the excess kept at the top.

    Water-filling: cut every holding above the cap and give the excess to the other
    holdings of the top percentile (`top_share` of holders, at least one) in proportion to
    their size; when all of them are at the cap, to the top 2%, 4%, ... So the top of the
    distribution keeps its total as far as the count of holders allows.
    """
    order = np.argsort(-blocks, kind="stable")
    held = blocks[order].astype(float)
    top = max(1, math.ceil(top_share * held.size))
    excess = 0.0
    for _ in range(4 * held.size):
        over = held > cap
        excess += float((held[over] - cap).sum())
        held[over] = cap
        if excess <= 0.0:
            break
        room = held[:top] < cap
        if not room.any():
            if top == held.size:
                break  # everyone is at the cap: the cap cannot be kept (n x cap < total)
            top = min(held.size, 2 * top)
            continue
        receivers = held[:top][room]
        held[:top][room] = receivers + excess * receivers / receivers.sum()
        excess = 0.0
    capped = np.empty_like(held)
    capped[order] = held
    return capped
