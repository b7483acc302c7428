"""The last touch of every time chart: its legend and the notes under its title.

In a comparison every series' name ends in " · <run>" (tooltips say whose each value is); the
legend lists each registry once and shows it without the run, and a note says which run is
solid and which dashed. The runs' order is fixed by the runs themselves (see
`viz.compare.ordered`), so solid and dashed never swap meaning.
"""

from __future__ import annotations

from viz.charts.options import PLOT_TOP, Option, room_for_ticks, subtitle
from viz.charts.runs import Runs
from viz.charts.timeaxis import calendar

__all__ = ["finish", "one_row", "style_note"]

LEGEND_PX = 360  # a legend's room on the narrowest chart the app draws (half the page)
CHAR_PX = 6.5  # an 11 px character of a legend, on the wide side (capitals, digits)
ENTRY_PX = 31  # an entry's icon, the gap to its text and the gap to the next entry
TEXT_PX = 190  # the longest text an entry shows (longer ends in an ellipsis)
ROW_PX = 18  # a second row of the legend


def style_note(runs: Runs) -> str:
    """The note that says which run is solid and which dashed (empty for one run)."""
    return f"solid: {runs[0].short}  ·  dashed: {runs[1].short}" if len(runs) > 1 else ""


def _listed(series: dict) -> bool:
    """Lines, bars and observed points are in the legend; bands, marks and seeds' lines are in the notes."""
    if series.get("id") == "observed":
        return True
    if series.get("type") not in ("line", "bar") or not series.get("data"):
        return False
    return not str(series.get("id", "")).startswith(("band-", "seed:"))


def one_row(shown: list[str]) -> bool:
    """Whether legend entries reading `shown` fit one row of the narrowest chart."""
    return sum(ENTRY_PX + min(CHAR_PX * len(text), TEXT_PX) for text in shown) <= LEGEND_PX


def finish(option: Option, runs: Runs, notes: list[str] | None = None, *, registries: bool = True) -> Option:
    """Set the legend (each name once; a registry's lines once in a comparison) and the notes.

    The legend lists what is drawn as a line, on one row; the shaded bands and marks carry
    labels of their own or are said in the notes under the title. Where the observed points
    make a sixth entry that one row cannot hold, the legend wraps to a second row and the plot
    moves down by it: every entry shows, none behind a page's arrows.
    """
    names: dict[str, str] = {}
    second = f" · {runs[1].short}" if len(runs) > 1 else None
    for series in option["series"]:
        name = series.get("name")
        if not name or name in names or not _listed(series):
            continue
        shown = name
        if second is not None and registries:
            if name.endswith(second):
                continue  # the second run's line of a registry: the first run's entry stands for both
            shown = name.split(" · ")[0]
        names[name] = shown
    option["legend"]["data"] = list(names)
    if "observed" in names and not one_row(list(names.values())):
        option["legend"]["type"] = "plain"
        option["grid"]["top"] = option["grid"].get("top", PLOT_TOP) + ROW_PX
    option["legend"]["textStyle"] = {"fontSize": 11, "width": 190, "overflow": "truncate"}
    room_for_ticks(option)
    calendar(option, runs[0].frame)
    if any(k != v for k, v in names.items()):
        option["legend"]["formatter"] = "names"  # see echart.vue: the name shown for each entry
        option["legend"]["_names"] = {k: v for k, v in names.items() if k != v}
    return subtitle(option, [*(notes or []), style_note(runs)])
