"""The app's views: the month and headline numbers, the summary, the scenario, the charts in tabs.

`Dashboard` re-renders after every step (it reads the step counter); only the open tab
builds its charts, so a step plus redraw stays fast. In compare mode a second model with
the same seed is kept at the same month; the two are drawn in a fixed order (`ordered`).
"""

from __future__ import annotations

from collections.abc import Sequence

import solara

from model import PortabilityModel
from viz.charts.runs import RunData
from viz.ensemble import Ensemble
from viz.exports import Provenance
from viz.labels import tab_class
from viz.setup import Setup, ordered
from viz.views.about import About, HowToCite
from viz.views.dashboard import CHART_TABS, TABS, ChartTab, TabBar, open_tab, tab_slug
from viz.views.export import ExportView
from viz.views.headline import Headline, Summary
from viz.views.story import StoryCard
from viz.views.tabs import EventsView, MoreView, PeeringView, UncertaintyView

__all__ = ["TABS", "About", "Dashboard", "HowToCite", "StoryCard", "run_data", "tab_slug"]


def run_data(
    setup: Setup,
    models: dict[Setup, PortabilityModel],
    ensembles: dict[Setup, Ensemble] | None = None,
) -> list[RunData]:
    """The runs to draw, in their fixed order, each with its model and (when ready) its seeds."""
    ensembles = ensembles or {}
    out = []
    for index, (which, short, long) in enumerate(ordered(setup)):
        model = models[which]
        ensemble = ensembles.get(which)
        out.append(RunData.of(long, short, model, index, ensemble if ensemble and ensemble.seeds else None))
    return out


@solara.component
def Dashboard(
    models: dict[Setup, PortabilityModel],
    current: Setup,
    state: solara.Reactive[Setup],
    month: int,
    until: int,
    tab: solara.Reactive[str],
    ensembles: dict[Setup, Ensemble],
    pending: str,
    query: str,
) -> None:
    """Headline numbers, the summary, the scenario's story, then the charts in tabs.

    `current` is the setup the models were built from; `state` is where a change goes.
    """
    del month  # a prop only so that each step re-renders the dashboard
    runs = run_data(current, models, ensembles)
    seeds: Sequence[int] = runs[0].ensemble.seeds if runs[0].ensemble is not None else ()
    provenance = Provenance.of(
        [
            (s, run.short, run.model.p, run.model.holders.size)
            for (s, _, _), run in zip(ordered(current), runs, strict=True)
        ],
        runs[0].month,
        seeds,
        query,
    )
    Headline(runs, until, pending)
    Summary(runs)
    StoryCard(current, state, runs)
    TabBar(tab)
    name = open_tab(tab)
    with solara.Column(classes=[tab_class(name)]):  # only the open tab is built
        if name in CHART_TABS:
            ChartTab(CHART_TABS[name], runs, provenance)
        elif name == "Peering":
            PeeringView(runs, provenance)
        elif name == "Uncertainty":
            UncertaintyView(runs, provenance, pending)
        elif name == "More":
            MoreView(runs, provenance)
        elif name == "Events":
            EventsView(runs)
        else:
            ExportView(runs, provenance)
