"""Exact outcomes of the holders' rule on tiny hand-built cases, for the spec and the kernel."""

from __future__ import annotations

import numpy as np
import pytest

from agents.holder import decide, update_beliefs
from agents.kernels import decide_all, exit_cost_table
from agents.state import NO_MOVE, Action, Draw
from model.regimes import ELIGIBLE_ONLY, FORBIDDEN
from tests.builders import holders, month


def spec(s, m):
    """Run the per-agent specification for every holder."""
    out = [decide(s, h, m) for h in range(s.size)]
    return [o[0] for o in out], [o[1] for o in out], [o[2] for o in out]


def kernel(s, m):
    d = decide_all(s, m, exit_cost_table(m))
    return d.action.tolist(), d.destination.tolist(), d.threat.tolist()


ENGINES = pytest.mark.parametrize("run", [spec, kernel], ids=["spec", "kernel"])


def better_at(registry: int, by: float = 0.1, n: int = 2, **columns):
    beliefs = np.full((n, 3), 0.8)
    beliefs[:, registry] += by
    return holders(n, belief_quality=beliefs, **columns)


@ENGINES
def test_reviewer_moves_to_the_registry_it_believes_better(run):
    m = month(review=[True, False])
    actions, destinations, threats = run(better_at(2), m)
    assert actions == [Action.MOVE, Action.STAY]  # only the reviewer acts
    assert destinations == [2, 2]
    assert threats == [True, True]  # both would leave: both count as a threat


@ENGINES
def test_loyalty_holds_a_holder_back_and_the_margin_decides_the_threat(run):
    s = better_at(2, loyalty=[1.0, 1.0])
    m = month(review=[True, True], loyalty_weight=0.2, threat_margin=0.15)
    actions, _, threats = run(s, m)
    assert actions == [Action.STAY, Action.STAY]  # gain 0.1 < 0.2 x loyalty 1
    assert threats == [True, True]  # 0.1 > 0.2 - 0.15
    m = month(review=[True, True], loyalty_weight=0.2, threat_margin=0.05)
    assert run(s, m)[2] == [False, False]


@ENGINES
def test_forbidden_pairs_are_never_chosen(run):
    m = month(review=[True, True])
    m.moves_ipv4[0, 2] = FORBIDDEN
    actions, destinations, threats = run(better_at(2), m)
    assert destinations == [1, 1]  # the best allowed, at zero gain
    assert actions == [Action.STAY, Action.STAY]  # a zero gain does not beat a zero threshold
    assert threats == [False, False]


@ENGINES
def test_no_allowed_destination_means_no_destination(run):
    m = month(review=[True, True])
    m.moves_ipv4[:] = FORBIDDEN
    assert run(better_at(2), m)[1] == [NO_MOVE, NO_MOVE]


@ENGINES
def test_eligible_only_lets_legacy_or_imported_space_leave(run):
    m = month(review=[True, True, True])
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
def test_costs_switching_ipv6_renumbering_and_waiting_add_up(run):
    # gain 0.1; cost = size_cost x (switching + renumbering) + waiting x delay
    s = better_at(2, n=3, ipv6=[0, 1, 1], size_cost=[1.0, 1.0, 0.5])
    m = month(n=3, review=[True] * 3, switching_cost=0.06, ipv6_renumbering_cost=0.06)
    m.moves_ipv6[:] = FORBIDDEN
    # 0.1 - 0.06 > 0: moves; 0.1 - 0.12 < 0: stays; 0.1 - 0.5 x 0.12 > 0: moves
    assert run(s, m)[0] == [Action.MOVE, Action.STAY, Action.MOVE]
    m = month(n=3, review=[True] * 3, switching_cost=0.06, waiting_cost=0.01, porting_delay=5.0)
    assert run(s, m)[0] == [Action.STAY, Action.STAY, Action.MOVE]  # 0.1 - 0.06 - 0.05 < 0


