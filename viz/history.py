"""Each registry's columns month by month, kept as the run goes: a step adds a month.

`model.registry_frame()` rebuilds every month's rows from the data collector (a thousand rows
at month 240, milliseconds each time); the page needs the newest month only. After a step,
the newest month is read with the data collector's own reporters (`REGISTRY_REPORTERS`: the
model collects at the end of its month, so the registries still hold those values). When
the run has moved on by more than one month (a link's month, a rebuilt run), the whole
history is read from `registry_frame()` again. A test checks both ways give the same frame.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pandas as pd

from model import PortabilityModel
from model.reporters import REGISTRY_REPORTERS

__all__ = ["History", "history"]

_histories: weakref.WeakKeyDictionary[PortabilityModel, History] = weakref.WeakKeyDictionary()


def history(model: PortabilityModel) -> History:
    """The model's registry history, brought to its month."""
    found = _histories.get(model)
    if found is None:
        found = _histories[model] = History()
    found.follow(model)
    return found


def _read(registry: Any, how: Any) -> Any:
    return getattr(registry, how) if isinstance(how, str) else how(registry)


class History:
    """Registry columns as lists of one row (an array over registries) per month."""

    def __init__(self) -> None:
        self.rows: dict[str, list[np.ndarray]] = {}
        self.dates: list[str] = []  # each month's first day (the frames' `date`)
        self.names: list[str] = []
        self._events: tuple[int, pd.DataFrame] | None = None

    def events(self, model: PortabilityModel) -> pd.DataFrame:
        """The model's event log; the same frame again while no event has been added."""
        log = getattr(model, "events", None)
        size = len(log) if isinstance(log, list) else -1
        if self._events is None or size < 0 or self._events[0] != size:
            self._events = (size, model.event_frame())
        return self._events[1]

    @property
    def months(self) -> int:
        """Months held, from month 0."""
        return len(next(iter(self.rows.values()))) if self.rows else 0

    def follow(self, model: PortabilityModel) -> None:
        """Bring the history to the model's month."""
        if self.months == model.steps + 1:
            return
        if self.rows and self.months == model.steps:  # one step on: read the new month
            self.dates.append(str(model.dates(np.array([model.steps]))[0]))
            for column, how in REGISTRY_REPORTERS.items():
                if column != "registry":
                    values = [_read(r, how) for r in model.registries]
                    self.rows[column].append(np.array([getattr(v, "value", v) for v in values]))
            return
        frame = model.registry_frame()
        n = len(model.registries)
        self.names = [r.name for r in model.registries]
        self.dates = [str(d) for d in frame["date"].to_numpy()[::n]] if "date" in frame else []
        self.rows = {
            c: list(
                frame[c]
                .to_numpy(object if frame[c].dtype == object or c in ("status", "oversight_stage") else None)
                .reshape(-1, n)
            )
            for c in frame.columns
            if c not in ("step", "date", "registry")
        }
        if "status" in self.rows:  # an enum in older frames: its name
            self.rows["status"] = [
                np.array([getattr(s, "value", s) for s in row], dtype=object) for row in self.rows["status"]
            ]

    def table(self, column: str, months: int) -> np.ndarray:
        """`column` for months 0..`months`-1: months x registries."""
        return np.stack(self.rows[column][:months])

    def frame(self, months: int) -> pd.DataFrame:
        """The registry frame of months 0..`months`-1 (one row per month and registry)."""
        n = len(self.names)
        data: dict[str, Any] = {"step": np.repeat(np.arange(months), n)}
        if self.dates:
            data["date"] = np.repeat(np.array(self.dates[:months], dtype=object), n)
        data["registry"] = np.tile(np.array(self.names, dtype=object), months)
        for column, rows in self.rows.items():
            data[column] = np.concatenate(rows[:months]) if months else np.array([])
        return pd.DataFrame(data)
