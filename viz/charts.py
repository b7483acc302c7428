"""Charts of one run, or of two runs compared: pure functions from models to ECharts options.

The browser draws the charts (ECharts), so a step only sends new data: the server's part of
a redraw is building these dicts. Each function takes `runs`, a list of (label, model)
pairs: one run, or two in compare mode, the second drawn dashed in the same colours.
Registry colours are the Okabe-Ito palette (colour-blind safe).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from model import PortabilityModel

__all__ = [
    "PALETTE",
    "RunData",
    "accountability_charts",
    "flows_charts",
    "peering_chart",
    "peering_sample",
    "quality_charts",
    "shares_charts",
]

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
DASHES = ["solid", "dashed"]
Option = dict[str, Any]


@dataclass(frozen=True)
class RunData:
    """One run as the charts see it: its model and its frames, built once per step."""

    label: str
    model: PortabilityModel
    frame: pd.DataFrame
    registries: pd.DataFrame
    events: pd.DataFrame

    @classmethod
    def of(cls, label: str, model: PortabilityModel) -> RunData:
        """Read the model's frames now."""
        return cls(label, model, model.model_frame(), model.registry_frame(), model.event_frame())


Runs = Sequence[RunData]


def _colours(model: PortabilityModel) -> dict[str, str]:
    return {r.name: PALETTE[i % len(PALETTE)] for i, r in enumerate(model.registries)}


def _base(title: str, y_name: str, *, y_min: float | None = None, y_max: float | None = None) -> Option:
    return {
        "animation": False,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "axis", "valueFormatter": None},
        "legend": {"top": 24, "type": "scroll"},
        "grid": {"left": 64, "right": 24, "top": 62, "bottom": 44},
        "xAxis": {"type": "value", "name": "month", "nameLocation": "middle", "nameGap": 26, "min": 0},
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


def _events(run: RunData, registry: str) -> dict[str, Any]:
    """Governance events of `registry` as shaded areas, insolvencies as dotted lines."""
    model = run.model
    rows = run.events[run.events.registry == registry]
    starts = rows[rows.kind == "governance_start"].step.tolist()
    ends = rows[rows.kind == "governance_end"].step.tolist()
    areas = [
        [{"xAxis": int(s)}, {"xAxis": int(ends[i]) if i < len(ends) else int(model.steps)}]
        for i, s in enumerate(starts)
    ]
    lines = [{"xAxis": int(s)} for s in rows[rows.kind == "insolvency"].step]
    colour = _colours(model)[registry]
    marks: dict[str, Any] = {}
    if areas:
        marks["markArea"] = {"silent": True, "itemStyle": {"color": colour, "opacity": 0.12}, "data": areas}
    if lines:
        marks["markLine"] = {
            "silent": True,
            "symbol": "none",
            "label": {"show": False},
            "lineStyle": {"type": "dotted", "color": colour},
            "data": lines,
        }
    return marks


def _series(name: str, x: Sequence, y: Sequence, colour: str, dash: str, **extra: Any) -> Option:
    return {
        "type": "line",
        "name": name,
        "showSymbol": False,
        "data": np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)]).tolist(),
        "lineStyle": {"color": colour, "type": dash, "width": 1.8},
        "itemStyle": {"color": colour},
        **extra,
    }


def _styles(option: Option, runs: Runs) -> Option:
    """In compare mode, say which line style is which run (series share registry names)."""
    if len(runs) > 1:
        option["title"]["subtext"] = "  ·  ".join(f"{DASHES[k]}: {run.label}" for k, run in enumerate(runs))
        option["legend"]["top"] = 40
        option["grid"]["top"] = 76
    return option


def _per_registry(title: str, runs: Runs, column: str, y_name: str, **bounds: float) -> Option:
    option = _base(title, y_name, **bounds)
    for k, run in enumerate(runs):
        colours = _colours(run.model)
        for registry, rows in run.registries.groupby("registry", sort=False):
            marks = _events(run, registry) if k == 0 else {}
            option["series"].append(
                _series(registry, rows.step, rows[column], colours[registry], DASHES[k], **marks)
            )
    return _styles(option, runs)


def quality_charts(runs: Runs) -> list[Option]:
    """Quality and neutrality of each registry over time; governance events shaded."""
    return [
        _per_registry("Service quality by registry", runs, "quality", "quality (0-1)", y_min=0, y_max=1),
        _per_registry("Neutrality by registry", runs, "neutrality", "neutrality (0-1)", y_min=0, y_max=1),
    ]


def shares_charts(runs: Runs) -> list[Option]:
    """IPv4 and ASN shares by registry over time, stacked; one pair of charts per run."""
    charts = []
    for run in runs:
        colours = _colours(run.model)
        for column, what in (("ipv4_share", "IPv4"), ("asn_share", "ASNs")):
            suffix = f" ({run.label})" if len(runs) > 1 else ""
            option = _base(f"Share of {what} by registry{suffix}", "share", y_min=0, y_max=1)
            for registry, rows in run.registries.groupby("registry", sort=False):
                option["series"].append(
                    _series(
                        registry,
                        rows.step,
                        rows[column],
                        colours[registry],
                        "solid",
                        stack=column,
                        areaStyle={"opacity": 0.85},
                    )
                )
            charts.append(option)
    return charts


