"""Who sells to whom: the caps on what a buyer may take, the matching, and the sales applied.

A buyer may take from each source registry what its bid allows, less where its registry's
counterpart rule binds (`receive_caps`); along a pair where only legacy or imported space
may leave, a seller sells only that space (`eligible_blocks`). `match` pairs buyers with
sellers at the posted price; `apply_trades` moves the space. Space is conserved: every /24
a seller loses, a buyer gains.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from numba import njit

from agents.holdings import ADDRESSES_PER_BLOCK
from agents.state import ALLOWED, FORBIDDEN, HolderState

if TYPE_CHECKING:
    from agents.market import MarketTerms, Orders

__all__ = ["Trades", "apply_trades", "eligible_blocks", "match", "receive_caps"]


class Trades(NamedTuple):
    """The month's sales, one row each: seller, buyer, /24s."""

    sellers: np.ndarray
    buyers: np.ndarray
    blocks: np.ndarray


def receive_caps(s: HolderState, buyers: Orders, t: MarketTerms) -> np.ndarray:
    """(buyers, R): the most /24s each buyer may receive from each source registry.

    The bid itself (already cut by the buyer's registry's needs test) everywhere; where the
    buyer's registry has no needs test but the source has one, the buyer's registry's
    counterpart rule applies: it must plan to use `counterpart_share` of its holding within
    `counterpart_months` (RIPE NCC: 50% in five years). A purchase from another registry
    costs the buyer `inter_rir_cost` more (two registries' processes, the recipient
    registry's justification, a cross-border contract): where that makes the block dearer
    than space is worth to the buyer, it buys only at home.
    """
    n_registries = t.sales.shape[0]
    caps = np.repeat(buyers.blocks[:, None], n_registries, axis=1)
    here = s.registry[buyers.holders]
    if t.inter_rir_cost > 0.0:
        q = buyers.blocks
        dearer = t.price * (1.0 + t.small_block_premium / np.sqrt(q)) + (
            t.transfer_fee[here] + t.inter_rir_cost
        ) / (ADDRESSES_PER_BLOCK * q)
        abroad = (dearer > s.wtp[buyers.holders])[:, None] & (np.arange(n_registries) != here[:, None])
        caps[abroad] = 0
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
