"""The IPv4 transfer market: holders' need for space, their orders, and how a month clears.

A *sale* moves space from one holder to another (perhaps at another registry); it is not a
registration move (`agents.holder`), and registries never count it as exit.

Each month:

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
   reservation value (`buy_orders`, `sell_orders`);
3. buyers, in a random order, take space at the posted price from sellers the policies let
   them buy from: at home first (a transfer inside one registry is simpler), then from the
   registry with most space on offer (`match`);
4. the price moves with the month's excess demand at the posted price (`next_price`), so it
   rises while demand exceeds supply and falls while supply exceeds demand.

The market's terms for a month come in one `MarketTerms`, built by `build_market_terms`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numba import njit

from agents.state import ALLOWED, FORBIDDEN, NO_MOVE, HolderState

if TYPE_CHECKING:
    from model.params import Params

__all__ = [
    "ADDRESSES",
    "MarketTerms",
    "Orders",
    "Trades",
    "apply_trades",
    "block_premium",
    "blocks_needed",
    "build_market_terms",
    "buy_orders",
    "eligible_blocks",
    "grow_need",
    "growth_factor",
    "idle_blocks",
    "match",
    "need_rate",
    "next_price",
    "receive_caps",
    "sell_orders",
]

ADDRESSES = 256  # addresses in a /24, the unit in which space trades


class MarketTerms(NamedTuple):
    """What the market needs to know this month, besides the holders' state."""

    step: int
    price: float  # posted price of a large block, USD per address
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


def build_market_terms(
    p: Params,
    step: int,
    *,
    price: float,
    sales: np.ndarray,
    processing: np.ndarray,
    policy: dict[str, np.ndarray],
    review: np.ndarray,
    rate: np.ndarray,
    registry: np.ndarray,
) -> MarketTerms:
    """The month's market terms from the parameters, the regime's sales matrix and the policies.

    The growth factors are computed here, once, for every holder: the readable orders and
    the compiled ones then read the same numbers.
    """
    return MarketTerms(
        step=step,
        price=price,
        sales=sales,
        processing=processing,
        needs_months=policy["needs_months"],
        counterpart_share=policy["counterpart_share"],
        counterpart_months=policy["counterpart_months"],
        hold_months=policy["hold_months"],
        in_region=policy["in_region"],
        transfer_fee=policy["transfer_fee_usd"],
        review=review,
        rate=rate,
        ahead=growth_factor(rate, p.space_horizon),
        ahead_tested=growth_factor(rate, policy["needs_months"][registry]),
        space_horizon=p.space_horizon,
        small_block_premium=p.small_block_premium,
        deaggregation_cost=p.deaggregation_cost,
    )


class Orders(NamedTuple):
    """One side of the month's market: who trades, how many /24s."""

    holders: np.ndarray  # holder ids
    blocks: np.ndarray  # /24s bid for (buyers) or offered (sellers)


class Trades(NamedTuple):
    """The month's sales, one row each: seller, buyer, /24s."""

    sellers: np.ndarray
    buyers: np.ndarray
    blocks: np.ndarray


def need_rate(s: HolderState, price: float, adoption_rate: float) -> np.ndarray:
    """Yearly growth of each holder's need: its own rate, or -`adoption_rate` if priced out."""
    return np.where(s.wtp >= price, s.growth, -adoption_rate)


def grow_need(s: HolderState, rate: np.ndarray) -> None:
    """One month of growth of every holder's need at `rate` a year, compounded continuously."""
    s.need *= np.exp(rate / 12.0)


def growth_factor(rate: np.ndarray, months: float | np.ndarray) -> np.ndarray:
    """How much a need growing at `rate` a year grows in `months`: exp(rate x months / 12)."""
    return np.exp(rate * (np.asarray(months, dtype=float) / 12.0))


def blocks_needed(need: np.ndarray, factor: np.ndarray) -> np.ndarray:
    """/24s to cover need x factor (at least one: a holder keeps its last block)."""
    return np.maximum(1, np.ceil(need * factor - 1e-9)).astype(np.int64)


def idle_blocks(s: HolderState, t: MarketTerms) -> np.ndarray:
    """/24s each holder holds beyond what it will need `space_horizon` months ahead.

    A holder keeps room for its growth, but does not sell ahead of a shrinking need: space
    it still uses is not idle until its use has moved to the alternative.
    """
    return np.maximum(0, s.ipv4 - blocks_needed(s.need, np.where(t.rate >= 0.0, t.ahead, 1.0)))


def block_premium(blocks: np.ndarray | float, premium: float) -> np.ndarray | float:
    """Price per address of a block of `blocks` /24s relative to a large block's.

    1 + premium / sqrt(blocks): a single /24 pays the whole premium, a /16 a sixteenth.
    """
    return 1.0 + premium / np.sqrt(blocks)


