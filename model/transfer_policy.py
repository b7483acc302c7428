"""Each registry's IPv4 transfer policy (`model/data/transfer_policies.toml`), as arrays.

The regime says between which registries space may be sold (`move_matrix(..., "sales")`);
these per-registry rules (intra-RIR transfers, needs tests, holding periods, in-region rules,
fees) apply on top, to every sale. A registry the file does not name (a user's own
calibration) gets `DEFAULT`: transfers inside it allowed, no tests, no fee.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from importlib import resources
from typing import Any

import numpy as np

from agents.state import ALLOWED, FORBIDDEN
from model.errors import ConfigError

__all__ = ["DEFAULT", "POLICY_KEYS", "load_transfer_policies", "sales_matrix"]

DEFAULT: dict[str, Any] = {
    "intra": True,
    "needs_months": 0,
    "counterpart_share": 0.0,
    "counterpart_months": 0,
    "hold_months": 0,
    "in_region": False,
    "transfer_fee_usd": 0.0,
    "presence": False,
}
POLICY_KEYS = tuple(DEFAULT)


def _read() -> dict[str, dict[str, Any]]:
    text = resources.files("model.data").joinpath("transfer_policies.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    for name, policy in data.items():
        unknown = set(policy) - set(POLICY_KEYS)
        if unknown:
            raise ConfigError(
                f"transfer policy of {name!r}: unknown keys {sorted(unknown)}; valid: {POLICY_KEYS}"
            )
    return data


POLICIES: dict[str, dict[str, Any]] = _read()


def load_transfer_policies(registries: Sequence[str]) -> dict[str, np.ndarray]:
    """The policies of these registries, one array per rule (index = registry)."""
    rows = [DEFAULT | POLICIES.get(name, {}) for name in registries]
    return {
        "intra": np.array([bool(r["intra"]) for r in rows]),
        "needs_months": np.array([float(r["needs_months"]) for r in rows]),
        "counterpart_share": np.array([float(r["counterpart_share"]) for r in rows]),
        "counterpart_months": np.array([float(r["counterpart_months"]) for r in rows]),
        "hold_months": np.array([int(r["hold_months"]) for r in rows], dtype=np.int64),
        "in_region": np.array([bool(r["in_region"]) for r in rows]),
        "transfer_fee_usd": np.array([float(r["transfer_fee_usd"]) for r in rows]),
        "presence": np.array([bool(r["presence"]) for r in rows]),
    }


def sales_matrix(between: np.ndarray, intra: np.ndarray) -> np.ndarray:
    """The regime's inter-RIR sales matrix with each registry's intra-RIR rule on the diagonal."""
    matrix = between.copy()
    np.fill_diagonal(matrix, np.where(intra, ALLOWED, FORBIDDEN))
    return matrix