@ENGINES
def test_approval_odds_scale_the_expected_gain(run):
    s = better_at(2)
    assert run(s, month(review=[True, True], approval_odds=0.5, switching_cost=0.04))[0] == [Action.MOVE] * 2
    assert run(s, month(review=[True, True], approval_odds=0.3, switching_cost=0.04))[0] == [Action.STAY] * 2


@ENGINES
def test_fees_and_fixed_appeal_enter_the_utility(run):
    fee = np.zeros((2, 3))
    fee[:, 2] = 0.05
    s = better_at(2, weighted_fee=fee)
    m = month(review=[True, True], fee_multiplier=[1.0, 1.0, 3.0])  # 0.1 - 0.15 < 0
    assert run(s, m)[0] == [Action.STAY, Action.STAY]
    appeal = np.zeros((2, 3))
    appeal[1, 2] = -0.2  # e.g. out-of-region friction
    m = month(review=[True, True])
    assert run(better_at(2, fixed_appeal=appeal), m)[0] == [Action.MOVE, Action.STAY]


@ENGINES
def test_hold_period_and_pending_moves_block_exit(run):
    s = better_at(2, n=3, moved_at=[95, 80, -(10**9)], pending_destination=[NO_MOVE, NO_MOVE, 1])
    m = month(n=3, review=[True] * 3, hold_period=12)  # step 100
    actions, _, threats = run(s, m)
    assert actions == [Action.STAY, Action.MOVE, Action.STAY]
    assert threats == [False, True, False]


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


def test_beliefs_follow_public_signal_own_experience_and_one_peer():
    # holder 0 (at registry 0) has one peer, holder 1, at registry 2
    s = holders(2, registry=[0, 2], peer_start=[0, 1, 1], peers=[1])
    m = month(
        quality=[0.6, 0.8, 0.9],
        neutrality=[0.5, 0.8, 0.7],
        public_weight=0.5,
        learning_rate=0.5,
        peer_weight=0.25,
        noise_amplitude=0.1,
        draws={
            Draw.OWN_QUALITY: [0.75, 0.5],
            Draw.OWN_NEUTRALITY: [0.25, 0.5],
            Draw.PEER_QUALITY: [1.0, 0.5],
            Draw.PEER_NEUTRALITY: [0.0, 0.5],
            Draw.PEER_PICK: [0.3, 0.5],
        },
    )
    update_beliefs(s, 0, m)
    # public: 0.8 x 0.5 + 0.5 x q -> [0.7, 0.8, 0.85]; own (noise +0.05): 0.7 + 0.5 x (0.65 - 0.7)
    # peer on registry 2 (noise +0.1): 0.85 + 0.25 x (1.0 - 0.85)
    assert s.belief_quality[0] == pytest.approx([0.675, 0.8, 0.8875])
    # public: [0.65, 0.8, 0.75]; own (noise -0.05): 0.65 + 0.5 x (0.45 - 0.65);
    # peer (noise -0.1): 0.75 + 0.25 x (0.6 - 0.75)
    assert s.belief_neutrality[0] == pytest.approx([0.55, 0.8, 0.7125])


def test_kernel_updates_beliefs_exactly_as_the_spec():
    rng = np.random.default_rng(0)
    n = 50
    kwargs = dict(
        registry=rng.integers(0, 3, n),
        belief_quality=rng.random((n, 3)),
        belief_neutrality=rng.random((n, 3)),
        peer_start=np.arange(n + 1),
        peers=rng.integers(0, n, n),
    )
    a, b = holders(n, **kwargs), holders(n, **kwargs)
    m = month(
        n=n,
        quality=[0.3, 0.6, 0.9],
        public_weight=0.1,
        learning_rate=0.3,
        peer_weight=0.2,
        noise_amplitude=0.08,
        draws={row: rng.random(n) for row in Draw},
    )
    for h in range(n):
        update_beliefs(a, h, m)
    decide_all(b, m, exit_cost_table(m))
    assert np.array_equal(a.belief_quality, b.belief_quality)
    assert np.array_equal(a.belief_neutrality, b.belief_neutrality)
