"""The IPv4 market's rules on tiny hand-built cases: orders, needs tests, matching, the price."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.holdings import FeeSchedule, HoldingTerms
from agents.market import (
    MarketTerms,
    Orders,
    block_premium,
    buy_orders,
    growth_factor,
    holder_order,
    idle_blocks,
    need_rate,
    next_price,
    orders,
    sell_orders,
)
from agents.state import ALLOWED, ELIGIBLE_ONLY, FORBIDDEN, Action
from agents.tally import _totals as registry_totals
from agents.trades import Trades, apply_trades, eligible_blocks, match, receive_caps
from model import PortabilityModel
from model.regimes import REGIME_NAMES, move_matrix
from model.transfer_policy import load_transfer_policies, sales_matrix
from tests.builders import holders

NAMES = ("ARIN", "APNIC", "RIPE NCC", "LACNIC", "AFRINIC")
ARIN, APNIC, RIPE, LACNIC, AFRINIC = range(5)


def terms(n: int, registry: list[int] | None = None, **overrides) -> MarketTerms:
    """Three registries, every sale allowed, no tests, no fees, no premium; everyone reviews.

    The growth factors follow the rates, the horizon and the needs windows of the holders'
    registries (`registry`, default all at registry 0), as `model.terms.market_terms` makes
    them; a changed holding is worth 4 USD per address and point and pays 1,000 USD a year.
    """
    everything = np.full((3, 3), ALLOWED, dtype=np.int8)
    flat = FeeSchedule(np.array([np.inf]), np.array([1000.0]), 0.0)
    base = {
        "step": 100,
        "trading": True,
        "price": 40.0,
        "price_adjustment": 0.05,
        "sales": everything,
        "processing": np.ones(3, dtype=bool),
        "needs_months": np.zeros(3),
        "counterpart_share": np.zeros(3),
        "counterpart_months": np.zeros(3),
        "hold_months": np.zeros(3, dtype=np.int64),
        "in_region": np.zeros(3, dtype=bool),
        "transfer_fee": np.zeros(3),
        "review": np.ones(n, dtype=bool),
        "rate": np.zeros(n),
        "space_horizon": 0.0,
        "small_block_premium": 0.0,
        "deaggregation_cost": 0.0,
        "inter_rir_cost": 0.0,
        "holdings": HoldingTerms(4.0, 0.5, (flat,) * 3, False),
    }
    base.update(overrides)
    here = np.zeros(n, dtype=np.int64) if registry is None else np.array(registry)
    base["ahead"] = growth_factor(base["rate"], base["space_horizon"])
    base["ahead_tested"] = growth_factor(base["rate"], base["needs_months"][here])
    return MarketTerms(**base)


# --- orders ------------------------------------------------------------------------------
def test_a_holder_short_of_space_bids_for_the_gap_if_space_is_worth_the_price():
    s = holders(3, need=[6.5, 6.5, 3.0], wtp=[50.0, 30.0, 50.0])
    bids = buy_orders(s, terms(3))
    # holder 0: needs 7 /24s, holds 4, space worth 50 >= 40; holder 1 is priced out; 2 has enough
    assert bids.holders.tolist() == [0] and bids.blocks.tolist() == [3]


def test_buyers_plan_ahead_and_the_needs_test_cuts_the_bid():
    # need 4 growing 50% a year: 6 in 12 months, 9 in 24 months
    rate = np.full(1, math.log(1.5))
    s = holders(1, need=[4.0], wtp=[100.0])
    ahead = terms(1, rate=rate, space_horizon=24.0)
    assert buy_orders(s, ahead).blocks.tolist() == [9 - 4]
    tested = terms(1, rate=rate, space_horizon=24.0, needs_months=np.array([12.0, 0.0, 0.0]))
    assert buy_orders(s, tested).blocks.tolist() == [6 - 4]


def test_small_blocks_and_transfer_fees_cost_more_per_address():
    assert block_premium(1, 0.2) == pytest.approx(1.2)
    assert block_premium(100, 0.2) == pytest.approx(1.02)
    # one /24 at 40 x 1.2 = 48 plus a 512 USD fee over 256 addresses = 50 per address
    s = holders(2, need=[5.0, 5.0], wtp=[50.0, 49.99])
    t = terms(2, small_block_premium=0.2, transfer_fee=np.array([512.0, 0.0, 0.0]))
    assert buy_orders(s, t).holders.tolist() == [0]


def test_lacnic_recipients_must_be_in_region():
    s = holders(2, need=[8.0, 8.0], wtp=[100.0, 100.0], home=[0, 1])
    t = terms(2, in_region=np.array([True, False, False]))
    assert buy_orders(s, t).holders.tolist() == [0]


def test_a_holder_offers_what_it_will_not_need_unless_it_holds_the_space_too_briefly():
    s = holders(4, ipv4=[10, 10, 10, 10], need=[3.2, 3.2, 3.2, 10.0], reserve=[10.0] * 4)
    s.received_at[1] = 95  # received 5 months ago
    s.received_at[2] = 80  # 20 months ago
    t = terms(4, hold_months=np.array([12, 0, 0]))
    offers = sell_orders(s, t)
    assert offers.holders.tolist() == [0, 2] and offers.blocks.tolist() == [6, 6]
    ripe = t._replace(hold_months=np.array([24, 0, 0]))
    assert sell_orders(s, ripe).holders.tolist() == [0]


def test_sellers_want_their_reserve_after_the_cost_of_splitting():
    # 6 idle /24s = 1,536 addresses; splitting costs 1,536 USD: net 40 - 1 = 39
    s = holders(2, ipv4=[10, 10], need=[4.0, 4.0], reserve=[39.0, 39.01])
    assert sell_orders(s, terms(2, deaggregation_cost=1536.0)).holders.tolist() == [0]


def test_sellers_act_when_they_review_and_nobody_moving_trades():
    s = holders(3, ipv4=[10, 10, 10], need=[4.0] * 3, reserve=[0.0] * 3)
    s.pending_destination[2] = 1
    t = terms(3, review=np.array([True, False, True]))
    assert sell_orders(s, t).holders.tolist() == [0]


def test_need_grows_unless_the_price_exceeds_what_space_is_worth():
    s = holders(2, growth=[0.05, 0.05], wtp=[50.0, 30.0])
    assert need_rate(s, 40.0, 0.1).tolist() == [0.05, -0.1]


def test_the_counterpart_rule_caps_what_a_ripe_buyer_takes_from_a_needs_based_registry():
    # RIPE buyer (registry 1): no needs test of its own; counterpart: 50% used within 60 months
    s = holders(1, registry=[1], home=[1], ipv4=[4], need=[5.0], wtp=[100.0])
    t = terms(
        1,
        space_horizon=0.0,
        needs_months=np.array([24.0, 0.0, 0.0]),
        counterpart_share=np.array([0.0, 0.5, 0.0]),
        counterpart_months=np.array([0.0, 60.0, 0.0]),
    )
    bids = Orders(np.array([0]), np.array([20]))  # asks for 20: holding 24 would be 21% used
    caps = receive_caps(s, bids, t)
    # from registry 0 (needs-based) at most 2 x 5 - 4 = 6; from the others, the whole bid
    assert caps.tolist() == [[6, 20, 20]]


# --- matching ----------------------------------------------------------------------------
def run_match(
    buyers, bids, buyer_registry, sellers, offers, seller_registry, sales, caps=None, eligible=None
):
    buyers, bids, buyer_registry = (np.array(x, dtype=np.int64) for x in (buyers, bids, buyer_registry))
    sellers, offers, seller_registry = (
        np.array(x, dtype=np.int64) for x in (sellers, offers, seller_registry)
    )
    n_registries = sales.shape[0]
    caps = np.repeat(bids[:, None], n_registries, axis=1) if caps is None else np.array(caps, dtype=np.int64)
    eligible = offers.copy() if eligible is None else np.array(eligible, dtype=np.int64)
    result = match(buyers, bids, buyer_registry, caps, sellers, offers, seller_registry, eligible, sales)
    return [tuple(int(v) for v in row) for row in zip(*result, strict=True)]


def everything(n: int = 3) -> np.ndarray:
    return np.full((n, n), ALLOWED, dtype=np.int8)


def test_a_buyer_buys_at_home_first_then_where_most_is_on_offer():
    # buyer 100 at registry 0 wants 10; offers: 3 at home (seller 1), 4 at registry 1, 9 at registry 2
    trades = run_match([100], [10], [0], [1, 2, 3], [3, 4, 9], [0, 1, 2], everything())
    assert trades == [(1, 100, 3), (3, 100, 7)]


def test_sellers_are_taken_in_order_and_buyers_in_order():
    trades = run_match([100, 101], [5, 5], [0, 0], [1, 2], [4, 4], [0, 0], everything())
    assert trades == [(1, 100, 4), (2, 100, 1), (2, 101, 3)]


def test_forbidden_pairs_do_not_trade_and_intra_can_be_closed():
    sales = everything()
    sales[2, 0] = FORBIDDEN
    assert run_match([100], [5], [0], [1], [5], [2], sales) == []
    sales[0, 0] = FORBIDDEN
    assert run_match([100], [5], [0], [1], [5], [0], sales) == []


def test_eligible_only_pairs_take_only_legacy_or_imported_space():
    sales = everything()
    sales[2, 0] = ELIGIBLE_ONLY
    trades = run_match([100], [5], [0], [1, 2], [3, 3], [2, 2], sales, eligible=[0, 3])
    assert trades == [(2, 100, 3)]
    # a seller with 1 imported /24 of 3 offered sells just that one out of the region ...
    assert run_match([100], [5], [0], [1], [3], [2], sales, eligible=[1]) == [(1, 100, 1)]
    # ... and what it sells at home first uses up its offer, not its eligible space
    home_first = run_match([100, 101], [2, 5], [2, 0], [1], [3], [2], sales, eligible=[1])
    assert home_first == [(1, 100, 2), (1, 101, 1)]


def test_a_cap_per_source_limits_what_comes_from_there():
    trades = run_match([100], [6], [0], [1, 2], [6, 6], [1, 2], everything(), caps=[[6, 2, 6]])
    # registry 1 and 2 offer equally: registry 1 first (ties by index), capped at 2
    assert trades == [(1, 100, 2), (2, 100, 4)]


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_matching_never_oversells_or_overbuys_and_the_compiled_rule_is_the_readable_one(data):
    n_b = data.draw(st.integers(0, 8))
    n_s = data.draw(st.integers(0, 8))
    n_r = 3
    bids = np.array(data.draw(st.lists(st.integers(1, 9), min_size=n_b, max_size=n_b)), dtype=np.int64)
    offers = np.array(data.draw(st.lists(st.integers(1, 9), min_size=n_s, max_size=n_s)), dtype=np.int64)
    b_reg = np.array(data.draw(st.lists(st.integers(0, n_r - 1), min_size=n_b, max_size=n_b)), dtype=np.int64)
    s_reg = np.array(data.draw(st.lists(st.integers(0, n_r - 1), min_size=n_s, max_size=n_s)), dtype=np.int64)
    eligible = np.array(data.draw(st.lists(st.integers(0, 9), min_size=n_s, max_size=n_s)), dtype=np.int64)
    sales = np.array(
        data.draw(st.lists(st.sampled_from([FORBIDDEN, ALLOWED, ELIGIBLE_ONLY]), min_size=9, max_size=9)),
        dtype=np.int8,
    ).reshape(3, 3)
    caps = np.array(
        data.draw(st.lists(st.integers(0, 9), min_size=3 * n_b, max_size=3 * n_b)), dtype=np.int64
    ).reshape(n_b, 3)
    buyers, sellers = np.arange(n_b) + 100, np.arange(n_s)
    args = (buyers, bids, b_reg, caps, sellers, offers, s_reg, eligible, sales)
    compiled = match(*args)
    readable = match.py_func(*args)
    assert all(np.array_equal(a, b) for a, b in zip(compiled, readable, strict=True))
    seller, buyer, blocks = compiled
    assert (blocks > 0).all()
    assert (np.bincount(seller, weights=blocks, minlength=n_s)[:n_s] <= offers).all()
    bought = np.bincount(buyer - 100, weights=blocks, minlength=n_b)[:n_b]
    assert (bought <= bids).all()
    for s_, b_ in zip(seller, buyer, strict=True):
        assert sales[s_reg[s_], b_reg[b_ - 100]] != FORBIDDEN
    for i in range(n_s):  # what went along ELIGIBLE_ONLY pairs is within the seller's eligible space
        mine = seller == i
        rules = sales[s_reg[i], b_reg[buyer[mine] - 100]]
        assert blocks[mine][rules == ELIGIBLE_ONLY].sum() <= eligible[i]
    for b in range(n_b):
        for r in range(3):
            got = blocks[(buyer == b + 100) & (s_reg[seller] == r)].sum()
            assert got <= caps[b, r]


def test_a_sale_moves_space_and_counts_imported_space_only():
    s = holders(3, registry=[0, 1, 0], ipv4=[10, 4, 4])
    changed = apply_trades(s, Trades(np.array([0, 0]), np.array([1, 2]), np.array([3, 2])), step=7)
    assert s.ipv4.tolist() == [5, 7, 6] and changed.tolist() == [0, 1, 2]
    assert s.received_at.tolist()[1:] == [7, 7]
    assert s.imported_blocks.tolist() == [0, 3, 0]  # only the 3 /24s that crossed registries
    assert not s.imported.any()  # a purchase is not a registration move
    assert eligible_blocks(s, np.arange(3)).tolist() == [0, 3, 0]


def test_an_afrinic_holder_that_buys_a_little_may_neither_export_its_own_space_nor_leave():
    model = PortabilityModel(regime="status_quo_2026", seed=3, scale=0.01)
    s = model.holders
    afrinic = next(r.index for r in model.registries if r.name == "AFRINIC")
    arin = next(r.index for r in model.registries if r.name == "ARIN")
    buyer = int(np.flatnonzero((s.registry == afrinic) & ~s.legacy & (s.ipv4 >= 4))[0])
    seller = int(np.flatnonzero((s.registry == arin) & (s.ipv4 >= 4))[0])
    native = int(s.ipv4[buyer])
    apply_trades(s, Trades(np.array([seller]), np.array([buyer]), np.array([1])), step=1)
    assert eligible_blocks(s, np.array([buyer])).tolist() == [1]  # the one imported /24, not its own
    s.refresh(np.array([buyer]))
    assert s.kind[buyer] < 4  # not eligible to move its registration out of AFRINIC
    assert s.ipv4[buyer] == native + 1


def test_a_holder_does_not_sell_space_it_still_uses_ahead_of_its_shrinking_need():
    # need 8 of 10 /24s, shrinking 50% a year (priced out): in 24 months it would need 3,
    # but it offers only the 2 it does not use now
    s = holders(1, ipv4=[10], need=[8.0], reserve=[0.0])
    t = terms(1, rate=np.array([-math.log(2.0)]), space_horizon=24.0)
    assert sell_orders(s, t).blocks.tolist() == [2]
    assert idle_blocks(s, t).tolist() == [2]


def test_a_failed_registry_processes_no_transfers():
    s = holders(2, registry=[0, 1], ipv4=[10, 4], need=[4.0, 8.0], wtp=[0.0, 100.0], reserve=[0.0, np.inf])
    t = terms(2, processing=np.array([True, False, True]))
    assert buy_orders(s, t).holders.size == 0  # holder 1's registry is failed
    assert sell_orders(s, t).holders.tolist() == [0]


# --- the price -----------------------------------------------------------------------------
def test_the_price_moves_with_excess_demand_at_most_by_the_adjustment():
    assert next_price(40.0, 30.0, 10.0, 0.1) == pytest.approx(40.0 * math.exp(0.05))
    assert next_price(40.0, 0.0, 10.0, 0.1) == pytest.approx(40.0 * math.exp(-0.1))
    assert next_price(40.0, 10.0, 10.0, 0.1) == 40.0
    assert next_price(40.0, 0.0, 0.0, 0.1) == 40.0


# --- the policy matrix ---------------------------------------------------------------------
def sales_of(regime: str) -> np.ndarray:
    policy = load_transfer_policies(NAMES)
    return sales_matrix(move_matrix(regime, NAMES, "ipv4", "sales"), policy["intra"])


def test_every_registry_allows_transfers_inside_it_under_every_regime():
    for regime in REGIME_NAMES:
        assert (np.diag(sales_of(regime)) == ALLOWED).all(), regime


def test_no_sale_between_registries_without_portability():
    sales = sales_of("none")
    assert (sales[~np.eye(5, dtype=bool)] == FORBIDDEN).all()


@pytest.mark.parametrize("origin", range(5))
@pytest.mark.parametrize("destination", range(5))
def test_the_status_quo_matrix_pair_by_pair(origin, destination):
    if origin == destination:
        return
    four = {ARIN, APNIC, RIPE, LACNIC}
    today = sales_of("status_quo")[origin, destination]
    assert today == (ALLOWED if {origin, destination} <= four else FORBIDDEN)
    in_2026 = sales_of("status_quo_2026")[origin, destination]
    if origin == AFRINIC:
        assert in_2026 == ELIGIBLE_ONLY  # only legacy or imported space leaves AFRINIC
    else:
        assert in_2026 == ALLOWED  # AFRINIC accepts from everyone
    assert sales_of("mandatory")[origin, destination] == ALLOWED


def test_the_needs_tests_and_holding_periods_as_published():
    policy = load_transfer_policies(NAMES)
    assert policy["needs_months"].tolist() == [24, 24, 0, 24, 24]
    assert policy["counterpart_share"][RIPE] == 0.5 and policy["counterpart_months"][RIPE] == 60
    assert policy["hold_months"][ARIN] == 12 and policy["hold_months"][RIPE] == 24
    assert policy["in_region"].tolist() == [False, False, False, True, False]


# --- in the model ----------------------------------------------------------------------------
def run(regime: str, months: int = 36, **kwargs) -> PortabilityModel:
    model = PortabilityModel(regime=regime, seed=4, scale=0.01, **kwargs)
    for _ in range(months):
        model.step()
    return model


def test_the_status_quo_differs_from_lock_in_through_sales_between_registries():
    none, today = run("none"), run("status_quo")
    assert none.flow_sales[~np.eye(5, dtype=bool)].sum() == 0
    assert np.trace(none.flow_sales) > 0  # sales inside each registry
    assert today.flow_sales[~np.eye(5, dtype=bool)].sum() > 0
    assert today.model_frame().ipv4_inter_rir.sum() > 0


def test_sales_are_never_exit():
    # registration moves impossible, sales between registries allowed
    model = run("status_quo", approval_odds=0.0)
    frame, registries = model.model_frame(), model.registry_frame()
    assert frame.moves.sum() == 0 and registries.sales_in.sum() > 0
    assert registries.inflow.sum() == registries.outflow.sum() == 0
    assert registries.effort_exit.eq(0.0).all()
    assert all(r.stake.exit_signal == 0.0 for r in model.registries)


def test_without_the_market_holdings_change_only_by_pool_allocations():
    model = run("status_quo", market="off")
    frame = model.model_frame()
    assert frame.ipv4_transferred.eq(0).all() and model.flow_sales.sum() == 0
    assert model.holders.ipv4.sum() == model.total_ipv4
    assert frame.ipv4_price.eq(frame.ipv4_price.iloc[0]).all()


def test_entrants_join_each_january_and_draw_on_the_pools():
    model = run("status_quo", months=25)
    frame = model.model_frame()
    assert frame.entrants[frame.entrants > 0].index.tolist() == [12, 24]
    assert frame.pool_allocated.sum() > 0
    allocated = frame.pool_allocated.sum()
    registries = model.registry_frame()
    start = registries[registries.step == 0].pool.sum()
    granted = model.holders.ipv4[frame.holders.iloc[0] :] > 0
    assert granted.any()
    assert start - sum(r.pool for r in model.registries) == allocated
    assert model.holders.size == frame.holders.iloc[-1] == frame.holders.iloc[0] + frame.entrants.sum()
    # entrants join at home with no IPv4 or a pool grant (without the market: they buy at once)
    joined = run("status_quo", months=12, market="off")
    first = joined.model_frame().holders.iloc[0]
    entrants = slice(first, None)
    assert (joined.holders.registry[entrants] == joined.holders.home[entrants]).all()
    # a region's cohort follows its holders, wherever they are registered: about entry_rate of them
    home = np.bincount(joined.holders.home[:first], minlength=5)
    cohort = np.bincount(joined.holders.home[entrants], minlength=5)
    assert (np.abs(cohort - joined.p.entry_rate * home) < 1).all()
    granted = joined.holders.ipv4[entrants] > 0  # a pool grant starts the holding period
    assert (joined.holders.received_at[entrants][granted] == 12).all()
    pool_max = np.array([spec.pool_max_blocks for spec in joined.calibration.registries])
    assert (joined.holders.ipv4[entrants] <= pool_max[joined.holders.home[entrants]]).all()


@pytest.mark.parametrize("regime", ["status_quo", "status_quo_2026", "mandatory"])
def test_the_compiled_orders_are_the_readable_ones_on_whole_model_states(regime):
    model = PortabilityModel(regime=regime, seed=6, scale=0.02)
    for month in range(30):
        model.step()
        s, t = model.holders, model.market_terms()
        bids, offers = orders(s, t)
        readable = np.array([holder_order(s, h, t) for h in range(s.size)]).reshape(-1, 2)
        assert np.array_equal(bids.holders, np.flatnonzero(readable[:, 0])), month
        assert np.array_equal(bids.blocks, readable[bids.holders, 0]), month
        assert np.array_equal(offers.holders, np.flatnonzero(readable[:, 1])), month
        assert np.array_equal(offers.blocks, readable[offers.holders, 1]), month


def test_the_compiled_registry_totals_are_the_bincounts():
    model = run("status_quo", months=14)
    s, n = model.holders, len(model.registries)
    action = model.decisions.action
    members, ipv4, asn, fees, voices = registry_totals(s.registry, s.ipv4, s.asn, s.paid_usd, action, n)
    assert np.array_equal(members, np.bincount(s.registry, minlength=n))
    assert np.array_equal(ipv4, np.bincount(s.registry, weights=s.ipv4, minlength=n))
    assert np.array_equal(asn, np.bincount(s.registry, weights=s.asn, minlength=n))
    assert np.array_equal(fees, np.bincount(s.registry, weights=s.paid_usd, minlength=n))
    assert np.array_equal(voices, np.bincount(s.registry[action == Action.VOICE], minlength=n))


def test_appending_holders_keeps_every_column_and_the_peer_lists():
    s = holders(2, ipv4=[4, 8], need=[3.0, 9.0])
    s.peer_start = np.array([0, 1, 2])
    s.peers = np.array([1, 0])
    for _ in range(3):  # the second append fits in the buffer, the third grows it
        new = holders(2, ipv4=[1, 2], need=[1.0, 2.0])
        new.peer_start = np.array([0, 1, 3])
        new.peers = np.array([0, 0, 1])
        before = s.size
        s.append(new)
        assert s.size == before + 2 and s.ipv4[-2:].tolist() == [1, 2] and s.need[-1] == 2.0
        assert s.peer_start.size == s.size + 1 and s.peer_start[-1] == s.peers.size
        assert s.peers[s.peer_start[before] : s.peer_start[before + 2]].tolist() == [0, 0, 1]
    assert s.ipv4[:2].tolist() == [4, 8] and s.belief_quality.shape == (8, 3)
