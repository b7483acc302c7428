"""Files to download: a chart as PNG, SVG or CSV, each run's frames, and the whole run as a zip.

Every file says where it came from (`Provenance`): a figure in its caption and metadata, a
CSV in `#` lines above its header (read it with `pandas.read_csv(path, comment="#")`), the zip
in its README. The zip's settings files are scenario files that `python -m runs run` reads:
its README gives the exact command that reproduces each run, month by month.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from model import Params
from model.words import param_label, regime_title, remedy_title
from viz.charts.options import Option
from viz.figures import render, render_all
from viz.labels import scenario
from viz.provenance import model_version, reproduce_command, settings_hash, settings_toml, slug, today
from viz.setup import Setup

__all__ = ["Provenance", "chart_file", "chart_table", "draw_here", "frame_csv", "run_zip"]

MIME = {"png": "image/png", "svg": "image/svg+xml", "csv": "text/csv", "zip": "application/zip"}


@dataclass(frozen=True)
class RunInfo:
    """One run's settings, as an export states them."""

    setup: Setup
    short: str
    params: Params
    holders: int

    @property
    def changed(self) -> list[str]:
        """Every parameter set otherwise than the scenario does, in words."""
        out = ["the regime, not the scenario's"] if self.setup.regime else []
        return out + [f"{param_label(k)} = {v}" for k, v in self.setup.overrides]

    @property
    def hash(self) -> str:
        """The settings' hash (every parameter and the seed)."""
        return settings_hash(self.params, self.setup.seed)

    def words(self) -> str:
        """The run in one line: scenario, regime, remedy, changes, seed, scale."""
        name = self.setup.scenario
        changed = "; changed: " + ", ".join(self.changed) if self.changed else ""
        return (
            f"{scenario(name).title} (scenario {name}); regime: {regime_title(self.params.regime)};"
            f" remedy: {remedy_title(self.params.remedy)}{changed}; seed {self.setup.seed};"
            f" scale {self.params.scale:g} ({self.holders:,} holders); settings {self.hash}"
        )


@dataclass(frozen=True)
class Provenance:
    """What every export of the page says about its runs: settings, month, seeds, version, link."""

    runs: tuple[RunInfo, ...]
    month: int
    seeds: tuple[int, ...] = ()
    query: str = ""

    @classmethod
    def of(
        cls, runs: Sequence[tuple[Setup, str, Params, int]], month: int, seeds: Sequence[int], query: str
    ) -> Provenance:
        """From (setup, short name, parameters, holders) per run."""
        return cls(tuple(RunInfo(*r) for r in runs), month, tuple(seeds), query)

    def lines(self, href: str = "") -> list[str]:
        """The provenance, one statement a line."""
        out = []
        for k, run in enumerate(self.runs):
            style = ("solid", "dashed")[k] if len(self.runs) > 1 else ""
            lead = f"Run {k + 1} ({style}, {run.short}): " if style else "Run: "
            out.append(lead + run.words())
        out.append(f"Month {self.month}")
        if self.seeds:
            out.append(f"Band: 90% of {len(self.seeds)} seeds ({self.seeds[0]}-{self.seeds[-1]})")
        out.append(f"Model: rir-portability {model_version()}; made {today()}")
        link = href or (f"?{self.query}" if self.query else "")
        if link:
            out.append(f"Link: {link}")
        return out

    def caption(self, href: str = "") -> str:
        """The provenance as one caption."""
        return ". ".join(self.lines(href)) + "."

    @property
    def stem(self) -> str:
        """A file name's stem that no other run (or month) shares."""
        parts = []
        for run in self.runs:
            parts.append(
                f"{slug(run.setup.scenario)}_{slug(run.params.regime)}_{slug(run.params.remedy)}"
                f"_seed{run.setup.seed}_{run.hash}"
            )
        return "rir-portability_" + "_vs_".join(parts) + f"_month{self.month}"


