"""Charts of one run, or of two runs compared: pure functions from runs to ECharts options.

The browser draws the charts (ECharts), so a step only sends new data: the server's part of
a redraw is building these dicts. Time runs along a category axis of months (0..month), so
stacked charts stack by value and the drawn axis ends at the month shown. Registry colours
are the Okabe-Ito palette (colour-blind safe); registries are drawn as nested lines of
decreasing width, so registries that coincide stay visible; in compare mode the second run
is dashed and every series name says which run it is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from model import PortabilityModel
from model.words import PALETTE
from model.words import colour as _colour
from viz.labels import column_title, output_label, output_unit

__all__ = [
    "PALETTE",
    "RunData",
    "accountability_charts",
    "extra_charts",
    "extra_columns",
    "flows_charts",
    "holders_charts",
    "market_charts",
    "money_charts",
    "peering_charts",
    "quality_charts",
    "replicate_chart",
    "shares_charts",
    "spells",
    "status_segments",
]

DASHES = ["solid", "dashed"]
WIDTHS = [5.0, 3.6, 2.4, 1.5, 1.0]  # nested: a wide line under a narrower one shows both
STATUS_COLOURS = {"failed": "#D55E00", "degraded": "#E69F00", "closed": "#555555", "handed_off": "#009E73"}
OK_STATUS = "operating"
TOOLTIP = {"trigger": "axis", "confine": True, "valueFormatter": "sig4"}  # sig4: see echart.vue
Option = dict[str, Any]
#: registry_frame columns that a tab already draws (the others go to the "More" tab)
DRAWN_COLUMNS = {
    "step", "registry", "quality", "neutrality", "fee", "reserves", "members", "ipv4", "ipv4_share",
    "asn_share", "inflow", "outflow", "exit_threat", "effort", "status", "pool", "sales_in", "sales_out",
    "petition_support", "petition_threshold", "oversight_stage", "strictness",  # the Remedies tab
}  # fmt: skip


@dataclass(frozen=True)
class RunData:
    """One run as the charts see it: its labels, its model and its frames, read once per step."""

    label: str  # long: for titles ("Registry failure, members free to leave")
    short: str  # short: for legends and tooltips ("run A: ...")
    model: PortabilityModel
    frame: pd.DataFrame
    registries: pd.DataFrame
    events: pd.DataFrame
    _wide: dict[str, pd.DataFrame] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, label: str, short: str, model: PortabilityModel) -> RunData:
        """Read the model's frames now."""
        registries = model.registry_frame()
        if "status" in registries and len(registries) and not isinstance(registries["status"].iloc[0], str):
            registries["status"] = [getattr(s, "value", s) for s in registries["status"]]  # enum -> its name
        return cls(label, short, model, model.model_frame(), registries, model.event_frame())

    @property
    def names(self) -> list[str]:
        """Registry names, in the model's order."""
        return [r.name for r in self.model.registries]

    def wide(self, column: str) -> pd.DataFrame:
        """`column` with one row per month and one column per registry (computed once per step)."""
        if column not in self._wide:
            names, frame = self.names, self.registries
            n = len(names)
            order = frame.registry
            in_order = (
                len(frame) % n == 0
                and all(  # first and last month suffice: rows come in blocks
                    list(order.iloc[i : i + n]) == names for i in (0, len(frame) - n)
                )
            )
            if in_order:
                # rows come month by month in the model's registry order: a reshape, not a pivot
                table = pd.DataFrame(frame[column].to_numpy().reshape(-1, n), columns=names)
            else:
                table = frame.pivot(index="step", columns="registry", values=column)[names].reset_index(
                    drop=True
                )
            self._wide[column] = table
        return self._wide[column]


Runs = Sequence[RunData]


