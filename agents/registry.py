"""A Regional Internet Registry: its books, what it has at stake, the effort it chooses, its traits.

Each month (`RegistryAgent.step`, handed a `RegistryTally` by the model) a registry

1. settles its accounts: fees in, operating costs out, reserves, cost-recovery fees,
   insolvency, and closure (no members left, or insolvent past a limit);
2. weighs what is at stake, in USD a year per point of quality, through three channels:
   - the **credible threat** of exit: the share of its revenue that would leave if it fell
     `threat_margin` behind its allowed rivals, as it can estimate it from public facts
     (`credible_threat`); zero under lock-in, positive under portability even at parity;
   - **realised exit**: revenue lost to members who left, remembered over `signal_memory`;
   - **voice**: members' complaints, one member one vote, remembered likewise;
3. chooses effort: the level that best trades the cost of effort against the quality it
   buys, given what is at stake (`choose_effort`; no cap on the sum of pressures);
4. works: effort builds quality and neutrality against complacency and capture drift;
   governance events paralyse the management.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent
from scipy.special import ndtr

from agents.state import HolderState, Month, RegistryStatus

if TYPE_CHECKING:
    from mesa import Model

    from model.calibration import RegistrySpec
    from model.params import GovernanceEvent, Params

__all__ = [
    "STATUSES",
    "MemberPriors",
    "RegistryAgent",
    "RegistryTally",
    "choose_effort",
    "credible_threat",
    "steady_quality",
]

STATUSES = tuple(RegistryStatus)


@dataclass(frozen=True)
class RegistryTally:
    """What the model counts for one registry this month, after the moves were settled."""

    members: int
    ipv4: int
    ipv4_share: float
    asn_share: float
    yearly_fees: float  # what the members owe a year at the schedule (multiplier 1), USD
    inflow: int  # members arrived this month
    outflow: int  # members left this month
    revenue_lost: float  # share of last month's fees that left with them
    voice_share: float  # share of members who voiced this month
    threat: float  # `credible_threat`: share of revenue at stake for a margin's shortfall
    queue: int  # release requests due but not yet processed


@dataclass(frozen=True)
class MemberPriors:
    """What a registry assumes of a member it cannot see into: the population's averages."""

    w_quality: float
    w_neutrality: float
    loyalty: float  # mean loyalty
    loyalty_weight: float
    friction: float  # index points a year outside one's home region
    uncertainty: float  # s.d. of a member's private yearly gain, index points
    margin: float  # the shortfall the registry gauges, index points

    @classmethod
    def from_params(cls, p: Params) -> MemberPriors:
        """The priors the parameters imply (the population's means)."""
        return cls(
            w_quality=p.weight_quality,
            w_neutrality=p.weight_neutrality,
            loyalty=p.loyalty_a / (p.loyalty_a + p.loyalty_b),
            loyalty_weight=p.loyalty_weight,
            friction=float(p.regime_setting("friction")),
            uncertainty=p.threat_uncertainty,
            margin=p.threat_margin,
        )


