"""Exact outcomes of the registries' rules, governance events, migrations and regimes."""

from __future__ import annotations

import numpy as np
import pytest
from mesa import Model

from agents.registry import RegistryAgent
from agents.state import NO_MOVE, Draw
from model.calibration import RegistrySpec
from model.events import GovernanceCalendar
from model.migration import settle_moves
from model.params import GovernanceEvent, Params
from model.regimes import ALLOWED, ELIGIBLE_ONLY, FORBIDDEN, REGIME_NAMES, move_matrix
from tests.builders import holders, month

SPEC = RegistrySpec(
    name="X",
    region="Somewhere",
    members=10,
    ipv4_addresses=2560,
    asns=10,
    ipv6_holder_share=0.5,
    legacy_share=0.0,
    reserves_months=12.0,
    fee_tiers=((0, 1200.0),),
    fee_per_asn=0.0,
)


def registry(**params) -> RegistryAgent:
    """Revenue 12,000 a year from 10 members: a monthly cost of 1,000 (700 fixed, 30 per member)."""
    return RegistryAgent(
        Model(rng=0), 0, SPEC, Params(**params), revenue=12_000.0, members=10, median_fee=1200.0
    )


def test_balanced_books_stay_balanced():
    r = registry()
    r.settle_accounts(12_000.0)
    assert r.monthly_cost == pytest.approx(1000.0)
    assert r.reserves == pytest.approx(12.0)
    assert r.fee_multiplier == pytest.approx(1.0)
    assert not r.insolvent


def test_fixed_costs_stay_when_members_leave_and_fees_follow_reserves():
    r = registry()
    r.members = 5
    r.settle_accounts(6_000.0)  # half the revenue, cost 700 + 5 x 30 = 850
    assert r.monthly_cost == pytest.approx(850.0)
    assert r.reserves_usd == pytest.approx(12_000 + 500 - 850)
    # fees that cover 850 a month and rebuild 12 months of reserves within a year
    needed = (850 + (12 * 850 - r.reserves_usd) / 12) / 500
    assert r.fee_multiplier == pytest.approx(min(4.0, 1 + 0.1 * (needed - 1)))
    assert needed == pytest.approx(1.458333)  # a deficit raises fees though months of reserves went up


def test_deficit_leads_to_insolvency_and_failed_status():
    r = registry(registry_overrides={"X": {"reserves_months": 0.5}})
    assert r.status == "operating"
    r.settle_accounts(0.0)
    assert r.insolvent and r.status == "failed"
    assert r.fee == pytest.approx(1200.0 * r.fee_multiplier)


def test_fee_multiplier_is_capped():
    r = registry(
        registry_overrides={"X": {"reserves_months": 0.0}}, fee_adjustment=0.5, max_fee_multiplier=1.2
    )
    for _ in range(5):
        r.settle_accounts(1_000.0)
    assert r.fee_multiplier == pytest.approx(1.2)


def test_without_pressure_quality_drifts_toward_complacency():
    r = registry()
    r.respond(0.0)
    assert r.effort == pytest.approx(0.3)
    assert r.quality == pytest.approx(0.8 + 0.05 * 0.3 * 0.2 - 0.01 * 0.7 * 0.8)
    assert r.neutrality == pytest.approx(0.8 + 0.05 * 0.3 * 0.2 - 0.005 * 0.7 * 0.8)


def test_pressure_raises_effort_scaled_by_responsiveness():
    r = registry(responsiveness=0.5)
    r.respond(2.0)  # saturates at 1: target = 0.3 + 0.7 x 0.5 x 1
    assert r.effort == pytest.approx(0.3 + 0.2 * (0.65 - 0.3))
    assert r.accountability == pytest.approx((r.effort - 0.3) / 0.7)
    unresponsive = registry(responsiveness=0.0)
    unresponsive.respond(2.0)
    assert unresponsive.effort == pytest.approx(0.3)


def test_pressure_remembers_exit_and_voice_for_about_a_year():
    r = registry(exit_weight=5.0, threat_weight=1.0, voice_weight=2.0)
    r.exit_threat = 0.25
    assert r.pressure(0.1, 0.02) == pytest.approx(5 * 0.1 + 0.25 + 2 * 0.02)
    assert r.pressure(0.0, 0.0) == pytest.approx(5 * 0.1 * 11 / 12 + 0.25 + 2 * 0.02 * 11 / 12)


