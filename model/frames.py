"""The model's outputs as tables: one row per month, per registry and month, per flow, per event."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from agents.market import MarketTerms, idle_blocks
from agents.registry import RegistryAgent
from agents.state import HolderState
from model.calendar import date_of
from model.incidence import Incidence
from model.params import Params

if TYPE_CHECKING:
    from mesa.datacollection import DataCollector

    from agents.registry import RegistryAgent as Registry
    from model.events import EventLog

__all__ = ["Frames"]


class Frames:
    """The frames of a `PortabilityModel` (docs/ODD.md §7.8), from its data collector and tallies."""

    datacollector: DataCollector
    registries: list[Registry]
    flow_members: np.ndarray
    flow_ipv4: np.ndarray
    flow_sales: np.ndarray
    events: EventLog
    holders: HolderState
    p: Params
    market_terms: Callable[[], MarketTerms]
    incidence: Incidence

    def model_frame(self) -> pd.DataFrame:
        """One row per step from step 0, with its `date`: the model-level outputs (docs/ODD.md §7)."""
        frame = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        steps = np.arange(len(frame))
        frame.insert(0, "step", steps)
        frame.insert(1, "date", self.dates(steps))
        return frame

    def registry_frame(self) -> pd.DataFrame:
        """One row per step and registry, with the step's `date` (docs/ODD.md §7)."""
        frame = self.datacollector.get_agenttype_vars_dataframe(RegistryAgent)
        steps = frame.index.get_level_values("Step").to_numpy().astype(np.int64)
        frame = frame.reset_index(drop=True)
        frame.insert(0, "step", steps)
        frame.insert(1, "date", self.dates(steps))
        return frame

    def incidence_frame(self) -> pd.DataFrame:
        """Who gains and who pays: one row per month, registry and holder size class (`model.incidence`).

        `members`, `fee_usd` (mean yearly fee paid, USD) and `welfare_usd` (mean yearly utility
        by the truth, USD), with the month's `date`.
        """
        steps = np.arange(len(self.incidence.months))
        return self.incidence.frame(self.dates(steps))

    def dates(self, steps: np.ndarray) -> np.ndarray:
        """The first day of each step's month, ISO text ("2018-10-01" for step 0 of a run from 2018-10)."""
        months = {int(step): date_of(self.p.start, int(step)) for step in np.unique(steps)}
        return np.array([months[int(step)] for step in steps], dtype=object)

    def flow_frame(self) -> pd.DataFrame:
        """Moves and sales so far, one row per origin -> destination pair.

        `moves` (registration moves) and `ipv4` (/24s they carried); `sold_ipv4`: /24s sold by
        members of the origin to members of the destination (origin = destination: inside one
        registry).
        """
        names = [r.name for r in self.registries]
        origin, destination = np.meshgrid(range(len(names)), range(len(names)), indexing="ij")
        return pd.DataFrame(
            {
                "origin": np.array(names)[origin.ravel()],
                "destination": np.array(names)[destination.ravel()],
                "moves": self.flow_members.ravel(),
                "ipv4": self.flow_ipv4.ravel(),
                "sold_ipv4": self.flow_sales.ravel(),
            }
        )

    def holder_frame(self) -> pd.DataFrame:
        """One row per holder, now: where it is registered, what it holds, how often it moved."""
        s = self.holders
        names = np.array([r.name for r in self.registries])
        return pd.DataFrame(
            {
                "holder": np.arange(s.size),
                "registry": names[s.registry],
                "home": names[s.home],
                "ipv4": s.ipv4,
                "ipv6": s.ipv6,
                "asn": s.asn,
                "legacy": s.legacy,
                "loyalty": s.loyalty,
                "moves": s.moves,
                "need": s.need,
                "idle": idle_blocks(s, self.market_terms()),
            }
        )

    def event_frame(self) -> pd.DataFrame:
        """The event log: governance events, insolvencies, surges of moves, the remedies' process."""
        return pd.DataFrame(self.events, columns=["step", "registry", "kind", "detail"])
