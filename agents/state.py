"""The holders' state as arrays, what one month tells them, and the names both rules share.

Holders' state lives in numpy arrays (one entry per holder) so that the model can run the
batched kernel; `NetworkAgent` objects are views onto one index of these arrays. `Month`
is a `NamedTuple`, so the compiled kernel takes it as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from enum import IntEnum, StrEnum
from typing import NamedTuple

import numpy as np
from numba import njit

__all__ = [
    "ALLOWED",
    "ELIGIBLE_ONLY",
    "FORBIDDEN",
    "NO_MOVE",
    "PEER_ID",
    "SQRT3",
    "Action",
    "Decisions",
    "Draw",
    "HolderColumns",
    "HolderState",
    "Month",
    "RegistryStatus",
]

NO_MOVE = -1  # pending_destination of a holder with no move under way
# holder ids in the peer lists: 4 bytes (2 billion holders) halve what a month's learning reads
PEER_ID = np.int32
# entries of a regime's move matrix M[origin, destination] (see model.regimes)
FORBIDDEN, ALLOWED, ELIGIBLE_ONLY = 0, 1, 2
SQRT3 = math.sqrt(3.0)  # uniform noise on +/- a has s.d. a / sqrt(3)


class Action(IntEnum):
    """What a reviewing holder does (Hirschman: exit, voice, or loyalty)."""

    STAY = 0
    VOICE = 1
    MOVE = 2


class Draw(IntEnum):
    """Rows of the month's uniform draws; column h belongs to holder h."""

    REVIEW = 0
    VOICE = 1
    OWN_QUALITY = 2
    OWN_NEUTRALITY = 3
    PEER_PICK = 4
    PEER_QUALITY = 5
    PEER_NEUTRALITY = 6
    SETTLEMENT = 7
    REASON = 8  # how the releasing registry records why a mover left


class RegistryStatus(StrEnum):
    """A registry's state: by governance events, insolvency, or closure (frames keep the strings)."""

    OPERATING = "operating"
    DEGRADED = "degraded"
    FAILED = "failed"
    CLOSED = "closed"
    HANDED_OFF = "handed_off"  # a continuity operator runs the records (ICP-2 draft §5.3)


