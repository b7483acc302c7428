"""What was observed (`model/data/observed.toml`), and how the model's number for each is computed.

Each target is a summary with an uncertainty (a range), a date, a source and a use (fit,
held out, or a check of the set-up). `MEASURES[name]` computes the model's number for it
from one run's frames: the history report (`scripts/history.py`) and the calibration
(`python -m runs calibrate`) call the same functions, so both compare like with like.
Counts and volumes are divided by the run's scale (a run at scale 0.1 has a tenth of the
holders); shares and prices are what they are.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

from agents.holdings import ADDRESSES_PER_BLOCK
from model.errors import ConfigError

__all__ = ["MEASURES", "USES", "Frames", "Target", "load_targets", "measure"]

USES = ("fit", "held_out", "check")


@dataclass(frozen=True)
class Target:
    """One observed summary: its range, unit, date, source and use."""

    name: str
    what: str
    low: float
    high: float
    unit: str
    date: str
    source: str
    use: str

    def covers(self, value: float) -> bool:
        """Whether `value` falls inside the observed range."""
        return self.low <= value <= self.high


@dataclass(frozen=True)
class Frames:
    """One run's frames and scale: what every measure reads."""

    model: pd.DataFrame  # model_frame(): one row per month, with `date`
    registries: pd.DataFrame  # registry_frame(): one row per month and registry, with `date`
    scale: float


@cache
def load_targets(path: str | None = None) -> dict[str, Target]:
    """The observed targets, checked: every field present, ranges ordered, uses known, measures defined."""
    text = (
        resources.files("model.data").joinpath("observed.toml").read_text(encoding="utf-8")
        if path is None
        else open(path, encoding="utf-8").read()  # noqa: SIM115
    )
    data = tomllib.loads(text)
    targets = {}
    for name, row in data.get("target", {}).items():
        missing = [k for k in ("what", "low", "high", "unit", "date", "source", "use") if k not in row]
        if missing:
            raise ConfigError(f"target {name!r} lacks {missing}")
        if row["use"] not in USES:
            raise ConfigError(f"target {name!r}: use must be one of {USES}; got {row['use']!r}")
        if not float(row["low"]) <= float(row["high"]):
            raise ConfigError(f"target {name!r}: low must be at most high; got {row['low']} > {row['high']}")
        if name not in MEASURES:
            raise ConfigError(f"target {name!r} has no measure; known: {', '.join(sorted(MEASURES))}")
        targets[name] = Target(name=name, **{k: row[k] for k in Target.__dataclass_fields__ if k != "name"})
    return targets


def measure(name: str, frames: Frames) -> float:
    """The model's number for target `name` from one run's frames (nan where the run is too short)."""
    return float(MEASURES[name](frames))


# --- the measures ------------------------------------------------------------------------------
def _months(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    """Rows whose date falls in `period`: "2024" (a year), "2021-10" (a month) or "2019-2025" (years)."""
    if "/" in period:  # "2021-07/2025-09": months from one to the other
        first, last = (f"{p}-01" for p in period.split("/"))
        return frame[(frame.date >= first) & (frame.date <= last)]
    if len(period) == 9 and period[4] == "-":  # "2019-2025"
        first, last = period.split("-")
        return frame[(frame.date >= f"{first}-01-01") & (frame.date <= f"{last}-12-31")]
    return frame[frame.date.str.startswith(period)]


def _price(period: str) -> Callable[[Frames], float]:
    def price(f: Frames) -> float:
        rows = _months(f.model, period)
        return float(rows.ipv4_price.mean()) if len(rows) else np.nan

    price.__doc__ = f"the posted price, mean over {period}"
    return price


def _registry(f: Frames, name: str, period: str) -> pd.DataFrame:
    return _months(f.registries[f.registries.registry == name], period)


def _transfers(name: str, year: str) -> Callable[[Frames], float]:
    def transfers(f: Frames) -> float:
        rows = _registry(f, name, year)
        if len(rows) < 12:
            return np.nan
        blocks = rows.sales_within.sum() + rows.sales_in.sum() + rows.sales_out.sum()
        return float(blocks * ADDRESSES_PER_BLOCK / f.scale)

    transfers.__doc__ = (
        f"/24s sold within, into and out of {name} in {year}, as addresses, divided by the scale"
    )
    return transfers


def _inter_rir_share(f: Frames) -> float:
    """Inter-RIR volume (sales across registries and registration moves) over all, 2019-2025."""
    rows = _months(f.model, "2019-2025")
    total = rows.ipv4_transferred.sum() + rows.moved_ipv4.sum()
    return float(rows.ipv4_inter_rir.sum() / total) if total > 0 else np.nan


def _legacy_share_arin_out(f: Frames) -> float:
    """/24s sold out of ARIN by legacy holders over all sold out of ARIN, 2019-2025."""
    rows = _registry(f, "ARIN", "2019-2025")
    out = rows.sales_out.sum()
    return float(rows.sales_out_legacy.sum() / out) if out > 0 else np.nan


def _reverse_into_arin(f: Frames) -> float:
    """/24s bought by ARIN's members from other registries per /24 sold out of ARIN, 2019-2025."""
    rows = _registry(f, "ARIN", "2019-2025")
    out = rows.sales_out.sum()
    return float(rows.sales_in.sum() / out) if out > 0 else np.nan


def _members(name: str, period: str) -> Callable[[Frames], float]:
    def members(f: Frames) -> float:
        rows = _registry(f, name, period)
        return float(rows.members.mean() / f.scale) if len(rows) else np.nan

    members.__doc__ = f"{name}'s holders (any resource), mean over {period}, divided by the scale"
    return members


def _ripe_members_kept(f: Frames) -> float:
    """RIPE NCC's holders in December 2025 over its holders in the first month."""
    rows = f.registries[f.registries.registry == "RIPE NCC"]
    end = _months(rows, "2025-12")
    return float(end.members.mean() / rows.members.iloc[0]) if len(end) else np.nan


def _pool(name: str, period: str) -> Callable[[Frames], float]:
    def pool(f: Frames) -> float:
        rows = _registry(f, name, period)
        return float(rows.pool.mean() * ADDRESSES_PER_BLOCK / f.scale) if len(rows) else np.nan

    pool.__doc__ = f"{name}'s free pool over {period}, as addresses, divided by the scale"
    return pool


MEASURES: dict[str, Callable[[Frames], float]] = {
    "price_2019_03": _price("2019-03"),
    "price_2020_12": _price("2020-12"),
    "price_2021_10": _price("2021-10"),
    "price_2021_12": _price("2021-12"),
    "price_2022_04": _price("2022-04"),
    "transfers_ripe_2024": _transfers("RIPE NCC", "2024"),
    "transfers_arin_2024": _transfers("ARIN", "2024"),
    "inter_rir_share": _inter_rir_share,
    "legacy_share_arin_out": _legacy_share_arin_out,
    "reverse_into_arin": _reverse_into_arin,
    "members_afrinic_2024": _members("AFRINIC", "2024-01"),
    "members_afrinic_crisis": _members("AFRINIC", "2021-07/2025-09"),
    "members_lacnic_2024": _members("LACNIC", "2024-01"),
    "ripe_members_kept": _ripe_members_kept,
    "afrinic_pool_2023": _pool("AFRINIC", "2023-07"),
}
