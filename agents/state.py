"""The holders' state as arrays, and what one month tells them.

Holders' state lives in numpy arrays (one entry per holder) so that the model can run the
batched kernel; `NetworkAgent` objects are views onto one index of these arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

__all__ = [
    "ALLOWED",
    "ELIGIBLE_ONLY",
    "FORBIDDEN",
    "NO_MOVE",
    "Action",
    "Decisions",
    "Draw",
    "HolderState",
    "Month",
]

NO_MOVE = -1  # pending_destination of a holder with no move under way
# entries of a regime's move matrix M[origin, destination] (see model.regimes)
FORBIDDEN, ALLOWED, ELIGIBLE_ONLY = 0, 1, 2


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


@dataclass
class HolderState:
    """Every holder's state; index = holder id. Arrays of shape (n,) or (n, registries)."""

    registry: np.ndarray  # int: current registry
    home: np.ndarray  # int: registry of the holder's region
    ipv4: np.ndarray  # int: /24 blocks held
    asn: np.ndarray  # int: ASNs held
    ipv6: np.ndarray  # int: IPv6 blocks held
    legacy: np.ndarray  # bool: legacy space (may leave AFRINIC under status_quo_2026)
    imported: np.ndarray  # bool: the holder's space has been moved in from another registry
    w_quality: np.ndarray
    w_neutrality: np.ndarray
    w_fee: np.ndarray
    loyalty: np.ndarray
    fixed_appeal: np.ndarray  # (n, R) taste for each registry, less out-of-region friction
    belief_quality: np.ndarray  # (n, R)
    belief_neutrality: np.ndarray  # (n, R)
    fee_usd: np.ndarray  # (n, R) yearly fee at each registry's schedule (multiplier 1)
    weighted_fee: np.ndarray  # (n, R) w_fee x that fee as a share of the holding's market value
    size_cost: np.ndarray  # per-unit cost factor, (ipv4 / 4) ** (size_exponent - 1)
    pending_destination: np.ndarray  # int: NO_MOVE or the registry being moved to
    pending_due: np.ndarray  # int: month the pending move is settled
    moved_at: np.ndarray  # int: month of the last completed move
    peer_start: np.ndarray  # CSR offsets into peers, shape (n + 1,)
    peers: np.ndarray  # CSR neighbour ids on the peering graph
    # what the holder pays and enjoys at its current registry (kept up to date by `refresh`)
    paid_usd: np.ndarray = field(init=False)
    paid_weighted_fee: np.ndarray = field(init=False)
    appeal_here: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        """Fill the columns that depend on the current registry."""
        self.paid_usd = np.empty(self.size)
        self.paid_weighted_fee = np.empty(self.size)
        self.appeal_here = np.empty(self.size)
        self.refresh(np.arange(self.size))

    @property
    def size(self) -> int:
        """Number of holders."""
        return int(self.registry.size)

    def refresh(self, holders: np.ndarray) -> None:
        """Recompute, for these holders, the columns that depend on their current registry."""
        here = self.registry[holders]
        self.paid_usd[holders] = self.fee_usd[holders, here]
        self.paid_weighted_fee[holders] = self.weighted_fee[holders, here]
        self.appeal_here[holders] = self.fixed_appeal[holders, here]


@dataclass
class Month:
    """Everything a holder's rule reads in one month, besides its own state."""

    step: int
    quality: np.ndarray  # (R,) true service quality
    neutrality: np.ndarray  # (R,) true neutrality
    fee_multiplier: np.ndarray  # (R,) cost-recovery multiplier on each fee schedule
    moves_ipv4: np.ndarray  # (R, R) regime's move matrix for IPv4 (regimes.ALLOWED ...)
    moves_asn: np.ndarray  # (R, R) for ASNs
    moves_ipv6: np.ndarray  # (R, R) for IPv6
    review: np.ndarray  # (n,) bool: the holder reviews this month
    draws: np.ndarray  # (len(Draw), n) uniforms on [0, 1)
    porting_delay: float
    approval_odds: float
    hold_period: int
    learning_rate: float
    peer_weight: float
    public_weight: float
    noise_amplitude: float  # uniform noise on +/- this has s.d. observation_noise
    switching_cost: float
    ipv6_renumbering_cost: float
    waiting_cost: float
    loyalty_weight: float
    threat_margin: float
    aspiration: float
    voice_propensity: float


@dataclass
class Decisions:
    """The holders' choices this month, one entry per holder."""

    action: np.ndarray  # int: Action
    destination: np.ndarray  # int: best allowed registry (meaningful when action == MOVE)
    threat: np.ndarray  # bool: would leave (within the threat margin) and is allowed to

    @classmethod
    def empty(cls, n: int) -> Decisions:
        """All holders staying, no threat."""
        return cls(
            action=np.zeros(n, dtype=np.int64),
            destination=np.full(n, NO_MOVE, dtype=np.int64),
            threat=np.zeros(n, dtype=bool),
        )
