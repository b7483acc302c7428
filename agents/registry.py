"""A Regional Internet Registry: its books, what it has at stake, the effort it chooses, its traits.

Each month a registry is handed its tally (`tally_registries`: members, holdings, moves in
and out, sales, voice, and the credible threat of exit it can estimate, `agents.threat`),
and (`RegistryAgent.step`)

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
   buys, given what is at stake (`choose_effort`; no cap on the sum of pressures);
5. works: effort builds quality and neutrality against complacency and capture drift;
   governance events paralyse the management, a continuity operator replaces it.

It also releases members who leave (`release_slots`), allocates from its free pool to new
members (`allocate`), and is handed off and back by the oversight process (`hand_off`,
`take_back`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
from mesa import Agent
from numba import njit

from agents.enforcement import erode_strictness
from agents.state import Action, HolderState, RegistryStatus

if TYPE_CHECKING:
    from mesa import Model

    from agents.migration import Settlement

__all__ = [
    "STATUSES",
    "Books",
    "Governance",
    "RegistryAgent",
    "RegistryRules",
    "RegistryStart",
    "RegistryTally",
    "Stake",
    "Traits",
    "choose_effort",
    "steady_quality",
    "tally_registries",
]

STATUSES = tuple(RegistryStatus)
CHANNELS = ("threat", "exit", "voice")


class RegistryRules(NamedTuple):
    """How every registry's management and books work (`model.terms.registry_rules`)."""

    base_effort: float
    effort_adjustment: float
    improvement_rate: float
    complacency_rate: float
    capture_drift: float
    threat_weight: float
    exit_weight: float
    voice_weight: float
    threat_margin: float
    signal_memory: float
    effort_cost: float
    reserve_target: float
    fee_adjustment: float
    max_fee_multiplier: float
    min_fee_multiplier: float
    min_reserve_months: float
    insolvency_limit: int
    paralysis_degraded: float
    paralysis_failed: float
    release_capacity: float
    release_degraded: float
    release_failed: float
    strictness_erosion: float


class RegistryStart(NamedTuple):
    """One registry as it starts (`model.terms.registry_start`: calibration and overrides)."""

    name: str
    region: str
    quality: float
    neutrality: float
    responsiveness: float
    strictness: float
    reserves_months: float
    cost_ratio: float  # operating cost over fee revenue at the start
    fixed_cost_share: float
    median_fee: float  # yearly fee of a median member (a /22 with one ASN), USD
    pool: int  # free /24s left for new holders
    pool_max_blocks: int  # the most a new holder gets from the pool


@dataclass
class Traits:
    """What members experience, and how the management answers."""

    quality: float
    neutrality: float
    responsiveness: float  # share of the stake management counts
    strictness: float  # enforcement now
    base_strictness: float  # enforcement with nothing to fear


@dataclass
class Books:
    """Money: USD, reserves in USD, fees as a multiplier on the schedule."""

    median_fee: float
    fixed_cost: float  # a month, whatever the membership
    cost_per_member: float  # a month, at complacent effort
    monthly_cost: float
    reserves_usd: float
    fee_multiplier: float = 1.0
    insolvent: bool = False
    insolvent_months: int = 0
    closed: bool = False


@dataclass
class Stake:
    """What management weighs (USD a year per point of quality, by channel) and the effort it chose."""

    effort: float
    target_effort: float
    threat: float = 0.0
    exit: float = 0.0
    voice: float = 0.0
    exit_signal: float = 0.0  # revenue lost to exit, share a year (remembered)
    voice_signal: float = 0.0  # voices per member a year (remembered)

    @property
    def total(self) -> float:
        """The three channels together (Python's compensated `sum`, as the frames were made with)."""
        return sum((self.threat, self.exit, self.voice))


@dataclass
class Governance:
    """Who runs the registry: events, capture, the oversight process and a continuity operator."""

    status: RegistryStatus = RegistryStatus.OPERATING  # by governance events
    capture_rate: float = 0.0
    operator: tuple[float, float] | None = None  # a continuity operator's (quality, neutrality)
    petition_support: float = 0.0  # share of members who signed a petition against it
    petition_threshold: float = 1.0  # share of members the petition needs
    oversight_stage: str = "none"


