"""New holders joining the registries (yearly cohorts) and the free pools they draw on.

Each January (steps 12, 24, ...) each region gains about `entry_rate` x its holders (those
whose home it is, wherever they are registered now) new holders (stochastic rounding),
registered at the region's registry; a closed registry's region gains none. A new holder has no
IPv4, one ASN, IPv6 as often as the registry's members, and a need for IPv4 drawn around
`entrant_need`. Its registry allocates it up to `pool_max_blocks` from its free pool while
the pool lasts and the registry is not failed (AFRINIC stalled allocations while its
governance failed); the rest it must buy. Its tastes and market traits are drawn as the
first holders' were; it starts believing the latest public benchmark, as sure of it as the
first holders were of theirs, and lists about `mean_degree` peers among the holders already
present (mostly in its region, big holders more often). Incumbents' peer lists are not
changed: entrants listen to the network before the network hears them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from agents.holdings import HoldingTerms, holding_value, size_factor, yearly_fees
from agents.registry import RegistryAgent
from agents.state import NO_MOVE, PEER_ID, HolderState
from model.calibration import Calibration
from model.params import Params
from model.population import _market_traits, _presence, _tastes
from model.space import add_entrants

__all__ = ["ENTRY_MONTH", "Cohort", "Entering", "cohort_sizes", "entrant_state"]

ENTRY_MONTH = 12  # entrants join once a model year, in its first month


@dataclass
class Cohort:
    """A year's entrants: their state (to append) and what each registry's pool gave them."""

    state: HolderState
    allocated: np.ndarray  # (R,) /24s allocated from each registry's pool
    edges: np.ndarray  # (entrants' peers, 2): global holder ids (entrant, peer)


def cohort_sizes(region: np.ndarray, open_: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """New holders per region: `rate` x its holders, rounded up or down at random (none where closed)."""
    expected = rate * region * open_
    whole = np.floor(expected)
    return (whole + (rng.random(region.size) < expected - whole)).astype(np.int64)


def entrant_state(
    counts: np.ndarray,
    s: HolderState,
    registries: Sequence[RegistryAgent],
    benchmark: tuple[np.ndarray, np.ndarray],
    calibration: Calibration,
    p: Params,
    holdings: HoldingTerms,
    friction: float,
    rng: np.random.Generator,
    step: int,
) -> Cohort:
    """The state of `counts[r]` new holders at each registry r; each registry allocates from its pool."""
    specs = calibration.registries
    n_registries = len(specs)
    home = np.repeat(np.arange(n_registries), counts)
    n = home.size
    ipv6_share = np.array([spec.ipv6_holder_share for spec in specs])[home]
    ipv6 = (rng.random(n) < ipv6_share).astype(np.int64)
    asn = np.ones(n, dtype=np.int64)
    tastes = _tastes(n, n_registries, p, rng)
    traits = _market_traits(home, specs, p, rng)
    need = p.entrant_need * np.exp(p.body_sigma * rng.standard_normal(n))
    ipv4 = np.zeros(n, dtype=np.int64)
    allocated = np.zeros(n_registries, dtype=np.int64)
    for i in range(n):
        grant = registries[home[i]].allocate(need[i])
        ipv4[i] = grant
        allocated[home[i]] += grant
    peers, edges = _peers(home, s, p, rng)
    quality, neutrality = benchmark
    state = HolderState(
        registry=home.copy(),
        home=home,
        ipv4=ipv4,
        asn=asn,
        ipv6=ipv6,
        legacy=np.zeros(n, dtype=bool),
        imported=np.zeros(n, dtype=bool),
        w_quality=tastes["w_quality"],
        w_neutrality=tastes["w_neutrality"],
        loyalty=tastes["loyalty"],
        value=holding_value(ipv4, holdings),
        size_factor=size_factor(ipv4, holdings),
        appeal=tastes["taste"] - friction * (np.arange(n_registries) != home[:, None]),
        belief_quality=np.tile(quality, (n, 1)),
        belief_neutrality=np.tile(neutrality, (n, 1)),
        belief_var=np.full((n, n_registries), p.observation_noise**2),
        fee_usd=yearly_fees(ipv4, asn, holdings),
        pending_destination=np.full(n, NO_MOVE, dtype=np.int64),
        pending_due=np.zeros(n, dtype=np.int64),
        moved_at=np.full(n, -(10**9), dtype=np.int64),
        moves=np.zeros(n, dtype=np.int64),
        peer_start=peers[0],
        peers=peers[1],
        need=need,
        growth=traits["growth"],
        wtp=traits["wtp"],
        reserve=traits["reserve"],
        received_at=np.where(ipv4 > 0, step, -(10**9)).astype(np.int64),  # a grant starts the hold
        presence=_presence(np.arange(n_registries) == home[:, None], home, ipv4, p, rng),
    )
    return Cohort(state=state, allocated=allocated, edges=edges)


def _peers(
    home: np.ndarray, s: HolderState, p: Params, rng: np.random.Generator
) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
    """Each entrant's peers among the present holders: CSR (offsets, ids) and (entrant, peer) rows.

    `round(mean_degree)` draws per entrant, each in its region with chance `regional_peering`
    (else anywhere), with chance proportional to sqrt(holding); repeats are dropped.
    """
    n, k = home.size, round(p.mean_degree)
    if n == 0 or s.size == 0 or k == 0:
        return (np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)), np.zeros(
            (0, 2), dtype=np.int64
        )
    n_registries = s.appeal.shape[1]
    order = np.concatenate([np.flatnonzero(s.home == r) for r in range(n_registries)])  # a stable sort
    cumulative = np.concatenate([[0.0], np.cumsum(np.sqrt(np.maximum(s.ipv4[order], 1).astype(float)))])
    starts = np.searchsorted(s.home[order], np.arange(n_registries + 1))
    entrant = np.repeat(np.arange(n), k)
    regional = rng.random(n * k) < p.regional_peering
    region = home[entrant]
    low = np.where(regional, cumulative[starts[region]], 0.0)
    high = np.where(regional, cumulative[starts[region + 1]], cumulative[-1])
    empty = high <= low
    low, high = np.where(empty, 0.0, low), np.where(empty, cumulative[-1], high)
    pick = np.searchsorted(cumulative, low + rng.random(n * k) * (high - low), side="right") - 1
    peer = order[np.clip(pick, 0, s.size - 1)]
    pairs = np.unique(entrant * s.size + peer)
    entrant, peer = pairs // s.size, pairs % s.size
    offsets = np.searchsorted(entrant, np.arange(n + 1)).astype(np.int64)
    return (offsets, peer.astype(PEER_ID)), np.stack([entrant + s.size, peer], axis=1)


class Entering:
    """The entry step of `PortabilityModel` (ODD §3, step 1): a mixin that schedules `entrant_state`."""

    def _enter(self) -> None:
        """Each January a cohort of new holders joins its home registries (`model.entry`)."""
        self.market["pool_allocated"] = self.market["entrants"] = 0
        if self.steps % ENTRY_MONTH != 0 or self.p.entry_rate == 0:
            return
        s = self.holders
        # a region's newcomers follow its holders, wherever they are registered now
        region = np.bincount(s.home, minlength=len(self.registries))
        accepting = np.array([r.accepting for r in self.registries])
        counts = cohort_sizes(region, accepting, self.p.entry_rate, self.streams["market"])
        if counts.sum() == 0:
            return
        cohort = entrant_state(
            counts,
            s,
            self.registries,
            (self.month.benchmark_quality, self.month.benchmark_neutrality),
            self.calibration,
            self.p,
            self.policies.holdings,
            self.regime.friction,
            self.streams["market"],
            self.steps,
        )
        first = s.size
        s.append(cohort.state)
        self.total_ipv4 += int(cohort.allocated.sum())
        self.market["pool_allocated"] = int(cohort.allocated.sum())
        self.market["entrants"] = int(counts.sum())
        self._edges = np.concatenate([self._edges, cohort.edges])
        if self._grid is not None:
            add_entrants(self, self._grid, first, s.size, cohort.edges)
