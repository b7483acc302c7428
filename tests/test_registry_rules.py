"""Exact outcomes of the registries' rules, governance events, migrations and regimes."""

from __future__ import annotations

import numpy as np
import pytest
from mesa import Model
from scipy.special import ndtr

from agents.effort import choose_effort, steady_quality
from agents.holder import exit_cost_table
from agents.migration import settle_moves
from agents.registry import RegistryAgent
from agents.state import NO_MOVE, Draw
from agents.tally import RegistryTally
from agents.threat import MemberPriors, credible_threat, credible_threat_all
from model.calibration import RegistrySpec
from model.events import GovernanceCalendar
from model.params import GovernanceEvent, Params
from model.regimes import ALLOWED, ELIGIBLE_ONLY, FORBIDDEN, REGIME_NAMES, move_matrix
from model.terms import registry_rules, registry_start
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
    p = Params(**params)
    start = registry_start(SPEC, p, (0, 0), SPEC.fee_schedule)
    return RegistryAgent(Model(rng=0), 0, start, registry_rules(p), revenue=12_000.0, members=10)


def begin(r: RegistryAgent, event: GovernanceEvent) -> None:
    r.begin_event(event.quality_drop, event.neutrality_drop, event.status, event.capture_rate)


def test_balanced_books_stay_balanced():
    r = registry()
    assert r.settle_accounts(12_000.0) == []
    assert r.books.monthly_cost == pytest.approx(1000.0)
    assert r.reserves == pytest.approx(12.0)
    assert r.books.fee_multiplier == pytest.approx(1.0)
    assert not r.books.insolvent


def test_fixed_costs_stay_when_members_leave_and_fees_follow_reserves():
    r = registry()
    r.record(tally(members=5))
    r.settle_accounts(6_000.0)  # half the revenue, cost 700 + 5 x 30 = 850
    assert r.books.monthly_cost == pytest.approx(850.0)
    assert r.books.reserves_usd == pytest.approx(12_000 + 500 - 850)
    # fees that cover 850 a month and rebuild 12 months of reserves within a year
    needed = (850 + (12 * 850 - r.books.reserves_usd) / 12) / 500
    assert r.books.fee_multiplier == pytest.approx(min(4.0, 1 + 0.1 * (needed - 1)))
    assert needed == pytest.approx(1.458333)  # a deficit raises fees though months of reserves went up


def test_deficit_leads_to_insolvency_and_failed_status():
    r = registry(registry_overrides={"X": {"reserves_months": 0.5}})
    assert r.status == "operating"
    r.settle_accounts(0.0)
    assert r.books.insolvent and r.status == "failed"
    assert r.fee == pytest.approx(1200.0 * r.books.fee_multiplier)


def test_fee_multiplier_is_capped():
    r = registry(
        registry_overrides={"X": {"reserves_months": 0.0}}, fee_adjustment=0.5, max_fee_multiplier=1.2
    )
    for _ in range(5):
        r.settle_accounts(1_000.0)
    assert r.books.fee_multiplier == pytest.approx(1.2)


def tally(**fields) -> RegistryTally:
    """This month's tally for the 10-member registry: no flows, no voice, no threat."""
    base = dict(
        members=10,
        ipv4=40,
        ipv4_share=1.0,
        asn_share=1.0,
        yearly_fees=12_000.0,
        inflow=0,
        outflow=0,
        revenue_lost=0.0,
        voice_share=0.0,
        threat=0.0,
        queue=0,
    )
    return RegistryTally(**(base | fields))


def test_without_a_stake_effort_stays_complacent_and_quality_drifts_down():
    r = registry()
    r.step(tally())
    assert r.effort == pytest.approx(0.3)
    assert r.quality == pytest.approx(0.8 + 0.05 * 0.3 * 0.2 - 0.01 * 0.7 * 0.8)
    assert r.neutrality == pytest.approx(0.8 + 0.05 * 0.3 * 0.2 - 0.005 * 0.7 * 0.8)