def _can_trade(s: HolderState, holders: np.ndarray, t: MarketTerms) -> np.ndarray:
    """Holders not in the middle of a registration move, at a registry that processes transfers."""
    return (s.pending_destination[holders] == NO_MOVE) & t.processing[s.registry[holders]]


def buy_orders(s: HolderState, t: MarketTerms) -> Orders:
    """Holders who bid this month, and for how many /24s (their registry's needs test applied).

    A holder bids for the space it will need `space_horizon` months ahead less what it
    holds, cut to what its registry's needs test allows (need within `needs_months`), if a
    recipient at its registry may be in its position (`in_region`), and if the posted price
    of such a block, plus the transfer fee per address, is at most what space is worth to it.
    """
    everyone = np.arange(s.size)
    short = blocks_needed(s.need, t.ahead) - s.ipv4
    here = s.registry
    tested = t.needs_months[here] > 0
    needs_cap = np.maximum(0, blocks_needed(s.need, t.ahead_tested) - s.ipv4)
    blocks = np.where(tested, np.minimum(short, needs_cap), short)
    blocks = np.where(t.in_region[here] & (s.home != here), 0, blocks)
    bidding = (blocks > 0) & _can_trade(s, everyone, t)
    h = np.flatnonzero(bidding)
    q = blocks[h]
    cost = t.price * block_premium(q, t.small_block_premium) + t.transfer_fee[here[h]] / (ADDRESSES * q)
    keep = cost <= s.wtp[h]
    return Orders(holders=h[keep], blocks=q[keep].astype(np.int64))


def sell_orders(s: HolderState, t: MarketTerms) -> Orders:
    """Holders who offer space this month, and how many /24s: all they will not need.

    A holder that reviews this month offers its idle space (`idle_blocks`), unless it
    received space within its registry's holding period, or the posted price less the cost
    of splitting its block (spread over the addresses offered) is below its reservation value.
    """
    everyone = np.arange(s.size)
    idle = idle_blocks(s, t)
    here = s.registry
    held_long_enough = t.step - s.received_at >= t.hold_months[here]
    offering = t.review & (idle > 0) & held_long_enough & _can_trade(s, everyone, t)
    h = np.flatnonzero(offering)
    q = idle[h]
    net = t.price - t.deaggregation_cost / (ADDRESSES * q)
    keep = net >= s.reserve[h]
    return Orders(holders=h[keep], blocks=q[keep].astype(np.int64))


def receive_caps(s: HolderState, buyers: Orders, t: MarketTerms) -> np.ndarray:
    """(buyers, R): the most /24s each buyer may receive from each source registry.

    The bid itself (already cut by the buyer's registry's needs test) everywhere; where the
    buyer's registry has no needs test but the source has one, the buyer's registry's
    counterpart rule applies: it must plan to use `counterpart_share` of its holding within
    `counterpart_months` (RIPE NCC: 50% in five years).
    """
    n_registries = t.sales.shape[0]
    caps = np.repeat(buyers.blocks[:, None], n_registries, axis=1)
    here = s.registry[buyers.holders]
    rule = (t.needs_months[here] == 0) & (t.counterpart_share[here] > 0)
    for source in np.flatnonzero(t.needs_months > 0):
        ruled = np.flatnonzero(rule)
        if ruled.size == 0:
            break
        h = buyers.holders[ruled]
        ahead = s.need[h] * np.exp(t.rate[h] * (t.counterpart_months[here[ruled]] / 12.0))
        most = np.floor(ahead / t.counterpart_share[here[ruled]] + 1e-9).astype(np.int64) - s.ipv4[h]
        caps[ruled, source] = np.clip(most, 0, caps[ruled, source])
    return caps