def credible_threat(s: HolderState, m: Month, costs: np.ndarray, priors: MemberPriors) -> np.ndarray:
    """Per registry, the share of its revenue that would leave if it fell `margin` behind its rivals.

    A registry cannot see its members' tastes, loyalty or beliefs. It sees its records (each
    member's holdings, fee, which resources it holds, whether it is eligible to leave), the
    regime (who may leave where, at what cost and delay), the public standing of every
    registry and the fee schedules. For each member it values the best allowed move as the
    member would (`agents.utility.move_value`, with the population's average weights and
    loyalty, no evidence discount) and takes the chance that the member's private gain tips
    it over as a normal with s.d. `uncertainty`. The threat is how much that chance rises,
    fee-weighted, when the registry falls `margin` behind: a slope, zero when nobody may
    leave, positive at parity when they may.
    """
    n_registries = len(m.quality)
    here = s.registry
    value = s.value
    scale = m.approval_odds * m.present_value * value * priors.uncertainty
    if not np.any(scale > 0.0):
        return np.zeros(n_registries)
    kind = s.kind
    away_here = priors.friction * (here != s.home)
    standing_here = priors.w_quality * m.quality[here] + priors.w_neutrality * m.neutrality[here]
    fee_here = s.paid_usd * m.fee_multiplier[here]
    waiting = value * priors.w_quality * m.waiting_service_gap * m.porting_delay / 12.0
    loyal = priors.loyalty_weight * priors.loyalty
    best = np.full(s.size, -np.inf)
    for r in range(n_registries):
        if not m.accepting[r]:
            continue
        one_off = costs[kind, here, r]  # +inf where the regime forbids the move (and for r = here)
        standing = priors.w_quality * m.quality[r] + priors.w_neutrality * m.neutrality[r]
        yearly = value * (standing - standing_here - priors.friction * (r != s.home) + away_here - loyal) - (
            s.fee_usd[:, r] * m.fee_multiplier[r] - fee_here
        )
        worth = m.approval_odds * m.present_value * yearly - (s.size_factor * one_off + waiting)
        np.maximum(best, worth, out=best)
    z = np.divide(best, scale, out=np.full(s.size, -np.inf), where=scale > 0.0)
    shift = priors.w_quality * priors.margin / priors.uncertainty
    rise = ndtr(z + shift) - ndtr(z)
    fees = np.bincount(here, weights=s.paid_usd, minlength=n_registries)
    at_stake = np.bincount(here, weights=s.paid_usd * rise, minlength=n_registries)
    return np.divide(at_stake, fees, out=np.zeros(n_registries), where=fees > 0)


def steady_quality(effort: float, improvement: float, complacency: float) -> float:
    """The quality that effort `effort` sustains in the long run (where gain equals loss)."""
    gain, loss = improvement * effort, complacency * (1.0 - effort)
    return gain / (gain + loss) if gain + loss > 0.0 else 0.0


def choose_effort(
    stake: float,
    *,
    base: float,
    yearly_cost: float,
    effort_cost: float,
    improvement: float,
    complacency: float,
) -> float:
    """The effort that maximises stake x steady_quality(e) - cost(e) on [base, 1].

    `stake`: USD a year per point of quality. Cost of effort above the complacent level:
    yearly_cost x effort_cost x ((e - base) / (1 - base))^2 (convex: the first steps are
    cheap). Its marginal cost at `base` is zero, so any positive stake raises effort above
    complacency; diminishing returns (steady quality is concave in effort when improvement
    >= complacency) keep it below 1 unless the stake is large. Solved by bisection on the
    first-order condition.
    """
    room = 1.0 - base
    if stake <= 0.0 or room <= 0.0:
        return base
    slope_cost = 2.0 * yearly_cost * effort_cost / (room * room)

    def marginal(e: float) -> float:
        gain, loss = improvement * e, complacency * (1.0 - e)
        total = gain + loss
        benefit = stake * improvement * complacency / (total * total) if total > 0.0 else 0.0
        return benefit - slope_cost * (e - base)

    if marginal(1.0) >= 0.0:
        return 1.0
    low, high = base, 1.0
    for _ in range(50):
        mid = 0.5 * (low + high)
        if marginal(mid) > 0.0:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


