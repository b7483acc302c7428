"""Marks on time charts: shaded spells (a registry's status, the ICP-2 process), dotted insolvencies.

Each band carries a label, rotated, at its start. Labels that would start closer than a label's
width on the narrowest plot the app draws are merged into one, so they never pile up. In a
comparison a spell both runs share is drawn once and says "both runs"; otherwise the first
run's spells fill the upper half of the plot and the second run's the lower half, each label
saying whose ("solid" or "dashed", as the run's lines; a note under the title names the runs).
"""

from __future__ import annotations

from dataclasses import dataclass

from model.words import INK, LIGHT, STAGE_COLOURS, STAGE_TITLES, STATUS_COLOURS, STATUS_TITLES
from viz.charts.options import Option
from viz.charts.runs import RunData, Runs

__all__ = [
    "Spell",
    "add_insolvencies",
    "add_spells",
    "add_stages",
    "add_statuses",
    "spells",
    "stage_spells",
    "status_spells",
]

OK_STATUS = "operating"
PLOT_PX = 380  # the narrowest plot the app draws (half the page beside the sidebar)
LABEL_PX = 16  # a rotated label's width, with air
LABEL_LENGTH = {"full": 190, "half": 118}  # px along a label: the plot's height, or half of it
BAND_AXIS = {"type": "value", "min": 0, "max": 1, "show": False}  # the halves of a comparison


@dataclass(frozen=True)
class Spell:
    """A registry's spell in one state: months `start` to `end`, both included."""

    registry: str
    state: str
    start: int
    end: int


def spells(run: RunData, column: str, rest: str) -> list[Spell]:
    """Each spell of a registry_frame category other than `rest`, in order of start."""
    if not run.has(column):
        return []
    return run.memo(f"spells:{column}", lambda: _spells(run, column, rest))


def _spells(run: RunData, column: str, rest: str) -> list[Spell]:
    table = run.wide(column)
    array = table.to_numpy(dtype=object)
    out = []
    for r, registry in enumerate(table.columns):
        values = array[:, r]
        start = None
        for month, value in enumerate(values):
            if start is not None and value != values[start]:
                out.append(Spell(registry, str(values[start]), start, month - 1))
                start = None
            if start is None and value != rest:
                start = month
        if start is not None:
            out.append(Spell(registry, str(values[start]), start, len(values) - 1))
    return sorted(out, key=lambda s: (s.start, s.registry))


def status_spells(run: RunData) -> list[Spell]:
    """Spells of a registry away from 'operating' (degraded, failed, closed, handed over)."""
    return spells(run, "status", OK_STATUS)


def stage_spells(run: RunData) -> list[Spell]:
    """Spells of the ICP-2 draft's process (petition, audit, vote, handover)."""
    return spells(run, "oversight_stage", "none")


def add_statuses(option: Option, runs: Runs) -> Option:
    """Shade each registry's spells away from 'operating'."""
    return add_spells(option, runs, statuses=True, stages=False)


def add_stages(option: Option, runs: Runs) -> Option:
    """Shade the ICP-2 process's stages (none if no process ran)."""
    return add_spells(option, runs, statuses=False, stages=True)


def add_spells(option: Option, runs: Runs, *, statuses: bool = True, stages: bool = False) -> Option:
    """Shade statuses and/or stages; their labels are spaced together, so none piles on another."""
    kinds = []
    if statuses:
        kinds.append(([status_spells(r) for r in runs], STATUS_TITLES, STATUS_COLOURS, "shaded"))
    if stages:
        kinds.append(([stage_spells(r) for r in runs], STAGE_TITLES, STAGE_COLOURS, "ICP-2 process"))
    upper: list[tuple[int, dict]] = []  # labels anchored at the top (merged together), and at the bottom
    lower: list[tuple[int, dict]] = []
    for per_run, titles, colours, what in kinds:
        _shade(option, runs, per_run, titles, colours, what, upper, lower)
    gap = LABEL_PX * max(runs[0].month, 1) / PLOT_PX  # months between two labels' starts
    _label(upper, gap, top=True)
    _label(lower, gap, top=False)
    return option


