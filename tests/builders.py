"""Tiny hand-built holder states and months, for exact tests of the rules."""

from __future__ import annotations

from typing import Any

import numpy as np

from agents.state import NO_MOVE, PEER_ID, Draw, HolderState, Month
from model.regimes import ALLOWED, FORBIDDEN

UNINFORMATIVE = 1e9  # noise amplitude of an observation that carries no information


def holders(n: int = 2, registries: int = 3, **columns: Any) -> HolderState:
    """n /22 holders at registry 0 (home 0), beliefs 0.8 and sure of them, a point of quality
    worth 1,000 USD a year, equal fees, neutral tastes; override any column."""
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
        "loyalty": np.zeros(n),
        "value": np.full(n, 1000.0),
        "size_factor": np.ones(n),
        "appeal": np.zeros((n, registries)),
        "belief_quality": np.full((n, registries), 0.8),
        "belief_neutrality": np.full((n, registries), 0.8),
        "belief_var": np.zeros((n, registries)),
        "fee_usd": np.full((n, registries), 1000.0),
        "pending_destination": np.full(n, NO_MOVE, dtype=np.int64),
        "pending_due": np.zeros(n, dtype=np.int64),
        "moved_at": np.full(n, -(10**9), dtype=np.int64),
        "moves": np.zeros(n, dtype=np.int64),
        "peer_start": np.zeros(n + 1, dtype=np.int64),
        "peers": np.zeros(0, dtype=PEER_ID),
        # in the market: need what they hold, no growth, space worth nothing more, never sell
        "need": np.full(n, 4.0),
        "growth": np.zeros(n),
        "wtp": np.zeros(n),
        "reserve": np.full(n, np.inf),
        "received_at": np.full(n, -(10**9), dtype=np.int64),
        "presence": np.arange(registries) == np.zeros(n, dtype=np.int64)[:, None],  # at home only
        "targeted": np.zeros(n, dtype=bool),  # nobody singled out
    }
    for key, value in columns.items():
        base[key] = np.asarray(value, dtype=base[key].dtype)
    return HolderState(**base)


def month(
    n: int = 2, registries: int = 3, draws: dict[Draw, list[float]] | None = None, **terms: Any
) -> Month:
    """A month where every move is allowed and nothing costs, one year of gain counts (present
    value 1) and nobody reviews; observations are so noisy that nobody learns from them (so
    the kernel, which learns before it decides, decides on the beliefs a test sets); override
    any term."""
    everything = np.full((registries, registries), ALLOWED, dtype=np.int8)
    np.fill_diagonal(everything, FORBIDDEN)
    table = np.full((len(Draw), n), 0.5)
    for row, values in (draws or {}).items():
        table[row] = values
    quality = np.asarray(terms.pop("quality", np.full(registries, 0.8)), dtype=float)
    neutrality = np.asarray(terms.pop("neutrality", np.full(registries, 0.8)), dtype=float)
    base: dict[str, Any] = {
        "step": 100,
        "quality": quality,
        "neutrality": neutrality,
        "fee_multiplier": np.ones(registries),
        "accepting": np.ones(registries, dtype=bool),
        "moves_ipv4": everything,
        "moves_asn": everything.copy(),
        "moves_ipv6": everything.copy(),
        "review": np.zeros(n, dtype=bool),
        "draws": table,
        "benchmark_quality": quality.copy(),
        "benchmark_neutrality": neutrality.copy(),
        "porting_delay": 0.0,
        "approval_odds": 1.0,
        "hold_period": 0,
        "own_noise": UNINFORMATIVE,
        "peer_noise": UNINFORMATIVE,
        "public_noise": UNINFORMATIVE,
        "drift_var": 0.0,
        "present_value": 1.0,
        "evidence_z": 0.0,
        "switching_cost": 0.0,
        "ipv6_renumbering_cost": 0.0,
        "waiting_service_gap": 0.0,
        "loyalty_weight": 0.0,
        "aspiration": 0.0,
        "voice_propensity": 0.0,
        "voice_base": 0.5,
        # no transfer rule binds a registration move unless a test sets one
        "conditions": False,
        "presence_required": np.zeros(registries, dtype=bool),
        "needs_months": np.zeros(registries),
        "counterpart_share": np.zeros(registries),
        "counterpart_months": np.zeros(registries),
        "hold_months": np.zeros(registries, dtype=np.int64),
        # nobody singled out unless a test says so
        "harm": np.zeros(registries),
        "denial": np.zeros(registries),
    }
    base.update({k: (np.asarray(v) if isinstance(v, list) else v) for k, v in terms.items()})
    return Month(**base)
