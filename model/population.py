"""The initial population of resource holders and their peering graph.

Holdings are heavy-tailed (domain.md §A3: Gini 0.93-0.95, top 1% hold 68-81%, median /22):
a log-normal body with its median at a /22 and a Pareto tail above a /20, drawn at
stratified quantiles (not at random), so that small populations keep the shape and no
registry hangs on one lucky draw. The tail is then rescaled so that each registry's holders
hold its real IPv4 total (times `scale`), and no holder may hold more than
`max_holder_share` of its registry (real top-1 shares are 7-12%): what lies above the cap
is spread over the next largest holders (water-filling), so the top of a small registry is
represented by several holders and keeps the top's total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import ndtri

from agents.holdings import MEDIAN_BLOCKS, HoldingTerms, holding_value, size_factor, yearly_fees
from agents.state import NO_MOVE, PEER_ID, HolderState
from model.calibration import Calibration, RegistrySpec
from model.delegated import real_holders
from model.params import Params
from model.sampling import cap_holdings

__all__ = [
    "Population",
    "build_population",
    "holder_state",
    "peering_edges",
]


@dataclass
class Population:
    """Fixed traits of every holder, one entry per holder (index = holder id)."""

    home: np.ndarray  # int: home registry (= initial registry)
    ipv4: np.ndarray  # int: IPv4 held, /24 blocks
    asn: np.ndarray  # int: ASNs held
    ipv6: np.ndarray  # int: IPv6 blocks (/32) held
    legacy: np.ndarray  # bool: holds legacy space
    w_quality: np.ndarray
    w_neutrality: np.ndarray
    loyalty: np.ndarray  # [0, 1]
    taste: np.ndarray  # (holders, registries): fixed idiosyncratic taste
    need: np.ndarray  # float: /24s the holder needs now
    growth: np.ndarray  # float: yearly growth rate of its need
    wtp: np.ndarray  # float: USD per address space is worth to it
    reserve: np.ndarray  # float: USD per address below which it keeps idle space
    presence: np.ndarray  # (holders, registries) bool: a presence in the registry's region
    country: np.ndarray  # str: its main country ("" when the population is synthetic)


def build_population(
    registries: Sequence[RegistrySpec], params: Params, rng: np.random.Generator
) -> Population:
    """Every holder's holdings and traits: the real accounts of October 2018, or a synthetic draw."""
    if params.population == "real":
        return _real(registries, params, rng)
    return _synthetic(registries, params, rng)


def _real(registries: Sequence[RegistrySpec], params: Params, rng: np.random.Generator) -> Population:
    """The real holders at this scale (`model.delegated`), with traits drawn as for any holder."""
    real = real_holders([spec.name for spec in registries], params.scale)
    n = real.home.size
    tastes = _tastes(n, len(registries), params, rng)
    use = _initial_use(real.legacy, params, rng)
    return Population(
        home=real.home,
        ipv4=real.ipv4,
        asn=real.asn,
        ipv6=real.ipv6,
        legacy=real.legacy,
        need=use * real.ipv4,
        **tastes,
        **_market_traits(real.home, registries, params, rng),
        presence=_presence(real.presence, real.home, real.ipv4, params, rng),
        country=real.country,
    )


def _presence(
    known: np.ndarray, home: np.ndarray, ipv4: np.ndarray, params: Params, rng: np.random.Generator
) -> np.ndarray:
    """Presence abroad: where a holder has records, and with chance `presence_share` one more region.

    The other region is drawn in proportion to the IPv4 held there (a holder is likelier to
    operate where much of the Internet is).
    """
    n, n_registries = known.shape
    weight = np.bincount(home, weights=ipv4.astype(float), minlength=n_registries) + 1.0
    extra = rng.random(n) < params.presence_share
    u = rng.random(n)
    presence = known.copy()
    for r in range(n_registries):
        others = weight.copy()
        others[r] = 0.0
        cumulative = np.cumsum(others / others.sum())
        chosen = np.flatnonzero(extra & (home == r))
        presence[chosen, np.minimum(np.searchsorted(cumulative, u[chosen]), n_registries - 1)] = True
    return presence