def test_the_stake_of_each_channel_in_usd_per_point_of_quality():
    r = registry(responsiveness=0.5, threat_margin=0.05, signal_memory=12.0, planning_horizon=5.0)
    r.weigh_stake(tally(threat=0.1, revenue_lost=0.01, quality_lost=0.01, voice_share=0.02))
    per_share = 0.5 * 12_000.0 / 0.05  # a yearly amount, like the cost of effort
    # exits and voice are remembered as yearly rates: 12 x 0.01 and 12 x 0.02, a twelfth taken in
    assert r.stake.exit_signal == pytest.approx(0.01) and r.stake.voice_signal == pytest.approx(0.02)
    assert (r.stake.threat, r.stake.exit, r.stake.voice) == pytest.approx(
        (per_share * 0.1, per_share * 0.01, per_share * 0.02)
    )
    r.weigh_stake(tally())
    assert r.stake.exit_signal == pytest.approx(0.01 * 11 / 12)  # forgotten at 1/12 a month


@pytest.mark.parametrize("off", ["threat_weight", "exit_weight", "voice_weight"])
def test_a_channel_weight_of_zero_switches_the_channel_off(off):
    r = registry(**{off: 0.0})
    r.weigh_stake(tally(threat=0.1, revenue_lost=0.01, quality_lost=0.01, voice_share=0.02))
    assert getattr(r.stake, off.removesuffix("_weight")) == 0.0
    assert sum(getattr(r.stake, c) > 0 for c in ("threat", "exit", "voice")) == 2


def test_effort_maximises_the_stake_times_steady_quality_less_its_cost():
    kwargs = dict(base=0.3, yearly_cost=12_000.0, effort_cost=0.2, improvement=0.05, complacency=0.01)

    def objective(e, stake):
        return stake * steady_quality(e, 0.05, 0.01) - 12_000.0 * 0.2 * ((e - 0.3) / 0.7) ** 2

    grid = np.linspace(0.3, 1.0, 70_001)
    for stake in (10.0, 1_000.0, 3_000.0):
        chosen = choose_effort(stake, **kwargs)
        best = grid[np.argmax([objective(e, stake) for e in grid])]
        assert chosen == pytest.approx(best, abs=2e-5)
    assert choose_effort(0.0, **kwargs) == 0.3  # nothing at stake: complacency
    assert 0.3 < choose_effort(1e-6, **kwargs) < 0.3 + 1e-6  # any stake raises effort a little
    assert choose_effort(1e9, **kwargs) == 1.0  # a huge stake: full effort
    efforts = [choose_effort(x, **kwargs) for x in (1.0, 10.0, 100.0, 1_000.0)]
    assert efforts == sorted(efforts) and len(set(efforts)) == 4


def test_effort_moves_toward_its_choice_and_splits_over_the_channels():
    r = registry()
    r.step(tally(threat=0.01, voice_share=0.001))
    target = r.stake.target_effort
    assert target > 0.3
    assert r.effort == pytest.approx(0.3 + 0.2 * (target - 0.3))
    parts = [r.effort_from(c) for c in ("threat", "exit", "voice")]
    assert sum(parts) == pytest.approx(r.effort - 0.3)
    assert parts[0] / parts[2] == pytest.approx(r.stake.threat / r.stake.voice)
    assert parts[1] == 0.0
    assert r.accountability == pytest.approx((r.effort - 0.3) / 0.7)


def test_unresponsive_management_stays_complacent_whatever_is_at_stake():
    r = registry(responsiveness=0.0)
    r.step(tally(threat=0.5, revenue_lost=0.1, voice_share=0.5))
    assert r.effort == pytest.approx(0.3)


