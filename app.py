"""The interactive app: watch portability create (or fail to create) registry accountability.

    solara run app.py

The page steps the model itself (Step, Play until a month, Reset), builds every control
from `Params` metadata and shows the model in tabs (`viz/`). Each browser session builds
its own model inside `Page`: solara-server executes this file once per process, so a
module-level model would be shared by every visitor. Play is paced by the browser
(`viz/player.vue`): a closed page asks for no more steps.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import solara
import solara.server.settings

from model import ConfigError, PortabilityModel
from viz.controls import ParameterPanel, Setup, SetupCard
from viz.labels import scenario
from viz.serve import STEP_LOG_ENV
from viz.views import About, Dashboard
from viz.widgets import Player

solara.server.settings.theme.show_banner = False  # its fixed badge covered the charts' corner
if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:  # a closed page's model is freed after 15 min, not 24 h
    solara.server.settings.kernel.cull_timeout = "15m"
log = logging.getLogger("rir.app")
LOG_STEPS = bool(os.environ.get(STEP_LOG_ENV))
if LOG_STEPS and not log.handlers:  # one line per step, for the tests that watch the server
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False
INTERVALS = {"as fast as it draws": 0, "150 ms": 150, "500 ms": 500, "1 s": 1000}
BACKGROUND_SCALE = 0.2  # above this scale a build takes seconds: build in a thread, show progress
CSS = """
.headline-item { border: 1px solid #d0d7de; border-radius: 6px; padding: 4px 10px; min-width: 170px;
                 max-width: 260px; background: #f6f8fa; white-space: normal; overflow-wrap: anywhere; }
.hl-name { font-size: 0.78em; color: #555; } .hl-value { font-size: 1.05em; font-weight: 600; }
.month-title { margin-bottom: 6px; overflow-wrap: anywhere; }

.param-slider .v-input__slot { margin-bottom: 0; } .param-slider .v-messages { display: none; }
.typed-input-error { overflow-wrap: anywhere; max-width: 100%; }
"""


@dataclass(frozen=True)
class Built:
    """A built run, or the reason it could not be built."""

    model: PortabilityModel | None
    error: str | None = None


def build(setup: Setup) -> Built:
    """The run's model at month 0, or the model's own message."""
    try:
        return Built(PortabilityModel(setup.params(), seed=setup.seed))
    except ConfigError as exc:
        return Built(None, str(exc))


def build_other(model: PortabilityModel, setup: Setup) -> PortabilityModel | None:
    """The compare-mode run, brought to the main run's month."""
    other = setup.compared()
    if other is None:
        return None
    built = PortabilityModel(other.params(), seed=setup.seed)
    while built.steps < model.steps:
        built.step()
    return built


@solara.component
def Page() -> None:
    """One page, one model per browser session."""
    setup = solara.use_reactive(Setup())
    generation, set_generation = solara.use_state(0)  # Reset: a new model from the same inputs
    month = solara.use_reactive(0)  # read only by the parts that change each month
    horizon = solara.use_reactive(0)  # Play until this month; 0: the scenario's natural length
    run = setup.value.run()
    background = run.scale > BACKGROUND_SCALE
    key = (run, generation)
    now = solara.use_memo(lambda: None if background else build(run), [key])
    later = solara.use_thread(lambda: build(run) if background else None, dependencies=[key])
    built = later.value if background and later.state == solara.ResultState.FINISHED else now
    model = built.model if built is not None else None
    other = solara.use_memo(
        lambda: build_other(model, setup.value) if model is not None else None,
        [id(model), setup.value.compare],
    )
    solara.Style(CSS)
    solara.Title("RIR portability")
    with solara.Sidebar():  # nothing here changes with the month: the sidebar is not redrawn per step
        SetupCard(setup)
        ParameterPanel(setup)
    solara.Markdown("### RIR portability: does the right to leave make registries accountable?")
    About()
    if model is not None:
        RunControls(model, other, setup.value, lambda: set_generation(generation + 1), month, horizon)
    if built is None:
        with solara.Card(margin=0):
            solara.ProgressLinear(True)
            solara.Text(
                f"Building the run ({run.scale:g} of all holders): this takes a few seconds.",
                classes=["busy"],
            )
        return
    if built.error:  # the setup card validates every input first; this is a last line of defence
        solara.Error(f"Cannot build this run: {built.error}")
        return
    _Live(model, other, setup, month, horizon)


@solara.component
def _Live(
    model: PortabilityModel,
    other: PortabilityModel | None,
    setup: solara.Reactive[Setup],
    month: solara.Reactive[int],
    horizon: solara.Reactive[int],
) -> None:
    """The part of the page that changes every month (it reads the month counter)."""
    Dashboard(model, other, setup, month.value, horizon.value or scenario(setup.value.scenario).months)


@solara.component
def RunControls(
    model: PortabilityModel,
    other: PortabilityModel | None,
    setup: Setup,
    reset: Callable[[], None],
    month: solara.Reactive[int],
    horizon_set: solara.Reactive[int],
) -> None:
    """Step, Play until a month (paced by the browser), Reset; the pace achieved."""
    playing, set_playing = solara.use_state(False)
    interval, set_interval = solara.use_state("150 ms")
    times = solara.use_ref([])
    horizon = horizon_set.value or scenario(setup.scenario).months
    solara.use_effect(lambda: month.set(model.steps), [id(model)])  # a new run starts at its month
    solara.use_effect(lambda: set_playing(False), [id(model)])

    def step() -> None:
        model.step()
        if other is not None:
            other.step()
        if LOG_STEPS:
            log.info("app step session=%x month=%d", id(model), model.steps)
        month.set(model.steps)

    def tick(seen: int) -> None:
        if not playing or seen != model.steps:  # a late or repeated request
            return
        if model.steps >= horizon:
            set_playing(False)
            return
        times.current = [*times.current[-9:], time.perf_counter()]
        step()
        if model.steps >= horizon:
            set_playing(False)

    def play() -> None:
        times.current = []
        if model.steps >= horizon:
            return
        set_playing(not playing)

    row = {"flex-wrap": "wrap", "align-items": "center"}
    with solara.Card(margin=0, classes=["run-card"]), solara.Row(gap="10px", style=row):
        solara.Button("Step", on_click=step, color="primary", disabled=playing)
        solara.Button("Pause" if playing else "Play", on_click=play, color="primary", outlined=True)
        solara.Button("Reset", on_click=lambda: (set_playing(False), month.set(0), reset()), outlined=True)
        with solara.Column(style={"width": "150px"}):
            solara.InputInt(
                "Play until month",
                value=horizon,
                on_value=lambda v: horizon_set.set(max(1, int(v))) if v is not None else None,
                continuous_update=False,
            )
        with solara.Column(style={"width": "190px"}):
            solara.Select("Step every", values=list(INTERVALS), value=interval, on_value=set_interval)
        Player.element(playing=playing, interval=INTERVALS[interval], month=month.value, on_tick=tick)
        pace = times.current
        if playing and len(pace) > 2:
            rate = (len(pace) - 1) / (pace[-1] - pace[0])
            solara.Text(f"Playing: {rate:.1f} months a second", classes=["pace"])
        elif model.steps >= horizon:
            solara.Text(f"Reached month {horizon}: raise 'Play until month' to go on.", classes=["pace"])
