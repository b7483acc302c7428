"""What was observed, drawn where the model's number is: a marker and its range at its date.

A run that replays the record (its timeline is "history": the `history` scenarios and their
branches; its frames carry calendar dates) is set against what was observed of that record,
`model/data/observed.toml`. Other runs have dates too (month 0 is October 2018), but they do
not replay what happened, so nothing observed is drawn on them.

Each target that maps onto a chart (the same quantity, in the chart's units) is drawn on it
as a black diamond at the middle of its range, the range a vertical segment between two short
caps; a target observed over a period is a dotted box over its months and its range (the
tooltip at its middle month). The legend names them "observed"; the tooltip gives what, when,
the range and the source. Only targets whose whole period falls within the months shown are
drawn. Targets no chart shows (shares of volume, a registry's yearly transfers) stay in the
Validation document (docs/VALIDATION.md, `scripts/history.py`).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from agents.holdings import ADDRESSES_PER_BLOCK
from model.observed import Target, load_targets
from model.words import INK, plain
from viz.charts.options import Option
from viz.charts.runs import RunData, Runs
from viz.labels import sig

__all__ = ["OBSERVED", "ON_CHART", "Point", "add_observed", "observed_points", "period", "replays"]

OBSERVED = "observed"  # the series' id and its name in the legend
SIZE = 9  # px: the diamond
CAP = [9, 2]  # px: a range's caps
BOX = {"color": "rgba(51, 51, 51, 0.06)", "borderColor": INK, "borderWidth": 1, "borderType": "dotted"}
TIP_CHARS = 40  # characters of a tooltip line (14 px): the tooltip fits the narrowest chart


@dataclass(frozen=True)
class OnChart:
    """How a target reads on a chart: the registry it concerns, what its range is multiplied by.

    `unit` is the chart's unit where the factor changes it; `said` says how a factor that
    depends on the run was found.
    """

    registry: str | None
    factor: Callable[[RunData], float] = lambda run: 1.0
    unit: str = ""
    said: Callable[[Target, RunData], str] | None = None


def _ripe_start(run: RunData) -> float:
    """RIPE NCC's members in the first month, real-world equivalent: what the target's ratio is of."""
    return float(run.wide("members")["RIPE NCC"].iloc[0]) * run.world("members")


def _kept(target: Target, run: RunData) -> str:
    start = _ripe_start(run)
    return (
        f"{sig(target.low)}-{sig(target.high)} times the run's {sig(start)} members"
        f" of {_month_name(run, 0)}: {sig(target.low * start)}-{sig(target.high * start)} members"
    )


#: The charts that draw observed targets: the chart's key (a frame column), then each target.
ON_CHART: dict[str, dict[str, OnChart]] = {
    "ipv4_price": {name: OnChart(None) for name in load_targets() if name.startswith("price_")},
    "members": {
        "members_afrinic_2024": OnChart("AFRINIC"),
        "members_afrinic_crisis": OnChart("AFRINIC"),
        "members_lacnic_2024": OnChart("LACNIC"),
        "ripe_members_kept": OnChart("RIPE NCC", _ripe_start, said=_kept),
    },
    "pool": {"afrinic_pool_2023": OnChart("AFRINIC", lambda run: 1 / ADDRESSES_PER_BLOCK, "/24 blocks")},
}


@dataclass(frozen=True)
class Point:
    """An observed target on a chart: its months (first to last), its range in the chart's units."""

    name: str
    first: int
    last: int
    low: float
    high: float
    text: str  # the tooltip, lines separated by "\n"

    @property
    def month(self) -> int:
        """The month the marker stands at: the period's middle."""
        return (self.first + self.last) // 2

    @property
    def middle(self) -> float:
        """The middle of the range: where the marker stands."""
        return (self.low + self.high) / 2


def period(when: str) -> tuple[str, str]:
    """The first and last month ("YYYY-MM") of a target's date: "2019-03", "2024", "2019-2025", "a/b"."""
    if "/" in when:
        first, last = when.split("/")
        return first, last
    if len(when) == 9 and when[4] == "-":
        return f"{when[:4]}-01", f"{when[5:]}-12"
    if len(when) == 4:
        return f"{when}-01", f"{when}-12"
    return when, when


