"""Model-level outputs: pure functions of the model, one number each (see docs/ODD.md §7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from agents.state import NO_MOVE

if TYPE_CHECKING:
    from model.model import PortabilityModel

__all__ = ["MODEL_REPORTERS", "REGISTRY_REPORTERS"]


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
    """Share of IPv4 held at registries that are degraded or failed."""
    at_risk = sum(r.ipv4 for r in model.registries if r.status != "operating")
    return float(at_risk / model.total_ipv4)


def welfare(model: PortabilityModel) -> float:
    """Mean holder utility at its registry, from true quality and neutrality, less waiting costs."""
    s, p = model.holders, model.p
    quality = np.array([r.quality for r in model.registries])[s.registry]
    neutrality = np.array([r.neutrality for r in model.registries])[s.registry]
    multiplier = np.array([r.fee_multiplier for r in model.registries])[s.registry]
    utility = (
        s.w_quality * quality
        + s.w_neutrality * neutrality
        - s.paid_weighted_fee * multiplier
        + s.appeal_here
        - s.w_quality * p.waiting_service_gap * (s.pending_destination != NO_MOVE)
    )
    return float(utility.mean())


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
    "pending_moves": lambda m: int(np.count_nonzero(m.holders.pending_destination != NO_MOVE)),
    "ipv4_at_risk": ipv4_at_risk,
    "voice_rate": lambda m: m.tally["voices"] / m.holders.size,
    "welfare": welfare,
    "accountability": accountability,
}

#: registry_frame columns: the registry's name, then its attributes of the same names
REGISTRY_REPORTERS = {"registry": "name"} | {
    name: name
    for name in (
        "quality",
        "neutrality",
        "fee",
        "reserves",
        "members",
        "ipv4",
        "ipv4_share",
        "asn_share",
        "inflow",
        "outflow",
        "exit_threat",
        "voice",
        "effort",
        "status",
    )
}
