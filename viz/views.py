"""The app's views: headline numbers, the scenario's story, the About panel, charts in tabs.

`Dashboard` re-renders after every step (it reads the step counter); only the open tab
builds its charts, so a step plus redraw stays fast. In compare mode a second model with
the same seed is kept at the same month.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import solara
import solara.lab

from model import PortabilityModel
from viz import charts
from viz.controls import Setup, compare_label
from viz.labels import output_label, output_unit, param_label, regime_title, scenario, sig, tab_class
from viz.remedies import remedies_charts
from viz.replicates import Replicates
from viz.widgets import Chart

__all__ = ["TABS", "About", "Dashboard", "StoryCard", "headline", "tab_class"]

ODD = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
ODD_URL = "https://github.com/rir-portability/rir-portability/blob/main/docs/ODD.md"
TABS = [
    "Registries",
    "Members & money",
    "Resources",
    "Accountability",
    "Remedies",  # issue 10: the ICP-2 process, enforcement, venue shopping (viz/remedies.py)
    "Flows",
    "Market",
    "Holders",
    "Peering",
    "Replicates",
    "More",
    "Events",
    "Export",
]

#: Headline numbers: name -> (what it means, unit)
HEADLINE = {
    "Quality holders experience": "Service quality of each holder's registry, weighted by IPv4 held (0-1).",
    "Worst quality a holder gets": "Quality of the worst registry that still has members (0-1).",
    "Holders who have moved": "Moves between registries so far, as a share of all holders.",
    "IPv4 at failing registries": "Share of all IPv4 held at registries that are degraded, failed or closed.",
    "Accountability": "How far pressure from members has pushed registries' effort above its complacent"
    " level, IPv4-weighted (0% = complacent, 100% = full effort).",
    output_label("ipv4_price"): f"Price of an address on the transfer market this month"
    f" ({output_unit('ipv4_price')}; with the market off: the starting price, unchanged).",
}


def headline(runs: list[charts.RunData]) -> pd.DataFrame:
    """The headline numbers now, as text, one column per run (and their difference in compare mode)."""
    table: dict[str, list[float]] = {}
    for run in runs:
        last, now = run.frame.iloc[-1], run.registries[run.registries.step == run.model.steps]
        with_members = now[now.members > 0]
        moved = int(run.frame.moves.sum())
        table[run.short] = [
            float(last.quality_experienced),
            float(with_members.quality.min()) if len(with_members) else float("nan"),
            100 * moved / run.model.holders.size,
            100 * float(last.ipv4_at_risk),
            100 * float(last.accountability) if "accountability" in last else float("nan"),
            float(last.ipv4_price) if "ipv4_price" in last else float("nan"),
        ]
    out = pd.DataFrame(table, index=list(HEADLINE))
    if len(runs) == 2:
        out["difference"] = out.iloc[:, 0] - out.iloc[:, 1]
    return out


_UNITS = {
    "Holders who have moved": "%",
    "IPv4 at failing registries": "%",
    "Accountability": "%",
    output_label("ipv4_price"): " USD",
}


@solara.component
def Headline(runs: list[charts.RunData], month: int, horizon: int) -> None:
    """Month, the run(s), and the numbers that matter, each with what it means."""
    table = headline(runs)
    holders = runs[0].model.holders.size
    with solara.Card(margin=0, classes=["month-card"]):
        title = f"Month {month} of {horizon}"
        sub = (
            f"{runs[0].label} vs {runs[1].label} (same seed)"
            if len(runs) == 2
            else f"{runs[0].label} · {regime_title(runs[0].model.p.regime)}"
        )
        solara.HTML(
            "div", unsafe_innerHTML=f"<b>{title}</b> · {sub} · {holders:,} holders", classes=["month-title"]
        )
        with solara.Row(classes=["headline-row"], style={"flex-wrap": "wrap", "gap": "8px"}):
            for name, meaning in HEADLINE.items():
                unit = _UNITS.get(name, "")
                values = [f"{sig(v, 3)}{unit}" for v in table.loc[name, [r.short for r in runs]]]
                if len(runs) == 2:
                    text = f"{values[0]} vs {values[1]} (Δ {sig(table.loc[name, 'difference'], 3)})"
                else:
                    text = values[0]
                with solara.Tooltip(meaning):
                    solara.HTML(
                        "div",
                        unsafe_innerHTML=f"<div class='hl-name'>{name}</div>"
                        f"<div class='hl-value'>{text}</div>",
                        classes=["headline-item"],
                    )


@solara.component
def StoryCard(setup: solara.Reactive[Setup]) -> None:
    """The scenario's story, what to notice, and things to try (from the scenario file)."""
    info = scenario(setup.value.scenario)
    with solara.Details(f"The scenario: {info.title}", expand=True):
        solara.Markdown(info.story or info.description, style={"font-size": "0.92em"})
        with solara.Columns([3, 2]):
            with solara.Column(gap="0px"):
                if info.notice:
                    solara.Markdown(
                        "**Things to notice**\n\n" + "\n".join(f"- {n}" for n in info.notice),
                        style={"font-size": "0.92em"},
                    )
            with solara.Column(gap="4px"):
                if info.tries:
                    solara.Markdown("**Things to try**")
                for item in info.tries:
                    _Try(setup, item)