def test_governance_event_drops_traits_and_paralyses_management():
    r = registry()
    begin(
        r,
        GovernanceEvent(
            registry="X", start=0, duration=5, quality_drop=0.3, neutrality_drop=0.5, capture_rate=0.01
        ),
    )
    assert (r.quality, r.neutrality, r.status) == pytest.approx((0.5, 0.3, "failed"))
    r.step(tally(threat=0.5))  # effort rises but does nothing while failed
    assert r.effort > 0.3
    assert r.quality == pytest.approx(0.5 - 0.01 * 0.5)
    assert r.neutrality == pytest.approx(0.3 - 0.005 * 0.3 - 0.01)
    r.end_event()
    assert r.status == "operating" and r.governance.capture_rate == 0.0


def test_traits_stay_in_bounds():
    r = registry(registry_overrides={"X": {"quality": 1.0, "neutrality": 0.0}})
    begin(r, GovernanceEvent(registry="X", start=0, duration=1, capture_rate=1.0))
    r.step(tally(threat=1.0))
    assert 0.0 <= r.quality <= 1.0 and 0.0 <= r.neutrality <= 1.0


def test_a_registry_with_no_members_closes_and_its_costs_stop():
    r = registry()
    events = r.step(tally(members=0, yearly_fees=0.0))
    assert events[-1] == ("closure", "no members left")
    assert r.status == "closed" and not r.accepting
    assert (r.quality, r.fee, r.books.monthly_cost, r.effort) == (0.0, 0.0, 0.0, 0.0)
    reserves = r.books.reserves_usd
    assert r.step(tally(members=0, yearly_fees=0.0)) == []
    assert r.books.reserves_usd == reserves  # no more costs


def test_a_registry_insolvent_past_the_limit_closes():
    r = registry(
        registry_overrides={"X": {"reserves_months": 0.0}}, insolvency_limit=2, max_fee_multiplier=1.0
    )
    kinds = [kind for _ in range(4) for kind, _ in r.step(tally(yearly_fees=6_000.0))]
    assert kinds == ["insolvency", "closure"]
    assert r.books.insolvent_months == 3 and r.status == "closed"


def test_release_capacity_carries_fractions_and_follows_the_state():
    r = registry(release_capacity=0.08)  # 10 members: 0.8 releases a month
    assert [r.release_slots(0.0) for _ in range(2)] == [0, 1]
    r.released(1)
    assert r.release_credit == pytest.approx(0.0)
    begin(r, GovernanceEvent(registry="X", start=0, duration=5, status="failed"))
    r.release_credit = 0.0
    assert r.release_slots(0.0) == 0  # 10% of 0.8: 0.08
    r.release_credit = 0.0
    assert r.release_slots(0.3) == 3  # a fallback guarantees 30% of 10 members
    r.books.closed = True
    r.release_credit = 0.0
    assert r.release_slots(0.0) == 0


def test_credible_threat_is_zero_under_lock_in_and_a_slope_under_portability():
    # two /22 members of registry 0 (value 1,000 USD a year per point), equal standing and fees
    s = holders(2, registries=2, asn=[0, 0])
    priors = MemberPriors(
        w_quality=1.0,
        w_neutrality=1.0,
        loyalty=0.5,
        loyalty_weight=0.1,
        friction=0.0,
        uncertainty=0.1,
        margin=0.05,
    )
    m = month(registries=2, switching_cost=50.0)
    m.moves_ipv4[:] = FORBIDDEN
    assert credible_threat(s, m, exit_cost_table(m), priors)[0].tolist() == [0.0, 0.0]
    m = month(registries=2, switching_cost=50.0)
    threat, leaving = credible_threat(s, m, exit_cost_table(m), priors)
    assert leaving[0] == pytest.approx(ndtr(-1.0))  # what its model expects to leave as things stand
    # best move worth 1 x 1 x (0 - 0.1 x 0.5) x 1,000 - 50 = -100; scale 1 x 1 x 1,000 x 0.1 = 100
    # the chance of leaving rises from Phi(-1) to Phi(-1 + 0.05 / 0.1)
    assert threat[0] == pytest.approx(ndtr(-0.5) - ndtr(-1.0))
    assert threat[1] == 0.0  # no members
    # falling behind already (rival better by 0.05) raises the chance at the margin
    behind = month(registries=2, switching_cost=50.0, quality=[0.8, 0.85])
    assert credible_threat(s, behind, exit_cost_table(behind), priors)[0][0] == pytest.approx(
        ndtr(0.0) - ndtr(-0.5)
    )


