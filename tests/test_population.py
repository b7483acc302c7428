"""The initial population matches the calibration targets of domain.md §A (checked, not forced)."""

from __future__ import annotations

import numpy as np
import pytest

from model.calibration import load_calibration
from model.params import Params
from model.population import build_population, peering_edges
from model.sampling import cap_holdings


def gini(x: np.ndarray) -> float:
    x = np.sort(x.astype(float))
    n, cumulative = x.size, np.cumsum(x)
    return float((n + 1 - 2 * cumulative.sum() / cumulative[-1]) / n)


@pytest.fixture(scope="module")
def full_population():
    registries = load_calibration().registries
    return registries, build_population(registries, Params(scale=1.0), np.random.default_rng(0))


def test_full_scale_is_the_real_population(full_population):
    registries, population = full_population
    assert population.home.size == sum(spec.members for spec in registries) == 85_001


def test_holdings_are_heavy_tailed_like_the_real_registries(full_population):
    registries, population = full_population
    for r, spec in enumerate(registries):
        held = population.ipv4[population.home == r]
        top = np.sort(held)[::-1][: held.size // 100]
        assert 0.90 <= gini(held) <= 0.96, spec.name
        assert top.sum() / held.sum() > 0.55, spec.name  # top 1% hold well over half
        assert np.median(held) == 4  # a /22
        assert held.sum() == pytest.approx(spec.ipv4_blocks, rel=2e-3)  # rounding to whole /24s
        asns = population.asn[population.home == r].sum()
        assert asns == pytest.approx(spec.asns, rel=0.05)


def test_peering_graph_is_scale_free_with_big_holders_best_connected(full_population):
    _, population = full_population
    edges = peering_edges(population.home, population.ipv4, Params(), np.random.default_rng(1))
    assert 300_000 < len(edges) < 345_000
    assert (edges[:, 0] < edges[:, 1]).all()  # no loops, each edge once
    degree = np.bincount(edges.ravel(), minlength=population.home.size)
    big = population.ipv4 >= np.quantile(population.ipv4, 0.99)
    assert degree[big].mean() > 10 * degree[~big].mean()
    same_region = population.home[edges[:, 0]] == population.home[edges[:, 1]]
    assert same_region.mean() > 0.6


def test_model_agents_holds_every_agent_and_the_kernel_never_makes_the_holders():
    from agents import NetworkAgent, RegistryAgent
    from agents.oversight import OversightAgent
    from model import PortabilityModel

    model = PortabilityModel(seed=4, scale=0.005)
    for _ in range(5):
        model.step()
    assert NetworkAgent not in model.agents_by_type  # stepping never made them
    kinds = [type(a) for a in model.agents]  # as a Mesa user iterates them
    assert kinds.count(NetworkAgent) == model.holders.size
    assert kinds.count(RegistryAgent) == 5 and kinds.count(OversightAgent) == 1
    first = model.holders.size
    for _ in range(8):  # through a January: entrants join, and get their agents
        model.step()
    assert model.holders.size > first
    assert len(model.agents_by_type[NetworkAgent]) == model.holders.size


def test_agents_are_views_onto_the_arrays_and_sit_on_the_network(small_model):
    from agents import NetworkAgent, RegistryAgent

    assert NetworkAgent not in small_model.agents_by_type  # the Mesa space is built on first use
    grid = small_model.grid
    holders = small_model.agents_by_type[NetworkAgent]
    assert len(holders) == small_model.holders.size
    assert len(small_model.agents_by_type[RegistryAgent]) == 5
    agent = holders.to_list()[17]
    assert agent.registry == small_model.holders.registry[17]
    assert agent.ipv4 == small_model.holders.ipv4[17]
    assert agent.cell is grid[17] and agent in agent.cell.agents
    neighbours = {c.coordinate for c in agent.cell.connections.values()}
    s = small_model.holders
    assert neighbours == set(s.peers[s.peer_start[17] : s.peer_start[18]].tolist())


@pytest.mark.parametrize("scale", [0.01, 0.02, 0.2, 1.0])
def test_no_registry_hangs_on_one_holder(scale):
    """No holder above the cap (real top-1 shares: 7-12%), and the top is several holders."""
    registries = load_calibration().registries
    params = Params(scale=scale)
    population = build_population(registries, params, np.random.default_rng(3))
    for r, spec in enumerate(registries):
        held = np.sort(population.ipv4[population.home == r])[::-1]
        assert held[0] / held.sum() <= params.max_holder_share + 0.002, (spec.name, scale)
        if held.size >= 40:
            assert held[:10].sum() / held.sum() > 0.3  # the top ten still hold much of it


def test_capping_keeps_the_total_and_spreads_the_excess_in_proportion():
    capped = cap_holdings(np.array([6.0, 70.0, 20.0, 4.0]), cap=30.0, top_share=0.5)
    assert capped.sum() == pytest.approx(100.0)
    # 40 over the cap goes to the rest of the top half (20): full at 30; the rest (30) to the
    # top 4 in proportion to what they hold below the cap: 6 and 4 -> 24 and 16
    assert capped.tolist() == pytest.approx([24.0, 30.0, 30.0, 16.0])


def test_refresh_reads_the_current_registry_and_sets_the_kind():
    from tests.builders import holders

    s = holders(
        3,
        fee_usd=[[100.0, 200.0, 300.0]] * 3,
        appeal=[[0.0, 0.1, 0.2], [0.3, 0.4, 0.5], [0.6, 0.7, 0.8]],
        asn=[0, 1, 2],
        ipv6=[1, 0, 0],
        legacy=[False, True, False],
    )
    assert s.kind.tolist() == [1, 6, 2]  # 4 x eligible + 2 x ASNs + IPv6
    s.registry[:] = [2, 1, 0]
    s.imported[2] = True
    s.refresh(np.array([0, 2]))  # holder 1 is left as it was
    assert s.paid_usd.tolist() == [300.0, 100.0, 100.0]
    assert s.appeal_here.tolist() == [0.2, 0.3, 0.6]
    assert s.kind.tolist() == [1, 6, 6]
    s.refresh(np.array([False, True, False]))  # a mask is taken as the holders it selects
    assert s.paid_usd.tolist() == [300.0, 200.0, 100.0]
    assert s.appeal_here.tolist() == [0.2, 0.4, 0.6]


def test_a_population_without_peering_links_runs():
    from model import PortabilityModel

    model = PortabilityModel(seed=2, scale=0.02, mean_degree=0.0, regime="mandatory")
    assert model.holders.peers.size == 0
    for _ in range(14):  # past a January: entrants join without peers too
        model.step()
    assert model.holders.peers.size == 0
    assert model.model_frame().entrants.sum() > 0
    assert model.model_frame().quality_experienced.notna().all()
