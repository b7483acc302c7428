"""Calibration data of the registries (`model/data/registries.toml`), read and checked."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from agents.holdings import ADDRESSES_PER_BLOCK, MEDIAN_BLOCKS, FeeSchedule, schedule_fee
from model.errors import ConfigError

__all__ = ["ADDRESSES_PER_BLOCK", "MEDIAN_HOLDING", "Calibration", "RegistrySpec", "load_calibration"]

#: a /22: median holding at AFRINIC and LACNIC, Jan 2024 (own calculation, ODD §6)
MEDIAN_HOLDING = int(MEDIAN_BLOCKS)


@dataclass(frozen=True)
class RegistrySpec:
    """Public facts about one registry (see the data file for sources)."""

    name: str
    region: str
    members: int
    ipv4_addresses: int
    asns: int
    ipv6_holder_share: float
    legacy_share: float
    reserves_months: float
    fee_tiers: tuple[tuple[int, float], ...]
    fee_per_asn: float
    need_growth: float = 0.0  # mean yearly growth of holders' need for IPv4
    pool_addresses: int = 0  # free IPv4 left for new holders
    pool_max_blocks: int = 0  # the most a new holder gets from the pool, /24s
    member_pool_max: int = 0  # the most an existing member gets from the pool by need, /24s

    @property
    def pool_blocks(self) -> float:
        """Free IPv4 left, in /24 blocks."""
        return self.pool_addresses / ADDRESSES_PER_BLOCK

    @property
    def ipv4_blocks(self) -> float:
        """IPv4 held, in /24 blocks."""
        return self.ipv4_addresses / ADDRESSES_PER_BLOCK

    @cached_property
    def fee_schedule(self) -> FeeSchedule:
        """The fee schedule as the holders' rule reads it (the last tier unbounded)."""
        bounds = np.array([b if b > 0 else np.inf for b, _ in self.fee_tiers])
        return FeeSchedule(bounds, np.array([f for _, f in self.fee_tiers]), float(self.fee_per_asn))

    def yearly_fee(self, ipv4_blocks: np.ndarray, asns: np.ndarray) -> np.ndarray:
        """Fee schedule: the yearly fee (USD) of holders with these holdings."""
        return schedule_fee(self.fee_schedule, ipv4_blocks, asns)


@dataclass(frozen=True)
class Calibration:
    """The registries and the market facts the model is calibrated to."""

    registries: tuple[RegistrySpec, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Registry names, in model order."""
        return tuple(spec.name for spec in self.registries)


def load_calibration(path: str | Path | None = None) -> Calibration:
    """Read the calibration from `path` (default: the packaged `model/data/registries.toml`)."""
    if path is None:
        text = resources.files("model.data").joinpath("registries.toml").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    entries = data.get("registry", [])
    if not entries:
        raise ConfigError("registries file has no [[registry]] entries")
    specs = []
    for entry in entries:
        try:
            tiers = tuple((int(b), float(f)) for b, f in entry.pop("fee_tiers"))
            spec = RegistrySpec(fee_tiers=tiers, **entry)
        except (TypeError, KeyError, ValueError) as exc:
            raise ConfigError(f"bad [[registry]] entry {entry.get('name', '?')!r}: {exc}") from None
        if spec.members < 1 or spec.ipv4_addresses < ADDRESSES_PER_BLOCK:
            raise ConfigError(f"registry {spec.name!r}: members and ipv4_addresses must be positive")
        specs.append(spec)
    names = [spec.name for spec in specs]
    if len(set(names)) != len(names):
        raise ConfigError(f"registry names must be unique; got {names}")
    if "price_per_address" in data:
        raise ConfigError(
            "price_per_address is a parameter now (initial_price); remove it from the registries file"
        )
    return Calibration(registries=tuple(specs))