def _realised_exit(rows: pd.DataFrame) -> pd.Series:
    """Members who left in the last 12 months, as a share of members a year before."""
    left = rows.outflow.rolling(12, min_periods=1).sum()
    base = rows.members.shift(11).fillna(rows.members.iloc[0]).clip(lower=1)
    return left / base


def accountability_charts(runs: Runs) -> list[Option]:
    """Credible threat of exit against realised exit, effort, and resources at risk."""
    threat = _per_registry("Credible threat of exit", runs, "exit_threat", "fee-weighted share of members")
    effort = _per_registry("Registry effort", runs, "effort", "effort (0-1)", y_min=0, y_max=1)
    realised = _base("Realised exit", "members lost in 12 months (share)")
    risk = _base("Resources at risk", "IPv4 at degraded or failed registries (%)")
    for k, run in enumerate(runs):
        colours = _colours(run.model)
        for registry, rows in run.registries.groupby("registry", sort=False):
            realised["series"].append(
                _series(registry, rows.step, _realised_exit(rows), colours[registry], DASHES[k])
            )
        frame = run.frame
        risk["series"].append(_series(run.label, frame.step, frame.ipv4_at_risk * 100, "#333333", DASHES[k]))
    return [threat, _styles(realised, runs), effort, risk]


def flows_charts(runs: Runs) -> list[Option]:
    """Moves so far, origin (rows) -> destination (columns): one heatmap per run."""
    charts = []
    for run in runs:
        label, model = run.label, run.model
        names = [r.name for r in model.registries]
        counts = model.flow_members
        data = [[j, i, int(counts[i, j])] for i in range(len(names)) for j in range(len(names)) if i != j]
        suffix = f" ({label})" if len(runs) > 1 else ""
        charts.append(
            {
                "animation": False,
                "title": {
                    "text": f"Moves so far{suffix}: {int(counts.sum())} holders, "
                    f"{int(model.flow_ipv4.sum()):,} /24 blocks",
                    "left": "center",
                    "textStyle": {"fontSize": 13},
                },
                "tooltip": {"position": "top"},
                "grid": {"left": 90, "right": 24, "top": 50, "bottom": 90},
                "xAxis": {
                    "type": "category",
                    "data": names,
                    "name": "to",
                    "nameLocation": "middle",
                    "nameGap": 30,
                },
                "yAxis": {"type": "category", "data": names, "name": "from", "inverse": True},
                "visualMap": {
                    "min": 0,
                    "max": max(1, int(counts.max())),
                    "calculable": True,
                    "orient": "horizontal",
                    "left": "center",
                    "bottom": 0,
                    "inRange": {"color": ["#f7fbff", "#08519c"]},
                },
                "series": [{"type": "heatmap", "name": "moves", "data": data, "label": {"show": True}}],
            }
        )
    return charts


def peering_sample(model: PortabilityModel, size: int = 250) -> tuple[np.ndarray, np.ndarray]:
    """A display sample of the peering graph: the largest holders plus random others, and their links."""
    s = model.holders
    rng = np.random.default_rng(model.seed)  # display only: its own stream
    largest = np.argsort(s.ipv4)[::-1][: size // 2]
    rest = np.setdiff1d(np.arange(s.size), largest)
    nodes = np.union1d(largest, rng.choice(rest, min(rest.size, size - largest.size), replace=False))
    inside = np.zeros(s.size, dtype=bool)
    inside[nodes] = True
    edges = [
        (h, p) for h in nodes for p in s.peers[s.peer_start[h] : s.peer_start[h + 1]] if inside[p] and h < p
    ]
    return nodes, np.array(edges, dtype=np.int64).reshape(-1, 2)


def peering_chart(
    model: PortabilityModel, nodes: np.ndarray, edges: np.ndarray, positions: dict[int, np.ndarray]
) -> Option:
    """A sample of holders on the peering graph, coloured by current registry, sized by holdings."""
    s = model.holders
    names = [r.name for r in model.registries]
    colours = _colours(model)
    biggest = float(s.ipv4[nodes].max())
    data = []
    for h in nodes.tolist():
        r = int(s.registry[h])
        moved = r != int(s.home[h])
        data.append(
            {
                "name": str(h),
                "x": float(positions[h][0]),
                "y": float(positions[h][1]),
                "category": r,
                "symbolSize": 4 + 26 * float(np.sqrt(s.ipv4[h] / biggest)),
                "value": int(s.ipv4[h]),
                "itemStyle": {
                    "color": colours[names[r]],
                    "borderColor": "#000" if moved else colours[names[r]],
                    "borderWidth": 2 if moved else 0,
                },
            }
        )
    return {
        "animation": False,
        "title": {
            "text": f"Peering graph: {nodes.size} of {s.size:,} holders",
            "left": "center",
            "subtext": "size: IPv4 held (/24 blocks); black ring: registered away from home",
            "textStyle": {"fontSize": 13},
        },
        "tooltip": {},
        "legend": {"top": 44, "data": names},
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "top": 80,
                "categories": [{"name": n, "itemStyle": {"color": colours[n]}} for n in names],
                "data": data,
                "links": [{"source": str(a), "target": str(b)} for a, b in edges.tolist()],
                "lineStyle": {"color": "#999", "opacity": 0.35, "width": 0.6},
            }
        ],
    }
