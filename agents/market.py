"""The IPv4 transfer market: holders' need for space, their orders, and how a month clears.

A *sale* moves space from one holder to another (perhaps at another registry); it is not a
registration move (`agents.holder`), and registries never count it as exit.

Each month (`clear_month`):

1. every holder's need grows at its own rate while an address is worth at least the price
   to it (`wtp`, the cost of its alternative: CGNAT, IPv6-only); a holder priced out moves
   its use to the alternative instead, and its need shrinks at `adoption_rate` (`need_rate`,
   `grow_need`): the alternative caps the price (Edelman & Schwarz 2015);
2. a holder whose need `space_horizon` months ahead exceeds its holding bids for the
   difference, if its registry's needs test lets it and the posted price (small blocks cost
   more per address, and the recipient pays the transfer fee) is at most what space is worth
   to it; a holder that reviews its space this month (as it reviews its registration) and
   holds more than that need offers the rest, unless it received space within its
   registry's holding period or the price, less the cost of splitting its block, is below its
   reservation value (`holder_order`, one holder; `orders`, all of them, compiled);
3. buyers, in a random order, take space at the posted price from sellers the policies let
   them buy from: at home first (a transfer inside one registry is simpler), then from the
   registry with most space on offer (`agents.trades.match`);
4. the space moves, and what each changed holding is worth and costs follows it
   (`agents.holdings.rehold`);
5. the price moves with the month's excess demand at the posted price (`next_price`), so it
   rises while demand exceeds supply and falls while supply exceeds demand.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from agents.compiled import compiled
from agents.holdings import ADDRESSES_PER_BLOCK, HoldingTerms, rehold
from agents.state import NO_MOVE, HolderState
from agents.trades import Trades, apply_trades, eligible_blocks, match, receive_caps

__all__ = [
    "ADDRESSES",
    "MarketMonth",
    "MarketTerms",
    "Orders",
    "block_premium",
    "blocks_kept",
    "blocks_wanted",
    "buy_orders",
    "clear_month",
    "grow_need",
    "growth_factor",
    "holder_order",
    "idle_blocks",
    "need_rate",
    "next_price",
    "orders",
    "pool_requests",
    "sell_orders",
]

ADDRESSES = ADDRESSES_PER_BLOCK  # space trades in /24s


class MarketTerms(NamedTuple):
    """What the market needs to know this month, besides the holders' state (`model.terms`)."""

    step: int
    trading: bool  # holders trade at all (the `market` switch); needs grow either way
    price: float  # posted price of a large block, USD per address
    price_adjustment: float  # the price's answer to excess demand, per month
    sales: np.ndarray  # (R, R) FORBIDDEN / ALLOWED / ELIGIBLE_ONLY; diagonal: intra-RIR transfers
    processing: np.ndarray  # (R,) bool: the registry processes transfers (open and not failed)
    needs_months: np.ndarray  # (R,) a recipient's need must arise within this many months (0: no test)
    counterpart_share: np.ndarray  # (R,) ... share of the holding used within
    counterpart_months: np.ndarray  # (R,) ... months, when the source registry is needs-based
    hold_months: np.ndarray  # (R,) months after a receipt before a holder may sell
    in_region: np.ndarray  # (R,) bool: recipients must be in the registry's region
    transfer_fee: np.ndarray  # (R,) USD per transfer, paid by the recipient
    review: np.ndarray  # (n,) bool: the holder reviews its space this month (sellers act then)
    rate: np.ndarray  # (n,) yearly growth of each holder's need this month (`need_rate`)
    ahead: np.ndarray  # (n,) its need's growth over `space_horizon`: exp(rate x months / 12)
    ahead_tested: np.ndarray  # (n,) ... over its registry's needs-test window
    space_horizon: float  # months of growth holders plan their space for
    small_block_premium: float  # a /24 costs this much more per address than a large block
    deaggregation_cost: float  # USD a seller pays to split its block for a sale
    inter_rir_cost: float  # USD more a buyer pays for a purchase from another registry
    holdings: HoldingTerms  # what a changed holding is worth and costs


class Orders(NamedTuple):
    """One side of the month's market: who trades, how many /24s."""

    holders: np.ndarray  # holder ids
    blocks: np.ndarray  # /24s bid for (buyers) or offered (sellers)


class MarketMonth(NamedTuple):
    """What the market did this month."""

    trades: Trades
    sold: np.ndarray  # (R, R) /24s sold by members of the origin to members of the destination
    sold_legacy: np.ndarray  # (R, R) ... of which by holders of legacy space
    demand: int  # /24s bid
    supply: int  # /24s offered
    price: float  # next month's posted price


