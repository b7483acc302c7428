"""The building blocks of every chart's ECharts option: a time chart, a line, notes, legends, matrices.

Every chart of the app is a plain dict (an ECharts option) built by a pure function, so the
server's part of a redraw is building dicts and the browser draws them. Time runs along a
category axis of months (0..month), so stacked charts stack by value and the drawn axis ends
at the month shown; its ticks fall on round months. Legends scroll on one row, so they never
run over the plot; notes under the title push the legend and the plot down by their lines.
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

import numpy as np

from model.words import COUNT_SCALE, MUTED
from viz.charts.timeaxis import month_axis

__all__ = [
    "DASHES",
    "TOOLTIP",
    "WIDTHS",
    "Option",
    "bar",
    "line",
    "matrix_chart",
    "room_for_ticks",
    "round_values",
    "run_note",
    "subtitle",
    "time_chart",
    "title",
    "value_axis",
    "wrap",
]

Option = dict[str, Any]
DASHES = ["solid", "dashed"]  # the first run of a comparison is drawn solid, the second dashed
WIDTHS = [5.0, 3.6, 2.4, 1.5, 1.0]  # nested: a wide line under a narrower one shows both
TOOLTIP = {"trigger": "axis", "confine": True, "valueFormatter": "sig4"}  # sig4: see echart.vue
NOTE_STYLE = {"fontSize": 11, "color": MUTED, "lineHeight": 14}
LEGEND_TOP = 24  # below the title
NOTE_CHARS = 64  # characters of an 11 px note in the narrowest chart (376 px: half the page at 1400 px)
TITLE_CHARS = 52  # characters of a 13 px bold title in the same width
PLOT_TOP = 62  # below a one-row legend


def round_values(values: np.ndarray) -> list[float | None]:
    """Four significant digits of the series' largest value: smaller messages, same picture.

    Values that are not finite (a log axis's zero, a month with no data) become gaps.
    """
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    top = float(np.abs(values[finite]).max()) if finite.any() else 0.0
    decimals = 4 if top == 0 else max(0, 3 - int(np.floor(np.log10(top))))
    out = np.round(values, decimals)
    if finite.all():
        return out.tolist()
    return [float(v) if ok else None for v, ok in zip(out.tolist(), finite.tolist(), strict=True)]


def title(text: str, **extra: Any) -> Option:
    """A chart title, centred."""
    return {"text": text, "left": "center", "textStyle": {"fontSize": 13, "lineHeight": 17}, **extra}


def time_chart(
    text: str,
    y_name: str,
    months: int,
    *,
    y_min: float | None = None,
    y_max: float | None = None,
    log: bool = False,
) -> Option:
    """An empty chart over months 0..`months`: title, tooltip, a one-row legend, the axes."""
    y_axis: Option = {
        "type": "log" if log else "value",
        "name": y_name,
        "nameLocation": "middle",
        "nameGap": 50,
        "min": y_min,
        "max": y_max,
    }
    return {
        "animation": False,
        "_month": months,
        "title": title(text),
        "tooltip": dict(TOOLTIP),
        "legend": legend(),
        "grid": {"left": 68, "right": 28, "top": PLOT_TOP, "bottom": 44},
        "xAxis": month_axis(months),
        "yAxis": y_axis,
        "series": [],
    }


def legend(top: int = LEGEND_TOP, **extra: Any) -> Option:
    """A compact legend on one row: five registries fit a half-width chart without paging."""
    compact = {"itemGap": 8, "itemWidth": 18, "textStyle": {"fontSize": 11}}
    return {"top": top, "type": "scroll", **compact, **extra}


def value_axis(option: Option) -> Option:
    """The chart's value axis (a comparison's shaded halves add a hidden second one)."""
    axis = option["yAxis"]
    return axis[0] if isinstance(axis, list) else axis


def room_for_ticks(option: Option) -> None:
    """Move the value axis's name clear of its widest tick label (six digits and commas need room).

    The top is read from the lines, the stacks' totals, the bands' high edges and the observed points.
    """
    top, stacks = 0.0, {}
    for series in option["series"]:
        data = series.get("data")
        if not data or str(series.get("id", "")).startswith("band-mean:"):
            continue
        if isinstance(data[0], dict):  # points {"value": [month, value]} (what was observed)
            data = [d["value"][-1] for d in data]
        values = np.abs(np.array(data, dtype=float))
        if series.get("stack"):
            total = stacks.get(series["stack"])
            stacks[series["stack"]] = values if total is None or len(total) != len(values) else total + values
        elif values.size and np.isfinite(values).any():
            top = max(top, float(np.nanmax(values)))
    for total in stacks.values():
        if np.isfinite(total).any():
            top = max(top, float(np.nanmax(total)))
    ceiling = 10 ** math.ceil(math.log10(top)) if top > 1 else 1.0  # ECharts rounds its top tick up
    chars = len(f"{ceiling:,.0f}") + (2 if top < 10 else 0) + 1  # a sign; decimals below 10
    axis = value_axis(option)
    axis["nameGap"] = max(axis.get("nameGap", 50), 7 * chars + 12)
    option["grid"]["left"] = max(option["grid"].get("left", 68), axis["nameGap"] + 18)


def line(name: str, values: np.ndarray, colour: str, dash: str, width: float, **extra: Any) -> Option:
    """A line series; a single month is drawn as a point, not an empty chart."""
    return {
        "type": "line",
        "name": name,
        "showSymbol": len(values) == 1,
        "data": round_values(values),
        "lineStyle": {"color": colour, "type": dash, "width": width},
        "itemStyle": {"color": colour},
        **extra,
    }


def bar(name: str, data: list, colour: str, stack: str) -> Option:
    """A stacked bar series."""
    return {"type": "bar", "name": name, "stack": stack, "itemStyle": {"color": colour}, "data": data}


def wrap(text: str) -> list[str]:
    """`text` in lines that fit the narrowest chart the app draws (its own line breaks kept)."""
    return [row for part in text.split("\n") for row in textwrap.wrap(part, NOTE_CHARS) or [""]]


def subtitle(option: Option, notes: list[str]) -> Option:
    """Notes under the title, wrapped to the chart; the legend and the plot move down by their lines.

    A title too long for the chart is wrapped too.
    """
    heading = option["title"]
    rows = textwrap.wrap(heading["text"], TITLE_CHARS) or [""]
    heading["text"] = "\n".join(rows)
    down = 17 * (len(rows) - 1)
    notes = [n for n in notes if n]
    if notes:
        lines = [row for note in notes for row in wrap(note)]
        heading["subtext"] = "\n".join(lines)
        heading["subtextStyle"] = dict(NOTE_STYLE)
        heading["itemGap"] = 4
        down += 4 + 14 * len(lines)
    if "legend" in option:
        option["legend"]["top"] = option["legend"].get("top", LEGEND_TOP) + down
    option["grid"]["top"] = option["grid"].get("top", PLOT_TOP) + down
    return option


def run_note(index: int, short: str) -> str:
    """Which run a chart of one run shows, in a comparison (its title stays short)."""
    return f"{('solid', 'dashed')[index]} run: {short}"


def matrix_chart(
    text: str,
    names: list[str],
    matrix: np.ndarray,
    series: str,
    month: int,
    *,
    diagonal: bool = True,
    axes: bool = True,
    note: str | None = None,
) -> Option:
    """A heatmap of `matrix` between registries: rows `names` (from), columns `names` (to).

    With `diagonal` False the diagonal is not drawn; a `note` goes under the title.
    """
    n = len(names)
    data = [[j, i, _cell(matrix[i, j])] for i in range(n) for j in range(n) if diagonal or i != j]
    option = {
        "animation": False,
        "_month": month,
        "title": title(text),
        "tooltip": {"position": "top", "confine": True},
        "grid": {"left": 90, "right": 24, "top": 50, "bottom": 90},
        # every registry named, also where the labels would crowd (ECharts then skips some)
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "fontSize": 11}},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "visualMap": _heatmap_scale(max((d[2] for d in data), default=0)),
        "series": [{"type": "heatmap", "name": series, "data": data, "label": _cell_label(data)}],
    }
    if axes:
        option["xAxis"].update(name="to", nameLocation="middle", nameGap=30)
        # above the rows (the axis is inverted): at the bottom it would meet the first column's name
        option["yAxis"].update(name="from", nameLocation="start")
    return subtitle(option, [note] if note else [])


def _cell_label(data: list) -> Option:
    """Each cell's number: smaller where a number has seven digits (a whole run at real scale).

    Five columns share the narrowest chart: about 52 px a cell, 7 digits of 12 px need 47.
    """
    top = max((abs(d[2]) for d in data), default=0)
    return {"show": True, "fontSize": 10} if top >= 1_000_000 else {"show": True}


def _cell(value: float) -> float:
    """A matrix cell: a whole number stays whole; a real-world equivalent keeps three digits."""
    value = float(value)
    return int(value) if value.is_integer() else float(f"{value:.3g}")


def _heatmap_scale(top: float) -> Option:
    return {
        "min": 0,
        "max": max(1, top),
        "calculable": True,
        "orient": "horizontal",
        "left": "center",
        "bottom": 0,
        "inRange": {"color": list(COUNT_SCALE)},
    }
