"""A Regional Internet Registry: its books, what it has at stake, the effort it chooses, its traits.

Each month a registry is handed its tally (`agents.tally`: members, holdings, moves in and
out, sales, voice, and the credible threat of exit it can estimate, `agents.threat`), and
(`RegistryAgent.step`)

1. records it, and eases its enforcement as far as the threat makes it fear for its members
   (`agents.enforcement.erode_strictness`);
2. settles its accounts: fees in, operating costs out, reserves, cost-recovery fees,
   insolvency, and closure (no members left, or insolvent past a limit);
3. weighs what is at stake, in USD a year per point of quality, through three channels:
   - the **credible threat** of exit: the share of its revenue that would leave if it fell
     `threat_margin` behind its allowed rivals; zero under lock-in, positive under
     portability even at parity;
   - **realised exit**: revenue lost to members who left, remembered over `signal_memory`;
   - **voice**: members' complaints, one member one vote, remembered likewise;
4. chooses effort: the level that best trades the cost of effort against the quality it
   buys, given what is at stake (`agents.effort.choose_effort`; no cap on the sum of pressures);
5. works: effort builds quality and neutrality against complacency and capture drift;
   governance events paralyse the management, a continuity operator replaces it.

It also releases members who leave (`release_slots`), allocates from its free pool to new
members (`allocate`) and, where its policy lets them, to members by need (`grant`), and is
handed off and back by the oversight process (`hand_off`, `take_back`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mesa import Agent

from agents.effort import choose_effort
from agents.enforcement import erode_strictness
from agents.registry_state import (
    Books,
    Governance,
    RegistryReadings,
    RegistryRules,
    RegistryStart,
    Stake,
    Traits,
)
from agents.state import RegistryStatus
from agents.tally import RegistryTally
from agents.threat import learn_exit_response

if TYPE_CHECKING:
    from mesa import Model

__all__ = ["STATUSES", "RegistryAgent"]

STATUSES = tuple(RegistryStatus)


class RegistryAgent(RegistryReadings, Agent):
    """One RIR. Money in USD, reserves reported in months of operating cost, traits on [0, 1]."""

    def __init__(
        self,
        model: Model,
        index: int,
        start: RegistryStart,
        rules: RegistryRules,
        *,
        revenue: float,
        members: int,
    ) -> None:
        """Open the books so that costs are `cost_ratio` x the members' fees at the start."""
        super().__init__(model)
        self.index = index
        self.name = start.name
        self.region = start.region
        self.rules = rules
        self.traits = Traits(
            start.quality, start.neutrality, start.responsiveness, start.strictness, start.strictness
        )
        monthly_cost = start.cost_ratio * revenue / 12.0
        fixed = start.fixed_cost_share * monthly_cost
        self.books = Books(
            median_fee=start.median_fee,
            fixed_cost=fixed,
            cost_per_member=(1.0 - start.fixed_cost_share) * monthly_cost / max(members, 1),
            monthly_cost=monthly_cost,
            reserves_usd=start.reserves_months * monthly_cost,
        )
        self.stake = Stake(
            effort=rules.base_effort, target_effort=rules.base_effort, trust_var=rules.threat_prior_sd**2
        )
        self.governance = Governance()
        self.pool = start.pool
        self.pool_max_blocks = start.pool_max_blocks
        self.member_pool_max = start.member_pool_max
        self.release_credit = 0.0  # releases it can still process (carried over)
        self.tally = RegistryTally(members, 0, 0.0, 0.0, revenue, 0, 0, 0.0, 0.0, 0.0, 0)

    def begin_event(
        self,
        quality_drop: float,
        neutrality_drop: float,
        status: str,
        capture_rate: float,
        targeting: tuple[float, float] = (0.0, 0.0),
    ) -> None:
        """Quality and neutrality drop; management is paralysed until `end_event`.

        `targeting`: (harm, denial) when a captured management singles out a member group
        while serving the rest (targeted capture): it withholds `harm` of neutrality from the
        group's members and refuses their releases with chance `denial`.
        """
        self.traits.quality = max(0.0, self.traits.quality - quality_drop)
        self.traits.neutrality = max(0.0, self.traits.neutrality - neutrality_drop)
        self.governance.status = RegistryStatus(status)
        self.governance.capture_rate = capture_rate
        self.governance.harm, self.governance.denial = targeting

    def end_event(self) -> None:
        """Governance is restored; quality must now be rebuilt by effort."""
        self.governance.status = RegistryStatus.OPERATING
        self.governance.capture_rate = 0.0
        self.governance.harm = self.governance.denial = 0.0

    @property
    def harm(self) -> float:
        """Neutrality it withholds from a targeted group now (none while an operator runs it)."""
        return 0.0 if self.governance.operator is not None else self.governance.harm

    @property
    def denial(self) -> float:
        """Chance it refuses a targeted member's release now (none while an operator runs it)."""
        return 0.0 if self.governance.operator is not None else self.governance.denial

    def hold_quality(self, quality: float) -> None:
        """A counterfactual hold: its service is `quality` this month, whatever its effort did."""
        self.traits.quality = min(1.0, max(0.0, quality))

    def note_petition(self, support: float, threshold: float, stage: str) -> None:
        """The oversight body's count: petition support, the threshold it needs, the process's stage."""
        self.governance.petition_support = support
        self.governance.petition_threshold = threshold
        self.governance.oversight_stage = stage

    def hand_off(self, quality: float, neutrality: float) -> None:
        """Derecognised: a continuity operator runs the records at this quality and neutrality."""
        self.governance.operator = (quality, neutrality)
        self.traits.quality, self.traits.neutrality = quality, neutrality

    def take_back(self) -> None:
        """The records return to a rebuilt registry, under new management."""
        self.governance.operator = None
        self.end_event()

    # --- members leaving and joining -------------------------------------------------------
    def release_slots(self, fallback: float) -> int:
        """How many release requests the registry can process this month.

        Capacity is `release_capacity` x members a month, scaled down while degraded or
        failed and zero once closed; a regime's fallback (NRO/ICANN level) guarantees
        `fallback` x members whatever the registry's state. Unused fractions carry over
        (a registry of 40 members at 2% a month releases one member every 1.25 months), up
        to one month's capacity or one release.
        """
        rules = self.rules
        share = {
            RegistryStatus.OPERATING: rules.release_capacity,
            RegistryStatus.DEGRADED: rules.release_capacity * rules.release_degraded,
            RegistryStatus.FAILED: rules.release_capacity * rules.release_failed,
            RegistryStatus.CLOSED: 0.0,
            RegistryStatus.HANDED_OFF: rules.release_capacity,  # the operator releases as a registry would
        }[self.status]
        capacity = max(share, fallback) * self.members
        self.release_credit = min(self.release_credit + capacity, max(capacity, 1.0))
        return math.floor(self.release_credit)

    def released(self, count: int) -> None:
        """`count` releases were processed this month (they use up capacity)."""
        self.release_credit -= count

    @property
    def allocating(self) -> bool:
        """Whether it allocates from its free pool: open and not failed."""
        return self.accepting and self.status != RegistryStatus.FAILED

    def allocate(self, need: float) -> int:
        """/24s a new member gets from the free pool: its need, at most `pool_max_blocks`, while it lasts."""
        if not self.allocating or self.pool <= 0:
            return 0
        grant = min(int(self.pool_max_blocks), max(1, math.ceil(need)), int(self.pool))
        self.pool -= grant
        return grant

    def grant(self, requested: int) -> int:
        """/24s an existing member gets from the pool by need: at most `member_pool_max`, while it lasts."""
        if not self.allocating or self.pool <= 0 or self.member_pool_max <= 0:
            return 0
        granted = min(requested, self.member_pool_max, self.pool)
        self.pool -= granted
        return granted

    def limit_pool(self, new_members: int, members: int) -> None:
        """From now on a new member gets at most `new_members` /24s from the pool, a member `members`."""
        self.pool_max_blocks = new_members
        self.member_pool_max = members

    def charge(self, median_fee: float) -> None:
        """A new fee schedule: the yearly fee of a median member is now `median_fee` USD."""
        self.books.median_fee = median_fee

    # --- the month ---------------------------------------------------------------------------
    def record(self, tally: RegistryTally) -> None:
        """Take this month's tally (members, holdings, flows, sales, voice, its model's threat)."""
        self.tally = tally
        self.stake.believed = min(1.0, self.stake.trust * tally.threat)  # before this month's lesson

    def step(self, tally: RegistryTally) -> list[tuple[str, str]]:
        """Record, ease enforcement, settle, weigh the stake, choose effort, work; returns events."""
        self.record(tally)
        traits, rules = self.traits, self.rules
        traits.strictness = float(
            erode_strictness(
                traits.strictness,
                traits.base_strictness,
                self.stake.believed,
                rules.strictness_erosion,
                rules.effort_adjustment,
            )
        )
        if self.books.closed:
            return []
        events = self.settle_accounts(tally.yearly_fees)
        if self.members == 0 or self.books.insolvent_months > rules.insolvency_limit:
            months = self.books.insolvent_months
            why = "no members left" if self.members == 0 else f"insolvent for {months} months"
            self._close()
            return [*events, ("closure", why)]
        self.weigh_stake(tally)
        self.choose_and_work()
        return events

    def _close(self) -> None:
        """Closed for good: no service, no costs, no new members."""
        self.books.closed = True
        self.books.monthly_cost = 0.0
        self.traits.quality = 0.0
        stake = self.stake
        stake.effort = stake.target_effort = 0.0
        stake.threat = stake.exit = stake.voice = 0.0

    def settle_accounts(self, yearly_fees: float) -> list[tuple[str, str]]:
        """Collect a month of fees, pay a month of costs, move fees toward cost recovery.

        `yearly_fees`: what the members owe a year at the schedule (multiplier 1). Costs have
        a fixed part that does not shrink when members leave, and grow with the square of
        effort above the complacent level. Cost recovery: the multiplier moves
        `fee_adjustment` of the way to the one that would cover this month's costs and
        rebuild reserves to `reserve_target` within a year. Hence the possible spiral:
        fewer members -> higher fees -> more leave. Returns insolvency events.
        """
        rules, books = self.rules, self.books
        spent = self._budget_factor() * self.stake.effort
        base = rules.base_effort
        above = max(0.0, spent - base) / (1.0 - base) if base < 1.0 else 0.0
        books.monthly_cost = self._complacent_cost() * (1.0 + rules.effort_cost * above * above)
        income_at_schedule = yearly_fees / 12.0
        books.reserves_usd += income_at_schedule * books.fee_multiplier - books.monthly_cost
        if income_at_schedule > 0.0:
            shortfall = rules.reserve_target * books.monthly_cost - books.reserves_usd
            needed = (books.monthly_cost + shortfall / 12.0) / income_at_schedule
            # members leaving for its fees: it answers by a fee choice, drawing on its reserves
            needed *= max(0.0, 1.0 - rules.fee_response * self.stake.fee_signal)
            books.fee_multiplier += rules.fee_adjustment * (needed - books.fee_multiplier)
            books.fee_multiplier = min(
                rules.max_fee_multiplier, max(rules.min_fee_multiplier, books.fee_multiplier)
            )
        was_insolvent = books.insolvent
        books.insolvent = books.reserves_usd < 0.0
        books.insolvent_months = books.insolvent_months + 1 if books.insolvent else 0
        if books.insolvent == was_insolvent:
            return []
        kind = "insolvency" if books.insolvent else "solvency_restored"
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
        rules, stake = self.rules, self.stake
        memory = 1.0 / rules.signal_memory
        stake.exit_signal += memory * (12.0 * tally.quality_lost - stake.exit_signal)
        stake.fee_signal += memory * (12.0 * tally.fee_lost - stake.fee_signal)
        stake.voice_signal += memory * (12.0 * tally.voice_share - stake.voice_signal)
        self.learn(tally)
        revenue = tally.yearly_fees * self.books.fee_multiplier
        per_share = self.traits.responsiveness * revenue / rules.threat_margin
        stake.threat = per_share * rules.threat_weight * stake.believed
        stake.exit = per_share * rules.exit_weight * stake.exit_signal
        stake.voice = per_share * rules.voice_weight * stake.voice_signal

    def learn(self, tally: RegistryTally) -> None:
        """What it believes at stake: its model's threat, times the trust experience taught it.

        Every registry's departures, and what its model expected of them, are public
        (`tally.sector`); its own books are more precise than its rivals' figures
        (`agents.threat.learn_exit_response`).
        """
        rules, stake, sector = self.rules, self.stake, tally.sector
        if sector is not None:
            stake.trust, stake.trust_var = learn_exit_response(
                stake.trust,
                stake.trust_var,
                sector.expected,
                12.0 * sector.lost,
                sector.members,
                self.index,
                rules.exit_signal_noise,
                rules.rival_noise_ratio,
                rules.threat_learning_drift**2,
            )
        # a share of revenue: at most all of it, however far experience outruns its model
        stake.believed = min(1.0, stake.trust * tally.threat)

    def choose_and_work(self) -> None:
        """Move effort toward the best level for the stake; effort builds quality and neutrality."""
        rules, stake, traits = self.rules, self.stake, self.traits
        stake.target_effort = choose_effort(
            stake.total,
            base=rules.base_effort,
            yearly_cost=12.0 * self._complacent_cost(),
            effort_cost=rules.effort_cost,
            improvement=rules.improvement_rate,
            complacency=rules.complacency_rate,
        )
        stake.effort += rules.effort_adjustment * (stake.target_effort - stake.effort)
        if (
            self.governance.operator is not None
        ):  # the continuity operator's service, whatever management does
            traits.quality, traits.neutrality = self.governance.operator
            return
        paralysis = {
            RegistryStatus.OPERATING: 1.0,
            RegistryStatus.DEGRADED: rules.paralysis_degraded,
            RegistryStatus.FAILED: rules.paralysis_failed,
        }[self.status]
        working = stake.effort * self._budget_factor() * paralysis
        traits.quality += (
            rules.improvement_rate * working * (1.0 - traits.quality)
            - rules.complacency_rate * (1.0 - working) * traits.quality
        )
        traits.neutrality += (
            rules.improvement_rate * working * (1.0 - traits.neutrality)
            - rules.capture_drift * (1.0 - working) * traits.neutrality
            - self.governance.capture_rate
        )
        traits.quality = min(1.0, max(0.0, traits.quality))
        traits.neutrality = min(1.0, max(0.0, traits.neutrality))

    def _complacent_cost(self) -> float:
        """Monthly operating cost at complacent effort for the current membership."""
        return self.books.fixed_cost + self.books.cost_per_member * self.members

    def _budget_factor(self) -> float:
        """1 with healthy reserves; falls to 0 as reserves run out (a deficit cuts effort)."""
        low = self.rules.min_reserve_months
        if low <= 0.0:
            return 1.0 if self.books.reserves_usd >= 0.0 else 0.0
        return min(1.0, max(0.0, self.reserves / low))
