"""Numbers the page states, each with where it comes from, so that every one can be checked.

A `Num` is a value read from the run's frames (or its parameters, or its seeds' ensemble),
the address of that value (`source`), how it is shown (`factor`: 100 for a percentage,
1/scale for a real-world count) and its text. The page writes each as
`<span class="num" data-source=... data-value=...>text</span>`: a test reads the page, finds
every number, and checks it against the frames through its source (tests/test_app_text.py).

Sources: `r0/model:<column>@<month>` (model_frame), `r0/model:<column>:max@<month>` and
`:argmax@<month>` (over months 0..month), `r0/registry:<registry>:<column>@<month>`,
`r0/derived:<measure>@<month>` (`viz.measures`), `r0/event:<registry>:<kind>` (its first
month), `r0/param:<name>` or `r0/param:events.<i>.<start|duration|last>`,
`e0/<one of the above>:<mean|low|high>` (over the ensemble's seeds), `e0/happened:<registry>:<kind>`
(seeds in which it happened), `d/<one of the above>` (the first run's value less the second's),
and `setup/seed`, `setup/seeds`, `setup/month`. `r1`, `e1`: the second run of a comparison.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from model.words import SAMPLE_COUNTS
from viz.charts.runs import RunData, Runs
from viz.measures import moved_share, stuck_holder_months, worst_registry

__all__ = ["Facts", "Num", "shown"]


def shown(value: float, kind: str) -> str:
    """`value` written for people: "sig" (three significant digits), "pct", "count", "usd", "int"."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    if kind == "int":
        return f"{round(value):,}"
    if kind == "count":  # a real-world equivalent: three significant digits are all a sample gives
        rounded = float(f"{value:.3g}") if abs(value) >= 1000 else round(value)
        return f"{rounded:,.0f}"
    text = _sig(value)
    return {"pct": f"{text}%", "usd": f"USD {text}", "pp": f"{text} percentage points"}.get(kind, text)


def _sig(value: float, digits: int = 3) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 10_000:
        return f"{value:,.0f}"
    text = f"{float(f'{value:.{digits}g}'):,.{max(0, digits - 1 - math.floor(math.log10(abs(value))))}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class Num:
    """A number on the page: its value (as shown: times `factor`), its source, how it is written."""

    value: float
    source: str
    factor: float = 1.0
    kind: str = "sig"

    @property
    def text(self) -> str:
        """The number as the page writes it."""
        return shown(self.value, self.kind)

    def html(self) -> str:
        """The number in a span that says where it comes from."""
        return (
            f'<span class="num" data-source="{html.escape(self.source)}" data-value="{self.value!r}"'
            f' data-factor="{self.factor!r}">{html.escape(self.text)}</span>'
        )

    def __str__(self) -> str:
        return self.html()


def _kind(column: str) -> str:
    if column in SAMPLE_COUNTS or column == "stuck_holder_months":
        return "count"
    if column in ("ipv4_at_risk", "accountability", "moved_share", "disputed_ipv4_shielded"):
        return "pct"
    return "usd" if column == "ipv4_price" else "sig"


def _percent(column: str) -> float:
    return 100.0 if column in ("ipv4_at_risk", "accountability", "disputed_ipv4_shielded") else 1.0


