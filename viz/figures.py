"""A chart's ECharts option drawn again with matplotlib, as PNG or SVG, with its caption.

The app's charts are drawn by the browser; a figure to download is drawn here from the same
option (the same data, colours, dashes, bands and notes), so it can be made without a
browser and carries its caption (what run, which settings, seeds, model version, date) in
the picture and in the file's metadata.
"""

from __future__ import annotations

import io
import textwrap
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: figures are files
import matplotlib.pyplot as plt
import numpy as np

from model.words import INK, LIGHT

__all__ = ["render", "render_all"]

DASH = {"solid": "-", "dashed": "--", "dotted": ":"}
WIDTH_IN, HEIGHT_IN = 8.0, 4.6
CAPTION_CHARS = 120


def _values(data: list[Any]) -> np.ndarray:
    out = []
    for d in data:
        if isinstance(d, dict):
            d = d.get("value")
        elif isinstance(d, list):
            d = d[-1]
        out.append(np.nan if d is None else float(d))
    return np.array(out, dtype=float)


def _axis(option: dict, key: str) -> dict:
    axis = option.get(key) or {}
    return axis[0] if isinstance(axis, list) else axis


def _time(ax: Any, option: dict) -> None:
    stacks: dict[str, np.ndarray] = {}
    for s in option["series"]:
        if s.get("type") != "line":
            continue
        y = _values(s.get("data", []))
        colour = (s.get("lineStyle") or {}).get("color") or (s.get("itemStyle") or {}).get("color") or INK
        x = np.arange(len(y))
        if s.get("stack"):
            base = stacks.get(s["stack"], np.zeros(len(y)))[: len(y)]
            top = base + np.nan_to_num(y)
            stacks[s["stack"]] = top
            if s.get("areaStyle") is not None:
                opacity = s["areaStyle"].get("opacity", 0.7)
                ax.fill_between(x, base, top, color=colour, alpha=opacity, linewidth=0, label=_label(s))
            continue
        if len(y):
            style = s.get("lineStyle") or {}
            ax.plot(
                x,
                y,
                DASH.get(style.get("type", "solid"), "-"),
                color=colour,
                linewidth=max(0.6, float(style.get("width", 1.5)) * 0.6),
                label=_label(s),
            )
        _marks(ax, s)
    y_axis = _axis(option, "yAxis")
    if y_axis.get("type") == "log":
        ax.set_yscale("log")
    bottom, top = y_axis.get("min"), y_axis.get("max")
    if bottom is not None or top is not None:
        ax.set_ylim(bottom=bottom, top=top)
    ax.set_xlim(0, max(1, len(_axis(option, "xAxis").get("data", [])) - 1))
    ax.set_xlabel(_axis(option, "xAxis").get("name", ""))
    ax.set_ylabel(y_axis.get("name", ""))
    ax.grid(alpha=0.25)


def _label(series: dict) -> str | None:
    """The series' legend entry: once per name (matplotlib hides names starting with '_')."""
    name = series.get("name") or ""
    return name if name else None


def _marks(ax: Any, series: dict) -> None:
    for first, last in (series.get("markArea") or {}).get("data", []):
        style = first.get("itemStyle") or {}
        low, high = (first.get("yAxis", 0.0), last.get("yAxis", 1.0)) if "yAxisIndex" in series else (0, 1)
        ax.axvspan(
            first["xAxis"],
            last["xAxis"],
            ymin=low,
            ymax=high,
            color=style.get("color", LIGHT),
            alpha=style.get("opacity", 0.15),
            linewidth=0,
        )
        label = first.get("label") or {}
        if label.get("show"):
            y = high - 0.02 if low >= 0.5 or high == 1.0 else low + 0.02
            ax.text(
                first["xAxis"] + 0.3,
                y,
                label.get("formatter", first.get("name", "")),
                rotation=-90 if y > 0.5 else 90,
                va="top" if y > 0.5 else "bottom",
                ha="left",
                fontsize=7,
                color=INK,
                transform=ax.get_xaxis_transform(),
            )
    for item in (series.get("markLine") or {}).get("data", []):
        ax.axvline(item["xAxis"], color=INK, linestyle=":", linewidth=0.9)


