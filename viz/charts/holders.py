"""The Holders tab: holders by size of holding and registry; members registered away from home."""

from __future__ import annotations

import itertools

import numpy as np

from model.words import LIGHT, PALETTE, colour
from viz.charts.options import PLOT_TOP, Option, bar, legend, room_for_ticks, run_note, subtitle, title
from viz.charts.runs import Runs

__all__ = ["HOLDING_BINS", "holders_charts"]

HOLDING_BINS = np.array([0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, np.inf])


def _bin_labels() -> list[str]:
    return [
        f"{int(lo)}-{int(hi) - 1}"
        if np.isfinite(hi) and hi - lo > 1
        else (f"{int(lo)}" if np.isfinite(hi) else f"{int(lo)}+")
        for lo, hi in itertools.pairwise(HOLDING_BINS)
    ]


def _bars(
    text: str, month: int, x_name: str, categories: list[str], series: list[Option], notes: list[str]
) -> Option:
    option = {
        "animation": False,
        "_month": month,
        "title": title(text),
        "tooltip": {
            "trigger": "axis",
            "confine": True,
            "axisPointer": {"type": "shadow"},
            "valueFormatter": "sig4",
        },
        "legend": legend(),
        "grid": {"left": 64, "right": 24, "top": PLOT_TOP, "bottom": 44},
        "xAxis": {
            "type": "category",
            "data": categories,
            "name": x_name,
            "nameLocation": "middle",
            "nameGap": 26,
        },
        "yAxis": {"type": "value", "name": "holders", "nameLocation": "middle", "nameGap": 50},
        "series": series,
    }
    if len(categories) <= 5:  # registries: name every one (ECharts hides labels it thinks crowded)
        option["xAxis"]["axisLabel"] = {"interval": 0, "fontSize": 11}
    room_for_ticks(option)
    return subtitle(option, [*notes, "real-world equivalents"])


def holders_charts(runs: Runs) -> list[Option]:
    """Distribution views: holders by size of holding and registry; holders away from home."""
    charts = []
    labels = _bin_labels()
    for run in runs:
        s, names, world = run.model.holders, run.names, 1 / run.scale
        which = np.digitize(s.ipv4, HOLDING_BINS[1:-1], right=False)
        notes = [run_note(run.index, run.short)] if len(runs) > 1 else []
        sizes = [
            bar(
                name,
                (np.bincount(which[s.registry == r], minlength=len(labels)) * world).tolist(),
                colour(r),
                "h",
            )
            for r, name in enumerate(names)
        ]
        away = np.bincount(s.registry[s.registry != s.home], minlength=len(names))
        members = np.bincount(s.registry, minlength=len(names))
        home = [
            bar("home region", ((members - away) * world).tolist(), LIGHT, "m"),
            bar("from another region", (away * world).tolist(), PALETTE[0], "m"),
        ]
        charts += [
            _bars("Holders by size of IPv4 holding", run.month, "/24 blocks held", labels, sizes, notes),
            _bars("Members registered away from home", run.month, "", names, home, notes),
        ]
    return charts
