"""The market's month as the model schedules it: terms, members' pool grants, the clearing.

A mixin of `PortabilityModel`: it gathers the month's market terms (`model.terms`) and hands
them to the rules (`agents.market.clear_month`, `RegistryAgent.grant`); the rules are there.
"""

from __future__ import annotations

import numpy as np

from agents.holdings import rehold
from agents.market import MarketMonth, MarketTerms, clear_month, pool_requests
from model.terms import market_terms

__all__ = ["Trading"]


class Trading:
    """The market step of `PortabilityModel` (ODD §3, step 6)."""

    def market_terms(self) -> MarketTerms:
        """The market's terms as they stand: the posted price, policies, reviews, growth of need."""
        return market_terms(
            self.p,
            self.steps,
            self.holders,
            price=self.price,
            sales=self.regime.sales,
            processing=np.array([r.allocating for r in self.registries]),
            policy=self.transfer_policy,
            review=self.month.review,
            holdings=self.policies.holdings,
        )

    def _trade(self) -> None:
        """Members short of space draw on their registry's pool where it lets them; the market's month."""
        terms = self.market_terms()
        self._allocate_to_members(terms)
        month: MarketMonth = clear_month(self.holders, terms, self.streams["market"])
        self.market_month = month
        self.flow_sales += month.sold
        self.market["price"] = self.price
        self.market["transferred"] = int(month.sold.sum())
        self.market["inter_rir_sales"] = int(month.sold.sum() - np.trace(month.sold))
        self.price = month.price

    def _allocate_to_members(self, terms: MarketTerms) -> None:
        """Members draw on the free pool by need where the policy lets them (`RegistryAgent.grant`)."""
        s = self.holders
        granting = np.array([r.member_pool_max > 0 and r.pool > 0 and r.allocating for r in self.registries])
        if not granting.any():
            return
        asking = pool_requests(s, terms, granting)
        holders = np.flatnonzero(asking)
        grants = np.array(
            [self.registries[s.registry[h]].grant(int(asking[h])) for h in holders], dtype=np.int64
        )
        given = holders[grants > 0]
        s.ipv4[given] += grants[grants > 0]
        s.received_at[given] = self.steps
        rehold(s, given, self.policies.holdings)
        self.total_ipv4 += int(grants.sum())
        self.market["pool_allocated"] += int(grants.sum())