@solara.component
def _Try(setup: solara.Reactive[Setup], item) -> None:
    current = setup.value
    valid = all(name in _field_names() for name in item.set)

    def apply() -> None:
        new = current
        for name, value in item.set.items():
            new = new.with_override(name, value)
        if item.compare:
            new = Setup(**{**new.__dict__, "compare": item.compare})
        setup.set(new)

    what = ", ".join(f"{param_label(k, unit=False)} = {v}" for k, v in item.set.items())
    if item.compare:
        what = ", ".join(filter(None, [what, f"compare with {compare_label(item.compare)}"]))
    with solara.Row(style={"align-items": "center"}, gap="6px"):
        solara.Button("Try", small=True, outlined=True, disabled=not valid, on_click=apply)
        solara.Text(f"{item.text} ({what})" if what else item.text, style={"font-size": "0.9em"})


def _field_names() -> set[str]:
    from dataclasses import fields

    from model import Params

    return {f.name for f in fields(Params)}


ABOUT = """
**What this is.** An agent-based model of the five Regional Internet Registries (AFRINIC,
APNIC, ARIN, LACNIC, RIPE NCC) and the organisations that hold IP addresses and AS numbers
from them. It asks one question: does the right to move one's resources to another
registry (*portability*) make registries accountable: better service, more neutral, when
things go wrong a way out?

**The agents.**
- *Resource holders* (about 85,000 at scale 1; the page runs a sample): each holds IPv4
  blocks, AS numbers and IPv6, pays a yearly fee, peers with other holders, and cares about
  its registry's service *quality* and *neutrality* (fair, uncaptured governance) and about
  fees. Each month some review their registry; a dissatisfied holder can *stay*, *voice*
  (complain) or *move* if the regime allows it and the gain beats the cost of moving.
- *Registries*: each has members, fees, reserves (in months of costs) and *effort*.
  Management chooses the effort that pays: it weighs what each channel puts at stake,
  members lost in the last year (realised exit), members it would lose if it fell behind
  (the *credible threat of exit*) and complaints (voice), against the cost of effort.
  With nothing at stake, effort falls back to a complacent level and quality drifts down.
  Fees follow costs: a registry that loses members must raise them. A registry whose
  governance fails (shaded on the charts) cannot act for a while; one with no members, or
  insolvent for too long, closes.
- The *regime* says which moves between registries are allowed, how long they take and
  how likely they are to be approved.

**Reading the charts.** Time runs left to right in months (one step = one month). Shaded
bands: a registry not operating (degraded, failed or closed); dotted lines: a registry
became insolvent. When registries' lines coincide, they are drawn nested (widest first)
and the chart says so. Tooltips give four significant digits.

- *Registries*: quality and neutrality of each registry (0-1).
- *Members & money*: members, reserves (months of costs) and the yearly fee of a median
  member, per registry.
- *Resources*: each registry's share of all IPv4 and AS numbers (stacked to 1).
- *Accountability*: the credible threat of exit, realised exit (share of members lost in
  12 months), effort, and IPv4 at registries that are not operating.
- *Remedies*: the ICP-2 draft's remedy (when the run's `remedy` is icp2_draft): members'
  petition support against its threshold, with the process's stages (petition, audit and
  remediation, derecognition decision, handoff to a continuity operator) as coloured bands;
  members; each registry's enforcement strictness; and, when some space is disputed, the
  share of it shielded by moving to a laxer registry or reclaimed.
- *Flows*: who moved from where to where.
- *Market*: the IPv4 transfer market: the price (USD per address), /24 blocks sold a month
  (all sales, and those that change registry, with registration moves), sales so far by
  origin and destination registry (the diagonal: sales inside one registry), each
  registry's free pool and its members' net purchases from other registries.
- *Holders*: holders by size and how many are
  registered away from home; *Peering*: the peering network between registries' members.
- *Replicates*: the same run with other seeds, mean and 90% range, to see what is noise.

**Compare mode** (Compare with, in the sidebar) runs a second model with the same seed, so
the same holders, peering graph and events, under another regime, scenario or remedy. Its lines
are dashed; every legend and tooltip entry names its run (after "·"); headline numbers read
"this run vs the other (Δ difference)".

**Controls.** Step advances one month; Play steps until the month you set ("Play until
month", default: the scenario's natural length) and stops when the page is closed; Reset
rebuilds the run at month 0 with the current inputs. Changing any input rebuilds the run.
Every parameter's label, unit and meaning come from the model's own definitions (hover a
slider for its meaning).
"""


@solara.component
def About() -> None:
    """What the model is, what each chart shows, how to read compare mode; the ODD."""
    with solara.Details("About the model and how to read this page", expand=False):
        solara.Markdown(ABOUT)
        solara.Markdown(
            f"The full model description (ODD protocol) is in [docs/ODD.md]({ODD_URL}) in the repository;"
            " it is also below."
        )
        with solara.Details("Read the model description (docs/ODD.md)"):
            if ODD.is_file():
                solara.Markdown(ODD.read_text(encoding="utf-8"))