def _round(values: np.ndarray) -> list[float]:
    """Four significant digits of the series' largest value: smaller messages, same picture."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    top = float(np.abs(finite).max()) if finite.size else 0.0
    decimals = 4 if top == 0 else max(0, 3 - int(np.floor(np.log10(top))))
    return np.round(values, decimals).tolist()


def _title(text: str, **extra: Any) -> Option:
    return {"text": text, "left": "center", "textStyle": {"fontSize": 13}, **extra}


def _name(registry: str, run: RunData, runs: Runs) -> str:
    return registry if len(runs) == 1 else f"{registry} · {run.short}"


def _base(
    title: str, y_name: str, months: int, *, y_min: float | None = None, y_max: float | None = None
) -> Option:
    return {
        "animation": False,
        "_month": months,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": dict(TOOLTIP),
        "legend": {"top": 24, "type": "plain", "itemGap": 8, "itemWidth": 18, "textStyle": {"fontSize": 11}},
        "grid": {"left": 64, "right": 24, "top": 84, "bottom": 44},
        "xAxis": {
            "type": "category",
            "data": list(range(months + 1)),
            "boundaryGap": False,
            "name": "month",
            "nameLocation": "middle",
            "nameGap": 26,
        },
        "yAxis": {
            "type": "value",
            "name": y_name,
            "nameLocation": "middle",
            "nameGap": 46,
            "min": y_min,
            "max": y_max,
        },
        "series": [],
    }


def _line(name: str, values: np.ndarray, colour: str, dash: str, width: float, **extra: Any) -> Option:
    return {
        "type": "line",
        "name": name,
        "showSymbol": len(values) == 1,  # one month: a point, not an empty chart
        "data": _round(values),
        "lineStyle": {"color": colour, "type": dash, "width": width},
        "itemStyle": {"color": colour},
        **extra,
    }


def status_segments(run: RunData) -> list[tuple[str, str, int, int]]:
    """(registry, status, first month, last month) for each spell away from 'operating'."""
    return spells(run, "status", OK_STATUS)


def spells(run: RunData, column: str, rest: str) -> list[tuple[str, str, int, int]]:
    """(registry, value, first month, last month) for each spell of a category other than `rest`."""
    if column not in run.registries:
        return []
    table = run.wide(column)
    out = []
    for registry in table.columns:
        values = table[registry].to_numpy()
        start = None
        for month, value in enumerate(values):
            if start is not None and value != values[start]:
                out.append((registry, str(values[start]), start, month - 1))
                start = None
            if start is None and value != rest:
                start = month
        if start is not None:
            out.append((registry, str(values[start]), start, len(values) - 1))
    return out


def _marks(run: RunData, runs: Runs) -> list[Option]:
    """Legend entries that carry the marks: shaded spells of failure, dotted insolvencies."""
    suffix = "" if len(runs) == 1 else f" · {run.short}"
    out = []
    spells = status_segments(run)
    if spells:
        out.append(
            {
                "type": "line",
                "name": "shaded: not operating" + suffix,
                "data": [],
                "itemStyle": {"color": "#D55E00", "opacity": 0.35},
                "lineStyle": {"width": 8, "opacity": 0.35},
                "markArea": {
                    "silent": True,
                    "label": {"position": "insideTop", "fontSize": 10, "color": "#333"},
                    "data": [
                        [
                            {
                                "name": f"{registry} {status}",
                                "xAxis": start,
                                "itemStyle": {
                                    "color": STATUS_COLOURS.get(status, "#999999"),
                                    "opacity": 0.13,
                                },
                            },
                            {"xAxis": max(end, start + 1) if end < run.model.steps else end},
                        ]
                        for registry, status, start, end in spells
                    ],
                },
            }
        )
    insolvent = run.events[run.events.kind == "insolvency"] if len(run.events) else run.events
    if len(insolvent):
        out.append(
            {
                "type": "line",
                "name": "dotted: insolvent" + suffix,
                "data": [],
                "itemStyle": {"color": "#000000"},
                "lineStyle": {"type": "dotted", "color": "#000000"},
                "markLine": {
                    "silent": True,
                    "symbol": "none",
                    "lineStyle": {"type": "dotted", "color": "#000000"},
                    "label": {"formatter": "{b}", "fontSize": 10, "position": "insideEndBottom"},
                    "data": [
                        {"name": f"{r} insolvent", "xAxis": int(s)}
                        for r, s in zip(insolvent.registry, insolvent.step, strict=True)
                    ],
                },
            }
        )
    return out


def _coincide(table: pd.DataFrame, tolerance: float) -> list[str]:
    """Registries whose lines lie within `tolerance` of another's for the whole run."""
    values = table.to_numpy(dtype=float)
    names = list(table.columns)
    together = set()
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if np.nanmax(np.abs(values[:, i] - values[:, j])) <= tolerance:
                together |= {names[i], names[j]}
    return [n for n in names if n in together]