@dataclass(frozen=True)
class RegistryTally:
    """What a registry is told this month, after the moves and the sales."""

    members: int
    ipv4: int
    ipv4_share: float
    asn_share: float
    yearly_fees: float  # what the members owe a year at the schedule (multiplier 1), USD
    inflow: int  # members arrived this month
    outflow: int  # members left this month
    revenue_lost: float  # share of last month's fees that left with them
    voice_share: float  # share of members who voiced this month
    threat: float  # `agents.threat.credible_threat`: share of revenue at stake for a margin's shortfall
    queue: int  # release requests due but not yet processed
    sales_in: int = 0  # /24s its members bought from other registries' members (not exit)
    sales_out: int = 0  # /24s its members sold to other registries' members


@njit(cache=True)
def _totals(registry, ipv4, asn, paid, action, n_registries):  # pragma: no cover - compiled
    # per registry, in one pass and in holder order (as np.bincount adds its weights)
    members = np.zeros(n_registries, dtype=np.int64)
    blocks = np.zeros(n_registries)
    asns = np.zeros(n_registries)
    fees = np.zeros(n_registries)
    voices = np.zeros(n_registries, dtype=np.int64)
    for h in range(registry.shape[0]):
        r = registry[h]
        members[r] += 1
        blocks[r] += ipv4[h]
        asns[r] += asn[h]
        fees[r] += paid[h]
        if action[h] == Action.VOICE:
            voices[r] += 1
    return members, blocks, asns, fees, voices


