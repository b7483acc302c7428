"""Model-level outputs: pure functions of the model, one number each (see docs/ODD.md §7)."""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

import numpy as np

from agents.enforcement import Case
from agents.holdings import ADDRESSES_PER_BLOCK
from agents.state import NO_MOVE, RegistryStatus
from agents.welfare import utility_here_all

if TYPE_CHECKING:
    from model.model import PortabilityModel

__all__ = ["MODEL_REPORTERS", "OUTPUTS", "REGISTRY_REPORTERS"]


def _ipv4_weights(model: PortabilityModel) -> np.ndarray:
    return np.array([r.ipv4 for r in model.registries], dtype=float) / model.total_ipv4


def quality_experienced(model: PortabilityModel) -> float:
    """IPv4-weighted quality of holders' registries, less the service gap of pending moves."""
    quality = np.array([r.quality for r in model.registries])
    waiting = model.holders.ipv4[model.holders.pending_destination != NO_MOVE].sum()
    gap = model.p.waiting_service_gap * waiting / model.total_ipv4
    return float(_ipv4_weights(model) @ quality - gap)


def neutrality_experienced(model: PortabilityModel) -> float:
    """IPv4-weighted neutrality of holders' registries."""
    return float(_ipv4_weights(model) @ np.array([r.neutrality for r in model.registries]))


def worst_quality(model: PortabilityModel) -> float:
    """Quality of the worst registry."""
    return float(min(r.quality for r in model.registries))


def hhi_ipv4(model: PortabilityModel) -> float:
    """Herfindahl index of registries' IPv4 shares (1 = one registry holds everything)."""
    return float(np.sum(_ipv4_weights(model) ** 2))


def ipv4_at_risk(model: PortabilityModel) -> float:
    """Share of IPv4 held at registries that are degraded or failed (not while handed off)."""
    troubled = (RegistryStatus.DEGRADED, RegistryStatus.FAILED)
    at_risk = sum(r.ipv4 for r in model.registries if r.status in troubled)
    return float(at_risk / model.total_ipv4)


def holder_utility(model: PortabilityModel) -> np.ndarray:
    """Each holder's `yearly_utility` at its registry by the truth, less the service lost while waiting."""
    return utility_here_all(
        model.holders.columns(),
        np.array([r.quality for r in model.registries]),
        np.array([r.neutrality for r in model.registries]),
        np.array([r.harm for r in model.registries]),
        np.array([r.books.fee_multiplier for r in model.registries]),
        model.p.waiting_service_gap,
    )


def welfare(model: PortabilityModel) -> float:
    """Holders' utility at their registries by the truth, USD per address a year (`yearly_utility`).

    `model.utility`: `holder_utility` as the month ends (computed once for every table).

    Summed over holders (true quality and neutrality, fees paid, taste and friction, less the
    service lost while a move is pending) and divided by all addresses held, so that a
    number means the same at every scale.
    """
    return float(model.utility.sum() / (model.total_ipv4 * ADDRESSES_PER_BLOCK))


def targeted_harmed(model: PortabilityModel) -> int:
    """Targeted members at a registry singling out their group now (targeted capture)."""
    s = model.holders
    harm = np.array([r.harm for r in model.registries])
    return int(np.count_nonzero(s.targeted & (harm[s.registry] > 0.0)))


def targeted_unfair_ipv4(model: PortabilityModel) -> float:
    """Share of the IPv4 of targeted holders in the right now under unfair treatment.

    Unfair: held at a registry singling out their group, or reclaimed from them. 0 when no
    group is targeted.
    """
    d = model.enforcement.disputes
    wronged = d.in_right & model.holders.targeted[d.holders]
    total = d.ipv4[wronged].sum()
    if total == 0:
        return 0.0
    harm = np.array([r.harm for r in model.registries])
    harmed = harm[model.holders.registry[d.holders]] > 0.0
    reclaimed = d.case == Case.RECLAIMED
    return float(d.ipv4[wronged & (harmed | reclaimed)].sum() / total)


def accountability(model: PortabilityModel) -> float:
    """IPv4-weighted share of registries' room above complacent effort that pressure has filled."""
    return float(_ipv4_weights(model) @ np.array([r.accountability for r in model.registries]))