def _per_registry(
    title: str,
    runs: Runs,
    column: str | Callable[[RunData], pd.DataFrame],
    y_name: str,
    tolerance: float,
    **bounds: float,
) -> Option:
    """One line per registry (and run): a registry_frame column, or a table derived from the run."""
    months = runs[0].model.steps
    option = _base(title, y_name, months, **bounds)
    notes = []
    for k, run in enumerate(runs):
        table = column(run) if callable(column) else run.wide(column)
        for i, registry in enumerate(table.columns):
            width = WIDTHS[i % len(WIDTHS)] if k == 0 else 1.6
            option["series"].append(
                _line(_name(registry, run, runs), table[registry].to_numpy(), _colour(i), DASHES[k], width)
            )
        option["series"] += _marks(run, runs)
        same = _coincide(table, tolerance) if len(table) > 1 else []
        if len(same) > 1 and len(runs) == 1:
            who = ", ".join(same[:-1]) + " and " + same[-1]
            notes.append(f"{who} lie on one line: drawn nested, widest first")
    if len(runs) > 1:
        notes.append(f"solid: {runs[0].short}  ·  dashed: {runs[1].short}")
    return _subtitle(_legend_once(option, runs), notes)


def _legend_once(option: Option, runs: Runs) -> Option:
    """In compare mode the legend lists each registry once (the first run's series, by registry)."""
    if len(runs) > 1:
        first = [s["name"] for s in option["series"] if s["name"].endswith(f" · {runs[0].short}")]
        option["legend"]["data"] = first
        option["legend"]["formatter"] = "before-dot"  # see echart.vue: "ARIN · run" -> "ARIN"
    return option


def _subtitle(option: Option, notes: list[str]) -> Option:
    if notes:
        option["title"]["subtext"] = "\n".join(notes)
        option["title"]["subtextStyle"] = {"fontSize": 11, "color": "#555", "lineHeight": 14}
        option["title"]["itemGap"] = 4
        option["legend"]["top"] = 28 + 15 * len(notes)
        option["grid"]["top"] = 88 + 15 * len(notes)
    return option


def quality_charts(runs: Runs) -> list[Option]:
    """Service quality and neutrality of each registry; spells of failure shaded."""
    return [
        _per_registry(
            "Service quality by registry", runs, "quality", "quality (0-1)", 0.01, y_min=0, y_max=1
        ),
        _per_registry(
            "Neutrality by registry", runs, "neutrality", "neutrality (0-1)", 0.01, y_min=0, y_max=1
        ),
    ]


def money_charts(runs: Runs) -> list[Option]:
    """Members, reserves and fees of each registry: what a small registry lives on."""
    charts = [
        _per_registry("Members by registry", runs, "members", "members (holders)", 0.5, y_min=0),
        _per_registry("Reserves by registry", runs, "reserves", "reserves (months of costs)", 0.05),
        _per_registry(
            "Yearly fee of a median member", runs, "fee", "USD a year (a /22 and one ASN)", 5.0, y_min=0
        ),
    ]
    return charts


