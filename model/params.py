"""Every parameter of the model: its default, its bounds, its meaning. The only place they live.

`Params` is frozen and validated on construction (and so on every `dataclasses.replace`).
Bounds and one-line descriptions sit in each field's metadata: the app builds its sliders
from them and `docs/ODD.md` documents them, so a default is never written twice.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any

from model.errors import ConfigError
from model.regimes import REGIME_NAMES, REGIME_SETTINGS

__all__ = [
    "EVENT_STATUSES",
    "REGISTRY_OVERRIDE_KEYS",
    "REMEDY_NAMES",
    "GovernanceEvent",
    "Params",
    "param_info",
]

EVENT_STATUSES = ("degraded", "failed")
#: The oversight remedies: none, or the ICP-2 draft v2's process.
REMEDY_NAMES = ("none", "icp2_draft")

#: Per-registry settings a scenario may override, with their allowed range.
REGISTRY_OVERRIDE_KEYS: dict[str, tuple[float, float]] = {
    "quality": (0.0, 1.0),
    "neutrality": (0.0, 1.0),
    "responsiveness": (0.0, 1.0),
    "reserves_months": (0.0, 240.0),
    "fixed_cost_share": (0.0, 1.0),
    "cost_ratio": (0.1, 10.0),
    "strictness": (0.0, 1.0),  # enforcement at one registry
}


def _num(
    default: float | None,
    low: float,
    high: float,
    doc: str,
    *,
    unit: str = "",
    integer: bool = False,
    label: str,
    source: str,
) -> Any:
    """A numeric field with its bounds, label, unit, description and source in the metadata."""
    meta = {
        "low": low,
        "high": high,
        "doc": doc,
        "unit": unit,
        "integer": integer,
        "label": label,
        "source": source,
    }
    return field(default=default, metadata=meta)


def _choice(default: str, choices: tuple[str, ...], doc: str, *, label: str, source: str) -> Any:
    """A categorical field with its allowed values, label, description and source in the metadata."""
    meta = {"choices": choices, "doc": doc, "label": label, "unit": "", "source": source}
    return field(default=default, metadata=meta)


@dataclass(frozen=True, kw_only=True)
class GovernanceEvent:
    """A scheduled governance failure of one registry (domain.md §C: AFRINIC 2021-2025).

    At `start` the registry's quality and neutrality drop by the given amounts and its
    status becomes `status`; for `duration` months its management is paralysed (effort
    has no effect while `failed`, half effect while `degraded`) and neutrality erodes by a
    further `capture_rate` a month. Then it is `operating` again and may recover.
    """

    registry: str
    start: int
    duration: int
    quality_drop: float = 0.0
    neutrality_drop: float = 0.0
    status: str = "failed"
    capture_rate: float = 0.0

    def __post_init__(self) -> None:
        """Check every field against its allowed range."""
        where = f"event for {self.registry!r}"
        if not isinstance(self.registry, str) or not self.registry:
            raise ConfigError(f"event registry must be a registry name; got {self.registry!r}")
        for name, low in (("start", 0), ("duration", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ConfigError(f"{where}: {name} must be an integer >= {low}; got {value!r}")
        for name in ("quality_drop", "neutrality_drop", "capture_rate"):
            _check_number(f"{where}: {name}", getattr(self, name), 0.0, 1.0)
        if self.status not in EVENT_STATUSES:
            raise ConfigError(f"{where}: status must be one of {EVENT_STATUSES}; got {self.status!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> GovernanceEvent:
        """Build an event from a TOML table, rejecting unknown keys by name."""
        if isinstance(data, GovernanceEvent):
            return data
        if not isinstance(data, Mapping):
            raise ConfigError(f"events must be a list of tables; got {data!r}")
        allowed = [f.name for f in fields(cls)]
        for key in data:
            if key not in allowed:
                raise ConfigError(_unknown("event key", key, allowed))
        return cls(**data)


@dataclass(frozen=True, kw_only=True)
class Params:
    """The parameters of one run.

    Units: time in months (horizons in years), traits and the quality index on [0, 1], money
    in USD. A holder values the quality index in money: a whole point of quality (0 -> 1) is
    worth `quality_value` USD per address per year, times its own weight; fees are paid in
    USD. "Index points" below are points of that quality scale (0.1 = a tenth of the range).
    Every field's metadata has bounds, a label, a unit, a description and its source
    (`domain.md` sections are summarised in docs/ODD.md §6; `[assumption]` marks a modelling
    choice with no published figure behind it).
    """

    # --- population and regime -----------------------------------------------------------
    scale: float = _num(
        0.05,
        0.0005,
        2.0,
        "share of the real population of holders (1.0 = about 85,000, the five RIRs' members)",
        label="Scale",
        source="NRO member counts (ODD §6); the default is a run size [assumption]",
    )
    regime: str = _choice(
        "status_quo",
        REGIME_NAMES,
        "portability regime: which moves between registries are allowed and on what terms",
        label="Portability regime",
        source="model/data/regimes.toml (domain.md §B1)",
    )
    fee_schedules: str = _choice(
        "own",
        ("own", "common"),
        "each registry's real fee schedule, or one common schedule (the five averaged) for all",
        label="Fee schedules",
        source="model/data/registries.toml (domain.md §A1); 'common' isolates fees [assumption]",
    )
    # --- the regime's terms; None keeps the regime's own value ---------------------------
    porting_delay: float | None = _num(
        None,
        0.0,
        60.0,
        "months from a move request to its completion (None: the regime's)",
        unit="months",
        label="Porting delay",
        source="regimes.toml",
    )
    approval_odds: float | None = _num(
        None,
        0.0,
        1.0,
        "probability a requested move is approved (None: the regime's)",
        label="Approval odds",
        source="regimes.toml",
    )
    obstruction: float | None = _num(
        None,
        0.0,
        1.0,
        "chance a releasing registry of neutrality 0 blocks a move (None: the regime's)",
        label="Obstruction",
        source="regimes.toml",
    )
    friction: float | None = _num(
        None,
        0.0,
        2.0,
        "yearly cost of being registered outside one's home region (None: the regime's)",
        unit="index points a year",
        label="Out-of-region friction",
        source="regimes.toml",
    )
    hold_period: int | None = _num(
        None,
        0,
        120,
        "months a holder must wait after a move before moving again (None: the regime's)",
        unit="months",
        integer=True,
        label="Hold period",
        source="regimes.toml",
    )
    release_fallback: float | None = _num(
        None,
        0.0,
        1.0,
        "releases a fallback (NRO/ICANN level) processes for a registry that cannot (None: the regime's)",
        unit="share of members a month",
        label="Fallback release capacity",
        source="regimes.toml",
    )
    # --- resource holders: what they want ------------------------------------------------
    review_rate: float = _num(
        1 / 12,
        0.0,
        1.0,
        "chance a holder reviews its registration in a month",
        unit="per month",
        label="Review rate",
        source="[assumption] a yearly review, e.g. at membership renewal",
    )
    weight_quality: float = _num(
        1.0,
        0.0,
        5.0,
        "mean weight holders put on service quality",
        label="Weight on quality",
        source="[assumption] the unit of the holders' weights",
    )
    weight_neutrality: float = _num(
        1.0,
        0.0,
        5.0,
        "mean weight holders put on neutrality",
        label="Weight on neutrality",
        source="[assumption] as much as on quality",
    )
    preference_spread: float = _num(
        0.5,
        0.0,
        1.0,
        "weights are drawn uniformly within mean x (1 +/- spread)",
        label="Spread of weights",
        source="[assumption]",
    )
    taste_sd: float = _num(
        0.03,
        0.0,
        0.5,
        "s.d. of each holder's fixed taste for each registry",
        unit="index points a year",
        label="Taste spread",
        source="[assumption]",
    )
    quality_value: float = _num(
        4.0,
        0.0,
        100.0,
        "what a whole point of quality is worth to a holder of weight 1, per address held",
        unit="USD per address a year",
        label="Money value of quality",
        source="yearly user cost of an address: price USD 50 (domain.md §A2, 2022) x 8% a year",
    )
    switching_cost: float = _num(
        2000.0,
        0.0,
        1e6,
        "one-off cost of moving a /22 holder's registration (contracts, records, RPKI, fees)",
        unit="USD for a /22",
        label="Switching cost",
        source="[assumption] staff and legal work plus a transfer fee (ARIN about USD 500, domain.md §F)",
    )
    size_exponent: float = _num(
        0.5,
        0.0,
        1.0,
        "one-off costs grow with holdings to this power",
        label="Cost-size exponent",
        source="[assumption] work grows with the number of records, sub-linearly in space",
    )
    ipv6_renumbering_cost: float = _num(
        5000.0,
        0.0,
        1e6,
        "extra one-off cost when the holder's IPv6 cannot move with it (renumbering)",
        unit="USD for a /22",
        label="IPv6 renumbering cost",
        source="[assumption]",
    )
    waiting_service_gap: float = _num(
        0.1,
        0.0,
        1.0,
        "service quality a holder loses while its move is pending (the cost of waiting)",
        unit="index points",
        label="Service gap while waiting",
        source="[assumption]; waiting must cost something (design notes)",
    )
    loyalty_weight: float = _num(
        0.05,
        0.0,
        1.0,
        "yearly value a fully loyal holder sets on staying where it is",
        unit="index points a year",
        label="Weight of loyalty",
        source="[assumption]",
    )
    loyalty_a: float = _num(
        2.0,
        0.1,
        20.0,
        "loyalty ~ Beta(loyalty_a, loyalty_b)",
        label="Loyalty shape a",
        source="[assumption] symmetric and bell-shaped",
    )
    loyalty_b: float = _num(
        2.0,
        0.1,
        20.0,
        "loyalty ~ Beta(loyalty_a, loyalty_b)",
        label="Loyalty shape b",
        source="[assumption] symmetric and bell-shaped",
    )
    planning_horizon: float = _num(
        5.0,
        0.5,
        30.0,
        "years over which a holder (and a registry) counts the yearly gains of a move",
        unit="years",
        label="Planning horizon",
        source="[assumption] a business plan; RIPE's needs horizon is 5 years (domain.md §B)",
    )
    discount_rate: float = _num(
        0.08,
        0.0,
        1.0,
        "yearly discount rate of future gains",
        unit="per year",
        label="Discount rate",
        source="[assumption] a firm's cost of capital",
    )
    evidence_z: float = _num(
        1.645,
        0.0,
        5.0,
        "a holder moves only on a difference this many s.d. of its own uncertainty above zero",
        label="Evidence needed (z)",
        source="[assumption] one-sided 95%",
    )
    aspiration: float = _num(
        0.75,
        0.0,
        1.0,
        "quality/neutrality below which a holder is dissatisfied",
        unit="index points",
        label="Aspiration",
        source="[assumption]",
    )
    voice_propensity: float = _num(
        3.0,
        0.0,
        20.0,
        "how readily a dissatisfied holder complains (voice)",
        label="Voice propensity",
        source="[assumption]",
    )
    voice_base: float = _num(
        0.5,
        0.0,
        5.0,
        "voice chance = voice_propensity x (voice_base + loyalty) x shortfall: voice without loyalty",
        label="Voice without loyalty",
        source="[assumption] loyalty activates voice (Hirschman 1970); a disloyal member still voices",
    )
    # --- resource holders: what they learn -----------------------------------------------
    observation_noise: float = _num(
        0.05,
        0.0,
        0.5,
        "s.d. of the noise in a month's own experience of a registry (0 switches all noise off)",
        unit="index points",
        label="Observation noise",
        source="[assumption]",
    )
    peer_noise_ratio: float = _num(
        2.0,
        0.1,
        10.0,
        "noise of a peer's report, relative to own experience",
        label="Peer report noise (ratio)",
        source="[assumption] second-hand reports are less precise",
    )
    public_noise_ratio: float = _num(
        3.0,
        0.1,
        10.0,
        "noise of the public benchmark of every registry, relative to own experience",
        label="Public benchmark noise (ratio)",
        source="[assumption]",
    )
    belief_drift: float = _num(
        0.02,
        0.0,
        0.5,
        "s.d. of the monthly change holders expect in a registry's traits (keeps beliefs learning)",
        unit="index points a month",
        label="Expected drift",
        source="[assumption]",
    )
    # --- holdings and the peering graph ---------------------------------------------------
    body_sigma: float = _num(
        1.2,
        0.1,
        3.0,
        "ln-space s.d. of the log-normal body of holdings",
        label="Body spread (ln)",
        source="domain.md §A3: log-normal fits sigma 1.16-1.84",
    )
    tail_share: float = _num(
        0.2,
        0.0,
        0.9,
        "share of holders in the Pareto tail",
        label="Tail share",
        source="[assumption] gives Gini 0.91-0.96 (domain.md §A3: 0.93-0.95)",
    )
    tail_min_blocks: float = _num(
        16.0,
        1.0,
        1024.0,
        "smallest holding in the Pareto tail",
        unit="/24 blocks",
        label="Tail start",
        source="domain.md §A3: tail above a /20",
    )
    tail_alpha: float = _num(
        1.0,
        0.3,
        3.0,
        "Pareto index of the tail of holdings",
        label="Tail index",
        source="domain.md §A3: alpha 0.6-1.1",
    )
    max_holder_share: float = _num(
        0.12,
        0.01,
        1.0,
        "largest share of its registry's IPv4 one holder may hold (the excess goes to the next ones)",
        label="Largest holder's share",
        source="domain.md §A3: top-1 share 7.3% (AFRINIC), 11.9% (LACNIC)",
    )
    mean_degree: float = _num(
        8.0,
        0.0,
        50.0,
        "mean number of peering links per holder",
        label="Peering degree",
        source="[assumption] (~340k links for ~85k holders)",
    )
    regional_peering: float = _num(
        0.7,
        0.0,
        1.0,
        "share of peering links within a region",
        label="Regional peering",
        source="[assumption]",
    )
    # --- registries: traits and management -----------------------------------------------
    initial_quality: float = _num(
        0.8,
        0.0,
        1.0,
        "every registry's service quality at start",
        unit="index points",
        label="Initial quality",
        source="[assumption] equal for all: no claim about any real registry",
    )
    initial_neutrality: float = _num(
        0.8,
        0.0,
        1.0,
        "every registry's neutrality at start",
        unit="index points",
        label="Initial neutrality",
        source="[assumption] equal for all",
    )
    responsiveness: float = _num(
        0.5,
        0.0,
        1.0,
        "share of what is at stake that management counts when it chooses effort",
        label="Responsiveness",
        source="[assumption]",
    )
    base_effort: float = _num(
        0.3,
        0.0,
        1.0,
        "effort of a registry with nothing at stake (complacency)",
        label="Complacent effort",
        source="[assumption]",
    )
    effort_adjustment: float = _num(
        0.2,
        0.0,
        1.0,
        "share of the gap to the chosen effort closed a month",
        label="Effort adjustment",
        source="[assumption] organisations change course over months",
    )
    improvement_rate: float = _num(
        0.05,
        0.0,
        1.0,
        "monthly gain in quality/neutrality at full effort, times the room left",
        label="Improvement rate",
        source="[assumption]",
    )
    complacency_rate: float = _num(
        0.01,
        0.0,
        1.0,
        "monthly loss of quality at zero effort",
        label="Complacency rate",
        source="[assumption]",
    )
    capture_drift: float = _num(
        0.005,
        0.0,
        1.0,
        "monthly loss of neutrality at zero effort",
        label="Capture drift",
        source="[assumption]",
    )
    exit_weight: float = _num(
        1.0,
        0.0,
        50.0,
        "how much management counts revenue lost to members who left (0 switches the channel off)",
        label="Weight of realised exit",
        source="[assumption] equal weights for the three channels",
    )
    threat_weight: float = _num(
        1.0,
        0.0,
        50.0,
        "how much management counts revenue the credible threat of exit puts at stake (0: off)",
        label="Weight of the credible threat",
        source="[assumption] equal weights for the three channels",
    )
    voice_weight: float = _num(
        1.0,
        0.0,
        50.0,
        "how much management counts members' voice, one member one vote (0: off)",
        label="Weight of voice",
        source="[assumption] equal weights for the three channels",
    )
    threat_margin: float = _num(
        0.05,
        0.001,
        1.0,
        "shortfall behind the best allowed rival at which management gauges the threat of exit",
        unit="index points",
        label="Threat margin",
        source="[assumption]",
    )
    threat_uncertainty: float = _num(
        0.1,
        0.001,
        2.0,
        "a registry's uncertainty about a member's private yearly gain from leaving (s.d.)",
        unit="index points a year",
        label="Registry's uncertainty about members",
        source="[assumption]",
    )
    signal_memory: float = _num(
        12.0,
        1.0,
        120.0,
        "months over which management remembers exits and voice (mean age of the memory)",
        unit="months",
        label="Memory of exits and voice",
        source="[assumption] a budget year",
    )
    # --- registries: books -----------------------------------------------------------------
    effort_cost: float = _num(
        0.2,
        0.0,
        2.0,
        "extra operating cost at full effort, relative to the complacent cost (grows with the square)",
        label="Cost of effort",
        source="[assumption]",
    )
    fixed_cost_share: float = _num(
        0.7,
        0.0,
        1.0,
        "share of operating cost that does not shrink with members",
        label="Fixed cost share",
        source="[assumption] salaries are most of RIR costs (ARIN 2025: 78%, domain.md §A1)",
    )
    reserve_target: float = _num(
        12.0,
        0.0,
        120.0,
        "reserves a registry aims to hold",
        unit="months",
        label="Reserve target",
        source="[assumption]",
    )
    fee_adjustment: float = _num(
        0.1,
        0.0,
        1.0,
        "share of the way to cost-recovering fees a registry moves each month",
        label="Fee adjustment",
        source="[assumption]",
    )
    max_fee_multiplier: float = _num(
        4.0,
        1.0,
        20.0,
        "cap on a registry's fees relative to its schedule",
        label="Highest fee multiplier",
        source="[assumption]",
    )
    min_fee_multiplier: float = _num(
        0.5,
        0.0,
        1.0,
        "floor on a registry's fees relative to its schedule",
        label="Lowest fee multiplier",
        source="[assumption]",
    )
    min_reserve_months: float = _num(
        3.0,
        0.0,
        60.0,
        "below these reserves a registry cuts effort in proportion",
        unit="months",
        label="Reserves that protect effort",
        source="[assumption]",
    )
    insolvency_limit: int = _num(
        24,
        1,
        240,
        "months of insolvency after which a registry closes",
        unit="months",
        integer=True,
        label="Insolvency limit",
        source="[assumption]",
    )
    paralysis_degraded: float = _num(
        0.5,
        0.0,
        1.0,
        "share of effort that still works while governance is degraded",
        label="Effort that works when degraded",
        source="[assumption]",
    )
    paralysis_failed: float = _num(
        0.0,
        0.0,
        1.0,
        "share of effort that still works while governance has failed",
        label="Effort that works when failed",
        source="[assumption] AFRINIC had no quorate board for ~3 years (domain.md §C1)",
    )
    release_capacity: float = _num(
        0.05,
        0.0,
        1.0,
        "releases an operating registry can process a month",
        unit="share of members a month",
        label="Release capacity",
        source="[assumption]",
    )
    release_degraded: float = _num(
        0.5,
        0.0,
        1.0,
        "share of the release capacity left while governance is degraded",
        label="Releases when degraded",
        source="[assumption]",
    )
    release_failed: float = _num(
        0.1,
        0.0,
        1.0,
        "share of the release capacity left while governance has failed",
        label="Releases when failed",
        source="[assumption] AFRINIC stalled allocations in 2025 (domain.md §A4)",
    )
    # --- governance events ---------------------------------------------------------------
    event_hazard: float = _num(
        0.0,
        0.0,
        0.1,
        "monthly chance of a random governance event per registry",
        unit="per month",
        label="Event hazard",
        source="[assumption] off by default; scenarios schedule events",
    )
    event_duration: float = _num(
        12.0,
        1.0,
        120.0,
        "mean duration of a random event",
        unit="months",
        label="Event duration",
        source="[assumption]",
    )
    event_quality_drop: float = _num(
        0.3,
        0.0,
        1.0,
        "quality lost at the start of a random event",
        unit="index points",
        label="Quality drop",
        source="[assumption]",
    )
    event_neutrality_drop: float = _num(
        0.2,
        0.0,
        1.0,
        "neutrality lost at the start of a random event",
        unit="index points",
        label="Neutrality drop",
        source="[assumption]",
    )
    surge_factor: float = _num(
        3.0,
        1.0,
        100.0,
        "moves above this multiple of the last year's mean are logged as a surge",
        label="Surge factor",
        source="[assumption] a reporting threshold, no effect on behaviour",
    )
    surge_min_share: float = _num(
        0.002,
        0.0,
        1.0,
        "a surge also needs moves by at least this share of holders",
        label="Smallest surge",
        source="[assumption] a reporting threshold, no effect on behaviour",
    )
    # --- the IPv4 transfer market, need and entry (agents/market.py, model/entry.py) -----
    market: str = _choice(
        "on",
        ("on", "off"),
        "holders buy and sell IPv4 space each month (off: holdings change only by pool allocations)",
        label="IPv4 market",
        source="intra-RIR transfers since 2009-2012, inter-RIR since 2011 (ODD §6)",
    )
    utilisation_legacy: float = _num(
        0.4,
        0.05,
        1.0,
        "mean share of its IPv4 a legacy holder needs at the start",
        label="Use of legacy space",
        source="36-41% of routed IPv4 in use (Zander, Andrew, Armitage & Huston, IEEE LCN 2013); legacy "
        "space the least used: 65% of ARIN's outbound transfers involve it (LACNIC staff, 2019) "
        "[assumption for the split]",
    )
    utilisation_other: float = _num(
        0.9,
        0.05,
        1.0,
        "mean share of its IPv4 any other holder needs at the start",
        label="Use of other space",
        source="[assumption] space allocated on need since the RIRs began (needs-based policies)",
    )
    utilisation_concentration: float = _num(
        10.0,
        1.0,
        1000.0,
        "concentration of the Beta distribution of initial use around its mean (higher: less spread)",
        label="Use concentration",
        source="[assumption]",
    )
    need_growth_sd: float = _num(
        0.03,
        0.0,
        0.5,
        "s.d. across holders of the yearly growth rate of need, around their registry's mean",
        label="Growth spread",
        unit="per year",
        source="the active IPv4 set changes by up to 25% a year (Richter et al., IMC 2016) [assumption]",
    )
    adoption_rate: float = _num(
        0.1,
        0.0,
        1.0,
        "yearly rate at which a holder priced out (an address worth less to it than the price) "
        "moves its use to its alternative (CGNAT, IPv6), so that its need shrinks",
        label="Adoption of alternatives",
        unit="per year",
        source="Edelman & Schwarz (2015): alternatives cap the price [assumption: 10% of use a year]",
    )
    space_horizon: float = _num(
        36.0,
        0.0,
        120.0,
        "months of growth a holder plans its space for: it bids for that much, and keeps it",
        label="Space horizon",
        unit="months",
        source="[assumption] three years of network planning; the registries' needs tests "
        "(24 months at ARIN and APNIC) exist because holders would otherwise buy further ahead",
    )
    substitute_cost: float = _num(
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
    substitute_spread: float = _num(
        0.5,
        0.0,
        3.0,
        "log s.d. across holders of what an address is worth to them",
        label="Worth spread",
        source="[assumption]",
    )
    reserve_price: float = _num(
        25.0,
        0.0,
        1000.0,
        "median price per address below which a holder keeps its idle space",
        label="Sellers' reserve",
        unit="USD per address",
        source="[assumption: below the 2021 price of about 40; broker ranges USD 6-24 in 2014, "
        "23-60 in 2021]",
    )
    reserve_spread: float = _num(
        0.5,
        0.0,
        3.0,
        "log s.d. across holders of their reserve price",
        label="Reserve spread",
        source="[assumption]",
    )
    price_adjustment: float = _num(
        0.05,
        0.0,
        1.0,
        "how fast the price answers excess demand: x exp(this x (demand - supply) / "
        "(demand + supply)) a month",
        label="Price adjustment",
        unit="per month",
        source="[assumption] a tatonnement rate; prices moved by tens of percent a year (2020-2022, ODD §6)",
    )
    small_block_premium: float = _num(
        0.2,
        0.0,
        2.0,
        "extra price per address of a single /24 over a large block (the premium falls with sqrt(/24s))",
        label="Small-block premium",
        source="brokers: small blocks cost more per address (ODD §6) [assumption: 20% for a /24]",
    )
    deaggregation_cost: float = _num(
        1000.0,
        0.0,
        100_000.0,
        "cost to a seller of splitting its block for a sale (routing, paperwork)",
        label="Splitting cost",
        unit="USD per sale",
        source="Edelman & Schwarz (2015) on deaggregation [assumption: USD 1,000]",
    )
    entry_rate: float = _num(
        0.03,
        0.0,
        0.5,
        "new holders joining each region a year, as a share of its holders (they join each January)",
        label="Entry rate",
        unit="per year",
        source="RIPE NCC's waiting list of 1,050 new LIRs (Nov 2024), 5% of its members [assumption: 3%]",
    )
    entrant_need: float = _num(
        4.0,
        1.0,
        1024.0,
        "median need of a new holder, /24s (log-normal with the holdings' log s.d., `body_sigma`)",
        label="Entrant need",
        unit="/24 blocks",
        source="most RIRs' last-pool allocations are at most a /22 (ODD §6) [assumption]",
    )
    # --- remedies: the ICP-2 draft's oversight process --------------------------------
    remedy: str = _choice(
        "none",
        REMEDY_NAMES,
        "the oversight remedy for a failing registry: none, or the ICP-2 draft v2's petition, "
        "audit, derecognition and handoff",
        label="Remedy",
        source="ICP-2 draft v2 'Recognition, Operation and Derecognition of RIRs' (NRO, 28 Aug 2025), "
        "§2.3, §2.4, §4.1(l), §5.3 as read by N. Nugent (26 Apr 2025) and icp2-review (29 Oct 2025)",
    )
    petition_memory: int = _num(
        12,
        1,
        120,
        "months a member's voice counts as a signature on a petition against its registry",
        unit="months",
        integer=True,
        label="Petition memory",
        source="[assumption] dissatisfaction must persist within a year to add up",
    )
    petition_threshold_share: float = _num(
        0.25,
        0.0,
        1.0,
        "a petition triggers the process when this share of a registry's members has signed",
        unit="share of members",
        label="Petition threshold (share)",
        source="ICP-2 draft v2 §2.3(b)(i)(B), §2.4(b): 25% of members (icp2-review, 29 Oct 2025); "
        "commenters asked for 5%",
    )
    petition_threshold_members: float = _num(
        2000.0,
        0.0,
        1e5,
        "... or when this many members have signed (times `scale`)",
        unit="members at scale 1",
        label="Petition threshold (members)",
        source="ICP-2 draft v2 §2.3(b)(i)(B): 2,000 members (icp2-review, 29 Oct 2025); "
        "commenters asked for 100",
    )
    audit_lag: int = _num(
        6,
        0,
        60,
        "months from a petition to the ad-hoc audit's finding (NRO EC review plus the audit)",
        unit="months",
        integer=True,
        label="Petition to audit finding",
        source="[assumption] ICP-2 draft v2 §2.4(b) sets no deadline",
    )
    audit_standard: float = _num(
        0.6,
        0.0,
        1.0,
        "an audit finds a registry meets its ongoing obligations when it is operating and its "
        "quality and neutrality are at least this",
        unit="index points",
        label="Audit standard",
        source="[assumption] ICP-2 draft v2 §4.1 names the obligations, not a measure",
    )
    remediation_months: int = _num(
        6,
        0,
        60,
        "months a registry found failing has to cure before derecognition is proposed",
        unit="months",
        integer=True,
        label="Remediation period",
        source="[assumption]",
    )
    derecognition_lag: int = _num(
        6,
        0,
        60,
        "months from the proposal to derecognise to the decision (the RIRs publish reasoned recommendations)",
        unit="months",
        integer=True,
        label="Derecognition decision lag",
        source="[assumption] ICP-2 draft v2 §2.3 (N. Nugent, 26 Apr 2025) sets no deadline",
    )
    derecognition_rule: str = _choice(
        "unanimous",
        ("unanimous", "majority"),
        "how many of the other registries must support a derecognition: all, or more than half",
        label="Derecognition rule",
        source="ICP-2 draft v1 implied unanimous RIR support (N. Nugent, 26 Apr 2025; ripe-list msg02504)",
    )
    rir_support_odds: float = _num(
        0.9,
        0.0,
        1.0,
        "chance each other registry supports derecognising a registry that failed its audit and "
        "its remediation",
        label="RIR support for derecognition",
        source="[assumption]",
    )
    handoff_months: int = _num(
        24,
        1,
        240,
        "months a continuity operator runs a derecognised registry's records",
        unit="months",
        integer=True,
        label="Handoff period",
        source="[assumption] ICP-2 draft v2 §4.1(l), §5.3: a temporary takeover",
    )
    handoff_quality: float = _num(
        0.7,
        0.0,
        1.0,
        "service quality the continuity operator keeps (registry and RPKI run, no policy work)",
        unit="index points",
        label="Handoff quality",
        source="[assumption] an EBERO-style backup operator (ARIN icp2_review, May 2025)",
    )
    handoff_neutrality: float = _num(
        0.8,
        0.0,
        1.0,
        "neutrality of the continuity operator (an outside party, free of the local capture)",
        unit="index points",
        label="Handoff neutrality",
        source="[assumption] as a registry's initial neutrality",
    )
    handoff_outcome: str = _choice(
        "return",
        ("return", "keep"),
        "after the handoff period the records return to a rebuilt registry, or the operator keeps them",
        label="After the handoff",
        source="ICP-2 draft v2 §5.3 (handoff after derecognition); the choice is open [assumption]",
    )
    # --- remedies: enforcement and venue shopping ------------------------------------
    disputed_share: float = _num(
        0.0,
        0.0,
        0.5,
        "share of every registry's IPv4 held by holders whose space is disputed (0: no disputes)",
        unit="share of IPv4",
        label="Disputed space",
        source="AFRINIC: 6.2M of 115.9M delegated IPv4 = 5.4% (Cloud Innovation, theafricareport "
        "20 Oct 2021); insider 4.1M = 3.5% (MyBroadband 2019-2021); ARIN/Micfo 757,760 (Krebs, 15 May 2019)",
    )
    initial_strictness: float = _num(
        0.5,
        0.0,
        1.0,
        "every registry's enforcement strictness at start (needs checks, reclamation, court orders)",
        label="Enforcement strictness",
        source="[assumption]; per registry through registry_overrides",
    )
    enforcement_rate: float = _num(
        1 / 12,
        0.0,
        1.0,
        "monthly chance a fully strict registry opens a reclamation case against a disputed holder",
        unit="per month",
        label="Enforcement rate",
        source="[assumption] AFRINIC audited CI's use in 2019 and notified a breach in Jun 2020 "
        "(theafricareport, 20 Oct 2021; L'Express, 29 Jul 2021)",
    )
    reclamation_lag: int = _num(
        12,
        0,
        120,
        "months from a case's opening to the reclamation of the space",
        unit="months",
        integer=True,
        label="Reclamation lag",
        source="AFRINIC notified CI of a breach in Jun 2020 and resolved to reclaim on 8 Jul 2021 "
        "(L'Express 29 Jul 2021; board minutes)",
    )
    strictness_erosion: float = _num(
        1.0,
        0.0,
        20.0,
        "how far a registry relaxes enforcement per unit of the credible threat of exit it faces "
        "(0: competition never erodes strictness)",
        label="Erosion of strictness",
        source="[assumption] critics of portability (Afrihost on icp2-review, 31 Oct 2025): venue shopping",
    )
    disputed_value: float = _num(
        50.0,
        0.0,
        1000.0,
        "what a disputed holder stands to lose per address if its space is reclaimed",
        unit="USD per address",
        label="Value of disputed space",
        source="IPv4 price about USD 50 an address in 2022 (as quality_value; ODD §6)",
    )
    dual_approval: str = _choice(
        "regime",
        ("regime", "on", "off"),
        "safeguard: a move of disputed space needs the members of both registries to approve",
        label="Safeguard: approval by both registries",
        source="Afrihost on icp2-review (31 Oct 2025): membership votes in both RIRs; "
        "'regime' takes the regime's",
    )
    dispute_freeze: str = _choice(
        "regime",
        ("regime", "on", "off"),
        "safeguard: no permanent transfer while a dispute is open (the case follows the holder)",
        label="Safeguard: no transfer while disputed",
        source="Afrihost on icp2-review (31 Oct 2025): no permanent transfers; 'regime' takes the regime's",
    )
    events: tuple[GovernanceEvent, ...] = field(
        default=(), metadata={"doc": "scheduled governance events (list of tables)", "label": "Events"}
    )
    registry_overrides: Mapping[str, Mapping[str, float]] = field(
        default_factory=dict,
        metadata={
            "doc": "per-registry settings, e.g. {AFRINIC = {reserves_months = 3}}",
            "label": "Registry overrides",
        },
    )

    def __post_init__(self) -> None:
        """Validate every field; the message names the field, the value and the rule."""
        for f in fields(self):
            value = getattr(self, f.name)
            meta = f.metadata
            if "choices" in meta:
                if value not in meta["choices"]:
                    raise ConfigError(f"{f.name} must be one of {meta['choices']}; got {value!r}")
            elif "low" in meta:
                if value is None and f.default is None:
                    continue
                _check_number(f.name, value, meta["low"], meta["high"], integer=meta["integer"])
        if isinstance(self.events, str | bytes | Mapping) or not isinstance(self.events, list | tuple):
            raise ConfigError(f"events must be a list of tables; got {self.events!r}")
        object.__setattr__(self, "events", tuple(GovernanceEvent.from_mapping(e) for e in self.events))
        object.__setattr__(self, "registry_overrides", _check_overrides(self.registry_overrides))

    def regime_setting(self, name: str) -> Any:
        """The regime's term `name` (delay, approval, ...), after this run's overrides."""
        override = getattr(self, name, None)
        return REGIME_SETTINGS[self.regime][name] if override is None else override

    def with_overrides(self, **overrides: Any) -> Params:
        """A copy with `overrides` applied; unknown names are rejected with a suggestion."""
        check_names(overrides)
        return replace(self, **{k: _coerce(k, v) for k, v in overrides.items()})

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Params:
        """Build from a flat mapping (a TOML table, a UI's values)."""
        return cls().with_overrides(**dict(data))


def _check_number(name: str, value: Any, low: float, high: float, *, integer: bool = False) -> None:
    kind = "an integer" if integer else "a number"
    ok_type = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok_type or (isinstance(value, float) and math.isnan(value)):
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")
    if integer and int(value) != value:
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")
    if not low <= value <= high:
        raise ConfigError(f"{name} must be {kind} in [{low}, {high}]; got {value!r}")


def _check_overrides(overrides: Any) -> dict[str, dict[str, float]]:
    if not isinstance(overrides, Mapping):
        raise ConfigError(f"registry_overrides must be a table of tables; got {overrides!r}")
    checked: dict[str, dict[str, float]] = {}
    for registry, settings in overrides.items():
        if not isinstance(settings, Mapping):
            raise ConfigError(f"registry_overrides.{registry} must be a table; got {settings!r}")
        for key, value in settings.items():
            if key not in REGISTRY_OVERRIDE_KEYS:
                raise ConfigError(_unknown(f"registry_overrides.{registry} key", key, REGISTRY_OVERRIDE_KEYS))
            low, high = REGISTRY_OVERRIDE_KEYS[key]
            _check_number(f"registry_overrides.{registry}.{key}", value, low, high)
        checked[str(registry)] = {k: float(v) for k, v in settings.items()}
    return checked


def _unknown(what: str, name: str, valid: Any) -> str:
    close = difflib.get_close_matches(str(name), list(valid), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; valid: {', '.join(sorted(valid))}"
    return f"unknown {what} {name!r}{hint}"


def check_names(values: Mapping[str, Any]) -> None:
    """Reject any name that is not a `Params` field, suggesting the closest one."""
    valid = [f.name for f in fields(Params)]
    for name in values:
        if name not in valid:
            raise ConfigError(_unknown("parameter", name, valid))


def _coerce(name: str, value: Any) -> Any:
    """Turn what a UI or CLI sends (strings, floats for integers) into the field's type."""
    meta = next(f.metadata for f in fields(Params) if f.name == name)
    if isinstance(value, str) and "low" in meta:
        try:
            value = float(value)
        except ValueError:
            raise ConfigError(
                f"{name} must be a number in [{meta['low']}, {meta['high']}]; got {value!r}"
            ) from None
    if meta.get("integer") and isinstance(value, float) and value.is_integer():
        value = int(value)
    if name == "events" and isinstance(value, list):
        value = tuple(value)
    return value


def param_info() -> list[dict[str, Any]]:
    """One dict per field: name, default, bounds or choices, unit, description (for docs and UI)."""
    info = []
    for f in fields(Params):
        default = f.default if f.default_factory is MISSING else f.default_factory()
        info.append({"name": f.name, "default": default, **f.metadata})
    return info