class Facts:
    """The numbers of one page: runs (in the page's order), their month, their ensembles."""

    def __init__(self, runs: Runs) -> None:
        self.runs = list(runs)

    def _run(self, i: int) -> RunData:
        return self.runs[i]

    def _world(self, i: int, column: str) -> float:
        run = self._run(i)
        counts = column in SAMPLE_COUNTS or column == "stuck_holder_months"
        return 1.0 / run.scale if counts else _percent(column)

    def model(self, i: int, column: str, month: int | None = None) -> Num:
        """A model_frame column at `month` (the run's month by default)."""
        run = self._run(i)
        t = run.month if month is None else month
        if column in ("stuck_holder_months", "moved_share"):
            return self.derived(i, column, t)
        factor = self._world(i, column)
        return Num(float(run.column(column)[t]) * factor, f"r{i}/model:{column}@{t}", factor, _kind(column))

    def peak(self, i: int, column: str) -> tuple[Num, Num]:
        """The largest value of a model_frame column so far, and its first month."""
        run = self._run(i)
        values = run.frame[column].to_numpy(dtype=float)
        t = int(np.argmax(values))
        factor = self._world(i, column)
        at = f"@{run.month}"
        return (
            Num(float(values[t]) * factor, f"r{i}/model:{column}:max{at}", factor, _kind(column)),
            Num(float(t), f"r{i}/model:{column}:argmax{at}", 1.0, "int"),
        )

    def registry(self, i: int, name: str, column: str, month: int | None = None) -> Num:
        """A registry_frame column of one registry at `month` (the run's month by default)."""
        run = self._run(i)
        t = run.month if month is None else month
        factor = run.world(column)
        value = float(run.wide(column)[name].iloc[t]) * factor
        return Num(value, f"r{i}/registry:{name}:{column}@{t}", factor, _kind(column))

    def derived(self, i: int, name: str, month: int | None = None) -> Num:
        """A measure of `viz.measures` at `month`: holder-months stuck, moved share, worst registry."""
        run = self._run(i)
        t = run.month if month is None else month
        return run.memo(f"derived:{name}@{t}", lambda: self._derived(i, run, name, t))

    def _derived(self, i: int, run: RunData, name: str, t: int) -> Num:
        if name == "stuck_holder_months":
            members = run.wide("members").to_numpy(dtype=float)[: t + 1]
            value, factor = (
                stuck_holder_months(members, run.wide("status").to_numpy()[: t + 1])[-1],
                1 / run.scale,
            )
        elif name == "moved_share":
            value = moved_share(run.frame.moves.to_numpy()[: t + 1], run.frame.holders.to_numpy()[: t + 1])[
                -1
            ]
            factor = 1.0
        elif name == "worst_registry":
            value = worst_registry(run.wide("quality").iloc[t], run.wide("members").iloc[t])[0]
            factor = 1.0
        else:
            raise KeyError(name)
        return Num(float(value) * factor, f"r{i}/derived:{name}@{t}", factor, _kind(name))

    def param(self, i: int, path: str) -> Num:
        """A parameter: a field, `events.0.start` (`.last`: last failing month), or a path in a table.

        A path in a table: `registry_overrides.AFRINIC.reserves_months`.
        """
        params = self._run(i).model.p
        if path.startswith("events."):
            _, index, part = path.split(".")
            event = params.events[int(index)]
            value = event.start + event.duration - 1 if part == "last" else getattr(event, part)
            return Num(float(value), f"r{i}/param:{path}", 1.0, "int")
        head, *keys = path.split(".")
        value = getattr(params, head)
        for key in keys:
            value = value[key]
        value = float(value)
        percent = path.endswith("_share")
        return Num(
            value * (100.0 if percent else 1.0),
            f"r{i}/param:{path}",
            100.0 if percent else 1.0,
            "pct" if percent else "sig",
        )

    def event(self, i: int, registry: str, kind: str) -> Num | None:
        """The first month of an event of `kind` at `registry`, or None if it has not happened."""
        month = self._run(i).firsts().get((registry, kind))
        return None if month is None else Num(float(month), f"r{i}/event:{registry}:{kind}", 1.0, "int")

    def seeds(self, i: int, key: str, month: int, stat: str) -> Num | None:
        """The mean, or the 5% or 95% quantile, over the ensemble's seeds of `key` at `month`."""
        run = self._run(i)
        ensemble = run.ensemble
        if ensemble is None or month > ensemble.months or not ensemble.has(key):
            return None
        band = ensemble.band(key)
        factor = self._world(i, key) if key not in ("moved_share",) else 1.0
        value = float(getattr(band, stat)[month]) * factor
        inner = f"derived:{key}" if key in ("stuck_holder_months", "moved_share") else f"model:{key}"
        return Num(value, f"e{i}/{inner}@{month}:{stat}", factor, _kind(key))

    def happened(self, i: int, registry: str, kind: str, count: int) -> Num:
        """In how many of the ensemble's seeds an event happened."""
        return Num(float(count), f"e{i}/happened:{registry}:{kind}", 1.0, "int")

    def difference(self, a: Num, b: Num, kind: str | None = None) -> Num:
        """The first run's number less the second's (same source in each run), in its unit."""
        source = a.source.split("/", 1)[1]
        if kind is None:
            kind = "pp" if a.kind == "pct" else a.kind
        return Num(a.value - b.value, f"d/{source}", a.factor, kind)

    @staticmethod
    def setup(name: str, value: float) -> Num:
        """The seed, the number of seeds or the month."""
        return Num(float(value), f"setup/{name}", 1.0, "int")