@dataclass
class HolderState:
    """Every holder's state; index = holder id. Arrays of shape (n,) or (n, registries)."""

    registry: np.ndarray  # int: current registry
    home: np.ndarray  # int: registry of the holder's region
    ipv4: np.ndarray  # int: /24 blocks held
    asn: np.ndarray  # int: ASNs held
    ipv6: np.ndarray  # int: IPv6 blocks held
    legacy: np.ndarray  # bool: legacy space (may leave AFRINIC under status_quo_2026)
    imported: np.ndarray  # bool: the holder moved its registration (with its space) in from elsewhere
    w_quality: np.ndarray  # weight on quality (a point of quality is worth w x value USD a year)
    w_neutrality: np.ndarray
    loyalty: np.ndarray  # [0, 1]
    value: np.ndarray  # USD a year that one index point is worth at weight 1 (quality_value x addresses)
    size_factor: np.ndarray  # one-off costs relative to a /22 holder's: (ipv4 / 4) ** size_exponent
    appeal: np.ndarray  # (n, R) taste for each registry less out-of-region friction, index points a year
    belief_quality: np.ndarray  # (n, R) mean belief
    belief_neutrality: np.ndarray  # (n, R)
    belief_var: np.ndarray  # (n, R) variance of those beliefs (the same observations inform both)
    fee_usd: np.ndarray  # (n, R) yearly fee at each registry's schedule (multiplier 1), USD
    pending_destination: np.ndarray  # int: NO_MOVE or the registry being moved to
    pending_due: np.ndarray  # int: month the pending move is due for release
    moved_at: np.ndarray  # int: month of the last completed move
    moves: np.ndarray  # int: completed moves so far
    peer_start: np.ndarray  # CSR offsets into peers, shape (n + 1,)
    peers: np.ndarray  # CSR neighbour ids on the peering graph (`PEER_ID`s)
    # the holder in the IPv4 market (agents.market); defaults: no growth, never trades
    need: np.ndarray | None = None  # float: /24s the holder needs now
    growth: np.ndarray | None = None  # float: yearly growth rate of its need
    wtp: np.ndarray | None = None  # float: USD per address space is worth to it (its alternative's cost)
    reserve: np.ndarray | None = None  # float: USD per address below which it keeps idle space
    received_at: np.ndarray | None = None  # int: month it last received space (a sale or its pool)
    imported_blocks: np.ndarray | None = None  # int: /24s it bought from other registries' members
    presence: np.ndarray | None = None  # (n, R) bool: a presence in each registry's region (home always)
    # a member group a captured registry may single out (`Month.harm`); nobody by default
    targeted: np.ndarray | None = None  # bool
    # what the holder pays and enjoys at its current registry (kept up to date by `refresh`)
    paid_usd: np.ndarray = field(init=False)
    appeal_here: np.ndarray = field(init=False)
    # which row of the regime's cost table applies: 4 x eligible + 2 x holds ASNs + holds IPv6
    kind: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        """Fill the market columns left out, and the columns that depend on the current registry."""
        n = self.size
        defaults = {
            "need": lambda: self.ipv4.astype(float),
            "growth": lambda: np.zeros(n),
            "wtp": lambda: np.zeros(n),
            "reserve": lambda: np.full(n, np.inf),
            "received_at": lambda: np.full(n, -(10**9), dtype=np.int64),
            "imported_blocks": lambda: np.zeros(n, dtype=np.int64),
            "presence": lambda: np.arange(self.appeal.shape[1]) == self.home[:, None],
            "targeted": lambda: np.zeros(n, dtype=bool),
        }
        for name, make in defaults.items():
            if getattr(self, name) is None:
                setattr(self, name, make())
        self.paid_usd = np.empty(self.size)
        self.appeal_here = np.empty(self.size)
        self.kind = np.empty(self.size, dtype=np.int64)
        self.refresh(np.arange(self.size))

    @property
    def size(self) -> int:
        """Number of holders."""
        return int(self.registry.size)

    def refresh(self, holders: np.ndarray) -> None:
        """Recompute, for these holders, the columns that depend on their current registry.

        What they pay and enjoy there (their row of `fee_usd` and `appeal` at the current
        registry) and their `kind`: 4 x eligible (legacy or imported) + 2 x holds ASNs +
        holds IPv6. A compiled loop: numpy's paired fancy indexing cost ~70 ns a holder.
        """
        holders = np.asarray(holders)
        _refresh(
            np.flatnonzero(holders) if holders.dtype == bool else holders.astype(np.int64, copy=False),
            self.columns(),
        )

    def append(self, new: HolderState) -> None:
        """Add the holders of `new` after these (entry); `new`'s peers are ids in the whole population.

        Each column is a view onto a buffer with room to spare, so a year's entrants are
        written in place; a buffer is copied into one twice as large only when it is full.
        """
        offsets = new.peer_start[1:] + self.peers.size
        for f in fields(self):
            name = f.name
            mine = getattr(self, name)
            theirs = offsets if name == "peer_start" else getattr(new, name)
            setattr(self, name, _extended(self._buffers, name, mine, theirs))

    @property
    def _buffers(self) -> dict[str, np.ndarray]:
        """The arrays the columns are views of (created on the first entry)."""
        if "_buffer_store" not in self.__dict__:
            self.__dict__["_buffer_store"] = {}
        return self.__dict__["_buffer_store"]

    def columns(self) -> HolderColumns:
        """The arrays the compiled kernel reads and writes, as one tuple."""
        return HolderColumns(*(getattr(self, name) for name in HolderColumns._fields))


@njit(cache=True)
def _refresh(holders, s):  # pragma: no cover - compiled
    for h in holders:
        here = s.registry[h]
        s.paid_usd[h] = s.fee_usd[h, here]
        s.appeal_here[h] = s.appeal[h, here]
        s.kind[h] = 4 * (s.legacy[h] or s.imported[h]) + 2 * (s.asn[h] > 0) + (s.ipv6[h] > 0)