def chart_table(option: Option) -> pd.DataFrame:
    """The data behind a chart: one row per month (or category, or matrix cell), one column per series."""
    types = {s.get("type") for s in option.get("series", [])}
    if "heatmap" in types:
        names = option["xAxis"]["data"]
        rows = [{"from": names[i], "to": names[j], "value": v} for j, i, v in option["series"][0]["data"]]
        return pd.DataFrame(rows)
    if "graph" in types:
        return pd.DataFrame(
            [
                {"holder": d["name"], "registry_index": d["category"], "ipv4": d["value"]}
                for d in option["series"][0]["data"]
            ]
        )
    x_axis = option["xAxis"][0] if isinstance(option["xAxis"], list) else option["xAxis"]
    index = x_axis.get("data", [])
    table = {("month" if "bar" not in types else "category"): index}
    for s in option["series"]:
        data = s.get("data") or []
        if not data:
            continue
        sid = s.get("id", "")
        if sid.startswith("band-low:"):
            table[f"{sid.split(':', 1)[1]}: 5%"] = data
        elif sid.startswith("band-range:"):
            who = sid.split(":", 1)[1]
            low = table[f"{who}: 5%"]
            table[f"{who}: 95%"] = [
                None if a is None or b is None else a + b for a, b in zip(low, data, strict=True)
            ]
        elif sid.startswith("band-mean:"):
            table[f"{sid.split(':', 1)[1]}: mean"] = data
        else:
            table[sid.split(":", 1)[1] if sid.startswith("seed:") else s.get("name", "")] = [
                d.get("value") if isinstance(d, dict) else d for d in data
            ]
    width = len(index)
    return pd.DataFrame({k: list(v)[:width] + [None] * (width - len(v)) for k, v in table.items()})


def frame_csv(frame: pd.DataFrame, lines: list[str]) -> bytes:
    """A CSV with the provenance above its header, as `#` lines."""
    head = "".join(f"# {line}\n" for line in lines)
    return (head + frame.to_csv(index=False)).encode("utf-8")


def _heading(option: Option) -> str:
    return option.get("title", {}).get("text", "chart").replace("\n", " ")


def chart_file(option: Option, kind: str, provenance: Provenance, href: str = "") -> tuple[bytes, str, str]:
    """(bytes, file name, MIME type) of a chart as PNG, SVG or CSV, with its provenance."""
    heading = _heading(option)
    name = f"{provenance.stem}_{slug(heading)}.{kind}"
    if kind == "csv":
        return frame_csv(chart_table(option), [heading, *provenance.lines(href)]), name, MIME["csv"]
    return render(option, f"{heading}. {provenance.caption(href)}", kind), name, MIME[kind]


Draw = Callable[[list[tuple[Option, str]]], list[dict[str, bytes]]]


def draw_here(figures: list[tuple[Option, str]]) -> list[dict[str, bytes]]:
    """Each (option, caption) as PNG and SVG, in this process."""
    return [render_all(option, caption) for option, caption in figures]


def run_zip(
    provenance: Provenance,
    models: Sequence,
    charts: dict[str, list[Option]],
    href: str = "",
    draw: Draw = draw_here,
) -> bytes:
    """The run (and the compared run) as a zip: README, settings files, frames as CSV, every chart.

    `draw` makes the figures (the app draws them in its worker process, away from the page).
    """
    buffer = io.BytesIO()
    lines = provenance.lines(href)
    readme = ["rir-portability: this run, as downloaded from the app", "", *lines, "", "Reproduce each run:"]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for k, (run, model) in enumerate(zip(provenance.runs, models, strict=True)):
            name = "settings.toml" if len(provenance.runs) == 1 else f"settings-run{k + 1}.toml"
            data = "data" if len(provenance.runs) == 1 else f"data-run{k + 1}"
            archive.writestr(
                name,
                settings_toml(
                    run.params,
                    title=scenario(run.setup.scenario).title,
                    description=run.words(),
                    months=provenance.month,
                ),
            )
            again = "reproduced" if len(provenance.runs) == 1 else f"reproduced-run{k + 1}"
            command = reproduce_command(name, run.setup.seed, provenance.month, f"{again}/model.csv")
            readme += [
                f"  {command}",
                f"  (its model.csv, model_registries.csv, model_events.csv equal {data}/)",
            ]
            for kind, frame in (
                ("model", model.model_frame()),
                ("model_registries", model.registry_frame()),
                ("model_events", model.event_frame()),
                ("flows", model.flow_frame()),
            ):
                archive.writestr(f"{data}/{kind}.csv", frame_csv(frame, lines))
        if provenance.month == 0:
            readme.append("  (month 0: `run` needs at least one month; compare its first row)")
        readme += ["", "Read a CSV with pandas.read_csv(path, comment='#').", "", "Figures: figures/<tab>/"]
        named = [
            (f"figures/{slug(tab)}/{n:02d}-{slug(_heading(option))}", option)
            for tab, options in charts.items()
            for n, option in enumerate(options, 1)
        ]
        drawn = draw([(option, f"{_heading(option)}. {provenance.caption(href)}") for _, option in named])
        for (stem, option), files in zip(named, drawn, strict=True):
            for kind, data in files.items():
                archive.writestr(f"{stem}.{kind}", data)
            archive.writestr(f"{stem}.csv", frame_csv(chart_table(option), [_heading(option), *lines]))
        archive.writestr("README.txt", "\n".join(readme) + "\n")
    return buffer.getvalue()
