"""The time axis: months since the start, ticked on round months; the month in words.

Months are the model's steps. The axis is a category axis of month numbers (0..month), ticked
every 1, 2, 3, 6, 12, 24, 60 or 120 months so that at most eleven labels show. When the
model's frames gain a `date` column (the first day of each month, ISO text), `month_label`
puts the date beside the month ("Month 12 · Oct 2019") and nothing else changes: the axis
keeps month numbers, which are what the run's settings and the link count in. `calendar`
names month 0's date under the axis and gives the chart its first month (`_start`), from
which the tooltip says each month's date beside its number (`echart.vue`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

__all__ = ["ROUND_STEPS", "calendar", "month_axis", "month_date", "month_label", "tick_step"]

ROUND_STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240)
MOST_LABELS = 11


def tick_step(months: int, most: int = MOST_LABELS) -> int:
    """The smallest round step that labels months 0..`months` with at most `most` labels."""
    for step in ROUND_STEPS:
        if months // step + 1 <= most:
            return step
    return ROUND_STEPS[-1]


def month_axis(months: int) -> dict:
    """A category axis of months 0..`months`, labelled and ticked on round months."""
    every = tick_step(months) - 1  # ECharts' interval: labels skipped between two shown
    return {
        "type": "category",
        "data": list(range(months + 1)),
        "boundaryGap": False,
        "name": "month",
        "nameLocation": "middle",
        "nameGap": 26,
        "axisLabel": {"interval": every, "hideOverlap": True},
        "axisTick": {"interval": every, "alignWithLabel": True},
    }


def month_date(frame: pd.DataFrame | None, month: int) -> str | None:
    """The month's date ("Oct 2019") when `frame` (one row per month) has a `date` column, else None."""
    if frame is None or "date" not in frame or month >= len(frame):
        return None
    return f"{date.fromisoformat(str(frame['date'].iloc[month])[:10]):%b %Y}"


def month_label(frame: pd.DataFrame | None, month: int) -> str:
    """The month in words, and its date when `frame` has a `date` column ("Month 12 · Oct 2019")."""
    day = month_date(frame, month)
    return f"Month {month}" + (f" · {day}" if day else "")


def calendar(option: dict, frame: pd.DataFrame | None) -> dict:
    """A time chart of a run in calendar months: month 0's date under the axis; `_start` for the tooltip."""
    day = month_date(frame, 0)
    axis = option.get("xAxis")
    if day is None or not isinstance(axis, dict) or axis.get("name") != "month":
        return option
    axis["name"] = f"month (0: {day})"
    option["_start"] = str(frame["date"].iloc[0])[:7]
    return option
