"""The tabs that are more than charts: peering (a laid-out graph), uncertainty, more, events."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import solara

from model.words import EVENT_TITLES, registry_label
from viz import charts
from viz.charts.runs import Runs
from viz.charts.uncertainty import outcome_table
from viz.exports import Provenance
from viz.views.dashboard import Grid, chart_height, seal

__all__ = ["EventsView", "MoreView", "PeeringView", "UncertaintyView", "event_table", "peering_layouts"]


def peering_layouts(runs: Runs) -> list[tuple[np.ndarray, np.ndarray, dict]]:
    """The largest holders and their links, laid out (seeded by the run's seed)."""
    out = []
    for run in runs:
        nodes, edges = charts.peering_sample(run.model)
        graph = nx.Graph()
        graph.add_nodes_from(nodes.tolist())
        graph.add_edges_from(edges.tolist())
        out.append((nodes, edges, nx.spring_layout(graph, seed=run.model.seed, iterations=50)))
    return out


@solara.component
def PeeringView(runs: Runs, provenance: Provenance) -> None:
    """Peering between registries, and the largest holders' links (laid out once per model)."""
    computed = solara.use_memo(lambda: peering_layouts(runs), [tuple(id(r.model) for r in runs)])
    Grid(seal(charts.peering_charts(runs, computed)), provenance, height=460)


@solara.component
def UncertaintyView(runs: Runs, provenance: Provenance, pending: str) -> None:
    """Every seed's line, the mean and the 90% range of the key measures; each seed's outcome."""
    ready = [run for run in runs if run.ensemble is not None]
    # the seeds do not change with the month: their charts and table are made once
    key = tuple(id(run.ensemble) for run in ready)
    sealed = solara.use_memo(lambda: seal(charts.seeds_charts(ready)), key)
    rows = solara.use_memo(lambda: outcome_table(ready), key)
    if not ready:
        solara.Markdown(pending or "Choose a number of seeds (Seeds for the 90% band, in the sidebar).")
        return
    ensemble = ready[0].ensemble
    solara.Markdown(
        f"The same run with {len(ensemble.seeds)} seeds ({ensemble.seeds[0]}-{ensemble.seeds[-1]}: this run's"
        f" seed and the next), to month {ensemble.months}: how much of what you see is chance. Thin lines:"
        " each seed; thick: the mean; shaded: the range 90% of the seeds fall in."
    )
    Grid(sealed, provenance, height=chart_height(runs))
    table = pd.DataFrame(rows)
    table = pd.DataFrame(
        {
            "Run": table.run,
            "Seed": table.seed,
            "Quality experienced": table.quality.round(3),
            "IPv4 at risk, peak (%)": table.at_risk_peak.round(2),
            "Holder-months at risk": table.stuck.round().astype(int),
            "IPv4 price (USD)": table.price.round(1),
        }
    )
    solara.Markdown(
        f"**Each seed's outcome** at month {ensemble.months} (IPv4 at risk: at degraded or failed registries;"
        " holder-months: real-world equivalents)"
    )
    solara.DataFrame(table, items_per_page=len(table))


@solara.component
def MoreView(runs: Runs, provenance: Provenance) -> None:
    """Model outputs per registry that no other tab draws."""
    extra = charts.extra_columns(runs[0])
    solara.Markdown(
        "Model outputs per registry that the other tabs do not draw: "
        + (
            ", ".join(registry_label(c).lower() for c in extra) + "."
            if extra
            else "none in this version of the model."
        )
    )
    if extra:
        Grid(seal(charts.extra_charts(runs)), provenance, height=chart_height(runs))


def event_table(events: pd.DataFrame) -> pd.DataFrame:
    """The event log in words: month, registry, what happened, details."""
    return pd.DataFrame(
        {
            "Month": events.step.to_numpy(),
            "Registry": events.registry.to_numpy(),
            "What happened": [EVENT_TITLES.get(k, k.replace("_", " ")) for k in events.kind],
            "Details (counts of the sample)": events.detail.to_numpy(),
        }
    )


@solara.component
def EventsView(runs: Runs) -> None:
    """Each run's event log, in words."""
    for run in runs:
        events = run.events
        solara.Markdown(f"**{run.label}**: {len(events)} events")
        if len(events):
            solara.DataFrame(event_table(events), items_per_page=10)