def shares_charts(runs: Runs) -> list[Option]:
    """IPv4 and ASN shares by registry over time, stacked to 1; one pair of charts per run."""
    charts = []
    for run in runs:
        for column, what in (("ipv4_share", "IPv4"), ("asn_share", "ASNs")):
            suffix = f" ({run.short})" if len(runs) > 1 else ""
            option = _base(
                f"Share of {what} by registry{suffix}", "share (stacked, sums to 1)", run.model.steps
            )
            option["yAxis"].update(min=0, max=1)
            table = run.wide(column)
            for i, registry in enumerate(table.columns):
                option["series"].append(
                    _line(
                        _name(registry, run, runs),
                        table[registry].to_numpy(),
                        _colour(i),
                        "solid",
                        1.0,
                        stack="share",
                        areaStyle={"opacity": 0.85},
                    )
                )
            charts.append(option)
    return charts


def _realised_exit(members: np.ndarray, outflow: np.ndarray) -> np.ndarray:
    """Members who left in the last 12 months, as a share of the members at the window's start.

    The window of month t is months t-11..t; it starts with the members at the end of month
    t-12 (month 0 for the first year), so the share is at most 1 unless holders leave twice.
    """
    left = pd.Series(outflow).rolling(12, min_periods=1).sum().to_numpy()
    start = pd.Series(members).shift(12).fillna(members[0]).to_numpy()
    return np.divide(left, start, out=np.zeros_like(left, dtype=float), where=start > 0)


def accountability_charts(runs: Runs) -> list[Option]:
    """Credible threat of exit against realised exit, effort, and resources at risk."""
    months = runs[0].model.steps
    threat = _per_registry(
        "Credible threat of exit", runs, "exit_threat", "share of fee income at risk (0-1)", 0.002, y_min=0
    )
    effort = _per_registry("Registry effort", runs, "effort", "effort (0-1)", 0.005, y_min=0, y_max=1)
    realised = _base("Realised exit", "share of members lost in 12 months", months, y_min=0)
    risk = _base("IPv4 at registries not operating", "% of all IPv4", months, y_min=0)
    for k, run in enumerate(runs):
        members, outflow = run.wide("members"), run.wide("outflow")
        for i, registry in enumerate(members.columns):
            share = _realised_exit(members[registry].to_numpy(), outflow[registry].to_numpy())
            width = WIDTHS[i % len(WIDTHS)] if k == 0 else 1.6
            realised["series"].append(_line(_name(registry, run, runs), share, _colour(i), DASHES[k], width))
        risk["series"].append(
            _line(run.short, run.frame.ipv4_at_risk.to_numpy() * 100, "#333333", DASHES[k], 1.8)
        )
    notes = [f"solid: {runs[0].short}  ·  dashed: {runs[1].short}"] if len(runs) > 1 else []
    return [
        threat,
        _subtitle(_legend_once(realised, runs), list(notes)),
        effort,
        _subtitle(risk, list(notes)),
    ]


def extra_columns(run: RunData) -> list[str]:
    """Numeric registry_frame columns that no tab draws yet (new model outputs appear here)."""
    frame = run.registries
    return [c for c in frame.columns if c not in DRAWN_COLUMNS and pd.api.types.is_numeric_dtype(frame[c])]


def extra_charts(runs: Runs) -> list[Option]:
    """One per-registry chart for each numeric output that the other tabs do not draw."""
    return [
        _per_registry(f"{column_title(c)} by registry", runs, c, column_title(c).lower(), 1e-9)
        for c in extra_columns(runs[0])
    ]


def _matrix_chart(
    title: str,
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
    data = [[j, i, int(matrix[i, j])] for i in range(n) for j in range(n) if diagonal or i != j]
    option = {
        "animation": False,
        "_month": month,
        "title": _title(title),
        "tooltip": {"position": "top", "confine": True},
        "grid": {"left": 90, "right": 24, "top": 50, "bottom": 90},
        # every registry named, also where the labels would crowd (ECharts then skips some)
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "fontSize": 11}},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "visualMap": _heatmap_scale(max((d[2] for d in data), default=0)),
        "series": [{"type": "heatmap", "name": series, "data": data, "label": {"show": True}}],
    }
    if axes:
        option["xAxis"].update(name="to", nameLocation="middle", nameGap=30)
        option["yAxis"]["name"] = "from"
    if note:
        style = {"fontSize": 11, "color": "#555", "lineHeight": 14}
        option["title"].update(subtext=note, subtextStyle=style, itemGap=4)
        option["grid"]["top"] = 54 + 14 * (note.count("\n") + 1)
    return option


