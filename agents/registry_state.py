"""What a registry is and keeps: its rules, how it starts, and its state as small records.

`RegistryAgent` (`agents.registry`) holds one of each record: its `traits` (what members
experience), its `books` (money), its `stake` (what management weighs and the effort it
chose) and its `governance` (events, capture, the oversight process, a continuity operator).
`RegistryReadings` is what others read of those records (quality, members, believed threat,
status, fee, reserves, accountability).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from agents.state import RegistryStatus

if TYPE_CHECKING:
    from agents.tally import RegistryTally

__all__ = ["Books", "Governance", "RegistryReadings", "RegistryRules", "RegistryStart", "Stake", "Traits"]


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
    threat_prior_sd: float
    threat_learning_drift: float
    exit_signal_noise: float
    rival_noise_ratio: float
    fee_response: float


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
    member_pool_max: int  # the most an existing member gets from it by need (0: new members only)


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
    exit_signal: float = 0.0  # revenue lost to members leaving for quality, share a year (remembered)
    fee_signal: float = 0.0  # ... for its fees (answered by a fee choice, not by effort)
    voice_signal: float = 0.0  # voices per member a year (remembered)
    believed: float = 0.0  # share of revenue it believes at stake for a margin's shortfall
    trust: float = 1.0  # how strongly it believes members answer, relative to its model of them
    trust_var: float = 0.0  # its uncertainty about that (set from the rules at the start)

    @property
    def total(self) -> float:
        """The three channels together (Python's compensated `sum`, as the frames were made with)."""
        return sum((self.threat, self.exit, self.voice))


@dataclass
class Governance:
    """Who runs the registry: events, capture, the oversight process and a continuity operator."""

    status: RegistryStatus = RegistryStatus.OPERATING  # by governance events
    capture_rate: float = 0.0
    harm: float = 0.0  # neutrality withheld from a targeted member group (targeted capture)
    denial: float = 0.0  # chance it refuses a targeted member's release
    operator: tuple[float, float] | None = None  # a continuity operator's (quality, neutrality)
    petition_support: float = 0.0  # share of members who signed a petition against it
    petition_threshold: float = 1.0  # share of members the petition needs
    oversight_stage: str = "none"


class RegistryReadings:
    """What the frames, the app and the other agents read of a registry: views of its records.

    `RegistryAgent` inherits these; they compute nothing that changes the registry.
    """

    rules: RegistryRules
    traits: Traits
    books: Books
    stake: Stake
    governance: Governance
    tally: RegistryTally

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
        """Share of its yearly revenue it believes at stake for a `threat_margin` shortfall."""
        return self.stake.believed

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
