"""Resource holders: what they want, what they learn, what they hold, whom they peer with."""

from __future__ import annotations

from dataclasses import dataclass

from model.params.fields import number

__all__ = ["HolderParams"]


@dataclass(frozen=True, kw_only=True)
class HolderParams:
    """A section of `Params` (see the module docstring)."""

    # --- resource holders: what they want ------------------------------------------------
    review_rate: float = number(
        1 / 12,
        0.0,
        1.0,
        "chance a holder reviews its registration in a month",
        unit="per month",
        label="Review rate",
        source="[assumption] a yearly review, e.g. at membership renewal",
    )
    weight_quality: float = number(
        1.0,
        0.0,
        5.0,
        "mean weight holders put on service quality",
        label="Weight on quality",
        source="[assumption] the unit of the holders' weights",
    )
    weight_neutrality: float = number(
        1.0,
        0.0,
        5.0,
        "mean weight holders put on neutrality",
        label="Weight on neutrality",
        source="[assumption] as much as on quality",
    )
    preference_spread: float = number(
        0.5,
        0.0,
        1.0,
        "weights are drawn uniformly within mean x (1 +/- spread)",
        label="Spread of weights",
        source="[assumption]",
    )
    taste_sd: float = number(
        0.03,
        0.0,
        0.5,
        "s.d. of each holder's fixed taste for each registry",
        unit="index points a year",
        label="Taste spread",
        source="[assumption]",
    )
    quality_value: float = number(
        4.0,
        0.0,
        100.0,
        "what a whole point of quality is worth to a holder of weight 1, per address held",
        unit="USD per address a year",
        label="Money value of quality",
        source="yearly user cost of an address: price USD 50 (domain.md §A2, 2022) x 8% a year",
    )
    switching_cost: float = number(
        2000.0,
        0.0,
        1e6,
        "one-off cost of moving a /22 holder's registration (contracts, records, RPKI, fees)",
        unit="USD for a /22",
        label="Switching cost",
        source="[assumption] staff and legal work plus a transfer fee (ARIN about USD 500, domain.md §F)",
    )
    presence_share: float = number(
        0.05,
        0.0,
        1.0,
        "chance a holder with no resources registered abroad still has a presence in one other "
        "region (some registries admit only members present in their region)",
        label="Presence abroad",
        source="APNIC: 46 then 70 of each 1,000 new members were from outside its region (APNIC blog, "
        "15 Jul 2020); holders with records in another region's countries have a presence there (data)",
    )
    size_exponent: float = number(
        0.5,
        0.0,
        1.0,
        "one-off costs grow with holdings to this power",
        label="Cost-size exponent",
        source="[assumption] work grows with the number of records, sub-linearly in space",
    )
    ipv6_renumbering_cost: float = number(
        5000.0,
        0.0,
        1e6,
        "extra one-off cost when the holder's IPv6 cannot move with it (renumbering)",
        unit="USD for a /22",
        label="IPv6 renumbering cost",
        source="[assumption]",
    )
    waiting_service_gap: float = number(
        0.1,
        0.0,
        1.0,
        "service quality a holder loses while its move is pending (the cost of waiting)",
        unit="index points",
        label="Service gap while waiting",
        source="[assumption]; waiting must cost something (design notes)",
    )
    loyalty_weight: float = number(
        0.05,
        0.0,
        1.0,
        "yearly value a fully loyal holder sets on staying where it is",
        unit="index points a year",
        label="Weight of loyalty",
        source="[assumption]",
    )
    loyalty_a: float = number(
        2.0,
        0.1,
        20.0,
        "loyalty ~ Beta(loyalty_a, loyalty_b)",
        label="Loyalty shape a",
        source="[assumption] symmetric and bell-shaped",
    )
    loyalty_b: float = number(
        2.0,
        0.1,
        20.0,
        "loyalty ~ Beta(loyalty_a, loyalty_b)",
        label="Loyalty shape b",
        source="[assumption] symmetric and bell-shaped",
    )
    planning_horizon: float = number(
        5.0,
        0.5,
        30.0,
        "years over which a holder (and a registry) counts the yearly gains of a move",
        unit="years",
        label="Planning horizon",
        source="[assumption] a business plan; RIPE's needs horizon is 5 years (domain.md §B)",
    )
    discount_rate: float = number(
        0.08,
        0.0,
        1.0,
        "yearly discount rate of future gains",
        unit="per year",
        label="Discount rate",
        source="[assumption] a firm's cost of capital",
    )
    evidence_z: float = number(
        1.645,
        0.0,
        5.0,
        "a holder moves only on a difference this many s.d. of its own uncertainty above zero",
        label="Evidence needed (z)",
        source="[assumption] one-sided 95%",
    )
    aspiration: float = number(
        0.75,
        0.0,
        1.0,
        "quality/neutrality below which a holder is dissatisfied",
        unit="index points",
        label="Aspiration",
        source="[assumption]",
    )
    voice_propensity: float = number(
        3.0,
        0.0,
        20.0,
        "how readily a dissatisfied holder complains (voice)",
        label="Voice propensity",
        source="[assumption]",
    )
    voice_base: float = number(
        0.5,
        0.0,
        5.0,
        "voice chance = voice_propensity x (voice_base + loyalty) x shortfall: voice without loyalty",
        label="Voice without loyalty",
        source="[assumption] loyalty activates voice (Hirschman 1970); a disloyal member still voices",
    )
    # --- resource holders: what they learn -----------------------------------------------
    observation_noise: float = number(
        0.05,
        0.0,
        0.5,
        "s.d. of the noise in a month's own experience of a registry (0 switches all noise off)",
        unit="index points",
        label="Observation noise",
        source="[assumption]",
    )
    peer_noise_ratio: float = number(
        2.0,
        0.1,
        10.0,
        "noise of a peer's report, relative to own experience",
        label="Peer report noise (ratio)",
        source="[assumption] second-hand reports are less precise",
    )
    public_noise_ratio: float = number(
        3.0,
        0.1,
        10.0,
        "noise of the public benchmark of every registry, relative to own experience",
        label="Public benchmark noise (ratio)",
        source="[assumption]",
    )
    belief_drift: float = number(
        0.02,
        0.0,
        0.5,
        "s.d. of the monthly change holders expect in a registry's traits (keeps beliefs learning)",
        unit="index points a month",
        label="Expected drift",
        source="[assumption]",
    )
    # --- holdings and the peering graph ---------------------------------------------------
    body_sigma: float = number(
        1.2,
        0.1,
        3.0,
        "ln-space s.d. of the log-normal body of holdings",
        label="Body spread (ln)",
        source="domain.md §A3: log-normal fits sigma 1.16-1.84",
    )
    tail_share: float = number(
        0.2,
        0.0,
        0.9,
        "share of holders in the Pareto tail",
        label="Tail share",
        source="[assumption] gives Gini 0.91-0.96 (domain.md §A3: 0.93-0.95)",
    )
    tail_min_blocks: float = number(
        16.0,
        1.0,
        1024.0,
        "smallest holding in the Pareto tail",
        unit="/24 blocks",
        label="Tail start",
        source="domain.md §A3: tail above a /20",
    )
    tail_alpha: float = number(
        1.0,
        0.3,
        3.0,
        "Pareto index of the tail of holdings",
        label="Tail index",
        source="domain.md §A3: alpha 0.6-1.1",
    )
    max_holder_share: float = number(
        0.12,
        0.01,
        1.0,
        "largest share of its registry's IPv4 one holder may hold (the excess goes to the next ones)",
        label="Largest holder's share",
        source="domain.md §A3: top-1 share 7.3% (AFRINIC), 11.9% (LACNIC)",
    )
    mean_degree: float = number(
        8.0,
        0.0,
        50.0,
        "mean number of peering links per holder",
        label="Peering degree",
        source="[assumption] (~340k links for ~85k holders)",
    )
    regional_peering: float = number(
        0.7,
        0.0,
        1.0,
        "share of peering links within a region",
        label="Regional peering",
        source="[assumption]",
    )