@njit(cache=True)
def match(
    buyers: np.ndarray,
    bids: np.ndarray,
    buyer_registry: np.ndarray,
    caps: np.ndarray,
    sellers: np.ndarray,
    offers: np.ndarray,
    seller_registry: np.ndarray,
    seller_eligible: np.ndarray,
    sales: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Match bids to offers at the posted price; return (seller, buyer, /24s) of every sale.

    Buyers come in the order given (the model shuffles them), sellers of each registry in the
    order given. A buyer takes space from its own registry first, if its intra-RIR policy
    allows, then from the other registries the sales matrix allows, the one with most space
    left on offer first; from each, seller after seller, up to its cap for that source
    (`caps[b, source]`). Where the matrix says ELIGIBLE_ONLY, a seller sells only its
    eligible /24s (`seller_eligible`: all of a legacy or registration-imported holding,
    else what it bought from other registries). Plain loops: the readable rule itself,
    compiled (`match.py_func` runs it uncompiled).
    """
    n_registries = sales.shape[0]
    left = offers.copy()
    eligible_left = np.minimum(seller_eligible, offers)
    supply = np.zeros(n_registries, dtype=np.int64)
    # sellers grouped by registry, keeping the given order inside each
    order = np.argsort(seller_registry, kind="mergesort")
    start = np.zeros(n_registries + 1, dtype=np.int64)
    for i in range(sellers.size):
        start[seller_registry[i] + 1] += 1
        supply[seller_registry[i]] += offers[i]
    for r in range(n_registries):
        start[r + 1] += start[r]
    head = start[:-1].copy()  # first seller of each registry with space left
    eligible_head = start[:-1].copy()  # ... among the eligible ones
    size = sellers.size + buyers.size * (n_registries + 1)
    out_seller = np.empty(size, dtype=np.int64)
    out_buyer = np.empty(size, dtype=np.int64)
    out_blocks = np.empty(size, dtype=np.int64)
    n_trades = 0
    sources = np.empty(n_registries, dtype=np.int64)
    for b in range(buyers.size):
        here = buyer_registry[b]
        wanted = bids[b]
        # registries by space left on offer, most first, ties by index (an insertion sort)
        for r in range(n_registries):
            j = r
            while j > 0 and supply[sources[j - 1]] < supply[r]:
                sources[j] = sources[j - 1]
                j -= 1
            sources[j] = r
        for k in range(n_registries + 1):
            source = here if k == 0 else sources[k - 1]
            if k > 0 and source == here:
                continue
            rule = sales[source, here]
            if rule == FORBIDDEN or wanted == 0:
                continue
            room = min(wanted, caps[b, source])
            while room > 0:
                if rule == ALLOWED:
                    i = head[source]
                    while i < start[source + 1] and left[order[i]] == 0:
                        i += 1
                    head[source] = i
                else:
                    i = eligible_head[source]
                    while i < start[source + 1] and eligible_left[order[i]] == 0:
                        i += 1
                    eligible_head[source] = i
                if i >= start[source + 1]:
                    break
                seller = order[i]
                blocks = min(room, left[seller] if rule == ALLOWED else eligible_left[seller])
                left[seller] -= blocks
                spent = eligible_left[seller] - (0 if rule == ALLOWED else blocks)
                eligible_left[seller] = min(spent, left[seller])
                supply[source] -= blocks
                room -= blocks
                wanted -= blocks
                out_seller[n_trades] = sellers[seller]
                out_buyer[n_trades] = buyers[b]
                out_blocks[n_trades] = blocks
                n_trades += 1
    return out_seller[:n_trades], out_buyer[:n_trades], out_blocks[:n_trades]


def next_price(price: float, demand: float, supply: float, adjustment: float) -> float:
    """Next month's posted price: up with excess demand, down with excess supply (tatonnement).

    price x exp(adjustment x (demand - supply) / (demand + supply)): at most a factor
    exp(+-adjustment) a month, unchanged when nobody bids or offers.
    """
    if demand + supply <= 0:
        return price
    return price * math.exp(adjustment * (demand - supply) / (demand + supply))


def apply_trades(s: HolderState, trades: Trades, step: int) -> np.ndarray:
    """Move the space of every sale; return the holders whose holdings changed.

    The buyer's holding and the seller's change by the same count (space is conserved); a
    buyer's receipt starts its holding period. Space bought from another registry is counted
    as the buyer's imported /24s (AFRINIC's 2026 policy lets imported space, and only that,
    leave again); a seller's imported /24s never exceed what it still holds. A purchase does
    not make a holder's own space imported, nor the holder eligible to move its registration.
    """
    _move_space(
        s.ipv4,
        s.received_at,
        s.imported_blocks,
        s.registry,
        trades.sellers,
        trades.buyers,
        trades.blocks,
        step,
    )
    touched = np.zeros(s.size, dtype=bool)  # a holder may sell to several buyers
    touched[trades.sellers] = touched[trades.buyers] = True
    changed = np.flatnonzero(touched)
    s.imported_blocks[changed] = np.minimum(s.imported_blocks[changed], s.ipv4[changed])
    return changed


@njit(cache=True)
def _move_space(
    ipv4, received_at, imported_blocks, registry, sellers, buyers, blocks, step
):  # pragma: no cover
    # one sale at a time (a plain loop: numpy's ufunc.at costs ~40 ns a sale)
    for i in range(blocks.shape[0]):
        seller, buyer = sellers[i], buyers[i]
        ipv4[seller] -= blocks[i]
        ipv4[buyer] += blocks[i]
        received_at[buyer] = step
        if registry[seller] != registry[buyer]:
            imported_blocks[buyer] += blocks[i]


def eligible_blocks(s: HolderState, holders: np.ndarray) -> np.ndarray:
    """/24s these holders may sell where only legacy or imported space may leave (ELIGIBLE_ONLY).

    All of a legacy holding or of one moved in by a registration move; otherwise the space
    bought from other registries.
    """
    whole = s.legacy[holders] | s.imported[holders]
    return np.where(whole, s.ipv4[holders], s.imported_blocks[holders])
