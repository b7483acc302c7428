"""The last touch of every time chart: its legend and the notes under its title.

In a comparison every series' name ends in " · <run>" (tooltips say whose each value is); the
legend lists each registry once and shows it without the run, and a note says which run is
solid and which dashed. The runs' order is fixed by the runs themselves (see
`viz.compare.ordered`), so solid and dashed never swap meaning.
"""

from __future__ import annotations

from viz.charts.options import Option, room_for_ticks, subtitle
from viz.charts.runs import Runs
from viz.charts.timeaxis import calendar

__all__ = ["finish", "style_note"]


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


def finish(option: Option, runs: Runs, notes: list[str] | None = None, *, registries: bool = True) -> Option:
    """Set the legend (each name once; a registry's lines once in a comparison) and the notes.

    The legend lists what is drawn as a line, on one row; the shaded bands and marks carry
    labels of their own or are said in the notes under the title.
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
    option["legend"]["textStyle"] = {"fontSize": 11, "width": 190, "overflow": "truncate"}
    room_for_ticks(option)
    calendar(option, runs[0].frame)
    if any(k != v for k, v in names.items()):
        option["legend"]["formatter"] = "names"  # see echart.vue: the name shown for each entry
        option["legend"]["_names"] = {k: v for k, v in names.items() if k != v}
    return subtitle(option, [*(notes or []), style_note(runs)])