def flows_charts(runs: Runs) -> list[Option]:
    """Moves so far, origin (rows) -> destination (columns), one heatmap per run; moves a month."""
    charts = []
    for run in runs:
        model = run.model
        suffix = f" ({run.short})" if len(runs) > 1 else ""
        note = f"{int(model.flow_members.sum()):,} holders, {int(model.flow_ipv4.sum()):,} /24 blocks"
        charts.append(
            _matrix_chart(
                f"Moves so far{suffix}",
                run.names,
                model.flow_members,
                "moves",
                model.steps,
                diagonal=False,
                note=note,
            )
        )
    monthly = _base("Moves a month", "holders who moved", runs[0].model.steps, y_min=0)
    for k, run in enumerate(runs):
        monthly["series"].append(_line(run.short, run.frame.moves.to_numpy(), "#333333", DASHES[k], 1.6))
    charts.append(monthly)
    return charts


def _net_sales(run: RunData) -> pd.DataFrame:
    """/24s each registry's members have bought from other registries' members so far, less those sold."""
    return (run.wide("sales_in") - run.wide("sales_out")).cumsum()


def market_charts(runs: Runs) -> list[Option]:
    """The IPv4 transfer market: price, sales a month, sales by origin -> destination, pools."""
    months = runs[0].model.steps
    notes = [f"solid: {runs[0].short}  ·  dashed: {runs[1].short}"] if len(runs) > 1 else []
    market_off = any(getattr(run.model.p, "market", "on") == "off" for run in runs)
    price = _base(output_label("ipv4_price"), output_unit("ipv4_price"), months, y_min=0)
    volume = _base(
        f"{output_label('ipv4_transferred')} a month", output_unit("ipv4_transferred"), months, y_min=0
    )
    for k, run in enumerate(runs):
        suffix = "" if len(runs) == 1 else f" · {run.short}"
        price["series"].append(
            _line(
                f"{output_label('ipv4_price')}{suffix}",
                run.frame.ipv4_price.to_numpy(),
                "#333333",
                DASHES[k],
                2.0,
            )
        )
        for column, colour in (("ipv4_transferred", PALETTE[0]), ("ipv4_inter_rir", PALETTE[4])):
            volume["series"].append(
                _line(output_label(column) + suffix, run.frame[column].to_numpy(), colour, DASHES[k], 1.8)
            )
    if market_off:
        notes.append("with the market off: no sales, and the price stays at its start")
    charts = [
        _subtitle(_legend_once(price, runs), list(notes)),
        _subtitle(_legend_once(volume, runs), list(notes)),
    ]
    for run in runs:
        n = len(run.names)
        sold = run.model.flow_frame().sold_ipv4.to_numpy().reshape(n, n)
        between = int(sold.sum() - np.trace(sold))
        suffix = f" ({run.short})" if len(runs) > 1 else ""
        share = f", {100 * between / sold.sum():.1f}% between registries" if sold.sum() else ""
        note = (
            f"{int(sold.sum()):,} /24 blocks{share}\n"
            "rows: sellers' registry; columns: buyers'; the diagonal: inside one registry"
        )
        charts.append(
            _matrix_chart(
                f"IPv4 sold so far{suffix}", run.names, sold, "/24 blocks sold", run.model.steps, note=note
            )
        )
    charts += [
        _per_registry("Free IPv4 pool by registry", runs, "pool", "/24 blocks left", 0.5, y_min=0),
        _per_registry(
            "IPv4 bought from other registries, net, so far",
            runs,
            _net_sales,
            "/24 blocks, bought less sold",
            0.5,
        ),
    ]
    for option in charts[-2:]:  # room for five-digit, signed tick labels
        option["grid"]["left"] = 80
        option["yAxis"]["nameGap"] = 62
    return charts


