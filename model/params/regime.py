"""The run's size and regime, and the regime's terms (None keeps the regime's own value)."""

from __future__ import annotations

from dataclasses import dataclass

from model.params.fields import choice, month, number
from model.regimes import REGIME_NAMES

__all__ = ["RegimeParams"]


@dataclass(frozen=True, kw_only=True)
class RegimeParams:
    """A section of `Params` (see the module docstring)."""

    # --- population and regime -----------------------------------------------------------
    scale: float = number(
        0.05,
        0.0005,
        2.0,
        "share of the real population of holders (1.0 = every holder of October 2018: 106,562 "
        "accounts; at most 1 with the real population)",
        label="Scale",
        source="the five RIRs' delegated-extended files of 13-14 Oct 2018 (ODD §5); the default is "
        "a run size [assumption]",
    )
    population: str = choice(
        "real",
        ("real", "synthetic"),
        "who the holders are: the real accounts of October 2018 (a stratified sample below scale 1), "
        "or holdings drawn from a fitted heavy-tailed distribution (the model's first population)",
        label="Population",
        source="model/data/holders-2018-10.parquet (scripts/real_population.py; NRO statistics, CC-BY-4.0)",
    )
    start: str = month(
        "2018-10",
        "the calendar month of the first step (month 0)",
        label="First month",
        source="the date of the delegated-extended files the real population comes from (13-14 Oct 2018)",
    )
    timeline: str = choice(
        "none",
        ("none", "history"),
        "dated changes the run replays: none, or the record of policies, pools, fees and AFRINIC's "
        "crisis since October 2018 (model/data/timeline.toml)",
        label="Timeline",
        source="model/data/timeline.toml, each entry with its source",
    )
    initial_price: float = number(
        40.0,
        1.0,
        1000.0,
        "the IPv4 market's posted price in the first month",
        unit="USD per address",
        label="Price in the first month",
        source="USD 40 for a run of today: IPv4 brokers' 2025 price reports [weak] (about 40 in Oct 2021, "
        "50-60 in Apr 2022: domain notes §A2); the history scenario sets USD 20 for October 2018",
    )
    regime: str = choice(
        "status_quo",
        REGIME_NAMES,
        "portability regime: which moves between registries are allowed and on what terms",
        label="Portability regime",
        source="model/data/regimes.toml (domain.md §B1)",
    )
    fee_schedules: str = choice(
        "own",
        ("own", "common"),
        "each registry's real fee schedule, or one common schedule (the five averaged) for all",
        label="Fee schedules",
        source="model/data/registries.toml (domain.md §A1); 'common' isolates fees [assumption]",
    )
    # --- the regime's terms; None keeps the regime's own value ---------------------------
    porting_delay: float | None = number(
        None,
        0.0,
        60.0,
        "months from a move request to its completion (None: the regime's)",
        unit="months",
        label="Porting delay",
        source="regimes.toml",
    )
    approval_odds: float | None = number(
        None,
        0.0,
        1.0,
        "probability a requested move is approved (None: the regime's)",
        label="Approval odds",
        source="regimes.toml",
    )
    obstruction: float | None = number(
        None,
        0.0,
        1.0,
        "chance a releasing registry of neutrality 0 blocks a move (None: the regime's)",
        label="Obstruction",
        source="regimes.toml",
    )
    friction: float | None = number(
        None,
        0.0,
        2.0,
        "yearly cost of being registered outside one's home region (None: the regime's)",
        unit="index points a year",
        label="Out-of-region friction",
        source="regimes.toml",
    )
    hold_period: int | None = number(
        None,
        0,
        120,
        "months a holder must wait after a move before moving again (None: the regime's)",
        unit="months",
        integer=True,
        label="Hold period",
        source="regimes.toml",
    )
    release_fallback: float | None = number(
        None,
        0.0,
        1.0,
        "releases a fallback (NRO/ICANN level) processes for a registry that cannot (None: the regime's)",
        unit="share of members a month",
        label="Fallback release capacity",
        source="regimes.toml",
    )
