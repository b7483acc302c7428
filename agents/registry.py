"""A Regional Internet Registry: its books, the pressure it feels, its effort, its traits.

Each month a registry (1) settles its accounts: fees in, operating costs out, reserves,
cost-recovery fee changes, insolvency; (2) feels pressure from realised exit, the credible
threat of exit and voice; (3) sets its effort, which (4) raises quality and neutrality
against complacency and capture drift. Governance events paralyse the management.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent

if TYPE_CHECKING:
    from mesa import Model

    from model.calibration import RegistrySpec
    from model.params import GovernanceEvent, Params

__all__ = ["STATUSES", "RegistryAgent"]

STATUSES = ("operating", "degraded", "failed")
MIN_RESERVE_MONTHS = 3.0  # below this a registry cuts effort in proportion [assumption]
MIN_FEE_MULTIPLIER = 0.5
MEMORY = 11.0 / 12.0  # realised exit and voice are remembered over about a year
PARALYSIS = {"operating": 1.0, "degraded": 0.5, "failed": 0.0}  # share of effort that works


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
        self.governance = "operating"
        self.capture_rate = 0.0
        self.insolvent = False
        self.exit_memory = 0.0
        self.voice_memory = 0.0
        self.monthly_cost = monthly_cost
        # this month's tallies, filled in by the model
        self.members = members
        self.ipv4 = 0
        self.ipv4_share = 0.0
        self.asn_share = 0.0
        self.inflow = 0
        self.outflow = 0
        self.voice = 0
        self.exit_threat = 0.0

    # --- what the data collector reads --------------------------------------------------
    @property
    def status(self) -> str:
        """Operating / degraded / failed (by a governance event or by insolvency)."""
        return "failed" if self.insolvent else self.governance

    @property
    def fee(self) -> float:
        """Yearly fee of a median member (a /22 with one ASN), USD."""
        return self.median_fee * self.fee_multiplier

    @property
    def reserves(self) -> float:
        """Reserves in months of current operating cost (negative when in debt)."""
        return self.reserves_usd / self.monthly_cost if self.monthly_cost > 0 else 0.0

    # --- governance events ---------------------------------------------------------------
    def begin_event(self, event: GovernanceEvent) -> None:
        """Quality and neutrality drop; management is paralysed until `end_event`."""
        self.quality = max(0.0, self.quality - event.quality_drop)
        self.neutrality = max(0.0, self.neutrality - event.neutrality_drop)
        self.governance = event.status
        self.capture_rate = event.capture_rate

    def end_event(self) -> None:
        """Governance is restored; quality must now be rebuilt by effort."""
        self.governance = "operating"
        self.capture_rate = 0.0

    # --- the monthly rules ---------------------------------------------------------------
    def settle_accounts(self, yearly_fees: float) -> None:
        """Collect a month of fees, pay a month of costs, move fees toward cost recovery.

        `yearly_fees`: what the members owe a year at the schedule (multiplier 1). Costs have
        a fixed part that does not shrink when members leave and grow with effort spent. Cost
        recovery: the multiplier moves `fee_adjustment` of the way to the one that would cover
        this month's costs and rebuild reserves to `reserve_target` within a year. Hence the
        possible spiral: fewer members -> higher fees -> more leave.
        """
        p = self.p
        spent = self._budget_factor() * self.effort
        self.monthly_cost = (self.fixed_cost + self.cost_per_member * self.members) * (
            1.0 + p.effort_cost * (spent - p.base_effort)
        )
        income_at_schedule = yearly_fees / 12.0
        self.reserves_usd += income_at_schedule * self.fee_multiplier - self.monthly_cost
        if income_at_schedule > 0.0:
            shortfall = p.reserve_target * self.monthly_cost - self.reserves_usd
            needed = (self.monthly_cost + shortfall / 12.0) / income_at_schedule
            self.fee_multiplier += p.fee_adjustment * (needed - self.fee_multiplier)
            self.fee_multiplier = min(p.max_fee_multiplier, max(MIN_FEE_MULTIPLIER, self.fee_multiplier))
        self.insolvent = self.reserves_usd < 0.0

    def pressure(self, outflow_share: float, voice_share: float) -> float:
        """Pressure on management: realised exit and voice over the last year, and exit threat."""
        self.exit_memory = MEMORY * self.exit_memory + outflow_share
        self.voice_memory = MEMORY * self.voice_memory + voice_share
        p = self.p
        return (
            p.exit_weight * self.exit_memory
            + p.threat_weight * self.exit_threat
            + p.voice_weight * self.voice_memory
        )

    def respond(self, pressure: float) -> None:
        """Set effort from pressure; effort builds quality and neutrality, its absence erodes them."""
        p = self.p
        target = p.base_effort + (1.0 - p.base_effort) * self.responsiveness * min(1.0, pressure)
        self.effort += p.effort_adjustment * (target - self.effort)
        working = self.effort * self._budget_factor() * PARALYSIS[self.status]
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

    @property
    def accountability(self) -> float:
        """Share of the room above complacent effort that pressure has made the registry use."""
        p = self.p
        room = 1.0 - p.base_effort
        return max(0.0, (self.effort - p.base_effort) / room) if room > 0 else 0.0

    def _budget_factor(self) -> float:
        """1 with healthy reserves; falls to 0 as reserves run out (a deficit cuts effort)."""
        return min(1.0, max(0.0, self.reserves / MIN_RESERVE_MONTHS))