@solara.component
def Dashboard(
    model: PortabilityModel,
    other: PortabilityModel | None,
    state: solara.Reactive[Setup],
    month: int,
    horizon: int,
) -> None:
    """Headline numbers, the scenario's story, then the charts in tabs (only the open tab's are built)."""
    del month  # a prop only so that each step re-renders the dashboard
    setup = state.value
    compared = setup.compared()
    pairs = [(setup.label(), setup.short(), model)]
    if other is not None and compared is not None:
        (a, long_a), (b, long_b) = setup.contrast(compared)
        pairs = [(long_a, a, model), (long_b, b, other)]
    runs = [charts.RunData.of(label, short, m) for label, short, m in pairs]
    Headline(runs, model.steps, horizon)
    StoryCard(state)  # its props do not change with the month: it is not re-rendered
    tab, set_tab = solara.use_state(0)
    views = {
        "Registries": lambda: _Charts(charts.quality_charts, runs),
        "Members & money": lambda: _Charts(charts.money_charts, runs),
        "Resources": lambda: _Charts(charts.shares_charts, runs),
        "Accountability": lambda: _Charts(charts.accountability_charts, runs),
        "Remedies": lambda: _Charts(remedies_charts, runs),
        "Flows": lambda: _Charts(charts.flows_charts, runs),
        "Market": lambda: _Charts(charts.market_charts, runs),
        "Holders": lambda: _Charts(charts.holders_charts, runs),
        "Peering": lambda: _Peering(runs),
        "Replicates": lambda: Replicates(setup, model.steps),
        "More": lambda: _More(runs),
        "Events": lambda: _Events(runs),
        "Export": lambda: _Export(runs),
    }
    with (
        solara.Column(classes=["dashboard-tabs"]),
        solara.lab.Tabs(value=tab, on_value=set_tab, lazy=True),  # only the open tab renders
    ):
        for name in TABS:
            with solara.lab.Tab(name), solara.Column(classes=[tab_class(name)]):
                views[name]()


@solara.component
def _Charts(make: Callable[[list[charts.RunData]], list[dict]], runs: list[charts.RunData]) -> None:
    """Charts two to a row, built only when their tab is open; the browser draws them."""
    _Grid(make(runs), height=340 if len(runs) == 1 else 400)


@solara.component
def _Grid(options: list[dict], height: int = 340) -> None:
    for row in range(0, len(options), 2):
        with solara.Columns([1] * len(options[row : row + 2])):
            for option in options[row : row + 2]:
                EChart(option, height=height)


@solara.component
def EChart(option: dict, height: int) -> None:
    """An ECharts figure whose option is assigned to the widget, not passed as a prop.

    Reacton walks every prop value looking for child elements; an option holds thousands of
    points, so as a prop it would cost more than the model's step. Assigned in an effect, it
    goes straight to the browser.
    """
    element = Chart.element(attributes={"style": f"height: {height}px; width: 100%;"})

    def push() -> None:
        solara.get_widget(element).option = option

    solara.use_effect(push, [option])


@solara.component
def _Peering(runs: list[charts.RunData]) -> None:
    def layouts() -> list[tuple[np.ndarray, np.ndarray, dict]]:
        out = []
        for run in runs:
            nodes, edges = charts.peering_sample(run.model)
            graph = nx.Graph()
            graph.add_nodes_from(nodes.tolist())
            graph.add_edges_from(edges.tolist())
            out.append((nodes, edges, nx.spring_layout(graph, seed=run.model.seed, iterations=50)))
        return out

    computed = solara.use_memo(layouts, [tuple(id(r.model) for r in runs)])
    _Grid(charts.peering_charts(runs, computed), height=460)


@solara.component
def _More(runs: list[charts.RunData]) -> None:
    extra = charts.extra_columns(runs[0])
    solara.Markdown(
        "Model outputs per registry that the other tabs do not draw: "
        + (", ".join(f"`{c}`" for c in extra) if extra else "none in this version of the model.")
    )
    if extra:
        _Grid(charts.extra_charts(runs))


@solara.component
def _Events(runs: list[charts.RunData]) -> None:
    for run in runs:
        events = run.events
        solara.Markdown(f"**{run.label}**: {len(events)} events")
        if len(events):
            solara.DataFrame(events, items_per_page=10)


@solara.component
def _Export(runs: list[charts.RunData]) -> None:
    solara.Markdown(
        "Download each run's data as CSV: one row per month; per registry and month; per event; flows."
    )
    for run in runs:
        model = run.model
        stem = f"{model.p.regime}_seed{model.seed}_month{model.steps}"
        with solara.Row(style={"flex-wrap": "wrap"}):
            for kind, frame in (
                ("model", model.model_frame),
                ("registries", model.registry_frame),
                ("events", model.event_frame),
                ("flows", model.flow_frame),
            ):
                solara.FileDownload(
                    lambda frame=frame: frame().to_csv(index=False).encode(),
                    filename=f"{stem}_{kind}.csv",
                    label=f"{kind} ({run.short})",
                    mime_type="text/csv",
                )
