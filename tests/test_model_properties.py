"""Invariants over random valid parameters (Hypothesis), checked at every step."""

from __future__ import annotations

import numpy as np
from hypothesis import given

from agents.registry import STATUSES
from agents.state import NO_MOVE, Action
from model import PortabilityModel
from model.regimes import FORBIDDEN
from tests.strategies import params

STEPS = 26  # two Januaries: entry happens


def check_invariants(model: PortabilityModel, holdings: tuple[int, int, int], first: int) -> None:
    """`holdings`: the first `first` holders' IPv4, ASNs and IPv6 at the start."""
    s = model.holders
    n_registries = len(model.registries)
    frame = model.model_frame()
    # every holder is at exactly one registry, and the agents agree with the arrays
    assert ((s.registry >= 0) & (s.registry < n_registries)).all()
    assert sum(r.members for r in model.registries) == s.size == first + frame.entrants.sum()
    # holdings are conserved, but for pool allocations (IPv4) and entrants' own (ASNs, IPv6),
    # and accounted for by the registries
    ipv4 = holdings[0] + frame.pool_allocated.sum()
    assert (s.ipv4 >= 0).all() and s.ipv4.sum() == ipv4
    assert (s.asn[:first].sum(), s.ipv6[:first].sum()) == holdings[1:]
    assert sum(r.ipv4 for r in model.registries) == ipv4 == model.total_ipv4
    assert all(r.pool >= 0 for r in model.registries)
    assert np.isfinite(model.price) and model.price > 0
    # sales only along pairs the regime and the registries' policies allow
    assert not model.flow_sales[model.regime.sales == FORBIDDEN].any()
    assert np.isclose(sum(r.tally.ipv4_share for r in model.registries), 1.0)
    if holdings[1] > 0:
        assert np.isclose(sum(r.tally.asn_share for r in model.registries), 1.0)
    # traits in bounds
    for r in model.registries:
        assert 0.0 <= r.quality <= 1.0 and 0.0 <= r.neutrality <= 1.0 and 0.0 <= r.effort <= 1.0
        assert 0.0 <= r.exit_threat <= 1.0
        assert r.status in STATUSES
        assert 0.0 <= r.effort_from("threat") + r.effort_from("exit") + r.effort_from("voice") <= 1.0
    # moves only along pairs the regime allows (for IPv4, the resource every holder has)
    allowed = model.regime.moves["ipv4"] != FORBIDDEN
    assert not model.flow_members[~allowed].any()
    assert (model.flow_members.sum(axis=1) >= 0).all()
    pending = s.pending_destination != NO_MOVE
    assert (s.pending_destination[pending] != s.registry[pending]).all()


@given(params())
def test_invariants_hold_every_step(overrides):
    model = PortabilityModel(seed=1, **overrides)
    holdings = (model.holders.ipv4.sum(), model.holders.asn.sum(), model.holders.ipv6.sum())
    first = model.holders.size
    check_invariants(model, holdings, first)
    for _ in range(STEPS):
        model.step()
        check_invariants(model, holdings, first)
    frame = model.model_frame()
    assert len(frame) == STEPS + 1
    assert frame.notna().all().all()
    assert (frame.moves.sum(), frame.moved_ipv4.sum()) == (
        model.flow_members.sum(),
        model.flow_ipv4.sum(),
    )


@given(params())
def test_no_moves_at_all_without_portability(overrides):
    model = PortabilityModel(seed=2, **{**overrides, "regime": "none"})
    start = model.holders.registry.copy()
    for _ in range(STEPS):
        model.step()
        assert not (model.decisions.action == Action.MOVE).any()
    assert np.array_equal(model.holders.registry[: start.size], start)
    assert (model.holders.registry[start.size :] == model.holders.home[start.size :]).all()
    assert model.model_frame()[["moves", "moved_ipv4", "pending_moves"]].eq(0).all().all()
    assert all(r.exit_threat == 0.0 for r in model.registries)
