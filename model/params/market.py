"""The IPv4 transfer market, holders' need for space, and entry (agents/market.py, model/entry.py)."""

from __future__ import annotations

from dataclasses import dataclass

from model.params.fields import choice, number

__all__ = ["MarketParams"]


@dataclass(frozen=True, kw_only=True)
class MarketParams:
    """A section of `Params` (see the module docstring)."""

    # --- the IPv4 transfer market, need and entry (agents/market.py, model/entry.py) -----
    market: str = choice(
        "on",
        ("on", "off"),
        "holders buy and sell IPv4 space each month (off: holdings change only by pool allocations)",
        label="IPv4 market",
        source="intra-RIR transfers since 2009-2012, inter-RIR since 2011 (ODD §6)",
    )
    utilisation_legacy: float = number(
        0.4,
        0.05,
        1.0,
        "mean share of its IPv4 a legacy holder needs at the start",
        label="Use of legacy space",
        source="36-41% of routed IPv4 in use (Zander, Andrew, Armitage & Huston, IEEE LCN 2013); legacy "
        "space the least used: 65% of ARIN's outbound transfers involve it (LACNIC staff, 2019) "
        "[assumption for the split]",
    )
    utilisation_other: float = number(
        0.9,
        0.05,
        1.0,
        "mean share of its IPv4 any other holder needs at the start",
        label="Use of other space",
        source="[assumption] space allocated on need since the RIRs began (needs-based policies)",
    )
    utilisation_concentration: float = number(
        10.0,
        1.0,
        1000.0,
        "concentration of the Beta distribution of initial use around its mean (higher: less spread)",
        label="Use concentration",
        source="[assumption]",
    )
    need_growth_sd: float = number(
        0.03,
        0.0,
        0.5,
        "s.d. across holders of the yearly growth rate of need, around their registry's mean",
        label="Growth spread",
        unit="per year",
        source="the active IPv4 set changes by up to 25% a year (Richter et al., IMC 2016) [assumption]",
    )
    adoption_rate: float = number(
        0.1,
        0.0,
        1.0,
        "yearly rate at which a holder priced out (an address worth less to it than the price) "
        "moves its use to its alternative (CGNAT, IPv6), so that its need shrinks",
        label="Adoption of alternatives",
        unit="per year",
        source="Edelman & Schwarz (2015): alternatives cap the price [assumption: 10% of use a year]",
    )
    space_horizon: float = number(
        36.0,
        0.0,
        120.0,
        "months of growth a holder plans its space for: it bids for that much, and keeps it",
        label="Space horizon",
        unit="months",
        source="[assumption] three years of network planning; the registries' needs tests "
        "(24 months at ARIN and APNIC) exist because holders would otherwise buy further ahead",
    )
    substitute_cost: float = number(
        60.0,
        1.0,
        1000.0,
        "median of what an address is worth to a holder that needs it: the cost of its "
        "alternative (CGNAT, IPv6-only)",
        label="Worth of an address",
        unit="USD per address",
        source="Edelman & Schwarz (2015): the price is bounded by the cost of alternatives [assumption: "
        "USD 60, above the 2022 price of 50-60]",
    )
    substitute_spread: float = number(
        0.5,
        0.0,
        3.0,
        "log s.d. across holders of what an address is worth to them",
        label="Worth spread",
        source="[assumption]",
    )
    reserve_price: float = number(
        25.0,
        0.0,
        1000.0,
        "median price per address below which a holder keeps its idle space",
        label="Sellers' reserve",
        unit="USD per address",
        source="[assumption: below the 2021 price of about 40; broker ranges USD 6-24 in 2014, "
        "23-60 in 2021]",
    )
    reserve_spread: float = number(
        0.5,
        0.0,
        3.0,
        "log s.d. across holders of their reserve price",
        label="Reserve spread",
        source="[assumption]",
    )
    price_adjustment: float = number(
        0.05,
        0.0,
        1.0,
        "how fast the price answers excess demand: x exp(this x (demand - supply) / "
        "(demand + supply)) a month",
        label="Price adjustment",
        unit="per month",
        source="[assumption] a tatonnement rate; prices moved by tens of percent a year (2020-2022, ODD §6)",
    )
    small_block_premium: float = number(
        0.2,
        0.0,
        2.0,
        "extra price per address of a single /24 over a large block (the premium falls with sqrt(/24s))",
        label="Small-block premium",
        source="brokers: small blocks cost more per address (ODD §6) [assumption: 20% for a /24]",
    )
    deaggregation_cost: float = number(
        1000.0,
        0.0,
        100_000.0,
        "cost to a seller of splitting its block for a sale (routing, paperwork)",
        label="Splitting cost",
        unit="USD per sale",
        source="Edelman & Schwarz (2015) on deaggregation [assumption: USD 1,000]",
    )
    inter_rir_cost: float = number(
        5000.0,
        0.0,
        1e6,
        "what a purchase from another registry's member costs the buyer more than one at home: two "
        "registries' processes, the recipient registry's justification, a cross-border contract",
        label="Inter-RIR transfer cost",
        unit="USD per purchase",
        source="[assumption] of the order of a /22 holder's switching cost (USD 2,000) plus legal work; "
        "inter-RIR transfers need both registries' approval and the recipient's needs plan "
        "(ARIN NRPM 8.4; RIPE 2014-05: 50% used in 5 years) (domain facts §B1)",
    )
    entry_rate: float = number(
        0.03,
        0.0,
        0.5,
        "new holders joining each region a year, as a share of its holders (they join each January)",
        label="Entry rate",
        unit="per year",
        source="RIPE NCC's waiting list of 1,050 new LIRs (Nov 2024), 5% of its members [assumption: 3%]",
    )
    entrant_need: float = number(
        4.0,
        1.0,
        1024.0,
        "median need of a new holder, /24s (log-normal with the holdings' log s.d., `body_sigma`)",
        label="Entrant need",
        unit="/24 blocks",
        source="most RIRs' last-pool allocations are at most a /22 (ODD §6) [assumption]",
    )
