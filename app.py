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
.headline-item { border: 1px solid #d0d7de; border-radius: 6px; padding: 4px 10px; min-width: 150px;
                 max-width: 260px; background: #f6f8fa; white-space: normal; overflow-wrap: anywhere; }
.hl-name { font-size: 0.78em; color: #555; } .hl-value { font-size: 1.05em; font-weight: 600; }
.month-title { margin-bottom: 6px; overflow-wrap: anywhere; }

.param-slider .v-input__slot { margin-bottom: 0; } .param-slider .v-messages { display: none; }
.typed-input-error { overflow-wrap: anywhere; max-width: 100%; }
/* the dashboard's tabs wrap onto a second row: scrolled out of a one-row bar, a tab could not be seen */
.dashboard-tabs .v-slide-group__content { flex-wrap: wrap; flex: 1 1 0; min-width: 0;
                                          transform: none !important; }
.dashboard-tabs .v-slide-group__wrapper { overflow: visible; }
.dashboard-tabs .v-tabs-bar { height: auto; } .dashboard-tabs .v-tabs-slider-wrapper { display: none; }
.dashboard-tabs .v-slide-group__prev, .dashboard-tabs .v-slide-group__next { display: none !important; }
.dashboard-tabs .v-tab { height: 40px; }
.dashboard-tabs .v-tab--active { box-shadow: inset 0 -2px 0 currentColor; }
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


@dataclass(frozen=True)
class Clock:
    """A session's run state, shared by the controls and the live view.

    Only the live view reads `month`, so a step redraws it alone (one render pass); the
    controls read `playing`, `interval` and `horizon`, which change only on a click.
    """

    month: solara.Reactive[int]
    horizon: solara.Reactive[int]  # Play until this month; 0: the scenario's natural length
    playing: solara.Reactive[bool]
    interval: solara.Reactive[str]

    def until(self, setup: Setup) -> int:
        """The month Play stops at."""
        return self.horizon.value or scenario(setup.scenario).months


def advance(model: PortabilityModel, other: PortabilityModel | None, clock: Clock) -> None:
    """One month of the run (and of the compared run), then redraw."""
    model.step()
    if other is not None:
        other.step()
    if LOG_STEPS:
        log.info("app step session=%x month=%d", id(model), model.steps)
    clock.month.set(model.steps)


@solara.component
def Page() -> None:
    """One page, one model per browser session."""
    setup = solara.use_reactive(Setup())
    generation, set_generation = solara.use_state(0)  # Reset: a new model from the same inputs
    clock = Clock(
        solara.use_reactive(0),
        solara.use_reactive(0),
        solara.use_reactive(False),
        solara.use_reactive("150 ms"),
    )
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

    def new_run() -> None:
        clock.month.set(model.steps if model is not None else 0)
        clock.playing.set(False)

    solara.use_effect(new_run, [id(model)])
    solara.Style(CSS)
    solara.Title("RIR portability")
    with solara.Sidebar():  # nothing here changes with the month: the sidebar is not redrawn per step
        SetupCard(setup)
        ParameterPanel(setup)
    solara.Markdown("### RIR portability: does the right to leave make registries accountable?")
    About()
    if model is not None:
        RunControls(model, other, setup.value, lambda: set_generation(generation + 1), clock)
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
    _Live(model, other, setup, clock)


@solara.component
def _Live(
    model: PortabilityModel, other: PortabilityModel | None, setup: solara.Reactive[Setup], clock: Clock
) -> None:
    """The part of the page that changes every month (the only reader of the month counter)."""
    month, playing, until = clock.month.value, clock.playing.value, clock.until(setup.value)
    times = solara.use_ref([])

    def tick(seen: int) -> None:
        if not clock.playing.value or seen != model.steps:  # a late or repeated request
            return
        if model.steps >= until:
            clock.playing.set(False)
            return
        times.current = [*times.current[-9:], time.perf_counter()]
        advance(model, other, clock)
        if model.steps >= until:
            clock.playing.set(False)

    if not playing:
        times.current = []
    Player.element(playing=playing, interval=INTERVALS[clock.interval.value], month=month, on_tick=tick)
    pace = times.current
    if playing and len(pace) > 2:
        solara.Text(
            f"Playing: {(len(pace) - 1) / (pace[-1] - pace[0]):.1f} months a second", classes=["pace"]
        )
    elif model.steps >= until:
        solara.Text(f"Reached month {until}: raise 'Play until month' to go on.", classes=["pace"])
    Dashboard(model, other, setup, month, until)


@solara.component
def RunControls(
    model: PortabilityModel,
    other: PortabilityModel | None,
    setup: Setup,
    reset: Callable[[], None],
    clock: Clock,
) -> None:
    """Step, Play until a month (paced by the browser), Reset; it does not read the month."""
    playing, until = clock.playing.value, clock.until(setup)

    def play() -> None:
        if not playing and model.steps >= clock.until(setup):
            return
        clock.playing.set(not playing)

    def restart() -> None:
        clock.playing.set(False)
        reset()

    row = {"flex-wrap": "wrap", "align-items": "center"}
    with solara.Card(margin=0, classes=["run-card"]), solara.Row(gap="10px", style=row):
        solara.Button(
            "Step", on_click=lambda: advance(model, other, clock), color="primary", disabled=playing
        )
        solara.Button("Pause" if playing else "Play", on_click=play, color="primary", outlined=True)
        solara.Button("Reset", on_click=restart, outlined=True)
        with solara.Column(style={"width": "150px"}):
            solara.InputInt(
                "Play until month",
                value=until,
                on_value=lambda v: clock.horizon.set(max(1, int(v))) if v is not None else None,
                continuous_update=False,
            )
        with solara.Column(style={"width": "190px"}):
            solara.Select(
                "Step every", values=list(INTERVALS), value=clock.interval.value, on_value=clock.interval.set
            )