def _synthetic(registries: Sequence[RegistrySpec], params: Params, rng: np.random.Generator) -> Population:
    """Holdings drawn from a fitted heavy-tailed distribution: registry r gets round(members x scale)."""
    counts = [max(1, round(spec.members * params.scale)) for spec in registries]
    home = np.repeat(np.arange(len(registries)), counts)
    ipv4 = np.concatenate(
        [
            _holdings(n, spec.ipv4_blocks * params.scale, params, rng)
            for n, spec in zip(counts, registries, strict=True)
        ]
    )
    asn = np.concatenate(
        [_asns(ipv4[home == r], spec.asns * params.scale, rng) for r, spec in enumerate(registries)]
    )
    n = home.size
    ipv6_share = np.array([s.ipv6_holder_share for s in registries])[home]
    has_ipv6 = rng.random(n) < ipv6_share
    ipv6 = np.where(has_ipv6, np.maximum(1, np.rint(ipv4**0.25)), 0).astype(np.int64)
    legacy = rng.random(n) < np.array([s.legacy_share for s in registries])[home]

    tastes = _tastes(n, len(registries), params, rng)
    use = _initial_use(legacy, params, rng)
    return Population(
        home=home,
        ipv4=ipv4,
        asn=asn,
        ipv6=ipv6,
        legacy=legacy,
        need=use * ipv4,
        **tastes,
        **_market_traits(home, registries, params, rng),
        presence=_presence(np.arange(len(registries)) == home[:, None], home, ipv4, params, rng),
        country=np.full(n, "", dtype=str),
    )


