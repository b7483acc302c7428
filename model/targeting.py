"""Who a targeting event singles out, and which disputed holders are in the right (built once).

A targeting event (`GovernanceEvent.targets`) names a registry and a group of its members at
the start: its `disputed` holders, a `faction` (members in a random order until
`targeted_share` of its IPv4) or its `largest` holders (until the same share). Every
targeted member not already disputed joins the disputes, in the right (the registry's claim
against it is the abuse); of the holders disputed anyway a share `disputed_in_right` is in
the right. Draws come from the targeting stream, so the other streams are untouched.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from agents.enforcement import mark_group
from model.params import GovernanceEvent, Params

__all__ = ["Targets", "targets"]


class Targets:
    """The targeted members (a bool per holder) and the disputes with who is in the right."""

    def __init__(self, targeted: np.ndarray, disputed: np.ndarray, in_right: np.ndarray) -> None:
        """`disputed`: holder ids (sorted), `in_right`: a bool per disputed holder."""
        self.targeted = targeted
        self.disputed = disputed
        self.in_right = in_right


def targets(
    registry: np.ndarray,
    ipv4: np.ndarray,
    disputed: np.ndarray,
    events: Sequence[GovernanceEvent],
    names: Sequence[str],
    p: Params,
    rng: np.random.Generator,
) -> Targets:
    """The groups the run's targeting events single out, and the disputes they add (see above)."""
    n = registry.size
    in_right = rng.random(disputed.size) < p.disputed_in_right
    faction_order = rng.permutation(n)
    by_size = np.lexsort((np.arange(n), -ipv4))  # largest first, ties by id
    targeted = np.zeros(n, dtype=bool)
    for event in events:
        if event.targets is None:
            continue
        r = names.index(event.registry)
        if event.targets == "disputed":
            group = disputed[registry[disputed] == r]
        else:
            order = faction_order if event.targets == "faction" else by_size
            group = mark_group(registry, ipv4, p.targeted_share, order, r)
        targeted[group] = True
    added = np.setdiff1d(np.flatnonzero(targeted), disputed)
    holders = np.concatenate([disputed, added])
    right = np.concatenate([in_right, np.ones(added.size, dtype=bool)])
    order = np.argsort(holders, kind="stable")
    return Targets(targeted, holders[order], right[order])
