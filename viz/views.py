"""The app's views: headline numbers, charts in tabs, the event log, export, compare mode.

`Dashboard` is the one component handed to Mesa's SolaraViz; it re-renders after every step
(Mesa's `update_counter`). Only the open tab draws its figure, so a step plus redraw stays
fast. In compare mode a second model with the same seed is kept at the same step.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import numpy as np
import pandas as pd
import solara
import solara.lab
from mesa.visualization.utils import update_counter
from solara.components.echarts import EchartsWidget

from model import PortabilityModel
from viz import charts
from viz.controls import SLIDER_FIELDS, Setup

__all__ = ["Dashboard", "comparison_model", "headline"]

HEADLINE = {
    "quality_experienced": "Quality experienced",
    "worst_quality": "Worst registry's quality",
    "moves": "Moves so far",
    "ipv4_at_risk": "IPv4 at risk (%)",
    "welfare": "Welfare",
}


def comparison_model(model: PortabilityModel, setup: Setup) -> PortabilityModel | None:
    """The compare-mode run: the other regime or scenario, with this run's seed and sliders."""
    other = setup.compared()
    if other is None:
        return None
    sliders = {name: getattr(model.p, name) for name in SLIDER_FIELDS}
    return PortabilityModel(other.params(**sliders), seed=model.seed)


def headline(runs: list[charts.RunData]) -> pd.DataFrame:
    """The headline numbers now, one column per run (and their difference in compare mode)."""
    table = {}
    for run in runs:
        frame = run.frame
        last = frame.iloc[-1]
        table[run.label] = [
            last.quality_experienced,
            last.worst_quality,
            int(frame.moves.sum()),
            100 * last.ipv4_at_risk,
            last.welfare,
        ]
    out = pd.DataFrame(table, index=list(HEADLINE.values()))
    if len(runs) == 2:
        out["difference"] = out.iloc[:, 0] - out.iloc[:, 1]
    return out


@solara.component
def Dashboard(model: PortabilityModel, setup: Setup) -> None:
    """Headline numbers, then the charts in tabs (only the open tab draws), the log and export."""
    update_counter.get()  # re-render after each step
    other = solara.use_memo(lambda: comparison_model(model, setup), [model, setup.compare])
    if other is not None:
        while other.steps < model.steps:
            other.step()
    step = model.steps
    pairs = [(setup.label(), model)] + ([(setup.compared().label(), other)] if other is not None else [])
    runs = [charts.RunData.of(label, m) for label, m in pairs]

    with solara.Card(f"Month {step}" + (" — comparing two runs, same seed" if other else "")):
        table = headline(runs)
        with solara.Row(classes=["headline"], style={"flex-wrap": "wrap"}):
            for name in table.index:
                values = " vs ".join(_fmt(v) for v in table.loc[name, [run.label for run in runs]])
                extra = f" (Δ {_fmt(table.loc[name, 'difference'])})" if len(runs) == 2 else ""
                solara.Info(f"{name}: {values}{extra}", dense=True, icon=False, style={"min-width": "190px"})

    with solara.lab.Tabs(lazy=True):
        with solara.lab.Tab("Registries"):
            _Charts(charts.quality_charts, runs)
        with solara.lab.Tab("Resources"):
            _Charts(charts.shares_charts, runs)
        with solara.lab.Tab("Accountability"):
            _Charts(charts.accountability_charts, runs)
        with solara.lab.Tab("Flows"):
            _Charts(charts.flows_charts, runs)
        with solara.lab.Tab("Peering graph"):
            _Peering(model, step)
        with solara.lab.Tab("Events"):
            _Events(runs)
        with solara.lab.Tab("Export"):
            _Export(runs)


@solara.component
def _Charts(make: Callable[[list[charts.RunData]], list[dict]], runs: list[charts.RunData]) -> None:
    """Charts two to a row, built only when their tab is open; the browser draws them."""
    options = make(runs)
    for row in range(0, len(options), 2):
        with solara.Columns([1] * len(options[row : row + 2])):
            for option in options[row : row + 2]:
                _EChart(option, height=330)


@solara.component
def _EChart(option: dict, height: int) -> None:
    """An ECharts figure whose option is assigned to the widget, not passed as a prop.

    Reacton walks every prop value looking for child elements; an option holds thousands of
    points, so as a prop it would cost more than the model's step. Assigned in an effect, it
    goes straight to the browser.
    """
    element = EchartsWidget.element(attributes={"style": f"height: {height}px;"})  # no option prop

    def push() -> None:
        solara.get_widget(element).option = option

    solara.use_effect(push, [option])


@solara.component
def _Peering(model: PortabilityModel, step: int) -> None:
    def layout() -> tuple[np.ndarray, np.ndarray, dict]:
        nodes, edges = charts.peering_sample(model)
        graph = nx.Graph()
        graph.add_nodes_from(nodes.tolist())
        graph.add_edges_from(edges.tolist())
        return nodes, edges, nx.spring_layout(graph, seed=model.seed, iterations=40)

    nodes, edges, positions = solara.use_memo(layout, [model])
    _EChart(charts.peering_chart(model, nodes, edges, positions), height=520)


@solara.component
def _Events(runs: list[charts.RunData]) -> None:
    for run in runs:
        events = run.events
        solara.Markdown(f"**{run.label}**: {len(events)} events")
        if len(events):
            solara.DataFrame(events, items_per_page=15)


@solara.component
def _Export(runs: list[charts.RunData]) -> None:
    solara.Markdown("Download this run's data as CSV (one row per month; per registry; per event).")
    for run in runs:
        label, model = run.label, run.model
        stem = f"{label.replace(' / ', '_')}_seed{model.seed}_month{model.steps}"
        with solara.Row():
            for kind, frame in (
                ("model", model.model_frame),
                ("registries", model.registry_frame),
                ("events", model.event_frame),
            ):
                solara.FileDownload(
                    lambda frame=frame: frame().to_csv(index=False).encode(),
                    filename=f"{stem}_{kind}.csv",
                    label=f"{kind} ({label})",
                    mime_type="text/csv",
                )


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:.3f}"
