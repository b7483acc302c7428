"""The Export tab: the whole run as a zip, and each run's frames as CSV, each with its provenance.

The zip holds every figure, the data, and settings files that reproduce the run.
"""

from __future__ import annotations

import solara

from viz import charts
from viz.charts.runs import Runs
from viz.ensemble import in_worker
from viz.exports import MIME, Provenance, frame_csv, run_zip
from viz.figures import render_all
from viz.views.dashboard import CHART_TABS
from viz.widgets import Downloads

__all__ = ["ExportView"]

FRAMES = {
    "model": ("one row per month", "model_frame"),
    "registries": ("one row per registry and month", "registry_frame"),
    "events": ("the event log", "event_frame"),
    "flows": ("moves and sales between registries so far", "flow_frame"),
}


def all_charts(runs: Runs) -> dict[str, list[dict]]:
    """Every tab's charts now (the peering graph's layout is computed here too)."""
    from viz.views.tabs import peering_layouts

    out = {name: make(runs) for name, make in CHART_TABS.items()}
    out["Peering"] = charts.peering_charts(runs, peering_layouts(runs))
    if any(run.ensemble is not None for run in runs):
        out["Uncertainty"] = charts.seeds_charts([r for r in runs if r.ensemble is not None])
    if charts.extra_columns(runs[0]):
        out["More"] = charts.extra_charts(runs)
    return out


@solara.component
def ExportView(runs: Runs, provenance: Provenance) -> None:
    """Download this run (a zip), or one run's frames as CSV."""
    request, set_request = solara.use_state(None)
    progress = solara.use_reactive(0.0)

    def make_zip():
        if request is None:
            return None
        progress.set(0.0)

        def draw(figures):  # in the worker process: the page keeps stepping while they are drawn
            return in_worker(render_all, figures, progress.set)

        data = run_zip(provenance, [run.model for run in runs], all_charts(runs), request[1], draw)
        return data, f"{provenance.stem}.zip", MIME["zip"]

    result = solara.use_thread(make_zip, dependencies=[request])
    finished = result.value if result.state == solara.ResultState.FINISHED else None

    solara.Markdown(
        "**Download this run**: a zip with every chart (PNG, SVG and its data as CSV, each with its caption),"
        " each run's data (CSV), a settings file per run and a README with the command that reproduces"
        " the run"
        " (`python -m runs run`). Each file states the scenario, the settings, the seeds, the month and the"
        " model's version. The CSV files start with that statement on lines beginning with #."
    )
    items = [{"key": "zip", "text": "Download this run (zip)", "label": "Download this run (zip)"}]
    for k, run in enumerate(runs):
        who = f" ({run.short})" if len(runs) > 1 else ""
        items += [
            {
                "key": f"{kind}:{k}",
                "text": f"{kind} ({words}){who}",
                "label": f"Download {kind} data{who} as CSV",
            }
            for kind, (words, _) in FRAMES.items()
        ]

    def on_request(key: str, href: str):
        if key == "zip":
            set_request(((request[0] + 1) if request else 1, href))
            return None
        kind, index = key.split(":")
        model = runs[int(index)].model
        frame = getattr(model, FRAMES[kind][1])()
        name = f"{provenance.stem}_run{int(index) + 1}_{kind}.csv"
        return frame_csv(frame, provenance.lines(href)), name, MIME["csv"]

    FileButtons(items, on_request, finished)
    if result.state == solara.ResultState.RUNNING:
        solara.ProgressLinear(value=100 * progress.value)
        solara.Text(f"Preparing the zip: {100 * progress.value:.0f}% of the figures drawn", classes=["busy"])
    elif result.state == solara.ResultState.ERROR:
        solara.Error(f"The zip could not be made: {result.error}")


@solara.component
def FileButtons(items: list[dict], on_request, finished) -> None:
    """Download buttons: a file comes from `on_request`, or later as `finished` (the zip).

    Its own component with the widget as its only root, so the effects find the widget.
    """
    element = Downloads.element(items=items, class_="export-downloads")

    def attach() -> None:
        solara.get_widget(element).on_request = on_request

    def deliver() -> None:
        if finished is not None:
            solara.get_widget(element).deliver(finished)

    solara.use_effect(attach, [on_request])
    solara.use_effect(deliver, [finished])
