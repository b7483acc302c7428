"""The interactive app: watch portability create (or fail to create) registry accountability.

    solara run app.py

Built on Mesa's SolaraViz (step, play, reset, and the sliders, generated from `Params`), with
the project's own components for the scenario setup and the views (`viz/`). Each browser
session builds its own model inside `Page`: solara-server executes this file once per
process, so a module-level model would be shared by every visitor.
"""

from __future__ import annotations

from dataclasses import replace

import solara
from mesa.visualization import SolaraViz

from model import ConfigError, PortabilityModel
from viz.controls import Setup, SetupCard, sliders
from viz.views import Dashboard


def _build(setup: Setup) -> tuple[PortabilityModel | None, str | None]:
    try:
        return PortabilityModel(**setup.fixed_kwargs()), None
    except ConfigError as exc:
        return None, str(exc)


@solara.component
def Page() -> None:
    """One page, one model per browser session."""
    setup = solara.use_reactive(Setup())
    with solara.Sidebar():
        SetupCard(setup)
    run = replace(setup.value, compare=None)  # choosing a comparison must not restart this run
    model, error = solara.use_memo(lambda: _build(run), [run])
    if error:  # the setup card validates every input first; this is a last line of defence
        solara.Error(f"Cannot build this run: {error}")
        return
    Run(model, setup.value).key(repr(run))


@solara.component
def Run(first: PortabilityModel, setup: Setup) -> None:
    """SolaraViz steps the model (sidebar: step, play, reset, sliders); the dashboard shows it."""
    model = solara.use_reactive(first)  # Reset in SolaraViz replaces model.value
    SolaraViz(
        model,
        components=[],  # the dashboard is drawn full width below, not in Mesa's half-width grid
        model_params={**setup.fixed_kwargs(), **sliders(first.p)},
        name="RIR portability: does the right to leave make registries accountable?",
        play_interval=150,
    )
    Dashboard(model.value, setup)