def test_governance_event_drops_traits_and_paralyses_management():
    r = registry()
    r.begin_event(
        GovernanceEvent(
            registry="X", start=0, duration=5, quality_drop=0.3, neutrality_drop=0.5, capture_rate=0.01
        )
    )
    assert (r.quality, r.neutrality, r.status) == pytest.approx((0.5, 0.3, "failed"))
    r.respond(5.0)  # effort rises but does nothing while failed
    assert r.quality == pytest.approx(0.5 - 0.01 * 0.5)
    assert r.neutrality == pytest.approx(0.3 - 0.005 * 0.3 - 0.01)
    r.end_event()
    assert r.status == "operating" and r.capture_rate == 0.0


def test_traits_stay_in_bounds():
    r = registry(registry_overrides={"X": {"quality": 1.0, "neutrality": 0.0}})
    r.begin_event(GovernanceEvent(registry="X", start=0, duration=1, capture_rate=1.0))
    r.respond(1.0)
    assert 0.0 <= r.quality <= 1.0 and 0.0 <= r.neutrality <= 1.0


def test_calendar_starts_and_ends_scheduled_events():
    event = GovernanceEvent(registry="B", start=2, duration=3)
    calendar = GovernanceCalendar(["A", "B"], Params(events=(event,)), np.random.default_rng(0))
    assert calendar.advance(1) == ([], [])
    assert calendar.advance(2) == ([], [(1, event)])
    assert calendar.advance(3) == ([], [])
    assert calendar.advance(5) == ([1], [])


def test_calendar_draws_random_events_from_the_hazard():
    calendar = GovernanceCalendar(["A", "B"], Params(event_hazard=0.1), np.random.default_rng(0))
    started = [e for step in range(1, 200) for _, e in calendar.advance(step)[1]]
    assert started and all(e.status == "degraded" for e in started)
    never = GovernanceCalendar(["A", "B"], Params(event_hazard=0.0), np.random.default_rng(0))
    assert all(never.advance(step) == ([], []) for step in range(1, 50))


def test_settlement_moves_obstructs_or_refuses_by_the_odds():
    # completes with 0.8 x (1 - 0.5 x (1 - 0.6)) = 0.64; obstructed below 0.8; refused above
    s = holders(4, pending_destination=[1, 1, 1, NO_MOVE], pending_due=[100, 100, 100, 0])
    m = month(n=4, approval_odds=0.8, draws={Draw.SETTLEMENT: [0.5, 0.7, 0.9, 0.0]})
    settled = settle_moves(s, m, neutrality=np.array([0.6, 0.8, 0.8]), obstruction=0.5)
    assert settled.holders.tolist() == [0]
    assert (settled.obstructed.size, settled.refused) == (1, 1)
    assert settled.obstructed.tolist() == [0]  # the releasing registry blocked it
    assert s.registry.tolist() == [1, 0, 0, 0]
    assert s.imported.tolist() == [True, False, False, False]
    assert s.pending_destination.tolist() == [NO_MOVE] * 4
    assert s.moved_at[0] == 100


def test_settlement_waits_for_the_due_month():
    s = holders(1, pending_destination=[2], pending_due=[103])
    settled = settle_moves(s, month(n=1), neutrality=np.full(3, 0.8), obstruction=0.0)
    assert settled.holders.size == 0 and s.pending_destination[0] == 2


NAMES = ["ARIN", "APNIC", "RIPE NCC", "LACNIC", "AFRINIC"]


def test_regime_matrices():
    assert not move_matrix("none", NAMES, "ipv4").any()
    mandatory = move_matrix("mandatory", NAMES, "ipv6")
    assert (mandatory == ALLOWED).sum() == 20 and (np.diag(mandatory) == FORBIDDEN).all()
    status_quo = move_matrix("status_quo", NAMES, "ipv4")
    assert (status_quo[:4, :4] == ALLOWED).sum() == 12
    assert not status_quo[4].any() and not status_quo[:, 4].any()  # AFRINIC closed
    assert not move_matrix("status_quo", NAMES, "ipv6").any()  # IPv6 is not portable today
    one_way = move_matrix("status_quo_2026", NAMES, "ipv4")
    assert (one_way[:4, 4] == ALLOWED).all()  # inbound open
    assert (one_way[4, :4] == ELIGIBLE_ONLY).all()  # outbound: legacy or imported space only


def test_every_regime_has_its_terms():
    for name in REGIME_NAMES:
        params = Params(regime=name)
        for term in ("porting_delay", "approval_odds", "obstruction", "friction", "hold_period"):
            assert params.regime_setting(term) is not None
        assert Params(regime=name, porting_delay=7.0).regime_setting("porting_delay") == 7.0
