"""One run as the charts see it: its names, its model and its frames, read once per step."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model import PortabilityModel
from model.words import SAMPLE_COUNTS
from viz.history import History, history

if TYPE_CHECKING:
    from viz.ensemble import Ensemble

__all__ = ["RunData", "Runs"]


@dataclass(frozen=True)
class RunData:
    """A run: long `label` (titles), `short` name (legends), model, frames, and its seeds' bands.

    `index` is the run's place in a comparison (0: drawn solid, 1: dashed); `ensemble` is the
    same setup over other seeds, when it has been computed.
    """

    label: str
    short: str
    model: PortabilityModel
    frame: pd.DataFrame
    given: pd.DataFrame | None  # a registry frame given; None: read from the run's history
    events: pd.DataFrame
    index: int = 0
    ensemble: Ensemble | None = None
    history: History | None = None
    _wide: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls, label: str, short: str, model: PortabilityModel, index: int = 0, ensemble: Ensemble | None = None
    ) -> RunData:
        """Read the model's frames now, cut to the months both hold.

        The registries come from the run's history (`viz.history`: a step adds a month). A
        month's model row is collected before its registry rows: a page drawn while another
        thread steps the model could read one a month ahead of the other.
        """
        frame, kept = model.model_frame(), history(model)
        months = min(len(frame), kept.months)
        if len(frame) > months:
            frame = frame.iloc[:months]
        return cls(label, short, model, frame, None, kept.events(model), index, ensemble, kept)

    @property
    def registries(self) -> pd.DataFrame:
        """The registry frame to this month (one row per month and registry)."""
        if self.given is not None:
            return self.given
        return self.memo("registries", lambda: self.history.frame(self.month + 1))

    def column(self, name: str) -> np.ndarray:
        """A model_frame column as numbers (read once per step)."""
        return self.memo(f"column:{name}", lambda: self.frame[name].to_numpy(dtype=float))

    def firsts(self) -> dict[tuple[str, str], int]:
        """The first month of each (registry, kind) in the event log, to this month, in order."""

        def read() -> dict[tuple[str, str], int]:
            out: dict[tuple[str, str], int] = {}
            for step, registry, kind in zip(
                self.events.step, self.events.registry, self.events.kind, strict=True
            ):
                if step <= self.month:
                    out.setdefault((str(registry), str(kind)), int(step))
            return out

        return self.memo("firsts", read)

    def has(self, column: str) -> bool:
        """Whether the registry frame has `column` (without building it)."""
        return column in (self.given.columns if self.given is not None else self.history.rows)

    @property
    def names(self) -> list[str]:
        """Registry names, in the model's order."""
        return [r.name for r in self.model.registries]

    @property
    def month(self) -> int:
        """The month of the run's frames (read when this was made, whatever the model has done since)."""
        return len(self.frame) - 1

    @property
    def scale(self) -> float:
        """The run's sample: its share of the real population of holders."""
        return float(self.model.p.scale)

    def world(self, column: str) -> float:
        """What a value of `column` is multiplied by to read as a real-world count (1: not a count)."""
        return 1.0 / self.scale if column in SAMPLE_COUNTS else 1.0

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """`make()`, computed once per step (several charts read the same spells)."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def wide(self, column: str) -> pd.DataFrame:
        """`column` with one row per month and one column per registry (computed once per step)."""
        if column not in self._wide and self.given is None:
            text = column in ("status", "oversight_stage")
            columns = self.memo("columns", lambda: pd.Index(self.names, dtype=object))
            table = self.history.table(column, self.month + 1)
            self._wide[column] = pd.DataFrame(table, columns=columns, dtype=object if text else None)
        if column not in self._wide:
            names, frame = self.names, self.registries
            n = len(names)
            order = frame.registry
            in_order = (
                len(frame) % n == 0
                and all(  # first and last month suffice: rows come in blocks
                    list(order.iloc[i : i + n]) == names for i in (0, len(frame) - n)
                )
            )
            if in_order:  # rows come month by month in the model's registry order: a reshape, not a pivot
                values = frame[column]
                # text (a status) as plain objects: arrow strings cost a millisecond a column to read
                text = not pd.api.types.is_numeric_dtype(values)
                array = values.to_numpy(object) if text else values.to_numpy()
                # one object Index for all tables: building an arrow-string index costs more than the data
                columns = self.memo("columns", lambda: pd.Index(names, dtype=object))
                table = pd.DataFrame(array.reshape(-1, n), columns=columns, dtype=object if text else None)
            else:
                table = frame.pivot(index="step", columns="registry", values=column)[names]
                table = table.reset_index(drop=True)
            self._wide[column] = table
        return self._wide[column]

    def suffix(self, runs: Runs) -> str:
        """The run's name after " · " in a comparison (every legend and tooltip entry names its run)."""
        return f" · {self.short}" if len(runs) > 1 else ""


Runs = Sequence[RunData]
