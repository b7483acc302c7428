"""Tiny hand-built holder states and months, for exact tests of the rules."""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.state import NO_MOVE, Draw, HolderState, Month
from model.regimes import ALLOWED, FORBIDDEN


def holders(n: int = 2, registries: int = 3, **columns: Any) -> HolderState:
    """n holders, all at registry 0 (home 0), beliefs 0.8, neutral tastes; override any column."""
    base: dict[str, Any] = {
        "registry": np.zeros(n, dtype=np.int64),
        "home": np.zeros(n, dtype=np.int64),
        "ipv4": np.full(n, 4, dtype=np.int64),
        "asn": np.ones(n, dtype=np.int64),
        "ipv6": np.zeros(n, dtype=np.int64),
        "legacy": np.zeros(n, dtype=bool),
        "imported": np.zeros(n, dtype=bool),
        "w_quality": np.ones(n),
        "w_neutrality": np.ones(n),
        "w_fee": np.ones(n),
        "loyalty": np.zeros(n),
        "fixed_appeal": np.zeros((n, registries)),
        "belief_quality": np.full((n, registries), 0.8),
        "belief_neutrality": np.full((n, registries), 0.8),
        "fee_usd": np.full((n, registries), 1000.0),
        "weighted_fee": np.zeros((n, registries)),
        "size_cost": np.ones(n),
        "pending_destination": np.full(n, NO_MOVE, dtype=np.int64),
        "pending_due": np.zeros(n, dtype=np.int64),
        "moved_at": np.full(n, -(10**9), dtype=np.int64),
        "peer_start": np.zeros(n + 1, dtype=np.int64),
        "peers": np.zeros(0, dtype=np.int64),
    }
    for key, value in columns.items():
        base[key] = np.asarray(value, dtype=base[key].dtype)
    return HolderState(**base)


def month(
    n: int = 2, registries: int = 3, draws: dict[Draw, list[float]] | None = None, **terms: Any
) -> Month:
    """A month where every move is allowed, nothing costs, nobody reviews; override any term."""
    everything = np.full((registries, registries), ALLOWED, dtype=np.int8)
    np.fill_diagonal(everything, FORBIDDEN)
    table = np.full((len(Draw), n), 0.5)
    for row, values in (draws or {}).items():
        table[row] = values
    base: dict[str, Any] = {
        "step": 100,
        "quality": np.full(registries, 0.8),
        "neutrality": np.full(registries, 0.8),
        "fee_multiplier": np.ones(registries),
        "moves_ipv4": everything,
        "moves_asn": everything.copy(),
        "moves_ipv6": everything.copy(),
        "review": np.zeros(n, dtype=bool),
        "draws": table,
        "porting_delay": 0.0,
        "approval_odds": 1.0,
        "hold_period": 0,
        "learning_rate": 0.0,
        "peer_weight": 0.0,
        "public_weight": 0.0,
        "noise_amplitude": 0.0,
        "switching_cost": 0.0,
        "ipv6_renumbering_cost": 0.0,
        "waiting_cost": 0.0,
        "loyalty_weight": 0.0,
        "threat_margin": 0.0,
        "aspiration": 0.0,
        "voice_propensity": 0.0,
    }
    base.update({k: (np.asarray(v) if isinstance(v, list) else v) for k, v in terms.items()})
    return Month(**base)