MODEL_REPORTERS = {
    "quality_experienced": quality_experienced,
    "neutrality_experienced": neutrality_experienced,
    "worst_quality": worst_quality,
    "hhi_ipv4": hhi_ipv4,
    "moves": lambda m: m.tally["moves"],
    "moved_ipv4": lambda m: m.tally["moved_ipv4"],
    "requests": lambda m: m.tally["requests"],
    "pending_moves": lambda m: int(np.count_nonzero(m.holders.pending_destination != NO_MOVE)),
    "release_queue": lambda m: m.tally["queued"],
    "requests_quality": lambda m: m.reasons["quality"],
    "requests_taste": lambda m: m.reasons["taste"],
    "requests_fees": lambda m: m.reasons["fees"],
    "ipv4_at_risk": ipv4_at_risk,
    "voice_rate": lambda m: m.tally["voices"] / m.holders.size,
    "welfare": welfare,
    "accountability": accountability,
    "ipv4_price": lambda m: m.market["price"],
    "ipv4_transferred": lambda m: m.market["transferred"],
    "ipv4_inter_rir": lambda m: m.market["inter_rir_sales"] + m.tally["moved_ipv4"],
    "pool_allocated": lambda m: m.market["pool_allocated"],
    "entrants": lambda m: m.market["entrants"],
    "holders": lambda m: m.holders.size,
    # enforcement and venue shopping (agents.enforcement)
    "disputed_ipv4_shielded": lambda m: m.enforcement.shielded(),
    "disputed_ipv4_reclaimed": lambda m: m.enforcement.reclaimed(),
    "disputed_ipv4_reclaimed_unfairly": lambda m: m.enforcement.reclaimed_unfairly(),
    # targeted capture (a registry singling out a member group)
    "targeted_harmed": targeted_harmed,
    "targeted_unfair_ipv4": targeted_unfair_ipv4,
}

#: model_frame columns in plain words: (label, unit), for figures, reports and the app
OUTPUTS: dict[str, tuple[str, str]] = {
    "quality_experienced": ("Service quality holders experience", "IPv4-weighted, 0-1"),
    "worst_quality": ("Quality of the worst registry", "0-1"),
    "neutrality_experienced": ("Neutrality holders experience", "IPv4-weighted, 0-1"),
    "accountability": ("Accountability", "share of room above complacent effort, 0-1"),
    "ipv4_at_risk": ("IPv4 at degraded or failed registries", "share, 0-1"),
    "welfare": ("Holders' welfare", "USD per address a year"),
    "moves": ("Moves completed", "holders a month"),
    "hhi_ipv4": ("Concentration of IPv4 (Herfindahl index)", "0-1"),
    "ipv4_price": ("IPv4 price", "USD per address"),
    "ipv4_transferred": ("IPv4 sold", "/24 blocks a month"),
    "ipv4_inter_rir": ("IPv4 changing registry (sales and moves)", "/24 blocks a month"),
    "disputed_ipv4_shielded": ("Disputed IPv4 shielded by moving", "share, 0-1"),
    "targeted_harmed": ("Targeted members singled out", "holders"),
    "targeted_unfair_ipv4": ("Targeted IPv4 under unfair treatment", "share of the group's, 0-1"),
}

#: registry_frame columns, in order: the registry's name, then what it records (or a function of it)
REGISTRY_REPORTERS = {
    "registry": "name",
    "quality": "quality",
    "neutrality": "neutrality",
    "fee": "fee",
    "reserves": "reserves",
    "members": "members",
    "ipv4": "ipv4",
    "ipv4_share": attrgetter("tally.ipv4_share"),
    "asn_share": attrgetter("tally.asn_share"),
    "inflow": attrgetter("tally.inflow"),
    "outflow": attrgetter("tally.outflow"),
    "queue": attrgetter("tally.queue"),
    "exit_threat": "exit_threat",
    "threat_model": attrgetter("tally.threat"),
    "threat_trust": attrgetter("stake.trust"),
    "revenue_lost": attrgetter("tally.revenue_lost"),
    "quality_lost": attrgetter("tally.quality_lost"),
    "fee_lost": attrgetter("tally.fee_lost"),
    "voice": "voice",
    "effort": "effort",
    "sales_in": attrgetter("tally.sales_in"),
    "sales_out": attrgetter("tally.sales_out"),
    "sales_within": attrgetter("tally.sales_within"),
    "sales_out_legacy": attrgetter("tally.sales_out_legacy"),
    "pool": "pool",
    "effort_threat": lambda r: r.effort_from("threat"),
    "effort_exit": lambda r: r.effort_from("exit"),
    "effort_voice": lambda r: r.effort_from("voice"),
    "status": lambda r: r.status.value,
    # the oversight process (agents.oversight) and enforcement (agents.enforcement)
    "petition_support": attrgetter("governance.petition_support"),
    "petition_threshold": attrgetter("governance.petition_threshold"),
    "oversight_stage": attrgetter("governance.oversight_stage"),
    "strictness": "strictness",
}