def need_rate(s: HolderState, price: float, adoption_rate: float) -> np.ndarray:
    """Yearly growth of each holder's need: its own rate, or -`adoption_rate` if priced out."""
    return np.where(s.wtp >= price, s.growth, -adoption_rate)


def grow_need(s: HolderState, rate: np.ndarray) -> None:
    """One month of growth of every holder's need at `rate` a year, compounded continuously."""
    s.need *= np.exp(rate / 12.0)


def growth_factor(rate: np.ndarray, months: float | np.ndarray) -> np.ndarray:
    """How much a need growing at `rate` a year grows in `months`: exp(rate x months / 12)."""
    return np.exp(rate * (np.asarray(months, dtype=float) / 12.0))


def blocks_wanted(need: float, factor: float) -> int:
    """/24s to cover need x factor (at least one: a holder keeps its last block)."""
    return max(1, math.ceil(need * factor - 1e-9))


def block_premium(blocks: int, premium: float) -> float:
    """Price per address of a block of `blocks` /24s relative to a large block's.

    1 + premium / sqrt(blocks): a single /24 pays the whole premium, a /16 a sixteenth.
    """
    return 1.0 + premium / math.sqrt(blocks)


def blocks_kept(s: HolderState, h: int, t: MarketTerms) -> int:
    """/24s holder h keeps: what it needs `space_horizon` months ahead.

    A holder keeps room for its growth, but does not keep space ahead of a shrinking need:
    space it still uses is kept until its use has moved to the alternative.
    """
    return blocks_wanted(s.need[h], t.ahead[h] if t.rate[h] >= 0.0 else 1.0)


def pool_requests(s: HolderState, t: MarketTerms, granting: np.ndarray) -> np.ndarray:
    """/24s each holder asks from its registry's free pool (0 where it does not, or cannot).

    What it will need within its registry's needs test beyond what it holds, where the
    registry grants members space by need (`granting`, per registry); 0 for the others and
    for holders with a move under way.
    """
    here = s.registry
    wanted = np.maximum(1, np.ceil(s.need * t.ahead_tested - 1e-9)).astype(np.int64)
    asking = np.maximum(0, wanted - s.ipv4)
    return np.where(granting[here] & (s.pending_destination == NO_MOVE), asking, 0)


def holder_order(s: HolderState, h: int, t: MarketTerms) -> tuple[int, int]:
    """What holder h puts on the market this month: (/24s bid, /24s offered); (0, 0) if nothing.

    Only a holder with no registration move under way, at a registry that processes
    transfers, trades. A holder short of what it needs `space_horizon` months ahead bids for
    the difference, cut to its registry's needs test (need within `needs_months`), to nothing
    where its registry takes recipients only in region and it is registered away from home,
    and only if the posted price of such a block (a small block costs more per address) plus
    the transfer fee per address is at most what space is worth to it. A holder with more
    than it keeps (`blocks_kept`) offers the rest if it reviews its space this month, its
    last receipt is older than its registry's holding period, and the price less the cost of
    splitting its block (spread over the /24s offered) is at least its reservation value.
    """
    here = s.registry[h]
    if s.pending_destination[h] != NO_MOVE or not t.processing[here]:
        return 0, 0
    wanted = blocks_wanted(s.need[h], t.ahead[h])
    if wanted > s.ipv4[h]:
        blocks = wanted - s.ipv4[h]
        if t.needs_months[here] > 0:
            blocks = min(blocks, max(0, blocks_wanted(s.need[h], t.ahead_tested[h]) - s.ipv4[h]))
        if t.in_region[here] and s.home[h] != here:
            blocks = 0
        if blocks > 0:
            cost = t.price * block_premium(blocks, t.small_block_premium) + t.transfer_fee[here] / (
                ADDRESSES * blocks
            )
            if cost <= s.wtp[h]:
                return blocks, 0
        return 0, 0
    # only a holder that reviews its space offers any; tested first, as it rarely passes (the
    # tests below are coin flips to the processor's branch predictor)
    if not t.review[h]:
        return 0, 0
    keep = blocks_kept(s, h, t)
    if keep < s.ipv4[h] and t.step - s.received_at[h] >= t.hold_months[here]:
        blocks = s.ipv4[h] - keep
        if t.price - t.deaggregation_cost / (ADDRESSES * blocks) >= s.reserve[h]:
            return 0, blocks
    return 0, 0


_holder_order = compiled(holder_order)
_blocks_kept = compiled(blocks_kept)


