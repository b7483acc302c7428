"""Exact outcomes of the holders' rule on tiny hand-built cases, in plain Python and compiled.

Units: in `tests.builders`, a point of quality is worth 1,000 USD a year to each holder, and
one year of gain counts (present value 1) unless a test says otherwise.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from agents.holder import decide, exit_cost_table, learn_and_decide, update_beliefs
from agents.migration import admitted
from agents.state import NO_MOVE, Action, Draw
from model.regimes import ELIGIBLE_ONLY, FORBIDDEN
from tests.builders import holders, month


def spec(s, m):
    """Run the readable rule, in plain Python, for every holder."""
    costs = exit_cost_table(m)
    out = [decide(s, h, m, costs) for h in range(s.size)]
    return [o[0] for o in out], [o[1] for o in out], [o[2] for o in out]


def kernel(s, m):
    d = learn_and_decide(s, m, exit_cost_table(m))
    return d.action.tolist(), d.destination.tolist(), d.gain.tolist()


ENGINES = pytest.mark.parametrize("run", [spec, kernel], ids=["spec", "kernel"])


def better_at(registry: int, by: float = 0.1, n: int = 2, **columns):
    beliefs = np.full((n, 3), 0.8)
    beliefs[:, registry] += by
    return holders(n, belief_quality=beliefs, **columns)


@ENGINES
def test_reviewer_moves_to_the_registry_it_believes_better(run):
    actions, destinations, gains = run(better_at(2), month(review=[True, False]))
    assert actions == [Action.MOVE, Action.STAY]  # only the reviewer acts
    assert destinations == [2, NO_MOVE]  # ... and only the reviewer weighs its options
    assert gains == [pytest.approx(100.0), -math.inf]  # 0.1 point x 1,000 USD x 1 year


@ENGINES
def test_loyalty_makes_staying_worth_something(run):
    s = better_at(2, loyalty=[1.0, 0.25])
    actions, _, gains = run(s, month(review=[True, True], loyalty_weight=0.2))
    # staying is worth 0.2 x loyalty x 1,000: 200 > 100 holds the first; 50 < 100 lets the second go
    assert actions == [Action.STAY, Action.MOVE]
    assert gains == pytest.approx([-100.0, 50.0])


@ENGINES
def test_a_holder_does_not_leave_for_a_difference_its_evidence_cannot_tell_from_noise(run):
    # belief variances 0.0025 here and there: the s.d. of the believed difference is
    # 1,000 x sqrt((1 + 1) x 0.005) = 100 USD a year
    s = better_at(2, belief_var=np.full((2, 3), 0.0025))
    actions, _, gains = run(s, month(review=[True, True], evidence_z=1.645))
    assert actions == [Action.STAY, Action.STAY]
    assert gains == pytest.approx([100.0 - 164.5] * 2)
    actions, _, gains = run(s, month(review=[True, True], evidence_z=0.5))
    assert actions == [Action.MOVE, Action.MOVE]
    assert gains == pytest.approx([50.0] * 2)


@ENGINES
def test_present_value_and_approval_odds_scale_the_gain_against_one_off_costs(run):
    s = better_at(2)
    m = month(review=[True, True], present_value=4.0, approval_odds=0.5, switching_cost=150.0)
    assert run(s, m)[0] == [Action.MOVE] * 2  # 0.5 x 4 x 100 - 150 = 50
    assert run(s, m)[2] == pytest.approx([50.0] * 2)
    m = m._replace(switching_cost=250.0)
    assert run(s, m)[0] == [Action.STAY] * 2  # 200 - 250 < 0


@ENGINES
def test_costs_switching_ipv6_renumbering_and_waiting_add_up(run):
    # cost = size_factor x (switching + renumbering) + waiting (value x w_quality x gap x delay / 12)
    s = better_at(2, n=3, ipv6=[0, 1, 1], size_factor=[1.0, 1.0, 0.5])
    m = month(n=3, review=[True] * 3, switching_cost=60.0, ipv6_renumbering_cost=60.0)
    m.moves_ipv6[:] = FORBIDDEN
    actions, _, gains = run(s, m)
    assert gains == pytest.approx([40.0, -20.0, 40.0])
    assert actions == [Action.MOVE, Action.STAY, Action.MOVE]
    m = month(n=3, review=[True] * 3, switching_cost=60.0, waiting_service_gap=0.1, porting_delay=6.0)
    assert run(s, m)[2] == pytest.approx([-10.0, -10.0, 20.0])  # waiting costs 1,000 x 0.1 x 0.5 = 50


@ENGINES
def test_fees_in_money_and_fixed_appeal_in_quality_points_enter_the_utility(run):
    fee = np.full((2, 3), 1000.0)
    fee[:, 2] = 1050.0
    s = better_at(2, fee_usd=fee)
    m = month(review=[True, True], fee_multiplier=[1.0, 1.0, 2.0])  # 100 - (2,100 - 1,000) < 0
    actions, destinations, gains = run(s, m)
    assert actions == [Action.STAY] * 2
    assert destinations == [1, 1] and gains == pytest.approx([0.0, 0.0])  # registry 1 is as good
    m = month(review=[True, True], fee_multiplier=[1.0, 1.0, 0.9])  # 100 - (945 - 1,000) = 155
    assert run(s, m)[2] == pytest.approx([155.0] * 2)
    appeal = np.zeros((2, 3))
    appeal[1, 2] = -0.2  # e.g. out-of-region friction: 0.2 points = 200 USD a year
    actions, _, gains = run(better_at(2, appeal=appeal), month(review=[True, True]))
    assert actions == [Action.MOVE, Action.STAY]
    assert gains == pytest.approx([100.0, 0.0])  # holder 1's best is then registry 1, at 0


@ENGINES
def test_forbidden_pairs_and_closed_registries_are_never_chosen(run):
    m = month(review=[True, True])
    m.moves_ipv4[0, 2] = FORBIDDEN
    actions, destinations, _gains = run(better_at(2), m)
    assert destinations == [1, 1]  # the best allowed, at zero gain
    assert actions == [Action.STAY, Action.STAY]  # a zero gain is no reason to move
    m = month(review=[True, True], accepting=[True, True, False])
    assert run(better_at(2), m)[1] == [1, 1]


@ENGINES
def test_no_allowed_destination_means_no_destination(run):
    m = month(review=[True, True])
    m.moves_ipv4[:] = FORBIDDEN
    _actions, destinations, gains = run(better_at(2), m)
    assert destinations == [NO_MOVE, NO_MOVE]
    assert gains == [-math.inf, -math.inf]


@ENGINES
def test_eligible_only_lets_legacy_or_imported_space_leave(run):
    m = month(n=3, review=[True, True, True])
    m.moves_ipv4[0, :] = ELIGIBLE_ONLY
    m.moves_ipv4[0, 0] = FORBIDDEN
    s = better_at(2, n=3, legacy=[True, False, False], imported=[False, False, True])
    assert run(s, m)[0] == [Action.MOVE, Action.STAY, Action.MOVE]


@ENGINES
def test_asn_rules_bind_only_holders_of_asns(run):
    m = month(review=[True, True])
    m.moves_asn[:] = FORBIDDEN
    s = better_at(2, asn=[1, 0])
    assert run(s, m)[0] == [Action.STAY, Action.MOVE]


@ENGINES
def test_hold_period_and_pending_moves_block_exit(run):
    s = better_at(2, n=3, moved_at=[95, 80, -(10**9)], pending_destination=[NO_MOVE, NO_MOVE, 1])
    m = month(n=3, review=[True] * 3, hold_period=12)  # step 100
    assert run(s, m)[0] == [Action.STAY, Action.MOVE, Action.STAY]


@ENGINES
def test_dissatisfied_reviewers_voice_by_chance(run):
    # seen 0.8 against aspiration 0.9: shortfall 0.1; chance = 10 x (0.5 + 0) x 0.1 = 0.5
    s = holders(2)
    m = month(review=[True, True], aspiration=0.9, voice_propensity=10.0, draws={Draw.VOICE: [0.4, 0.6]})
    m.moves_ipv4[:] = FORBIDDEN
    assert run(s, m)[0] == [Action.VOICE, Action.STAY]
    # loyalty makes voice likelier: chance = 10 x 1.5 x 0.1
    s = holders(2, loyalty=[1.0, 1.0])
    assert run(s, m)[0] == [Action.VOICE, Action.VOICE]
    # satisfied holders never voice
    m = month(review=[True, True], aspiration=0.7, voice_propensity=10.0, draws={Draw.VOICE: [0.0, 0.0]})
    assert run(s, m)[0] == [Action.STAY, Action.STAY]


def test_beliefs_learn_from_benchmark_own_experience_and_one_peer_by_precision():
    # holder 0 (at registry 0) has one peer, holder 1, at registry 2; uniform noise of
    # amplitude a has variance a^2 / 3
    s = holders(2, registry=[0, 2], peer_start=[0, 1, 1], peers=[1], belief_var=np.full((2, 3), 0.01))
    m = month(
        quality=[0.6, 0.8, 0.9],
        neutrality=[0.5, 0.8, 0.7],
        benchmark_quality=np.array([0.6, 0.8, 0.9]),
        benchmark_neutrality=np.array([0.5, 0.8, 0.7]),
        drift_var=0.005,
        public_noise=math.sqrt(3 * 0.015),  # variance 0.015
        own_noise=0.3,  # variance 0.03; draw 0.75 -> noise +0.15, draw 0.25 -> -0.15
        peer_noise=math.sqrt(3 * 0.0075),  # variance 0.0075
        draws={
            Draw.OWN_QUALITY: [0.75, 0.5],
            Draw.OWN_NEUTRALITY: [0.25, 0.5],
            Draw.PEER_QUALITY: [0.5, 0.5],
            Draw.PEER_NEUTRALITY: [0.5, 0.5],
            Draw.PEER_PICK: [0.3, 0.5],
        },
    )
    update_beliefs(s, 0, m, s.registry)
    # drift: variance 0.015; benchmark (variance 0.015): gain 1/2 -> beliefs halfway, variance 0.0075
    # own (variance 0.03): gain 0.0075 / 0.0375 = 0.2; quality seen 0.75; neutrality seen 0.35
    # peer on registry 2 (variance 0.0075, no noise drawn): gain 1/2
    q0 = 0.7 + 0.2 * (0.75 - 0.7)
    n0 = 0.65 + 0.2 * (0.35 - 0.65)
    assert s.belief_quality[0] == pytest.approx([q0, 0.8, 0.85 + 0.5 * (0.9 - 0.85)])
    assert s.belief_neutrality[0] == pytest.approx([n0, 0.8, 0.75 + 0.5 * (0.7 - 0.75)])
    assert s.belief_var[0] == pytest.approx([0.0075 * 0.8, 0.0075, 0.00375])


def test_without_noise_beliefs_are_the_truth_after_one_month():
    s = holders(1, belief_quality=[[0.1, 0.2, 0.3]], belief_var=[[0.0, 0.04, 0.04]])
    m = month(n=1, quality=[0.6, 0.8, 0.9], drift_var=0.0004, own_noise=0.0, peer_noise=0.0, public_noise=0.0)
    update_beliefs(s, 0, m, s.registry)
    assert s.belief_quality[0] == pytest.approx([0.6, 0.8, 0.9], abs=1e-15)
    assert s.belief_var[0].tolist() == [0.0, 0.0, 0.0]


def test_kernel_updates_beliefs_exactly_as_the_spec():
    rng = np.random.default_rng(0)
    n = 50
    kwargs = dict(
        registry=rng.integers(0, 3, n),
        belief_quality=rng.random((n, 3)),
        belief_neutrality=rng.random((n, 3)),
        belief_var=rng.random((n, 3)) * 0.01,
        peer_start=np.arange(n + 1),
        peers=rng.integers(0, n, n),
    )
    a, b = holders(n, **kwargs), holders(n, **kwargs)
    m = month(
        n=n,
        quality=[0.3, 0.6, 0.9],
        benchmark_quality=np.array([0.35, 0.55, 0.95]),
        own_noise=0.08,
        peer_noise=0.16,
        public_noise=0.24,
        drift_var=0.0004,
        draws={row: rng.random(n) for row in Draw},
    )
    for h in range(n):
        update_beliefs(a, h, m, a.registry)
    learn_and_decide(b, m, exit_cost_table(m))
    for name in ("belief_quality", "belief_neutrality", "belief_var"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


# --- today's transfer rules on registration moves (`agents.migration.admitted`) ----------------
def conditions(**terms):
    """Under a regime with conditions: registry 1 requires a presence, registry 2 a 24-month
    needs test, registry 0 (the origin) a 12-month holding period; otherwise as `month`."""
    base = {
        "conditions": True,
        "presence_required": np.array([False, True, False]),
        "needs_months": np.array([0.0, 0.0, 24.0]),
        "hold_months": np.array([12, 0, 0]),
    }
    return month(review=[True, True], **(base | terms))


def test_a_registry_requiring_presence_admits_only_holders_present_in_its_region():
    s = holders(2, presence=[[True, True, False], [True, False, False]])
    m = conditions()
    assert admitted(s, 0, 0, 1, m) and not admitted(s, 1, 0, 1, m)
    assert admitted(s, 1, 0, 1, m._replace(conditions=False))  # mandatory portability lifts it


def test_a_needs_based_destination_admits_a_holder_that_needs_its_whole_holding():
    # need 3 /24s growing 10% a year: 3 x exp(0.2) = 3.66 in 24 months, against holdings of 3 and 4
    s = holders(2, ipv4=[3, 4], need=[3.0, 3.0], growth=[0.1, 0.1])
    assert admitted(s, 0, 0, 2, conditions()) and not admitted(s, 1, 0, 2, conditions())


def test_the_counterpart_rule_binds_where_only_the_origin_is_needs_based():
    # moving 2 -> 0: the origin (2) tests needs, the destination (0) asks for half used in 60 months
    s = holders(2, registry=[2, 2], ipv4=[10, 10], need=[5.0, 4.0], growth=[0.0, 0.0])
    m = conditions(counterpart_share=np.array([0.5, 0.0, 0.0]), counterpart_months=np.array([60.0, 0.0, 0.0]))
    assert admitted(s, 0, 2, 0, m) and not admitted(s, 1, 2, 0, m)


def test_the_origins_holding_period_bars_a_recent_recipient():
    s = holders(2, received_at=[95, 80])  # step 100, ARIN-like 12-month hold at the origin
    m = conditions()
    assert not admitted(s, 0, 0, 1, m._replace(presence_required=np.zeros(3, dtype=bool)))
    assert admitted(s, 1, 0, 1, m._replace(presence_required=np.zeros(3, dtype=bool)))


@ENGINES
def test_decide_skips_destinations_that_would_not_admit_the_holder(run):
    # registry 2 is best, but holder 0 has idle space (fails its needs test) and no presence at 1
    s = better_at(2, n=2, ipv4=[8, 4], need=[4.0, 4.0], presence=[[True, False, False], [True, True, False]])
    actions, destinations, _ = run(s, conditions())
    assert destinations == [NO_MOVE, 2] and actions == [Action.STAY, Action.MOVE]