def test_calendar_starts_and_ends_scheduled_events():
    event = GovernanceEvent(registry="B", start=2, duration=3)
    calendar = GovernanceCalendar(["A", "B"], Params(events=(event,)), (event,), np.random.default_rng(0))
    assert calendar.advance(1) == ([], [])
    assert calendar.advance(2) == ([], [(1, event)])
    assert calendar.advance(3) == ([], [])
    assert calendar.advance(5) == ([1], [])


def test_calendar_draws_random_events_from_the_hazard():
    calendar = GovernanceCalendar(["A", "B"], Params(event_hazard=0.1), (), np.random.default_rng(0))
    started = [e for step in range(1, 200) for _, e in calendar.advance(step)[1]]
    assert started and all(e.status == "degraded" for e in started)
    never = GovernanceCalendar(["A", "B"], Params(event_hazard=0.0), (), np.random.default_rng(0))
    assert all(never.advance(step) == ([], []) for step in range(1, 50))


def test_settlement_moves_obstructs_or_refuses_by_the_odds():
    # completes with 0.8 x (1 - 0.5 x (1 - 0.6)) = 0.64; obstructed below 0.8; refused above
    s = holders(4, pending_destination=[1, 1, 1, NO_MOVE], pending_due=[100, 100, 100, 0])
    m = month(
        n=4, approval_odds=0.8, neutrality=[0.6, 0.8, 0.8], draws={Draw.SETTLEMENT: [0.5, 0.7, 0.9, 0.0]}
    )
    settled = settle_moves(s, m, slots=np.array([10, 10, 10]), obstruction=0.5)
    assert settled.holders.tolist() == [0]
    assert (settled.obstructed.size, settled.refused) == (1, 1)
    assert settled.obstructed.tolist() == [0]  # the releasing registry blocked it
    assert s.registry.tolist() == [1, 0, 0, 0]
    assert s.imported.tolist() == [True, False, False, False]
    assert s.moves.tolist() == [1, 0, 0, 0]
    assert s.pending_destination.tolist() == [NO_MOVE] * 4
    assert s.moved_at[0] == 100
    assert settled.processed.tolist() == [3, 0, 0]


def test_settlement_waits_for_the_due_month():
    s = holders(1, pending_destination=[2], pending_due=[103])
    settled = settle_moves(s, month(n=1), slots=np.array([5, 5, 5]), obstruction=0.0)
    assert settled.holders.size == 0 and s.pending_destination[0] == 2


def test_releases_wait_in_a_queue_oldest_first_up_to_capacity():
    # four due requests out of registry 0 (due 97, 99, 99, 100) and one out of registry 1
    s = holders(
        5, registry=[0, 0, 0, 0, 1], pending_destination=[1, 2, 2, 1, 0], pending_due=[99, 97, 100, 99, 100]
    )
    m = month(n=5, draws={Draw.SETTLEMENT: [0.0] * 5})
    settled = settle_moves(s, m, slots=np.array([2, 0, 0]), obstruction=0.0)
    assert sorted(settled.holders.tolist()) == [1, 0][::-1]  # due 97, then the first due 99 by id
    assert settled.queue.tolist() == [2, 1, 0]
    assert s.pending_destination.tolist() == [NO_MOVE, NO_MOVE, 2, 1, 0]  # the rest still wait


def test_a_move_to_a_registry_that_closed_meanwhile_is_refused():
    s = holders(1, pending_destination=[2], pending_due=[100])
    m = month(n=1, accepting=[True, True, False], draws={Draw.SETTLEMENT: [0.0]})
    settled = settle_moves(s, m, slots=np.array([5, 5, 5]), obstruction=0.0)
    assert settled.holders.size == 0 and settled.refused == 1 and s.pending_destination[0] == NO_MOVE


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
        for term in (
            "porting_delay",
            "approval_odds",
            "obstruction",
            "friction",
            "hold_period",
            "release_fallback",
        ):
            assert params.regime_setting(term) is not None
        assert Params(regime=name, porting_delay=7.0).regime_setting("porting_delay") == 7.0


