"""Every run's seed, drawn up front from one root seed in a fixed order.

One `numpy.random.SeedSequence(root)` tree: the branch `(0,)` seeds the runs, the branch
`(1,)` seeds the design's sampler. Policy `common`: replicate r has the same seed at every
design point, so conditions are compared in pairs (common random numbers; the model keeps
population, graph and governance events equal for equal seeds). Policy `independent`: every
run has its own stream, in design-point-major order. Policy `paired`: common across the named
conditions only: the same design point under each condition has the same seeds, and every
point of a condition has its own (a projection's worlds, each run under every option). The
seeds depend only on the spec, never on the executor or the number of workers.
"""

from __future__ import annotations

import numpy as np

__all__ = ["run_seeds", "sampler_seed"]

RUNS, SAMPLER = 0, 1


def run_seeds(root: int, n_points: int, replications: int, policy: str, conditions: int = 1) -> np.ndarray:
    """Seeds as a (design points, replications) array of Python-int-safe integers.

    `conditions`: how many named conditions the points are crossed with (the outermost
    factor of the design, so point i of condition c is row c * n_points / conditions + i).
    """
    branch = np.random.SeedSequence(root, spawn_key=(RUNS,))
    if policy == "common":
        per_replicate = [int(child.generate_state(1)[0]) for child in branch.spawn(replications)]
        return np.tile(np.array(per_replicate, dtype=np.int64), (n_points, 1))
    if policy == "paired":
        return np.tile(run_seeds(root, n_points // conditions, replications, "independent"), (conditions, 1))
    children = branch.spawn(n_points * replications)
    seeds = [int(child.generate_state(1)[0]) for child in children]
    return np.array(seeds, dtype=np.int64).reshape(n_points, replications)


def sampler_seed(root: int) -> int:
    """The seed of the design's sampler (LHS, Sobol, Morris)."""
    return int(np.random.SeedSequence(root, spawn_key=(SAMPLER,)).generate_state(1)[0])