@njit(cache=True)
def _orders(s, t):  # pragma: no cover - compiled
    n = s.registry.shape[0]
    bid_h = np.empty(n, dtype=np.int64)
    bid_q = np.empty(n, dtype=np.int64)
    offer_h = np.empty(n, dtype=np.int64)
    offer_q = np.empty(n, dtype=np.int64)
    n_bids = n_offers = 0
    for h in range(n):
        bid, offer = _holder_order(s, h, t)
        if bid > 0:
            bid_h[n_bids], bid_q[n_bids] = h, bid
            n_bids += 1
        elif offer > 0:
            offer_h[n_offers], offer_q[n_offers] = h, offer
            n_offers += 1
    return bid_h[:n_bids], bid_q[:n_bids], offer_h[:n_offers], offer_q[:n_offers]


def orders(s: HolderState, t: MarketTerms) -> tuple[Orders, Orders]:
    """Every holder's `holder_order`, in holder order, in one compiled pass: (bids, offers)."""
    bid_h, bid_q, offer_h, offer_q = _orders(s.columns(), t)
    return Orders(bid_h, bid_q), Orders(offer_h, offer_q)


def buy_orders(s: HolderState, t: MarketTerms) -> Orders:
    """The month's bids (`holder_order`)."""
    return orders(s, t)[0]


def sell_orders(s: HolderState, t: MarketTerms) -> Orders:
    """The month's offers (`holder_order`)."""
    return orders(s, t)[1]


@njit(cache=True)
def _idle(s, t):  # pragma: no cover - compiled
    out = np.empty(s.registry.shape[0], dtype=np.int64)
    for h in range(out.shape[0]):
        out[h] = max(0, s.ipv4[h] - _blocks_kept(s, h, t))
    return out


def idle_blocks(s: HolderState, t: MarketTerms) -> np.ndarray:
    """/24s each holder holds beyond what it keeps (`blocks_kept`)."""
    return _idle(s.columns(), t)


def next_price(price: float, demand: float, supply: float, adjustment: float) -> float:
    """Next month's posted price: up with excess demand, down with excess supply (tatonnement).

    price x exp(adjustment x (demand - supply) / (demand + supply)): at most a factor
    exp(+-adjustment) a month, unchanged when nobody bids or offers.
    """
    if demand + supply <= 0:
        return price
    return price * math.exp(adjustment * (demand - supply) / (demand + supply))


def _shuffled(side: Orders, rng: np.random.Generator) -> Orders:
    """The orders in a random sequence: who comes first in the market is luck."""
    order = rng.permutation(side.holders.size)
    return Orders(side.holders[order], side.blocks[order])


def clear_month(s: HolderState, t: MarketTerms, rng: np.random.Generator) -> MarketMonth:
    """The market's month: needs grow, orders, matching in a random order, sales, the next price.

    `rng` orders buyers and sellers (the market's own random stream).
    """
    grow_need(s, t.rate)
    n_registries = t.sales.shape[0]
    if not t.trading:
        none = np.zeros(0, dtype=np.int64)
        idle = np.zeros((n_registries, n_registries), dtype=np.int64)
        return MarketMonth(Trades(none, none, none), idle, idle, 0, 0, t.price)
    bids, offers = orders(s, t)
    bids, offers = _shuffled(bids, rng), _shuffled(offers, rng)
    trades = Trades(
        *match(
            bids.holders,
            bids.blocks,
            s.registry[bids.holders],
            receive_caps(s, bids, t),
            offers.holders,
            offers.blocks,
            s.registry[offers.holders],
            eligible_blocks(s, offers.holders),
            t.sales,
        )
    )
    origin, destination = s.registry[trades.sellers], s.registry[trades.buyers]
    rehold(s, apply_trades(s, trades, t.step), t.holdings)
    pairs = origin * n_registries + destination
    sold = np.bincount(pairs, weights=trades.blocks, minlength=n_registries**2)
    legacy = s.legacy[trades.sellers]
    sold_legacy = np.bincount(pairs[legacy], weights=trades.blocks[legacy], minlength=n_registries**2)
    demand, supply = int(bids.blocks.sum()), int(offers.blocks.sum())
    price = next_price(t.price, float(bids.blocks.sum()), float(offers.blocks.sum()), t.price_adjustment)
    square = (n_registries, n_registries)
    return MarketMonth(
        trades,
        sold.astype(np.int64).reshape(square),
        sold_legacy.astype(np.int64).reshape(square),
        demand,
        supply,
        price,
    )
