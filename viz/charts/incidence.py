"""Who pays and who gains (Members & money tab): yearly fee and welfare by holder size, per registry.

Each month the model sums, per registry and holder size class, the members, the fees they
pay and their utility by the truth (`model.incidence`); these charts show the means per
member at the month shown: grouped bars, one per registry, over the size classes. A class
with no member at a registry is a gap, not a zero. In a comparison each run has its own
chart, the run named under the title (as the matrices of moves and sales do).
"""

from __future__ import annotations

import math

import numpy as np

from model.incidence import SIZE_CLASSES
from model.words import INCIDENCE_OUTPUTS, SIZE_AXIS, colour
from viz.charts.options import PLOT_TOP, TOOLTIP, Option, legend, room_for_ticks, run_note, subtitle, title
from viz.charts.runs import RunData, Runs

__all__ = ["CLASSES", "MEAN_NOTE", "incidence_at", "incidence_charts", "shared_axis", "size_chart"]

CLASSES = [label for label, _ in SIZE_CLASSES]
MEAN_NOTE = "mean over the registry's members of that size; every member counts alike; no bar: no such member"


def incidence_at(run: RunData) -> dict[str, np.ndarray]:
    """`members`, `fee_usd` and `welfare_usd` per registry (rows) and size class (columns) at the run's month.

    The means of `incidence_frame()` at that month, NaN where a class has no member. The sums
    are collected just after the frames: a page drawn while another thread steps the model
    may find that month's not yet there, and shows the month before.
    """

    def read() -> dict[str, np.ndarray]:
        months = run.model.incidence.months
        members, fees, utility = months[min(run.month, len(months) - 1)]
        with np.errstate(invalid="ignore", divide="ignore"):
            fee = np.where(members > 0, fees / members, np.nan)
            welfare = np.where(members > 0, utility / members, np.nan)
        return {"members": members, "fee_usd": fee, "welfare_usd": welfare}

    return run.memo("incidence", read)


def _sig4(values: np.ndarray) -> list[float | None]:
    """Each value to four significant digits (a gap stays a gap): the real value, in few digits."""
    return [float(f"{v:.4g}") if np.isfinite(v) else None for v in np.asarray(values, dtype=float)]


def _below_zero(run: RunData, welfare: np.ndarray, members: np.ndarray) -> str:
    """Which bars a log axis cannot draw (a mean welfare at or below zero), by registry."""
    low = (welfare <= 0) & (members > 0)
    if not low.any():
        return ""
    which = [
        f"{name} ({', '.join(c for c, hit in zip(CLASSES, row, strict=True) if hit)})"
        for name, row in zip(run.names, low, strict=True)
        if row.any()
    ]
    listed = "; ".join(which) if len(which) <= 3 else f"{int(low.sum())} bars at {len(which)} registries"
    return f"at or below zero, not drawn on the log axis: {listed}"


def _nice_ceiling(top: float) -> float:
    """The round value (1, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten) at or above `top`."""
    power = 10.0 ** math.floor(math.log10(top))
    steps = (1, 2, 2.5, 3, 4, 5, 6, 8, 10)
    return next(float(f"{power * k:.4g}") for k in steps if power * k >= top * (1 - 1e-9))


def shared_axis(column: str, runs: Runs) -> dict[str, float]:
    """The value axis's bounds, the same for every run's chart of `column` (side by side in a comparison).

    Fees: from 0 to a round value; welfare (log): whole powers of ten around the drawn bars.
    """
    values = np.concatenate([incidence_at(run)[column].ravel() for run in runs])
    drawn = values[np.isfinite(values) & (values > 0)]
    if not drawn.size:
        return {"min": 0} if column == "fee_usd" else {}
    if column == "fee_usd":
        return {"min": 0, "max": _nice_ceiling(float(drawn.max()))}
    low, high = math.floor(math.log10(drawn.min())), math.ceil(math.log10(drawn.max()))
    return {"min": 10.0**low, "max": 10.0 ** max(high, low + 1)}


def size_chart(column: str, run: RunData, runs: Runs) -> Option:
    """One run's `column` (fee_usd or welfare_usd) at its month: x the size classes, a bar per registry.

    Its value axis is shared by every run's chart of `column` (`shared_axis`).
    """
    text, unit = INCIDENCE_OUTPUTS[column]
    data = incidence_at(run)
    values, log = data[column], column == "welfare_usd"
    notes = [run_note(run.index, run.short)] if len(runs) > 1 else []
    notes.append(MEAN_NOTE)
    if log:
        notes.append(_below_zero(run, values, data["members"]))
        values = np.where(values > 0, values, np.nan)
    series = [
        {"type": "bar", "name": name, "itemStyle": {"color": colour(r)}, "data": _sig4(values[r])}
        for r, name in enumerate(run.names)
    ]
    option = {
        "animation": False,
        "_month": run.month,
        "title": title(text),
        "tooltip": dict(TOOLTIP),
        "legend": legend(data=list(run.names)),
        "grid": {"left": 68, "right": 24, "top": PLOT_TOP, "bottom": 44},
        "xAxis": {
            "type": "category",
            "data": CLASSES,
            "name": SIZE_AXIS,
            "nameLocation": "middle",
            "nameGap": 26,
            "axisLabel": {"interval": 0, "fontSize": 11},  # every class named
        },
        "yAxis": {
            "type": "log" if log else "value",
            "name": unit,
            "nameLocation": "middle",
            "nameGap": 50,
            **shared_axis(column, runs),
        },
        "series": series,
    }
    room_for_ticks(option)
    if "max" in option["yAxis"]:  # the shared top tick may be wider than this run's bars need
        chars = len(f"{option['yAxis']['max']:,.0f}") + 1
        option["yAxis"]["nameGap"] = max(option["yAxis"]["nameGap"], 7 * chars + 12)
        option["grid"]["left"] = max(option["grid"]["left"], option["yAxis"]["nameGap"] + 18)
    return subtitle(option, notes)


def incidence_charts(runs: Runs) -> list[Option]:
    """Who pays (every run's chart), then who gains (every run's chart)."""
    return [size_chart(column, run, runs) for column in INCIDENCE_OUTPUTS for run in runs]