def _extended(buffers: dict[str, np.ndarray], name: str, mine: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """`mine` followed by `rows`, as a view onto `buffers[name]` (grown by doubling when full)."""
    n, extra = mine.shape[0], rows.shape[0]
    buffer = buffers.get(name)
    if buffer is None or buffer.shape[0] < n + extra or not np.may_share_memory(buffer, mine):
        buffer = np.empty((max(2 * n, n + extra), *mine.shape[1:]), dtype=mine.dtype)
        buffer[:n] = mine
        buffers[name] = buffer
    buffer[n : n + extra] = rows
    return buffer[: n + extra]


class HolderColumns(NamedTuple):
    """The holder arrays the compiled rules read and write (views, not copies), by the same names."""

    registry: np.ndarray
    home: np.ndarray
    ipv4: np.ndarray
    asn: np.ndarray
    ipv6: np.ndarray
    legacy: np.ndarray
    imported: np.ndarray
    w_quality: np.ndarray
    w_neutrality: np.ndarray
    loyalty: np.ndarray
    value: np.ndarray
    size_factor: np.ndarray
    appeal: np.ndarray
    belief_quality: np.ndarray
    belief_neutrality: np.ndarray
    belief_var: np.ndarray
    fee_usd: np.ndarray
    pending_destination: np.ndarray
    moved_at: np.ndarray
    peer_start: np.ndarray
    peers: np.ndarray
    paid_usd: np.ndarray
    appeal_here: np.ndarray
    kind: np.ndarray
    need: np.ndarray
    wtp: np.ndarray
    reserve: np.ndarray
    received_at: np.ndarray
    growth: np.ndarray
    presence: np.ndarray
    targeted: np.ndarray


class Month(NamedTuple):
    """Everything a holder's rule reads in one month, besides its own state.

    Built each month by `model.terms.month_terms`.
    """

    step: int
    quality: np.ndarray  # (R,) true service quality
    neutrality: np.ndarray  # (R,) true neutrality
    fee_multiplier: np.ndarray  # (R,) cost-recovery multiplier on each fee schedule
    accepting: np.ndarray  # (R,) bool: the registry takes in members (not closed)
    moves_ipv4: np.ndarray  # (R, R) regime's move matrix for IPv4 (ALLOWED ...)
    moves_asn: np.ndarray  # (R, R) for ASNs
    moves_ipv6: np.ndarray  # (R, R) for IPv6
    review: np.ndarray  # (n,) bool: the holder reviews this month
    draws: np.ndarray  # (len(Draw), n) uniforms on [0, 1), rows by `Draw` (buffer reused next month)
    benchmark_quality: np.ndarray  # (R,) the public benchmark this month: truth plus common noise
    benchmark_neutrality: np.ndarray  # (R,)
    porting_delay: float  # months
    approval_odds: float
    hold_period: int  # months
    own_noise: float  # amplitude a of the uniform noise on +/- a of own experience
    peer_noise: float  # ... of a peer's report
    public_noise: float  # ... of the public benchmark (one draw per registry, seen by all)
    drift_var: float  # variance of the monthly change holders expect in a trait
    present_value: float  # years: discounted value of a yearly gain that starts after the delay
    evidence_z: float
    switching_cost: float  # USD for a /22
    ipv6_renumbering_cost: float  # USD for a /22
    waiting_service_gap: float  # index points lost while a move is pending
    loyalty_weight: float  # index points a year
    aspiration: float
    voice_propensity: float
    voice_base: float  # voice chance = voice_propensity x (voice_base + loyalty) x shortfall
    # the transfer policies a registration move must pass where the regime has conditions
    conditions: bool  # False: mandatory portability lifts them
    presence_required: np.ndarray  # (R,) bool: a newcomer needs a presence in the region
    needs_months: np.ndarray  # (R,) the destination's needs test: need within this many months (0: none)
    counterpart_share: np.ndarray  # (R,) where only the origin is needs-based: share of the holding ...
    counterpart_months: np.ndarray  # (R,) ... to be used within this many months
    hold_months: np.ndarray  # (R,) the origin's holding period after a receipt
    # targeted capture: what a registry singling out a member group does to its targeted members
    harm: np.ndarray  # (R,) neutrality (index points) it withholds from them (0: it treats all alike)
    denial: np.ndarray  # (R,) chance it refuses a targeted member's release when processed


@dataclass
class Decisions:
    """The holders' choices this month, one entry per holder."""

    action: np.ndarray  # int: Action
    destination: np.ndarray  # int: best allowed registry (meaningful when action == MOVE)
    gain: np.ndarray  # float: value of the best allowed move, USD (-inf when none is allowed)

    @classmethod
    def empty(cls, n: int) -> Decisions:
        """All holders staying, no move allowed."""
        return cls(
            action=np.zeros(n, dtype=np.int64),
            destination=np.full(n, NO_MOVE, dtype=np.int64),
            gain=np.full(n, -np.inf),
        )

    def request(self, holders: np.ndarray, destinations: np.ndarray) -> None:
        """These holders request a move to these destinations, whatever they had decided."""
        self.action[holders] = Action.MOVE
        self.destination[holders] = destinations