class RegistryAgent(Agent):
    """One RIR. Money in USD, reserves reported in months of operating cost, traits on [0, 1]."""

    def __init__(
        self,
        model: Model,
        index: int,
        spec: RegistrySpec,
        params: Params,
        *,
        revenue: float,
        members: int,
        median_fee: float,
    ) -> None:
        """Open the books so that fees cover `cost_ratio` x costs at the start."""
        super().__init__(model)
        override = params.registry_overrides.get(spec.name, {})
        self.index = index
        self.name = spec.name
        self.region = spec.region
        self.p = params
        self.quality = override.get("quality", params.initial_quality)
        self.neutrality = override.get("neutrality", params.initial_neutrality)
        self.responsiveness = override.get("responsiveness", params.responsiveness)
        monthly_cost = override.get("cost_ratio", 1.0) * revenue / 12.0
        fixed_share = override.get("fixed_cost_share", params.fixed_cost_share)
        self.fixed_cost = fixed_share * monthly_cost
        self.cost_per_member = (1.0 - fixed_share) * monthly_cost / max(members, 1)
        self.reserves_usd = override.get("reserves_months", spec.reserves_months) * monthly_cost
        self.median_fee = median_fee
        self.fee_multiplier = 1.0
        self.effort = params.base_effort
        self.governance = RegistryStatus.OPERATING
        self.capture_rate = 0.0
        self.insolvent = False
        self.insolvent_months = 0
        self.closed = False
        self.monthly_cost = monthly_cost
        self.exit_signal = 0.0  # revenue lost to exit, share a year (remembered)
        self.voice_signal = 0.0  # voices per member a year (remembered)
        self.release_credit = 0.0  # releases the registry can still process (carried over)
        # the stake by channel (USD a year per point of quality) and what it made of effort
        self.stake = {"threat": 0.0, "exit": 0.0, "voice": 0.0}
        self.target_effort = params.base_effort
        # this month's tally, as the model handed it
        self.members = members
        self.ipv4 = 0
        self.ipv4_share = 0.0
        self.asn_share = 0.0
        self.inflow = 0
        self.outflow = 0
        self.voice = 0
        self.queue = 0
        self.exit_threat = 0.0
        # the IPv4 market, as the registry records it (sales are not exit: never in the stake)
        self.pool = round(spec.pool_blocks * params.scale)  # free /24s left for new holders
        self.pool_max_blocks = spec.pool_max_blocks
        self.sales_in = 0  # /24s bought this month by members from other registries' members
        self.sales_out = 0  # /24s sold this month by members to other registries' members
        # what the oversight process and enforcement set (agents.oversight, .enforcement)
        self.operator: tuple[float, float] | None = None  # continuity operator's (quality, neutrality)
        self.petition_support = 0.0  # share of members who signed a petition against it
        self.petition_threshold = 1.0  # share of members the petition needs this month
        self.oversight_stage = "none"
        self.strictness = override.get("strictness", params.initial_strictness)
        self.base_strictness = self.strictness

    # --- what the data collector reads --------------------------------------------------
    @property
    def status(self) -> RegistryStatus:
        """Closed, handed off, failed (by a governance event or insolvency), degraded, or operating."""
        if self.closed:
            return RegistryStatus.CLOSED
        if self.operator is not None:  # a continuity operator runs the records
            return RegistryStatus.HANDED_OFF
        return RegistryStatus.FAILED if self.insolvent else self.governance

    @property
    def accepting(self) -> bool:
        """Whether the registry takes in members: every registry but a closed one."""
        return not self.closed

    @property
    def fee(self) -> float:
        """Yearly fee of a median member (a /22 with one ASN), USD (0 once closed)."""
        return 0.0 if self.closed else self.median_fee * self.fee_multiplier

    @property
    def reserves(self) -> float:
        """Reserves in months of current operating cost (negative when in debt)."""
        return self.reserves_usd / self.monthly_cost if self.monthly_cost > 0 else 0.0

    @property
    def accountability(self) -> float:
        """Share of the room above complacent effort that what is at stake has made it use."""
        room = 1.0 - self.p.base_effort
        return max(0.0, (self.effort - self.p.base_effort) / room) if room > 0 else 0.0

    def effort_from(self, channel: str) -> float:
        """Effort above the complacent level owed to one channel (the three add up to all of it).

        Effort above complacency is split in proportion to each channel's part of the stake.
        """
        total = sum(self.stake.values())
        above = max(0.0, self.effort - self.p.base_effort)
        return above * self.stake[channel] / total if total > 0.0 else 0.0

    # --- governance events ---------------------------------------------------------------
    def begin_event(self, event: GovernanceEvent) -> None:
        """Quality and neutrality drop; management is paralysed until `end_event`."""
        self.quality = max(0.0, self.quality - event.quality_drop)
        self.neutrality = max(0.0, self.neutrality - event.neutrality_drop)
        self.governance = RegistryStatus(event.status)
        self.capture_rate = event.capture_rate

    def end_event(self) -> None:
        """Governance is restored; quality must now be rebuilt by effort."""
        self.governance = RegistryStatus.OPERATING
        self.capture_rate = 0.0

    # --- releasing members ---------------------------------------------------------------
    def release_slots(self, fallback: float) -> int:
        """How many release requests the registry can process this month.

        Capacity is `release_capacity` x members a month, scaled down while degraded or
        failed and zero once closed; a regime's fallback (NRO/ICANN level) guarantees
        `fallback` x members whatever the registry's state. Unused fractions carry over
        (a registry of 40 members at 2% a month releases one member every 1.25 months), up
        to one month's capacity or one release.
        """
        p = self.p
        share = {
            RegistryStatus.OPERATING: p.release_capacity,
            RegistryStatus.DEGRADED: p.release_capacity * p.release_degraded,
            RegistryStatus.FAILED: p.release_capacity * p.release_failed,
            RegistryStatus.CLOSED: 0.0,
            RegistryStatus.HANDED_OFF: p.release_capacity,  # the operator releases as a registry would
        }[self.status]
        capacity = max(share, fallback) * self.members
        self.release_credit = min(self.release_credit + capacity, max(capacity, 1.0))
        return math.floor(self.release_credit)

    def released(self, count: int) -> None:
        """`count` releases were processed this month (they use up capacity)."""
        self.release_credit -= count

    # --- the month -----------------------------------------------------------------------
    def step(self, tally: RegistryTally) -> list[tuple[str, str]]:
        """Settle, weigh the stake, choose effort, work. Returns the events to log (kind, detail)."""
        self.record(tally)
        if self.closed:
            return []
        events = self.settle_accounts(tally.yearly_fees)
        if self.members == 0 or self.insolvent_months > self.p.insolvency_limit:
            why = "no members left" if self.members == 0 else f"insolvent for {self.insolvent_months} months"
            self._close()
            return [*events, ("closure", why)]
        self.weigh_stake(tally)
        self.choose_and_work()
        return events

    def record(self, tally: RegistryTally) -> None:
        """Take this month's tally (members, holdings, flows, voice, the threat estimate)."""
        self.members = tally.members
        self.ipv4 = tally.ipv4
        self.ipv4_share = tally.ipv4_share
        self.asn_share = tally.asn_share
        self.inflow = tally.inflow
        self.outflow = tally.outflow
        self.voice = round(tally.voice_share * tally.members)
        self.queue = tally.queue
        self.exit_threat = tally.threat

    def _close(self) -> None:
        """Closed for good: no service, no costs, no new members."""
        self.closed = True
        self.quality = 0.0
        self.effort = 0.0
        self.target_effort = 0.0
        self.monthly_cost = 0.0
        self.stake = {"threat": 0.0, "exit": 0.0, "voice": 0.0}

    def settle_accounts(self, yearly_fees: float) -> list[tuple[str, str]]:
        """Collect a month of fees, pay a month of costs, move fees toward cost recovery.

        `yearly_fees`: what the members owe a year at the schedule (multiplier 1). Costs have
        a fixed part that does not shrink when members leave, and grow with the square of
        effort above the complacent level. Cost recovery: the multiplier moves
        `fee_adjustment` of the way to the one that would cover this month's costs and
        rebuild reserves to `reserve_target` within a year. Hence the possible spiral:
        fewer members -> higher fees -> more leave. Returns insolvency events.
        """
        p = self.p
        spent = self._budget_factor() * self.effort
        above = max(0.0, spent - p.base_effort) / (1.0 - p.base_effort) if p.base_effort < 1.0 else 0.0
        self.monthly_cost = self._complacent_cost() * (1.0 + p.effort_cost * above * above)
        income_at_schedule = yearly_fees / 12.0
        self.reserves_usd += income_at_schedule * self.fee_multiplier - self.monthly_cost
        if income_at_schedule > 0.0:
            shortfall = p.reserve_target * self.monthly_cost - self.reserves_usd
            needed = (self.monthly_cost + shortfall / 12.0) / income_at_schedule
            self.fee_multiplier += p.fee_adjustment * (needed - self.fee_multiplier)
            self.fee_multiplier = min(p.max_fee_multiplier, max(p.min_fee_multiplier, self.fee_multiplier))
        was_insolvent = self.insolvent
        self.insolvent = self.reserves_usd < 0.0
        self.insolvent_months = self.insolvent_months + 1 if self.insolvent else 0
        if self.insolvent == was_insolvent:
            return []
        kind = "insolvency" if self.insolvent else "solvency_restored"
        return [(kind, f"reserves {self.reserves:.1f} months")]

    def weigh_stake(self, tally: RegistryTally) -> None:
        """What each channel puts at stake, USD a year per point of quality.

        Every channel is a share of the yearly revenue, read as what falling
        `threat_margin` behind costs each year: the threat directly; the remembered yearly
        rates of revenue lost to exit and of voices per member as the same slope made
        visible. It is a yearly amount, like the cost of effort it is weighed against (both
        recur over the same horizon, so discounting cancels). `responsiveness` is the share
        of it management counts; the channel weights (0 switches one off) say how much each
        signal counts.
        """
        p = self.p
        memory = 1.0 / p.signal_memory
        self.exit_signal += memory * (12.0 * tally.revenue_lost - self.exit_signal)
        self.voice_signal += memory * (12.0 * tally.voice_share - self.voice_signal)
        revenue = tally.yearly_fees * self.fee_multiplier
        per_share = self.responsiveness * revenue / p.threat_margin
        self.stake = {
            "threat": per_share * p.threat_weight * tally.threat,
            "exit": per_share * p.exit_weight * self.exit_signal,
            "voice": per_share * p.voice_weight * self.voice_signal,
        }

    def choose_and_work(self) -> None:
        """Move effort toward the best level for the stake; effort builds quality and neutrality."""
        p = self.p
        self.target_effort = choose_effort(
            sum(self.stake.values()),
            base=p.base_effort,
            yearly_cost=12.0 * self._complacent_cost(),
            effort_cost=p.effort_cost,
            improvement=p.improvement_rate,
            complacency=p.complacency_rate,
        )
        self.effort += p.effort_adjustment * (self.target_effort - self.effort)
        if self.operator is not None:  # the continuity operator's service, whatever management does
            self.quality, self.neutrality = self.operator
            return
        paralysis = {
            RegistryStatus.OPERATING: 1.0,
            RegistryStatus.DEGRADED: p.paralysis_degraded,
            RegistryStatus.FAILED: p.paralysis_failed,
        }[self.status]
        working = self.effort * self._budget_factor() * paralysis
        self.quality += (
            p.improvement_rate * working * (1.0 - self.quality)
            - p.complacency_rate * (1.0 - working) * self.quality
        )
        self.neutrality += (
            p.improvement_rate * working * (1.0 - self.neutrality)
            - p.capture_drift * (1.0 - working) * self.neutrality
            - self.capture_rate
        )
        self.quality = min(1.0, max(0.0, self.quality))
        self.neutrality = min(1.0, max(0.0, self.neutrality))

    def _complacent_cost(self) -> float:
        """Monthly operating cost at complacent effort for the current membership."""
        return self.fixed_cost + self.cost_per_member * self.members

    def _budget_factor(self) -> float:
        """1 with healthy reserves; falls to 0 as reserves run out (a deficit cuts effort)."""
        low = self.p.min_reserve_months
        if low <= 0.0:
            return 1.0 if self.reserves_usd >= 0.0 else 0.0
        return min(1.0, max(0.0, self.reserves / low))
