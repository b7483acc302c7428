"""The one place that turns `Params` into each rule's terms: agents/ never reads `Params`.

Each rule in `agents/` takes a small typed record of what it needs (`Month` for the holders,
`MarketTerms` for the market, `HoldingTerms` for what holdings are worth and cost,
`MemberPriors` for a registry's threat estimate, ...). This module builds every one of them
from the parameters, the regime and the calibration, so a new parameter is added to its
`Params` section and to the one builder here that passes it on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from agents.enforcement import EnforcementRules
from agents.holdings import ADDRESSES_PER_BLOCK, FeeSchedule, HoldingTerms, median_fee
from agents.market import MarketTerms, growth_factor, need_rate
from agents.oversight import OversightRules
from agents.registry_state import RegistryRules, RegistryStart
from agents.state import SQRT3, HolderState, Month
from agents.threat import MemberPriors
from model.calibration import Calibration, RegistrySpec
from model.delegated import free_pools
from model.params import Params
from model.regimes import CONDITIONS, REGIME_SETTINGS, RESOURCES, move_matrix
from model.transfer_policy import sales_matrix

__all__ = [
    "Regime",
    "annuity",
    "enforcement_rules",
    "holding_terms",
    "market_terms",
    "member_priors",
    "month_terms",
    "oversight_rules",
    "regime_terms",
    "registry_rules",
    "registry_start",
]


def _named[T](record: type[T], p: Params, **computed: Any) -> T:
    """A terms record: the fields given here, the others the parameters of the same names."""
    fields = record._fields  # type: ignore[attr-defined]
    return record(**{name: computed[name] if name in computed else getattr(p, name) for name in fields})


def annuity(years: float, rate: float) -> float:
    """Present value of 1 a year for `years` years at yearly discount `rate` (paid continuously)."""
    if rate <= 0.0:
        return years
    return (1.0 - math.exp(-rate * years)) / rate


class Regime(NamedTuple):
    """The regime in force: who may move or sell where, and on what terms (overrides applied)."""

    name: str
    moves: dict[str, np.ndarray]  # resource -> (R, R) move matrix
    sales: np.ndarray  # (R, R) sales matrix, each registry's intra-RIR rule on the diagonal
    porting_delay: float
    approval_odds: float
    obstruction: float
    friction: float
    hold_period: int
    release_fallback: float
    conditions: bool  # registration moves pass the transfer policies (`agents.migration.admitted`)
    dual_approval: bool
    dispute_freeze: bool


def regime_terms(p: Params, name: str, registries: Sequence[str], policy: dict[str, np.ndarray]) -> Regime:
    """Regime `name`'s matrices and terms for these registries, the run's overrides on top."""
    settings = REGIME_SETTINGS[name]

    def term(key: str) -> Any:
        override = getattr(p, key)
        return settings[key] if override is None else override

    def switch(key: str) -> bool:
        value = getattr(p, key)
        return bool(settings.get(key, False)) if value == "regime" else value == "on"

    return Regime(
        name=name,
        moves={r: move_matrix(name, registries, r) for r in RESOURCES},
        sales=sales_matrix(move_matrix(name, registries, "ipv4", "sales"), policy["intra"]),
        porting_delay=float(term("porting_delay")),
        approval_odds=float(term("approval_odds")),
        obstruction=float(term("obstruction")),
        friction=float(term("friction")),
        hold_period=int(term("hold_period")),
        release_fallback=float(term("release_fallback")),
        conditions=bool(settings[CONDITIONS]),
        dual_approval=switch("dual_approval"),
        dispute_freeze=switch("dispute_freeze"),
    )


def month_terms(
    p: Params,
    regime: Regime,
    policy: dict[str, np.ndarray],
    step: int,
    *,
    quality: np.ndarray,
    neutrality: np.ndarray,
    fee_multiplier: np.ndarray,
    accepting: np.ndarray,
    harm: np.ndarray,
    denial: np.ndarray,
    review: np.ndarray,
    draws: np.ndarray,
    benchmark_draws: np.ndarray,
) -> Month:
    """The holders' terms this month: the parameters, the regime in force and the registries' policies.

    `benchmark_draws`: (2, R) uniforms for the public benchmark's noise (quality, neutrality).
    """
    delay = regime.porting_delay
    noise = p.observation_noise * SQRT3
    public = noise * p.public_noise_ratio
    return _named(
        Month,
        p,
        step=step,
        quality=quality,
        neutrality=neutrality,
        fee_multiplier=fee_multiplier,
        accepting=accepting,
        harm=harm,
        denial=denial,
        moves_ipv4=regime.moves["ipv4"],
        moves_asn=regime.moves["asn"],
        moves_ipv6=regime.moves["ipv6"],
        review=review,
        draws=draws,
        benchmark_quality=quality + (2.0 * benchmark_draws[0] - 1.0) * public,
        benchmark_neutrality=neutrality + (2.0 * benchmark_draws[1] - 1.0) * public,
        porting_delay=delay,
        approval_odds=regime.approval_odds,
        hold_period=regime.hold_period,
        own_noise=noise,
        peer_noise=noise * p.peer_noise_ratio,
        public_noise=public,
        drift_var=p.belief_drift**2,
        present_value=annuity(p.planning_horizon, p.discount_rate)
        * math.exp(-p.discount_rate * delay / 12.0),
        conditions=regime.conditions,
        presence_required=policy["presence"],
        needs_months=policy["needs_months"],
        counterpart_share=policy["counterpart_share"],
        counterpart_months=policy["counterpart_months"],
        hold_months=policy["hold_months"],
    )


def holding_terms(p: Params, calibration: Calibration) -> HoldingTerms:
    """What holdings are worth (per quality point) and cost (each registry's fee schedule)."""
    return HoldingTerms(
        quality_value=p.quality_value,
        size_exponent=p.size_exponent,
        schedules=tuple(spec.fee_schedule for spec in calibration.registries),
        common_fees=p.fee_schedules == "common",
    )


def market_terms(
    p: Params,
    step: int,
    s: HolderState,
    *,
    price: float,
    sales: np.ndarray,
    processing: np.ndarray,
    policy: dict[str, np.ndarray],
    review: np.ndarray,
    holdings: HoldingTerms,
) -> MarketTerms:
    """The month's market terms from the parameters, the regime's sales matrix and the policies.

    Each holder's growth of need this month and its growth factors are computed here, once:
    every rule that reads them reads the same numbers.
    """
    rate = need_rate(s, price, p.adoption_rate)
    return MarketTerms(
        step=step,
        trading=p.market == "on",
        price=price,
        price_adjustment=p.price_adjustment,
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
        ahead_tested=growth_factor(rate, policy["needs_months"][s.registry]),
        space_horizon=p.space_horizon,
        small_block_premium=p.small_block_premium,
        deaggregation_cost=p.deaggregation_cost,
        inter_rir_cost=p.inter_rir_cost,
        holdings=holdings,
    )


def member_priors(p: Params, regime: Regime) -> MemberPriors:
    """What a registry assumes of a member it cannot see into: the population's means."""
    return MemberPriors(
        w_quality=p.weight_quality,
        w_neutrality=p.weight_neutrality,
        loyalty=p.loyalty_a / (p.loyalty_a + p.loyalty_b),
        loyalty_weight=p.loyalty_weight,
        friction=regime.friction,
        uncertainty=p.threat_uncertainty,
        margin=p.threat_margin,
    )


def registry_rules(p: Params) -> RegistryRules:
    """How every registry's management and books work: the parameters of the same names."""
    return _named(RegistryRules, p)


def registry_start(
    spec: RegistrySpec, p: Params, pool_max: tuple[int, int], schedule: FeeSchedule
) -> RegistryStart:
    """One registry at the start: the calibration's facts, the parameters, the scenario's overrides.

    Its free pool: on the real population's day (October 2018) what the delegated files say
    was available; otherwise the calibration's. `pool_max` (for a new member, for an existing
    one) and `schedule`: the allocation limits and the fee schedule in force.
    """
    override = p.registry_overrides.get(spec.name, {})
    pool = free_pools().get(spec.name, 0) if p.population == "real" else spec.pool_blocks
    return RegistryStart(
        name=spec.name,
        region=spec.region,
        quality=override.get("quality", p.initial_quality),
        neutrality=override.get("neutrality", p.initial_neutrality),
        responsiveness=override.get("responsiveness", p.responsiveness),
        strictness=override.get("strictness", p.initial_strictness),
        reserves_months=override.get("reserves_months", spec.reserves_months),
        cost_ratio=override.get("cost_ratio", 1.0),
        fixed_cost_share=override.get("fixed_cost_share", p.fixed_cost_share),
        median_fee=median_fee(schedule),
        pool=round(pool * p.scale),
        pool_max_blocks=pool_max[0],
        member_pool_max=pool_max[1],
    )


def oversight_rules(p: Params, remedy: str) -> OversightRules:
    """The oversight process's terms under `remedy` (the run's, or one a dated change put in force)."""
    return OversightRules(
        enabled=remedy != "none",
        petition_memory=p.petition_memory,
        threshold_share=p.petition_threshold_share,
        threshold_members=p.petition_threshold_members * p.scale,
        audit_lag=p.audit_lag,
        audit_standard=p.audit_standard,
        remediation_months=p.remediation_months,
        derecognition_lag=p.derecognition_lag,
        rule=p.derecognition_rule,
        support_odds=p.rir_support_odds,
        handoff_months=p.handoff_months,
        handoff_quality=p.handoff_quality,
        handoff_neutrality=p.handoff_neutrality,
        keep=p.handoff_outcome == "keep",
    )


def enforcement_rules(p: Params, regime: Regime) -> EnforcementRules:
    """Enforcement's and the safeguards' terms, from the parameters and the regime in force."""
    return EnforcementRules(
        enforcement_rate=p.enforcement_rate,
        reclamation_lag=p.reclamation_lag,
        disputed_value=p.disputed_value * ADDRESSES_PER_BLOCK,
        dual_approval=regime.dual_approval,
        dispute_freeze=regime.dispute_freeze,
    )
