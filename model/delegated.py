"""The real holders of October 2018 (`model/data/holders-2018-10.parquet`), at any scale up to 1.

The table has one row per account (opaque id) in the five RIRs' delegated-extended files
of 13-14 Oct 2018, derived by `scripts/real_population.py` (its provenance record says from
what). At scale 1 every account is a holder. Below 1, each registry keeps n = round(N x
scale) holders (at least one), chosen so that no registry hangs on one draw:

1. its accounts are ranked by IPv4 held (then ASNs, IPv6), largest first, and cut into n
   strata of consecutive ranks, each of about 1 / scale accounts;
2. each stratum is represented by one holder: its median account (country, IPv6, presence
   abroad, legacy if most of the stratum's space is), holding the stratum's mean IPv4 and
   ASNs, so the registry's holdings are n / N of its real ones (IPv4 rounded to whole
   /24s by largest remainders, which keeps the total, and at least one /24 for a holder
   whose stratum holds any IPv4);
3. no holder may hold more than the registry's real largest share: above it, space is
   spread over the next largest holders (`model.sampling.cap_holdings`), so the top of a
   small sample is several holders that keep the top's total.

The sample is the same for every seed: seeds vary what is drawn (tastes, graph, dynamics),
not which accounts stand for the registry. A small sample cannot carry a registry's whole
concentration: when its top 1% of accounts hold 60-80% of its space, a stratum of the top
accounts becomes one holder, and the cap spreads it over several; so a registry's Gini is
its real one at scale 0.2 (within 0.02) but lower in a sample of a few hundred holders
(0.86-0.95 at scale 0.01; AFRINIC's 20 holders, 0.28).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from agents.holdings import ADDRESSES_PER_BLOCK
from model.errors import ConfigError
from model.sampling import cap_holdings

__all__ = ["DATA", "RealHolders", "free_pools", "real_holders"]

DATA = "holders-2018-10.parquet"
#: the order of the bits of the table's `abroad` column (scripts/real_population.py)
ABROAD_BITS = ("AFRINIC", "APNIC", "ARIN", "LACNIC", "RIPE NCC")
IPV6_PER_32 = 65536  # /48s in a /32


@dataclass
class RealHolders:
    """Holders drawn from the table: one entry per holder, registries in the given order."""

    home: np.ndarray  # int: registry index
    ipv4: np.ndarray  # int: /24 blocks
    asn: np.ndarray  # int
    ipv6: np.ndarray  # int: /32s (at least one for a holder of any IPv6)
    legacy: np.ndarray  # bool: most of its IPv4 is in records older than its region's registry
    presence: np.ndarray  # (n, R) bool: records in a country of that registry's region (home: True)
    country: np.ndarray  # str: its most frequent country code


@cache
def _table() -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data = resources.files("model.data").joinpath(DATA).read_bytes()
    # Without Arrow's thread pools: one still alive at interpreter exit aborts the process
    # (exit 134, apache/arrow#34314), and `pd.read_parquet` starts one even with use_threads=False.
    table = pq.ParquetFile(pa.BufferReader(data)).read(use_threads=False)
    return table.to_pandas(use_threads=False)


@cache
def free_pools() -> dict[str, int]:
    """Each registry's available IPv4 on the files' day, /24 blocks (`model/data/pools-2018-10.toml`)."""
    text = resources.files("model.data").joinpath("pools-2018-10.toml").read_text(encoding="utf-8")
    return {name: int(row["available"]) // ADDRESSES_PER_BLOCK for name, row in tomllib.loads(text).items()}


def real_holders(registries: list[str], scale: float) -> RealHolders:
    """The holders of these registries at this scale (see the module docstring)."""
    if scale > 1.0:
        raise ConfigError(
            f"scale must be at most 1 with the real population (every real holder); got {scale}"
        )
    table = _table()
    parts = []
    for r, name in enumerate(registries):
        mine = table[table.registry == name]
        if mine.empty:
            raise ConfigError(f"registry {name!r} has no holders in {DATA}; real registries: {ABROAD_BITS}")
        parts.append(_sample(mine, r, registries, scale))
    return RealHolders(
        *(np.concatenate([getattr(p, f) for p in parts]) for f in RealHolders.__dataclass_fields__)
    )


def _sample(mine: pd.DataFrame, r: int, registries: list[str], scale: float) -> RealHolders:
    order = np.lexsort((-mine.ipv6_48.to_numpy(), -mine.asn.to_numpy(), -mine.ipv4.to_numpy()))
    rows = mine.iloc[order]
    big, n = len(rows), max(1, round(len(rows) * scale))
    edges = np.floor(np.arange(n + 1) * big / n).astype(np.int64)
    first, size = edges[:-1], np.diff(edges)
    median = rows.iloc[first + (size - 1) // 2]
    # each stratum's total x n / N: the stratum's mean where strata are equal, and the
    # registry's holdings exactly n / N of its real ones however the strata's sizes round
    ipv4 = np.add.reduceat(rows.ipv4.to_numpy(), first) * (n / big)
    legacy = np.add.reduceat(rows.legacy_ipv4.to_numpy(), first) * (n / big) / np.maximum(ipv4, 1)
    largest = rows.ipv4.iloc[0] / max(rows.ipv4.sum(), 1)
    blocks = ipv4 / ADDRESSES_PER_BLOCK
    blocks = _whole(cap_holdings(blocks, max(largest, 1.0 / n) * blocks.sum()))
    blocks[(blocks == 0) & (ipv4 > 0)] = 1  # a holder of any IPv4 holds at least a /24
    ipv6 = median.ipv6_48.to_numpy()
    abroad = median.abroad.to_numpy().astype(np.int64)
    presence = np.zeros((n, len(registries)), dtype=bool)
    for j, name in enumerate(registries):
        if name in ABROAD_BITS:
            presence[:, j] = (abroad >> ABROAD_BITS.index(name)) & 1 == 1
    presence[:, r] = True
    return RealHolders(
        home=np.full(n, r, dtype=np.int64),
        ipv4=blocks,
        asn=np.rint(np.add.reduceat(rows.asn.to_numpy(), first) * (n / big)).astype(np.int64),
        ipv6=np.where(ipv6 > 0, np.maximum(1, np.ceil(ipv6 / IPV6_PER_32)), 0).astype(np.int64),
        legacy=legacy > 0.5,
        presence=presence,
        country=median.country.to_numpy().astype(str),
    )


def _whole(blocks: np.ndarray) -> np.ndarray:
    """Whole /24s with the same total: floors, then one more to the largest remainders (Hamilton)."""
    whole = np.floor(blocks).astype(np.int64)
    short = round(blocks.sum()) - int(whole.sum())
    if short > 0:
        whole[np.argsort(-(blocks - whole), kind="stable")[:short]] += 1
    return whole