def _tastes(n: int, n_registries: int, params: Params, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Preference weights, loyalty and taste for each registry (drawn in this order)."""

    def weights(mean: float) -> np.ndarray:
        return mean * (1.0 + params.preference_spread * (2.0 * rng.random(n) - 1.0))

    return {
        "w_quality": weights(params.weight_quality),
        "w_neutrality": weights(params.weight_neutrality),
        "loyalty": rng.beta(params.loyalty_a, params.loyalty_b, n),
        "taste": rng.normal(0.0, params.taste_sd, (n, n_registries)),
    }


def _initial_use(legacy: np.ndarray, params: Params, rng: np.random.Generator) -> np.ndarray:
    """Share of its holding each holder needs at the start: Beta around the legacy or other mean."""
    mean = np.where(legacy, params.utilisation_legacy, params.utilisation_other)
    kappa = params.utilisation_concentration
    return rng.beta(np.maximum(mean * kappa, 1e-6), np.maximum((1.0 - mean) * kappa, 1e-6))


def _market_traits(
    home: np.ndarray, registries: Sequence[RegistrySpec], params: Params, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Growth of need (around the home registry's mean), worth of space, reserve price."""
    n = home.size
    mean_growth = np.array([spec.need_growth for spec in registries])[home]
    return {
        "growth": mean_growth + params.need_growth_sd * rng.standard_normal(n),
        "wtp": params.substitute_cost * np.exp(params.substitute_spread * rng.standard_normal(n)),
        "reserve": params.reserve_price * np.exp(params.reserve_spread * rng.standard_normal(n)),
    }


def _holdings(n: int, total_blocks: float, p: Params, rng: np.random.Generator) -> np.ndarray:
    """N heavy-tailed holdings (in /24 blocks) summing to about `total_blocks`, none above the cap."""
    u = (np.arange(n) + 0.5) / n  # quantile midpoints: the top holding has no runaway variance
    body = u < 1.0 - p.tail_share
    blocks = np.empty(n)
    # body median placed so that the whole population's median is a /22
    body_median = MEDIAN_BLOCKS * float(
        np.exp(-p.body_sigma * ndtri(min(0.5 / (1.0 - p.tail_share), 1 - 1e-9)))
    )
    v = np.clip(u[body] / (1.0 - p.tail_share), 1e-12, 1 - 1e-12)
    blocks[body] = body_median * np.exp(p.body_sigma * ndtri(v))
    w = (u[~body] - (1.0 - p.tail_share)) / p.tail_share
    blocks[~body] = p.tail_min_blocks * (1.0 - w) ** (-1.0 / p.tail_alpha)
    blocks = np.maximum(1.0, np.rint(blocks))
    tail_total = blocks[~body].sum()
    if tail_total > 0:
        # the tail carries the registry's total: the body keeps its /22 median
        factor = max(1.0, (total_blocks - blocks[body].sum()) / tail_total)
        blocks[~body] = blocks[~body] * factor
    blocks = cap_holdings(blocks, max(p.max_holder_share, 1.0 / n) * blocks.sum())
    return rng.permutation(np.maximum(1, np.rint(blocks)).astype(np.int64))


def _asns(ipv4: np.ndarray, total: float, rng: np.random.Generator) -> np.ndarray:
    """ASNs per holder: Poisson, more for bigger holders, totalling about `total`."""
    propensity = ipv4.astype(float) ** 0.3
    return rng.poisson(propensity * (total / propensity.sum())).astype(np.int64)


def peering_edges(home: np.ndarray, ipv4: np.ndarray, p: Params, rng: np.random.Generator) -> np.ndarray:
    """A scale-free peering graph as an (edges, 2) array of holder ids, no loops or repeats.

    Chung-Lu style: each endpoint is drawn with probability proportional to
    sqrt(holdings), so big holders have many neighbours; most links stay in a region.
    """
    n = home.size
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    weight = np.sqrt(ipv4.astype(float))
    n_edges = int(p.mean_degree * n) // 2
    n_regional = int(p.regional_peering * n_edges)
    first = rng.choice(n, n_edges, p=weight / weight.sum())
    second = np.empty(n_edges, dtype=np.int64)
    second[n_regional:] = rng.choice(n, n_edges - n_regional, p=weight / weight.sum())
    # regional links: the second end is drawn from the first end's region
    order = np.argsort(home, kind="stable")
    starts = np.searchsorted(home[order], np.arange(home.max() + 2))
    cumulative = np.concatenate([[0.0], np.cumsum(weight[order])])
    region = home[first[:n_regional]]
    low, high = cumulative[starts[region]], cumulative[starts[region + 1]]
    target = low + rng.random(n_regional) * (high - low)
    pick = np.searchsorted(cumulative, target, side="right") - 1
    second[:n_regional] = order[np.clip(pick, starts[region], starts[region + 1] - 1)]
    a, b = np.minimum(first, second), np.maximum(first, second)
    keep = a != b
    key = np.sort(a[keep] * n + b[keep])
    key = (
        key[np.concatenate([[True], key[1:] != key[:-1]])] if key.size else key
    )  # unique (a sort beats hashing)
    return np.stack([key // n, key % n], axis=1)


def holder_state(
    population: Population,
    edges: np.ndarray,
    calibration: Calibration,
    params: Params,
    holdings: HoldingTerms,
    friction: float,
) -> HolderState:
    """The model's arrays for these holders: initial beliefs (the truth), fees, peers.

    `friction`: the regime's cost of being registered away from home (index points a year).
    """
    n, n_registries = population.home.size, len(calibration.registries)
    fee_usd = yearly_fees(population.ipv4, population.asn, holdings)
    quality = np.full(n_registries, params.initial_quality)
    neutrality = np.full(n_registries, params.initial_neutrality)
    for r, name in enumerate(calibration.names):
        override = params.registry_overrides.get(name, {})
        quality[r] = override.get("quality", quality[r])
        neutrality[r] = override.get("neutrality", neutrality[r])
    both_ways = np.concatenate([edges, edges[:, ::-1]])
    key = np.sort(both_ways[:, 0] * max(n, 1) + both_ways[:, 1])  # by holder, then by peer
    both_ways = np.stack([key // max(n, 1), key % max(n, 1)], axis=1)
    peer_start = np.searchsorted(both_ways[:, 0], np.arange(n + 1))
    return HolderState(
        registry=population.home.copy(),
        home=population.home,
        ipv4=population.ipv4,
        asn=population.asn,
        ipv6=population.ipv6,
        legacy=population.legacy,
        imported=np.zeros(n, dtype=bool),
        w_quality=population.w_quality,
        w_neutrality=population.w_neutrality,
        loyalty=population.loyalty,
        value=holding_value(population.ipv4, holdings),
        size_factor=size_factor(population.ipv4, holdings),
        appeal=population.taste - friction * (np.arange(n_registries) != population.home[:, None]),
        belief_quality=np.tile(quality, (n, 1)),
        belief_neutrality=np.tile(neutrality, (n, 1)),
        # a holder starts as sure of each registry as one month of its own experience makes it
        belief_var=np.full((n, n_registries), params.observation_noise**2),
        fee_usd=fee_usd,
        pending_destination=np.full(n, NO_MOVE, dtype=np.int64),
        pending_due=np.zeros(n, dtype=np.int64),
        moved_at=np.full(n, -(10**9), dtype=np.int64),
        moves=np.zeros(n, dtype=np.int64),
        peer_start=peer_start.astype(np.int64),
        peers=both_ways[:, 1].astype(PEER_ID),
        need=population.need,
        growth=population.growth,
        wtp=population.wtp,
        reserve=population.reserve,
        received_at=np.full(n, -(10**9), dtype=np.int64),
        presence=population.presence,
    )
