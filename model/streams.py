"""The model's random streams: one per concern, all from the run's seed.

Population, peering graph, governance events, the holders' monthly draws and the market
each draw from their own child of `SeedSequence(seed)`, so runs that share a seed share
every stream a change does not touch: the same population, graph and events under every
regime. The remedies' stream is child `REMEDIES_KEY` of the root, far from the first five,
so that adding it changed none of them; the targeting stream (who is in the right, which
faction is singled out) is child `TARGETING_KEY`, for the same reason.
"""

from __future__ import annotations

import numpy as np

__all__ = ["REMEDIES_KEY", "STREAMS", "TARGETING_KEY", "random_streams"]

STREAMS = ("population", "graph", "events", "dynamics", "market")
REMEDIES_KEY = 10
TARGETING_KEY = 11


def random_streams(seed: int) -> dict[str, np.random.Generator]:
    """A generator per concern (`STREAMS`, then "remedies" and "targeting"), each from its own child."""
    children = np.random.SeedSequence(seed).spawn(len(STREAMS))
    streams = {name: np.random.default_rng(child) for name, child in zip(STREAMS, children, strict=True)}
    streams["remedies"] = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(REMEDIES_KEY,)))
    streams["targeting"] = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(TARGETING_KEY,)))
    return streams