HOLDING_BINS = np.array([0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, np.inf])


def holders_charts(runs: Runs) -> list[Option]:
    """Distribution views: holders by size of holding and registry; holders away from home."""
    charts = []
    for run in runs:
        s, names = run.model.holders, run.names
        labels = [
            f"{int(lo)}-{int(hi) - 1}"
            if np.isfinite(hi) and hi - lo > 1
            else (f"{int(lo)}" if np.isfinite(hi) else f"{int(lo)}+")
            for lo, hi in itertools.pairwise(HOLDING_BINS)
        ]
        which = np.digitize(s.ipv4, HOLDING_BINS[1:-1], right=False)
        suffix = f" ({run.short})" if len(runs) > 1 else ""
        histogram = {
            "animation": False,
            "_month": run.model.steps,
            "title": {
                "text": f"Holders by size of IPv4 holding{suffix}",
                "left": "center",
                "textStyle": {"fontSize": 13},
            },
            "tooltip": {"trigger": "axis", "confine": True, "axisPointer": {"type": "shadow"}},
            "legend": {"top": 24, "type": "scroll"},
            "grid": {"left": 64, "right": 24, "top": 62, "bottom": 44},
            "xAxis": {
                "type": "category",
                "data": labels,
                "name": "/24 blocks held",
                "nameLocation": "middle",
                "nameGap": 26,
            },
            "yAxis": {"type": "value", "name": "holders", "nameLocation": "middle", "nameGap": 46},
            "series": [
                {
                    "type": "bar",
                    "name": name,
                    "stack": "holders",
                    "itemStyle": {"color": _colour(r)},
                    "data": np.bincount(which[s.registry == r], minlength=len(labels)).tolist(),
                }
                for r, name in enumerate(names)
            ],
        }
        away = np.bincount(s.registry[s.registry != s.home], minlength=len(names))
        members = np.bincount(s.registry, minlength=len(names))
        home = {
            "animation": False,
            "_month": run.model.steps,
            "title": _title(f"Members registered away from home{suffix}"),
            "tooltip": {"trigger": "axis", "confine": True, "axisPointer": {"type": "shadow"}},
            "legend": {"top": 24},
            "grid": {"left": 64, "right": 24, "top": 62, "bottom": 44},
            "xAxis": {"type": "category", "data": names},
            "yAxis": {"type": "value", "name": "members", "nameLocation": "middle", "nameGap": 46},
            "series": [
                _bar("home region", (members - away).tolist(), "#999999", "m"),
                _bar("from another region", away.tolist(), "#0072B2", "m"),
            ],
        }
        charts += [histogram, home]
    return charts


def _bar(name: str, data: list, colour: str, stack: str) -> Option:
    return {"type": "bar", "name": name, "stack": stack, "itemStyle": {"color": colour}, "data": data}


def _heatmap_scale(top: int) -> Option:
    return {
        "min": 0,
        "max": max(1, top),
        "calculable": True,
        "orient": "horizontal",
        "left": "center",
        "bottom": 0,
        "inRange": {"color": ["#f7fbff", "#08519c"]},
    }


def peering_matrix(model: PortabilityModel) -> np.ndarray:
    """Peering links between the members of each pair of registries (now)."""
    s = model.holders
    n = len(model.registries)
    owner = np.repeat(np.arange(s.size), np.diff(s.peer_start))
    a, b = s.registry[owner], s.registry[s.peers]
    keep = owner < s.peers  # each link once
    return np.bincount(a[keep] * n + b[keep], minlength=n * n).reshape(n, n)


