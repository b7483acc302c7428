"""The charts in tabs: only the open tab builds its charts, so a step plus redraw stays fast.

Each chart comes with its download buttons (PNG, SVG, CSV), whose accessible names say
"Download <chart> as ...". The option is assigned to the chart widget in an effect, not passed
as a prop (Reacton would walk its thousands of points on every render).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import ipyvuetify
import solara
import solara.lab

from viz import charts
from viz.charts.runs import Runs
from viz.exports import Provenance, chart_file
from viz.labels import tab_class
from viz.widgets import Chart, Downloads

__all__ = [
    "CHART_TABS",
    "TABS",
    "EChart",
    "Grid",
    "Sealed",
    "TabBar",
    "chart_height",
    "open_tab",
    "seal",
    "tab_slug",
]

#: tab -> the charts it draws (the other tabs are views of their own: viz.views.tabs)
CHART_TABS: dict[str, Callable[[Runs], list[dict]]] = {
    "Registries": charts.quality_charts,
    "Members & money": charts.money_charts,
    "Resources": charts.shares_charts,
    "Accountability": charts.accountability_charts,
    "Remedies": charts.remedies_charts,  # issue 10: the ICP-2 process, enforcement, venue shopping
    "Flows": charts.flows_charts,
    "Market": charts.market_charts,
    "Holders": charts.holders_charts,
}
TABS = [*CHART_TABS, "Peering", "Uncertainty", "More", "Events", "Export"]
KINDS = ("png", "svg", "csv")


def tab_slug(name: str) -> str:
    """A tab's name in the page's address ("Members & money" -> "members-money")."""
    return tab_class(name).removeprefix("tab-")


def chart_height(runs: Runs) -> int:
    """Charts are taller in a comparison: twice the lines, and the bands in halves."""
    return 340 if len(runs) == 1 else 400


@dataclass(frozen=True, eq=False)
class Sealed:
    """A chart's option as one opaque prop.

    Reacton walks the lists and dicts in props looking for elements, and an option holds
    thousands of points: walking them cost more than a step.
    """

    option: dict


def seal(options: list[dict]) -> list[Sealed]:
    """Options ready to pass to `Grid`."""
    return [Sealed(option) for option in options]


@solara.component
def Grid(sealed: list[Sealed], provenance: Provenance, height: int = 340) -> None:
    """Charts two to a row, each with its download buttons; a chart whose option says `_row` starts a row."""
    rows: list[list[Sealed]] = []
    for one in sealed:
        if not rows or len(rows[-1]) == 2 or one.option.get("_row"):
            rows.append([])
        rows[-1].append(one)
    for row in rows:
        with solara.Columns([1] * len(row)):
            for one in row:
                EChart(one, provenance, height=height)


@solara.component
def EChart(sealed: Sealed, provenance: Provenance, height: int) -> None:
    """An ECharts figure and its downloads; the option goes straight to the widget (see module doc)."""
    option = sealed.option
    heading = option.get("title", {}).get("text", "chart").replace("\n", " ")
    items = [{"key": k, "text": k.upper(), "label": f"Download {heading} as {k.upper()}"} for k in KINDS]
    tools = Downloads.element(items=items, class_="chart-tools")
    element = Chart.element(attributes={"style": f"height: {height}px; width: 100%;"})
    # a widget, not solara.Column (a component): the effect below must find both widgets
    ipyvuetify.Html.element(tag="div", class_="chart-box", children=[tools, element])

    def push() -> None:
        solara.get_widget(element).option = option
        solara.get_widget(tools).on_request = lambda key, href: chart_file(option, key, provenance, href)

    solara.use_effect(push, [sealed, provenance])


@solara.component
def ChartTab(make: Callable[[Runs], list[dict]], runs: Runs, provenance: Provenance) -> None:
    """A tab's charts, built only when the tab is open; the browser draws them."""
    Grid(seal(make(runs)), provenance, height=chart_height(runs))


@solara.component
def TabBar(tab: solara.Reactive[str]) -> None:
    """The row of tabs; the open tab is in the page's address.

    Its props do not change with the month, so a step does not redraw it: the open tab's view
    is drawn below it by the dashboard (`open_tab`), alone.
    """
    slugs = [tab_slug(name) for name in TABS]
    index = slugs.index(tab.value) if tab.value in slugs else 0
    with (
        solara.Column(classes=["dashboard-tabs"]),
        solara.lab.Tabs(value=index, on_value=lambda i: tab.set(slugs[i])),
    ):
        for name in TABS:
            solara.lab.Tab(name)


def open_tab(tab: solara.Reactive[str]) -> str:
    """The name of the open tab."""
    return next((name for name in TABS if tab_slug(name) == tab.value), TABS[0])
