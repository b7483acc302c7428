"""The initial population: every real holder of October 2018 (or a stratified sample), or a synthetic draw."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from model import ConfigError
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


@pytest.fixture(scope="module")
def synthetic_population():
    registries = load_calibration().registries
    params = Params(scale=1.0, population="synthetic")
    return registries, build_population(registries, params, np.random.default_rng(0))


def real_table() -> pd.DataFrame:
    from model.delegated import _table

    return _table()


def test_full_scale_is_every_real_holder_of_october_2018(full_population):
    registries, population = full_population
    table = real_table()
    assert population.home.size == len(table) == 106_562
    for r, spec in enumerate(registries):
        mine = table[table.registry == spec.name]
        held = population.ipv4[population.home == r]
        assert held.size == len(mine)
        # /24s: the accounts' addresses / 256 in whole blocks, at least one for any IPv4
        assert (held > 0).sum() == (mine.ipv4 > 0).sum()
        assert held.sum() == pytest.approx(mine.ipv4.sum() / 256, rel=0.005)
        assert population.asn[population.home == r].sum() == mine.asn.sum()
        assert (population.ipv6[population.home == r] > 0).sum() == (mine.ipv6_48 > 0).sum()


def test_the_real_holdings_are_as_heavy_tailed_as_the_files(full_population):
    # the delegated files of October 2018 [own calc, domain notes §G]: Gini 0.937-0.968,
    # top 1% 0.60-0.82, the largest holder 3.6% (RIPE NCC) to 13.3% (ARIN)
    registries, population = full_population
    largest = {"ARIN": 0.133, "RIPE NCC": 0.036, "APNIC": 0.050, "LACNIC": 0.110, "AFRINIC": 0.070}
    for r, spec in enumerate(registries):
        held = population.ipv4[(population.home == r) & (population.ipv4 > 0)]
        assert 0.93 <= gini(held) <= 0.975, spec.name
        assert np.sort(held)[-1] / held.sum() == pytest.approx(largest[spec.name], abs=0.002), spec.name


@pytest.mark.parametrize("scale", [0.01, 0.02, 0.2, 1.0])
def test_a_sample_keeps_each_registrys_total_distribution_and_top(scale):
    """n = round(N x scale) holders per registry; totals x scale; no holder above the real top share."""
    registries = load_calibration().registries
    population = build_population(registries, Params(scale=scale), np.random.default_rng(3))
    table = real_table()
    for r, spec in enumerate(registries):
        mine = table[table.registry == spec.name]
        held = population.ipv4[population.home == r]
        assert held.size == max(1, round(len(mine) * scale)), spec.name
        n = held.size  # n / N of the real addresses, in whole /24s (at least one where any is held)
        assert held.sum() == pytest.approx(n / len(mine) * mine.ipv4.sum() / 256, rel=0.005), (
            spec.name,
            scale,
        )
        top = mine.ipv4.max() / mine.ipv4.sum()
        assert held.max() / held.sum() <= max(top, 1 / held.size) + 0.002, (spec.name, scale)
        if held.size >= 300:  # a sample of a few hundred holds the registry's concentration
            assert gini(held[held > 0]) == pytest.approx(gini(mine.ipv4[mine.ipv4 > 0].to_numpy()), abs=0.05)
        if held.size >= 40:  # (AFRINIC's 20 holders at 0.01 must share its top under the cap)
            assert np.median(held[held > 0]) == np.median(mine.ipv4[mine.ipv4 > 0]) / 256
            assert (held == 0).mean() == pytest.approx((mine.ipv4 == 0).mean(), abs=0.01)
        if held.size >= 40 and spec.name != "RIPE NCC":  # RIPE's real top ten hold 20%
            assert np.sort(held)[::-1][:10].sum() / held.sum() > 0.3  # the top ten still hold much of it


def test_the_sample_is_the_same_for_every_seed_and_presence_follows_the_records():
    registries = load_calibration().registries
    a = build_population(registries, Params(scale=0.05), np.random.default_rng(1))
    b = build_population(registries, Params(scale=0.05), np.random.default_rng(2))
    assert np.array_equal(a.ipv4, b.ipv4) and np.array_equal(a.country, b.country)
    assert (a.presence[np.arange(a.home.size), a.home]).all()  # every holder is present at home
    none = build_population(registries, Params(scale=0.05, presence_share=0.0), np.random.default_rng(1))
    abroad = none.presence.sum(axis=1) > 1  # only where the files show records in another region
    assert abroad.mean() < 0.02
    everyone = build_population(registries, Params(scale=0.05, presence_share=1.0), np.random.default_rng(1))
    assert (everyone.presence.sum(axis=1) >= 2).all()  # each has one more region
    with pytest.raises(ConfigError, match=r"scale must be at most 1 with the real population"):
        build_population(registries, Params(scale=1.5), np.random.default_rng(1))


def test_synthetic_holdings_are_heavy_tailed_like_the_real_registries(synthetic_population):
    registries, population = synthetic_population
    assert population.home.size == sum(spec.members for spec in registries) == 85_001
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
    assert 0.9 * 4 * population.home.size < len(edges) <= 4 * population.home.size  # mean degree 8
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


@pytest.mark.parametrize("scale", [0.01, 0.2])
def test_no_synthetic_registry_hangs_on_one_holder(scale):
    """No holder above the cap (real top-1 shares: 7-12%), and the top is several holders."""
    registries = load_calibration().registries
    params = Params(scale=scale, population="synthetic")
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