def peering_sample(model: PortabilityModel, size: int = 20, peers: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """The `size` largest holders, each with its `peers` largest peers, and every link among them.

    Holders without a link in the sample are dropped, so every node drawn has an edge.
    """
    s = model.holders
    largest = np.argsort(s.ipv4)[::-1][:size]
    chosen = set(largest.tolist())
    for h in largest:
        mine = s.peers[s.peer_start[h] : s.peer_start[h + 1]]
        chosen |= set(mine[np.argsort(s.ipv4[mine])[::-1][:peers]].tolist())
    inside = np.zeros(s.size, dtype=bool)
    inside[list(chosen)] = True
    edges = sorted(
        {
            (min(h, int(p)), max(h, int(p)))
            for h in chosen
            for p in s.peers[s.peer_start[h] : s.peer_start[h + 1]]
            if inside[p]
        }
    )
    edges_array = np.array(edges, dtype=np.int64).reshape(-1, 2)
    return np.unique(edges_array.ravel()), edges_array


def peering_charts(
    runs: Runs, layouts: Sequence[tuple[np.ndarray, np.ndarray, dict[int, Any]]]
) -> list[Option]:
    """Per run: peering between registries (a heatmap), and the largest holders' links."""
    charts = []
    for run, (nodes, edges, positions) in zip(runs, layouts, strict=True):
        model, names = run.model, run.names
        suffix = f" ({run.short})" if len(runs) > 1 else ""
        matrix = peering_matrix(model)
        both = matrix + matrix.T - np.diag(np.diag(matrix))
        note = "between the members of each pair of registries"
        charts.append(
            _matrix_chart(f"Peering links{suffix}", names, both, "links", model.steps, axes=False, note=note)
        )
        s = model.holders
        biggest = float(s.ipv4[nodes].max()) if nodes.size else 1.0
        data = []
        for h in nodes.tolist():
            r = int(s.registry[h])
            moved = r != int(s.home[h])
            data.append(
                {
                    "name": f"holder {h}",
                    "x": float(positions[h][0]),
                    "y": float(positions[h][1]),
                    "category": r,
                    "symbolSize": 5 + 22 * float(np.sqrt(s.ipv4[h] / biggest)),
                    "value": int(s.ipv4[h]),
                    "itemStyle": {
                        "borderColor": "#000" if moved else _colour(r),
                        "borderWidth": 2 if moved else 0,
                    },
                }
            )
        charts.append(
            {
                "animation": False,
                "_month": model.steps,
                "title": {
                    "text": f"Largest holders and their peers{suffix}",
                    "left": "center",
                    "subtext": "the 20 largest holders and their largest peers\n"
                    "colour: registry now; size: IPv4 held; black ring: registered away from home",
                    "subtextStyle": {"lineHeight": 14},
                    "itemGap": 4,
                    "textStyle": {"fontSize": 13},
                },
                "tooltip": {"confine": True},
                "legend": {"top": 60, "data": names},
                "series": [
                    {
                        "type": "graph",
                        "layout": "none",
                        "roam": True,
                        "top": 96,
                        "categories": [
                            {"name": n, "itemStyle": {"color": _colour(i)}} for i, n in enumerate(names)
                        ],
                        "data": data,
                        "links": [
                            {"source": f"holder {a}", "target": f"holder {b}"} for a, b in edges.tolist()
                        ],
                        "lineStyle": {"color": "#777", "opacity": 0.5, "width": 0.8},
                    }
                ],
            }
        )
    return charts


def replicate_chart(title: str, y_name: str, bands: Sequence[tuple[str, pd.DataFrame]], month: int) -> Option:
    """Mean and 90% interval over seeds, per run: `bands` holds (label, frame of step, mean, low, high)."""
    option = _base(title, y_name, month, y_min=0)
    for k, (label, band) in enumerate(bands):
        colour = ["#0072B2", "#D55E00"][k % 2]
        low, high = band["low"].to_numpy(), band["high"].to_numpy()
        option["series"] += [
            _line(f"{label}: 5%", low, colour, "solid", 0, stack=f"band{k}", lineStyle={"opacity": 0}),
            _line(
                f"{label}: 5-95% range",
                high - low,
                colour,
                "solid",
                0,
                stack=f"band{k}",
                areaStyle={"color": colour, "opacity": 0.18},
                lineStyle={"opacity": 0},
            ),
            _line(f"{label}: mean", band["mean"].to_numpy(), colour, DASHES[k % 2], 2.0),
        ]
    return option
