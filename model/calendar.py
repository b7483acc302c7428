"""Calendar time: each step is a month, and month 0 is the run's `start` (e.g. "2018-10").

Dates are written "YYYY-MM" or "YYYY-MM-DD"; a dated change takes effect in the month that
holds its date. `date_of(start, step)` is the first day of a step's month, in ISO form.
"""

from __future__ import annotations

import re

from model.errors import ConfigError

__all__ = ["date_of", "month_label", "parse_month", "steps_between"]

_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse_month(text: object, what: str = "date") -> tuple[int, int]:
    """(year, month) of "YYYY-MM" or "YYYY-MM-DD"; `ConfigError` naming `what` otherwise."""
    match = _DATE.match(text) if isinstance(text, str) else None
    if match is None or not 1 <= int(match[2]) <= 12 or not 1900 <= int(match[1]) <= 2200:
        raise ConfigError(f"{what} must be a date written YYYY-MM or YYYY-MM-DD (1900-2200); got {text!r}")
    if match[3] is not None and not 1 <= int(match[3]) <= 31:
        raise ConfigError(f"{what} must be a date written YYYY-MM or YYYY-MM-DD (1900-2200); got {text!r}")
    return int(match[1]), int(match[2])


def steps_between(start: str, date: str) -> int:
    """Months from the month of `start` to the month of `date` (negative when `date` is earlier)."""
    (y0, m0), (y1, m1) = parse_month(start, "start"), parse_month(date)
    return (y1 - y0) * 12 + (m1 - m0)


def date_of(start: str, step: int) -> str:
    """The first day of step `step`'s month, ISO (`date_of("2018-10", 3) == "2019-01-01"`)."""
    year, month = parse_month(start, "start")
    index = year * 12 + (month - 1) + step
    return f"{index // 12:04d}-{index % 12 + 1:02d}-01"


def month_label(start: str, step: int) -> str:
    """Step `step`'s month for people: "Oct 2019"."""
    year, month = parse_month(date_of(start, step))
    return f"{MONTHS[month - 1]} {year}"