def _index(start: date, month: str) -> int:
    """The month number of "YYYY-MM" in a run that starts at `start`."""
    year, number = (int(p) for p in month.split("-"))
    return (year - start.year) * 12 + number - start.month


def replays(run: RunData) -> bool:
    """Whether the run replays the record (the `history` timeline) in calendar months."""
    return getattr(run.model.p, "timeline", "none") == "history" and "date" in run.frame


def _start(run: RunData) -> date:
    return date.fromisoformat(str(run.frame["date"].iloc[0])[:10])


def _month_name(run: RunData, month: int) -> str:
    start = _start(run)
    number = start.year * 12 + start.month - 1 + month
    return f"{date(number // 12, number % 12 + 1, 1):%b %Y}"


def _source(text: str) -> str:
    """A source in words: a secondary source said so; the project's own count said so."""
    text = text.replace("[weak]", "(a secondary source)")
    text = re.sub(r"\[own calc[^\]]*\]", "(our count)", text)
    return plain(text)


def _lines(text: str) -> list[str]:
    return textwrap.wrap(text, TIP_CHARS) or [""]


def _tooltip(target: Target, run: RunData, on: OnChart, point: tuple[int, int], low: float, high: float):
    first, last = point
    when = _month_name(run, first) + (f" to {_month_name(run, last)}" if last > first else "")
    if on.said is not None:
        reads = on.said(target, run)
    elif on.factor(run) == 1.0:
        reads = f"{sig(low)}-{sig(high)} {target.unit}"
    else:
        reads = f"{sig(target.low)}-{sig(target.high)} {target.unit}, or {sig(low)}-{sig(high)} {on.unit}"
    rows = [f"Observed: {target.what}", f"{when}: {reads}", "Source: " + _source(target.source)]
    return "\n".join(html.escape(line, quote=False) for row in rows for line in _lines(row))


def observed_points(run: RunData, key: str) -> list[Point]:
    """The targets of the chart `key` that fall within the months `run` shows (none unless it `replays`)."""
    if key not in ON_CHART or not replays(run):
        return []
    start = _start(run)
    targets = load_targets()
    points = []
    for name, on in ON_CHART[key].items():
        target = targets[name]
        first, last = (_index(start, m) for m in period(target.date))
        if first < 0 or last > run.month or (on.registry is not None and on.registry not in run.names):
            continue
        factor = on.factor(run)
        low, high = target.low * factor, target.high * factor
        text = _tooltip(target, run, on, (first, last), low, high)
        points.append(Point(name, first, last, low, high, text))
    return points


def add_observed(option: Option, runs: Runs, key: str) -> Option:
    """Draw the observed targets of chart `key` (the first run's dates say where) as one series."""
    points = observed_points(runs[0], key)
    if not points:
        return option
    data, segments, boxes = [], [], []
    for p in points:
        low, middle, high = _round(p.low), _round(p.middle), _round(p.high)
        if p.last > p.first:  # a period: a box over its months and range; its middle month tells
            data.append({"value": [p.month, middle], "name": p.text, "symbol": "none"})
            edge = {"symbol": "none", "name": ""}
            boxes.append([{"coord": [p.first, low]}, {"coord": [p.last, high]}])
        else:
            data.append({"value": [p.month, middle], "name": p.text})
            edge = {"symbol": "rect", "symbolSize": CAP, "name": ""}
            segments.append([{"coord": [p.month, low]}, {"coord": [p.month, high]}])
        data += [{"value": [p.month, v], **edge} for v in (low, high)]  # they stretch the axis to the range
    series = {
        "type": "scatter",
        "id": OBSERVED,
        "name": OBSERVED,
        "symbol": "diamond",
        "symbolSize": SIZE,
        "itemStyle": {"color": INK, "borderColor": "#ffffff", "borderWidth": 1},
        "z": 5,
        "emphasis": {"disabled": True},  # the axis's hover would blow the caps up into bars
        "data": data,
        "markLine": {
            "silent": True,
            "symbol": "none",
            "label": {"show": False},
            "lineStyle": {"color": INK, "type": "solid", "width": 1.5},
            "data": segments,
        },
    }
    if boxes:
        series["markArea"] = {"silent": True, "label": {"show": False}, "itemStyle": BOX, "data": boxes}
    option["series"].append(series)
    return option


def _round(value: float) -> float:
    return float(f"{value:.4g}")
