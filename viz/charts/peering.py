"""The Peering tab: peering links between registries' members, and the largest holders' links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from model import PortabilityModel
from model.words import INK, LIGHT, colour
from viz.charts.options import NOTE_STYLE, Option, legend, matrix_chart, run_note, title
from viz.charts.runs import Runs

__all__ = ["peering_charts", "peering_matrix", "peering_sample"]


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


def _graph(
    model: PortabilityModel, month: int, names: list[str], nodes, edges, positions, who: str
) -> Option:
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
                    "borderColor": INK if moved else colour(r),
                    "borderWidth": 2 if moved else 0,
                },
            }
        )
    rows = [
        *([who] if who else []),
        "the sample's 20 largest holders and their largest peers",
        "colour: registry now; size: IPv4 held;",
        "black ring: registered away from home",
    ]
    down = 14 * len(rows)
    return {
        "animation": False,
        "_month": month,
        "title": title(
            "Largest holders and their peers",
            subtext="\n".join(rows),
            subtextStyle=dict(NOTE_STYLE),
            itemGap=4,
        ),
        "tooltip": {"confine": True},
        "legend": legend(32 + down, data=names),
        "series": [
            {
                "type": "graph",
                "layout": "none",
                "roam": True,
                "top": 68 + down,
                "categories": [{"name": n, "itemStyle": {"color": colour(i)}} for i, n in enumerate(names)],
                "data": data,
                "links": [{"source": f"holder {a}", "target": f"holder {b}"} for a, b in edges.tolist()],
                "lineStyle": {"color": LIGHT, "opacity": 0.5, "width": 0.8},
            }
        ],
    }


def peering_charts(
    runs: Runs, layouts: Sequence[tuple[np.ndarray, np.ndarray, dict[int, Any]]]
) -> list[Option]:
    """Per run: peering between registries (a heatmap, real-world), and the largest holders' links."""
    charts = []
    for run, (nodes, edges, positions) in zip(runs, layouts, strict=True):
        model, names = run.model, run.names
        who = run_note(run.index, run.short) if len(runs) > 1 else ""
        matrix = peering_matrix(model)
        both = (matrix + matrix.T - np.diag(np.diag(matrix))) / run.scale
        note = "\n".join(filter(None, [who, "between the members of each pair of registries (real-world)"]))
        charts.append(matrix_chart("Peering links", names, both, "links", run.month, axes=False, note=note))
        charts.append(_graph(model, run.month, names, nodes, edges, positions, who))
    return charts