def _heatmap(ax: Any, option: dict) -> None:
    names = _axis(option, "xAxis")["data"]
    grid = np.full((len(names), len(names)), np.nan)
    for j, i, value in option["series"][0]["data"]:
        grid[i, j] = value
    ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(names)), names, fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    for (i, j), value in np.ndenumerate(grid):
        if np.isfinite(value):
            ax.text(j, i, f"{value:,.0f}", ha="center", va="center", fontsize=7)
    ax.set_xlabel(_axis(option, "xAxis").get("name", ""))
    ax.set_ylabel(_axis(option, "yAxis").get("name", ""))


def _bars(ax: Any, option: dict) -> None:
    """Stacked bars (series with a `stack`), or grouped side by side (without); a gap stays a gap."""
    categories = _axis(option, "xAxis")["data"]
    x, base = np.arange(len(categories)), np.zeros(len(categories))
    grouped = [s for s in option["series"] if not s.get("stack")]
    width = 0.8 / max(1, len(grouped))
    for s in option["series"]:
        values, colour = _values(s["data"]), s["itemStyle"]["color"]
        if s.get("stack"):
            ax.bar(x, values, bottom=base, color=colour, label=s["name"])
            base = base + values
        else:
            k = grouped.index(s)
            ax.bar(x - 0.4 + width * (k + 0.5), values, width, color=colour, label=s["name"])
    if _axis(option, "yAxis").get("type") == "log":
        ax.set_yscale("log")
    ax.set_xticks(range(len(categories)), categories, fontsize=8)
    ax.set_xlabel(_axis(option, "xAxis").get("name", ""))
    ax.set_ylabel(_axis(option, "yAxis").get("name", ""))


def _graph(ax: Any, option: dict) -> None:
    series = option["series"][0]
    where = {d["name"]: (d["x"], d["y"]) for d in series["data"]}
    for link in series["links"]:
        (x0, y0), (x1, y1) = where[link["source"]], where[link["target"]]
        ax.plot([x0, x1], [y0, y1], color=LIGHT, linewidth=0.5, zorder=0)
    colours = [c["itemStyle"]["color"] for c in series["categories"]]
    for d in series["data"]:
        ax.scatter(
            d["x"],
            d["y"],
            s=d["symbolSize"] ** 2 / 2,
            color=colours[d["category"]],
            edgecolors=d["itemStyle"]["borderColor"],
            linewidths=d["itemStyle"]["borderWidth"],
        )
    ax.set_axis_off()


def render(option: dict, caption: str, kind: str) -> bytes:
    """The chart as a PNG or SVG (`kind`), its title and notes above, `caption` below."""
    return render_all(option, caption, (kind,))[kind]


def render_all(option: dict, caption: str, kinds: tuple[str, ...] = ("png", "svg")) -> dict[str, bytes]:
    """The chart drawn once, saved in each of `kinds` (PNG, SVG)."""
    for kind in kinds:
        if kind not in ("png", "svg"):
            raise ValueError(f"kind must be 'png' or 'svg'; got {kind!r}")
    heading = option.get("title") or {}
    words = "\n".join(filter(None, [heading.get("subtext"), textwrap.fill(caption, CAPTION_CHARS)]))
    below = (words.count("\n") + 1) * 0.11 + 0.1  # inches of text under the plot
    fig, ax = plt.subplots(figsize=(WIDTH_IN, HEIGHT_IN + below), layout="constrained")
    try:
        fig.get_layout_engine().set(rect=(0, below / (HEIGHT_IN + below), 1, 1 - below / (HEIGHT_IN + below)))
        types = {s.get("type") for s in option.get("series", [])}
        if "heatmap" in types:
            _heatmap(ax, option)
        elif "graph" in types:
            _graph(ax, option)
        elif "bar" in types:
            _bars(ax, option)
        else:
            _time(ax, option)
        ax.set_title(heading.get("text", ""), fontsize=11, loc="center")
        handles, labels = ax.get_legend_handles_labels()
        seen = dict(zip(labels, handles, strict=True))  # one entry per name
        if seen:
            fig.legend(seen.values(), seen.keys(), loc="outside right upper", fontsize=7, frameon=False)
        fig.text(
            0.01, (below - 0.05) / (HEIGHT_IN + below), words, fontsize=6.5, color=INK, va="top", ha="left"
        )
        metadata = {"Title": heading.get("text", ""), "Description": caption}
        out = {}
        for kind in kinds:
            buffer = io.BytesIO()
            fig.savefig(buffer, format=kind, dpi=150, metadata=metadata)
            out[kind] = buffer.getvalue()
        return out
    finally:
        plt.close(fig)
