"""Outcomes of the IPv4 market against its calibration targets (`scripts/market.py`, VALIDATION §8).

Volumes are shares of the IPv4 the registries administer (the mean over the run), counted
from year 2 on (year 1 sells the stock of idle space the model starts with, and is reported
on its own); RIPE NCC's transfers are scaled to the real population (÷ scale). Finals:

- `transferred`, `transferred_year1`, `inter_rir`: all sales, and sales plus moves between
  registries, as % of IPv4 a year (`inter_rir_sales`, `inter_rir_moves` apart);
- `inter_share`: the share of sales between registries; `legacy_share`: legacy holders' share
  of the space sold; `out_of_arin`, `into_arin`: /24s sold from ARIN to APNIC and RIPE NCC, and
  back; `arin_own`, `apnic_own`, `ripe_own`: the members' sales over the registry's space a
  year; `ripe_addresses`: RIPE NCC's transfers, addresses a year at scale 1.0;
- `price_Y` (after Y years, where the run is long enough), `price_max`, `price_min`;
  `quality_last5`: quality experienced, the mean of the last 60 months; `holders_end`;
- `bids`, `bids_cut_by_needs`, `bids_stopped_in_region`, `counterpart_bids`,
  `counterpart_capped`: how often each registry's transfer rules bind, over all months.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from runs.outcomes.summary import last_months

__all__ = ["BURN_IN", "PRICE_YEARS", "Market"]

BURN_IN = 12  # months: the first year sells the idle stock the model starts with
PRICE_YEARS = (5, 10, 20, 30, 40)


class Market:
    """The market's volumes, flows, price and binding rules over one run (see above)."""

    def __init__(self, model: Any) -> None:
        """Start observing `model` (before its first month)."""
        self.before = model.holders.ipv4.copy()
        self.legacy_sold = 0
        self.months = 0
        self.rules = dict.fromkeys(
            ("bids", "bids_cut_by_needs", "bids_stopped_in_region", "counterpart_bids", "counterpart_capped"),
            0,
        )

    def month(self, model: Any) -> None:
        """Legacy space sold this month, and how the transfer rules bound the bids."""
        s = model.holders
        n = self.before.size
        sold = np.maximum(0, self.before - s.ipv4[:n])
        self.legacy_sold += int(sold[s.legacy[:n]].sum())
        self.before = s.ipv4.copy()
        self.months += 1
        self._count_rules(model)

    def _count_rules(self, model: Any) -> None:
        """This month's bids with and without the needs test, and the counterpart caps."""
        from agents.market import buy_orders, receive_caps

        s, terms = model.holders, model.market_terms()
        no_test = terms._replace(needs_months=np.zeros_like(terms.needs_months))
        free = no_test._replace(in_region=np.zeros_like(terms.in_region))
        tested, untested, unruled = buy_orders(s, terms), buy_orders(s, no_test), buy_orders(s, free)
        kept = dict(zip(tested.holders.tolist(), tested.blocks.tolist(), strict=True))
        self.rules["bids"] += unruled.holders.size
        self.rules["bids_cut_by_needs"] += sum(
            1 for h, b in zip(untested.holders, untested.blocks, strict=True) if kept.get(h, 0) < b
        )
        self.rules["bids_stopped_in_region"] += unruled.holders.size - untested.holders.size
        caps = receive_caps(s, tested, terms)
        ruled = terms.counterpart_share[s.registry[tested.holders]] > 0
        self.rules["counterpart_bids"] += int(ruled.sum())
        self.rules["counterpart_capped"] += int((caps[ruled].min(axis=1) < tested.blocks[ruled]).sum())

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end."""
        steps = self.months
        frame, registries = model.model_frame(), model.registry_frame()
        names = [r.name for r in model.registries]
        sold = pd.DataFrame(model.flow_sales, index=names, columns=names)
        moved = pd.DataFrame(model.flow_ipv4, index=names, columns=names)
        between = 1 - np.eye(len(names), dtype=np.int64)
        after = frame[frame.step > BURN_IN]
        years, run_years = (steps - BURN_IN) / 12, steps / 12
        mean_held = float(model.total_ipv4 - frame.pool_allocated.sum() / 2)  # /24s at mid-run (about)
        own = {}
        for name in ("ARIN", "APNIC", "RIPE NCC"):
            held = registries[(registries.registry == name) & (registries.step > BURN_IN)].ipv4.mean()
            # sales by the registry's members, in and out of it, over the registry's own space
            own[name] = (
                float(sold.loc[name].sum() + sold[name].sum() - sold.loc[name, name]) / run_years / held
            )
        ripe = sold.loc["RIPE NCC"].sum() + sold["RIPE NCC"].sum() - sold.loc["RIPE NCC", "RIPE NCC"]
        price = frame.ipv4_price.to_numpy()
        total_sold = float(sold.to_numpy().sum())
        return {
            "transferred": float(after.ipv4_transferred.sum() / years / mean_held),
            "transferred_year1": float(frame.ipv4_transferred.iloc[1 : BURN_IN + 1].sum() / mean_held),
            "inter_rir": float(after.ipv4_inter_rir.sum() / years / mean_held),
            "inter_rir_sales": float((sold.to_numpy() * between).sum() / run_years / mean_held),
            "inter_rir_moves": float((moved.to_numpy() * between).sum() / run_years / mean_held),
            "inter_share": float((sold.to_numpy() * between).sum() / max(total_sold, 1.0)),
            "legacy_share": float(self.legacy_sold / max(total_sold, 1.0)),
            "out_of_arin": float(sold.loc["ARIN", ["APNIC", "RIPE NCC"]].sum()),
            "into_arin": float(sold.loc[["APNIC", "RIPE NCC"], "ARIN"].sum()),
            "arin_own": own["ARIN"],
            "apnic_own": own["APNIC"],
            "ripe_own": own["RIPE NCC"],
            "ripe_addresses": float(ripe * _addresses_per_block() / run_years / model.p.scale),
            **{f"price_{y}": float(price[12 * y]) for y in PRICE_YEARS if 12 * y <= steps},
            "price_max": float(price.max()),
            "price_min": float(price.min()),
            "quality_last5": last_months(frame, "quality_experienced"),
            "holders_end": float(model.holders.size),
            **{name: float(count) for name, count in self.rules.items()},
        }


def _addresses_per_block() -> int:
    from model.calibration import ADDRESSES_PER_BLOCK

    return int(ADDRESSES_PER_BLOCK)