def tally_registries(
    s: HolderState,
    action: np.ndarray,
    threat: np.ndarray,
    total_ipv4: int,
    *,
    settled: Settlement | None = None,
    fees_before: np.ndarray | None = None,
    sold: np.ndarray | None = None,
) -> list[RegistryTally]:
    """Each registry's tally: members, holdings, fees, voice; moves in and out; sales across.

    `action`: the holders' actions this month; `threat`: (R,) the credible-threat estimate;
    `settled`: this month's completed moves (none at the start); `fees_before`: (R,) yearly
    fees before the moves (revenue lost is measured against them); `sold`: (R, R) /24s sold
    from members of one registry to members of another this month.
    """
    n_registries = threat.size
    members, ipv4, asn, fees, voices = _totals(s.registry, s.ipv4, s.asn, s.paid_usd, action, n_registries)
    zeros = np.zeros(n_registries, dtype=np.int64)
    if settled is None:
        inflow = outflow = queue = zeros
        lost = np.zeros(n_registries)
    else:
        inflow = np.bincount(settled.destinations, minlength=n_registries)
        outflow = np.bincount(settled.origins, minlength=n_registries)
        queue = settled.queue
        lost = np.bincount(
            settled.origins, weights=s.fee_usd[settled.holders, settled.origins], minlength=n_registries
        )
    before = fees if fees_before is None else fees_before
    across = zeros if sold is None else sold - np.diag(np.diag(sold))
    total_asn = max(asn.sum(), 1.0)
    return [
        RegistryTally(
            members=int(members[r]),
            ipv4=int(ipv4[r]),
            ipv4_share=float(ipv4[r] / total_ipv4),
            asn_share=float(asn[r] / total_asn),
            yearly_fees=float(fees[r]),
            inflow=int(inflow[r]),
            outflow=int(outflow[r]),
            revenue_lost=float(lost[r] / before[r]) if before[r] > 0 else 0.0,
            voice_share=float(voices[r] / members[r]) if members[r] else 0.0,
            threat=float(threat[r]),
            queue=int(queue[r]),
            sales_in=0 if sold is None else int(across[:, r].sum()),
            sales_out=0 if sold is None else int(across[r, :].sum()),
        )
        for r in range(n_registries)
    ]


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
        self.stake = Stake(effort=rules.base_effort, target_effort=rules.base_effort)
        self.governance = Governance()
        self.pool = start.pool
        self.pool_max_blocks = start.pool_max_blocks
        self.release_credit = 0.0  # releases it can still process (carried over)
        self.tally = RegistryTally(members, 0, 0.0, 0.0, revenue, 0, 0, 0.0, 0.0, 0.0, 0)

    # --- what the frames read --------------------------------------------------------------
    @property
    def quality(self) -> float:
        """Service quality as members experience it."""
        return self.traits.quality

    @property
    def neutrality(self) -> float:
        """Impartial application of policy, freedom from capture."""
        return self.traits.neutrality

    @property
    def strictness(self) -> float:
        """Enforcement strictness now."""
        return self.traits.strictness

    @property
    def effort(self) -> float:
        """Management's effort, in [0, 1]."""
        return self.stake.effort

    @property
    def members(self) -> int:
        """Members, as last tallied."""
        return self.tally.members

    @property
    def ipv4(self) -> int:
        """IPv4 its members hold, /24s, as last tallied."""
        return self.tally.ipv4

    @property
    def exit_threat(self) -> float:
        """Share of its yearly revenue at stake for a `threat_margin` shortfall, as last estimated."""
        return self.tally.threat

    @property
    def voice(self) -> int:
        """Members who voiced a complaint this month."""
        return round(self.tally.voice_share * self.tally.members)

    @property
    def status(self) -> RegistryStatus:
        """Closed, handed off, failed (by a governance event or insolvency), degraded, or operating."""
        if self.books.closed:
            return RegistryStatus.CLOSED
        if self.governance.operator is not None:  # a continuity operator runs the records
            return RegistryStatus.HANDED_OFF
        return RegistryStatus.FAILED if self.books.insolvent else self.governance.status

    @property
    def closed(self) -> bool:
        """Closed for good."""
        return self.books.closed

    @property
    def accepting(self) -> bool:
        """Whether the registry takes in members: every registry but a closed one."""
        return not self.books.closed

    @property
    def fee(self) -> float:
        """Yearly fee of a median member (a /22 with one ASN), USD (0 once closed)."""
        return 0.0 if self.books.closed else self.books.median_fee * self.books.fee_multiplier

    @property
    def reserves(self) -> float:
        """Reserves in months of current operating cost (negative when in debt)."""
        books = self.books
        return books.reserves_usd / books.monthly_cost if books.monthly_cost > 0 else 0.0

    @property
    def accountability(self) -> float:
        """Share of the room above complacent effort that what is at stake has made it use."""
        base = self.rules.base_effort
        room = 1.0 - base
        return max(0.0, (self.stake.effort - base) / room) if room > 0 else 0.0

    def effort_from(self, channel: str) -> float:
        """Effort above the complacent level owed to one channel (the three add up to all of it).

        Effort above complacency is split in proportion to each channel's part of the stake.
        """
        total = self.stake.total
        above = max(0.0, self.stake.effort - self.rules.base_effort)
        return above * getattr(self.stake, channel) / total if total > 0.0 else 0.0

    # --- governance events and the oversight process ---------------------------------------
    def begin_event(
        self, quality_drop: float, neutrality_drop: float, status: str, capture_rate: float
    ) -> None:
        """Quality and neutrality drop; management is paralysed until `end_event`."""
        self.traits.quality = max(0.0, self.traits.quality - quality_drop)
        self.traits.neutrality = max(0.0, self.traits.neutrality - neutrality_drop)
        self.governance.status = RegistryStatus(status)
        self.governance.capture_rate = capture_rate

    def end_event(self) -> None:
        """Governance is restored; quality must now be rebuilt by effort."""
        self.governance.status = RegistryStatus.OPERATING
        self.governance.capture_rate = 0.0

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
        self.governance.status = RegistryStatus.OPERATING
        self.governance.capture_rate = 0.0

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

    # --- the month ---------------------------------------------------------------------------
    def record(self, tally: RegistryTally) -> None:
        """Take this month's tally (members, holdings, flows, sales, voice, the threat estimate)."""
        self.tally = tally

    def step(self, tally: RegistryTally) -> list[tuple[str, str]]:
        """Record, ease enforcement, settle, weigh the stake, choose effort, work; returns events."""
        self.record(tally)
        traits, rules = self.traits, self.rules
        traits.strictness = float(
            erode_strictness(
                traits.strictness,
                traits.base_strictness,
                tally.threat,
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
        stake.exit_signal += memory * (12.0 * tally.revenue_lost - stake.exit_signal)
        stake.voice_signal += memory * (12.0 * tally.voice_share - stake.voice_signal)
        revenue = tally.yearly_fees * self.books.fee_multiplier
        per_share = self.traits.responsiveness * revenue / rules.threat_margin
        stake.threat = per_share * rules.threat_weight * tally.threat
        stake.exit = per_share * rules.exit_weight * stake.exit_signal
        stake.voice = per_share * rules.voice_weight * stake.voice_signal

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