def _shade(
    option: Option,
    runs: Runs,
    per_run: list[list[Spell]],
    titles: dict,
    colours: dict,
    what: str,
    upper: list[tuple[int, dict]],
    lower: list[tuple[int, dict]],
) -> None:
    if not any(per_run):
        return
    months = runs[0].month
    if len(runs) == 1:
        groups = [(None, per_run[0], (0.0, 1.0))]
    else:
        shared = [s for s in per_run[0] if s in per_run[1]]
        groups = [
            ("both runs", shared, (0.0, 1.0)),
            ("solid run", [s for s in per_run[0] if s not in shared], (0.5, 1.0)),
            ("dashed run", [s for s in per_run[1] if s not in shared], (0.0, 0.5)),
        ]
        _band_axis(option)
    for whose, spells_, (low, high) in groups:
        if not spells_:
            continue
        areas = []
        for spell in spells_:
            end = spell.end + 1 if spell.end < months else spell.end  # a one-month spell is one month wide
            text = f"{spell.registry} {titles.get(spell.state, spell.state)}"
            first = {
                "xAxis": spell.start,
                "itemStyle": {"color": colours.get(spell.state, LIGHT), "opacity": 0.16},
            }
            if whose is not None:
                first["yAxis"] = low
            last = {"xAxis": end} | ({"yAxis": high} if whose is not None else {})
            first["name"] = text + (f" ({whose})" if whose else "")
            first["_length"] = LABEL_LENGTH["full" if high - low == 1.0 else "half"]
            (lower if low == 0.0 and high == 0.5 else upper).append((spell.start, first))
            areas.append([first, last])
        series = {
            "type": "line",
            "name": f"{what}" + (f" · {whose}" if whose else ""),
            "data": [],
            "itemStyle": {"color": colours.get(spells_[0].state, LIGHT), "opacity": 0.4},
            "lineStyle": {"width": 8, "opacity": 0.4},
            "markArea": {"silent": True, "data": areas},
        }
        if whose is not None:
            series["yAxisIndex"] = 1
        option["series"].append(series)


def _label(items: list[tuple[int, dict]], gap: float, *, top: bool) -> None:
    """Give each band a rotated label at its start; bands starting within `gap` months share one."""
    items.sort(key=lambda item: item[0])
    i = 0
    while i < len(items):
        start, first = items[i]
        together = [first]
        while i + 1 < len(items) and items[i + 1][0] - start < gap:
            i += 1
            items[i][1]["label"] = {"show": False}
            together.append(items[i][1])
        length = min(a.pop("_length") for a in together)
        text = "; ".join(dict.fromkeys(a["name"] for a in together))  # a repeated name once
        if len(together) > 1 and len({a["name"].split(" (")[-1] for a in together}) == 1 and "(" in text:
            whose = " (" + together[0]["name"].split(" (")[-1]  # one run's bands: say whose once
            text = "; ".join(dict.fromkeys(a["name"].removesuffix(whose) for a in together)) + whose
        first["label"] = {
            "show": True,
            "formatter": text,
            "position": "insideTopLeft" if top else "insideBottomLeft",
            "rotate": -90 if top else 90,
            "align": "left",
            "verticalAlign": "top" if top else "bottom",
            "distance": 3,
            "fontSize": 10,
            "color": INK,
            "width": length,  # longer text ends in an ellipsis
            "overflow": "truncate",
        }
        i += 1


def _band_axis(option: Option) -> None:
    if isinstance(option["yAxis"], dict):
        option["yAxis"] = [option["yAxis"], dict(BAND_AXIS)]


def add_insolvencies(option: Option, runs: Runs) -> Option:
    """A dotted line at each registry's insolvency, named in the legend (its label is its tooltip)."""
    for run in runs:
        insolvent = run.memo("insolvent", lambda run=run: _insolvent(run))
        if not len(insolvent):
            continue
        option["series"].append(
            {
                "type": "line",
                "name": "dotted: insolvent" + run.suffix(runs),
                "data": [],
                "itemStyle": {"color": INK},
                "lineStyle": {"type": "dotted", "color": INK},
                "markLine": {
                    "symbol": "none",
                    "lineStyle": {"type": "dotted", "color": INK},
                    "label": {"show": False},
                    "tooltip": {"formatter": "{b}"},
                    "data": [
                        {"name": f"{r} insolvent (month {int(s)}){run.suffix(runs)}", "xAxis": int(s)}
                        for r, s in zip(insolvent.registry, insolvent.step, strict=True)
                    ],
                },
            }
        )
    return option


def _insolvent(run: RunData):
    events = run.events
    return events[events.kind == "insolvency"] if len(events) else events