def test_the_compiled_threat_estimate_is_the_readable_one():
    from model import PortabilityModel

    for regime in ("none", "status_quo", "mandatory"):
        model = PortabilityModel(seed=5, scale=0.01, regime=regime)
        for _ in range(3):
            model.step()
        readable = credible_threat(model.holders, model.month, model.exit_costs, model.priors)
        compiled = credible_threat_all(model.holders, model.month, model.exit_costs, model.priors)
        for a, b in zip(compiled, readable, strict=True):  # at stake, and leaving as things stand
            assert np.array_equal(a, b)  # the same per-member functions, compiled
        assert (readable[0] > 0).any() == (regime != "none")


@pytest.mark.parametrize("slots", [1, 2, 64, 1 << 15])
def test_the_threat_memo_returns_what_a_fresh_computation_gives(slots):
    from agents.threat import remembered_rise as _band

    rng = np.random.default_rng(3)
    drawn = rng.normal(-3.0, 3.0, 300)
    # repeats (hits), neighbours that may share a slot, signed zeros, NaN and huge values
    zs = np.concatenate([drawn, drawn[::-1], drawn + 1e-12, [0.0, -0.0, np.nan, 1e7, -1e7, np.inf]])
    memo = np.full(slots, np.nan), np.empty(slots), np.empty(slots)
    for z in zs:
        fresh = _band(z, 0.5, np.full(1, np.nan), np.empty(1), np.empty(1))
        kept = _band(z, 0.5, *memo)
        for a, b in zip(kept, fresh, strict=True):  # the rise, and the level
            assert a == b or (np.isnan(a) and np.isnan(b))
    rise, level = _band(-1.0, 0.5, *memo)
    assert rise == pytest.approx(ndtr(-0.5) - ndtr(-1.0), rel=1e-14)
    assert level == pytest.approx(ndtr(-1.0), rel=1e-14)


def test_the_credible_threat_raises_effort_before_anyone_leaves():
    """Identical registries, no noise: under portability effort rises at once, nobody has moved."""
    from model import PortabilityModel

    common = {"scale": 0.01, "fee_schedules": "common", "observation_noise": 0.0, "review_rate": 0.0}
    portable = PortabilityModel(seed=3, regime="mandatory", **common)
    locked = PortabilityModel(seed=3, regime="none", **common)
    portable.step()
    locked.step()
    assert portable.model_frame().moves.sum() == 0  # nobody reviews, nobody leaves
    for r in portable.registries:
        assert r.exit_threat > 0.0 and r.effort > r.rules.base_effort
        assert r.effort_from("threat") == pytest.approx(r.effort - r.rules.base_effort)
    for r in locked.registries:
        assert r.exit_threat == 0.0 and r.effort == pytest.approx(r.rules.base_effort)


def test_a_failed_registry_cannot_release_everyone_at_once():
    from model import PortabilityModel

    model = PortabilityModel.from_scenario("registry_failure_portable", seed=2, scale=0.05)
    event = model.p.events[0]
    for _ in range(event.start + 3):
        model.step()
    frame = model.registry_frame()
    afrinic = frame[frame.registry == event.registry].set_index("step")
    start = afrinic.members.loc[event.start - 1]
    # every member reviews when the status changes; the failed registry releases 10% of 5%
    # of its members a month, the fallback 2%: at most a few members a month leave
    assert afrinic.outflow.loc[event.start : event.start + 2].max() <= max(1, round(0.02 * start) + 1)
    assert afrinic.queue.loc[event.start + 2] > 0  # the rest wait in the queue
    assert afrinic.members.loc[event.start + 2] > 0.9 * start
