"""The interactive app: watch portability create (or fail to create) registry accountability.

    solara run app.py

The page steps the model itself (Step, Play until a month, Reset), builds every control
from `Params` metadata and shows the model in tabs (`viz/`). Each browser session builds
its own model inside `Page`: solara-server executes this file once per process, so a
module-level model would be shared by every visitor. Play is paced by the browser
(`viz/player.vue`): a closed page asks for no more steps. The page's address holds every
input, the month and the tab (`viz/address.py`): a link opens the same run at the same
month. The same run over other seeds runs in a background process (`viz/ensemble.py`).
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
from viz.address import State, parse, query
from viz.controls import ParameterPanel, SetupCard, seeds_label
from viz.ensemble import Ensemble, ensemble_seeds, run_ensembles
from viz.labels import scenario
from viz.provenance import model_version
from viz.serve import STEP_LOG_ENV
from viz.setup import Setup, changes, ordered
from viz.views import TABS, About, Dashboard, HowToCite, tab_slug
from viz.widgets import Address, Player

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
TAB_SLUGS = [tab_slug(name) for name in TABS]
CSS = """
.headline-row { display: flex; flex-wrap: wrap; gap: 8px; }
.headline-item { border: 1px solid #d0d7de; border-radius: 6px; padding: 4px 10px; min-width: 150px;
                 max-width: 300px; background: #f6f8fa; white-space: normal; overflow-wrap: anywhere; }
.hl-name { font-size: 0.78em; color: #555; } .hl-value { font-size: 1.02em; font-weight: 600; }
.hl-diff, .hl-seeds { font-size: 0.78em; color: #333; }
.month-title { margin-bottom: 6px; overflow-wrap: anywhere; }
.run-summary { margin: 0; padding-left: 20px; font-size: 0.92em; } .run-summary li { margin: 2px 0; }
.scenario-notice { padding-left: 20px; font-size: 0.92em; } .scenario-story { font-size: 0.92em; }
.restart-note { color: #8a4b00; font-size: 0.9em; }
.link-problems { font-size: 0.9em; }
.version-line { font-size: 0.8em; color: #555; margin-top: -8px; }
.chart-box { display: flex; flex-direction: column; }
.chart-tools { align-self: flex-end; margin: 2px 4px -2px 0; }

.param-slider .v-input__slot { margin-bottom: 0; } .param-slider .v-messages { display: none; }
.typed-input-error { overflow-wrap: anywhere; max-width: 100%; }
/* the sidebar keeps its width: a long choice wraps inside it instead of widening it over the page */
.v-navigation-drawer .v-select__selections { flex-wrap: wrap; min-width: 0; }
.v-navigation-drawer .v-select__selection--comma { white-space: normal; overflow: visible;
                                                   text-overflow: clip; margin-right: 0; }
.v-navigation-drawer .v-card, .v-navigation-drawer .v-input { max-width: 100%; min-width: 0; }
.v-menu__content .v-list-item__title { white-space: normal; }
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
    """A built run (at the month asked for), or the reason it could not be built."""

    model: PortabilityModel | None
    error: str | None = None


def build(setup: Setup, month: int = 0) -> Built:
    """The run's model, stepped to `month`, or the model's own message."""
    try:
        model = PortabilityModel(setup.params(), seed=setup.seed)
    except ConfigError as exc:
        return Built(None, str(exc))
    while model.steps < month:
        model.step()
    return Built(model)


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
    """One page, one model per browser session; its inputs come from the address."""
    router = solara.use_router()
    start, problems = solara.use_memo(lambda: parse(router.search, TAB_SLUGS), [])
    setup = solara.use_reactive(start.setup)
    seeds = solara.use_reactive(start.seeds)
    tab = solara.use_reactive(start.tab or TAB_SLUGS[0])
    generation, set_generation = solara.use_state(0)  # Reset: a new model from the same inputs
    clock = Clock(
        solara.use_reactive(0),
        solara.use_reactive(start.until),
        solara.use_reactive(False),
        solara.use_reactive("150 ms"),
    )
    run = setup.value.run()
    key = (run, generation)
    link_month = solara.use_ref(start.month)

    def plan() -> tuple[int, bool]:  # the link's month is built once, in the background
        month, link_month.current = link_month.current, 0
        return month, run.scale > BACKGROUND_SCALE or month > 0

    goal, background = solara.use_memo(plan, [key])
    now = solara.use_memo(lambda: None if background else build(run, goal), [key])
    later = solara.use_thread(lambda: build(run, goal) if background else None, dependencies=[key])
    built = later.value if background and later.state == solara.ResultState.FINISHED else now
    model = built.model if built is not None else None
    other = solara.use_memo(
        lambda: build_other(model, setup.value) if model is not None else None,
        [id(model), setup.value.compare],
    )
    restart = use_restart_note(run, generation, clock)
    ensembles, pending = use_ensembles(setup.value, seeds.value, max(clock.until(setup.value), goal))

    def new_run() -> None:
        clock.month.set(model.steps if model is not None else 0)
        clock.playing.set(False)

    solara.use_effect(new_run, [id(model)])
    solara.Style(CSS)
    solara.Title("RIR portability")
    with solara.Sidebar():  # nothing here changes with the month: the sidebar is not redrawn per step
        SetupCard(setup, seeds)
        ParameterPanel(setup)
    solara.Markdown("### RIR portability: does the right to leave make registries accountable?")
    solara.Text(f"Model version {model_version()}", classes=["version-line"])
    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        About()
        HowToCite()
    if problems:
        solara.Warning(
            "Part of the link could not be used: " + "; ".join(problems) + ".", classes=["link-problems"]
        )
    if model is not None:
        RunControls(model, other, setup.value, lambda: set_generation(generation + 1), clock)
    if built is None:
        with solara.Card(margin=0):
            solara.ProgressLinear(True)
            what = f" to month {goal}" if goal else ""
            solara.Text(
                f"Building the run ({run.scale:g} of all holders){what}: this takes a few seconds.",
                classes=["busy"],
            )
        return
    if built.error:  # the setup card validates every input first; this is a last line of defence
        solara.Error(f"Cannot build this run: {built.error}")
        return
    models = {run: model}
    compared = setup.value.compared()
    if other is not None and compared is not None:
        models[compared] = other
    if len(models) < len(ordered(setup.value)):
        return  # the compared run is being built
    _Live(model, other, models, setup.value, setup, clock, tab, seeds, ensembles, pending, restart)


def use_restart_note(run: Setup, generation: int, clock: Clock) -> str | None:
    """What changed when the inputs rebuilt the run (None after Reset, or at the first build)."""
    last = solara.use_ref((run, generation, None))
    previous, previous_generation, note = last.current
    if previous != run:
        said = "; ".join(changes(previous, run)) or "the inputs changed"
        was = clock.month.peek()
        note = f"Restarted the run at month 0 (it was at month {was}): {said}."
        last.current = (run, generation, note)
    elif previous_generation != generation:
        last.current = (run, generation, None)
        note = None
    return note


def use_ensembles(setup: Setup, n: int, months: int) -> tuple[dict[Setup, Ensemble], str]:
    """The run(s) over `n` seeds to `months`, computed in the background; and what is pending."""
    runs = [which for which, _, _ in ordered(setup)]
    progress = solara.use_reactive(0.0)
    key = (tuple(runs), n, months)

    def work(cancel) -> dict[Setup, Ensemble] | None:
        if n == 0:
            return {}
        progress.set(0.0)
        done = run_ensembles(
            [r.params() for r in runs], ensemble_seeds(setup.seed, n), months, progress.set, cancel
        )
        return None if done is None else dict(zip(runs, done, strict=True))

    result = solara.use_thread(work, dependencies=[key])
    if result.state == solara.ResultState.FINISHED and result.value is not None:
        return result.value, ""
    if result.state == solara.ResultState.ERROR:
        return {}, f"The seeds could not be run: {result.error}"
    return {}, "" if n == 0 else f"{seeds_label(n)}: computing in the background"


@solara.component
def _Live(
    model: PortabilityModel,
    other: PortabilityModel | None,
    models: dict,
    current: Setup,
    setup: solara.Reactive[Setup],
    clock: Clock,
    tab: solara.Reactive[str],
    seeds: solara.Reactive[int],
    ensembles: dict,
    pending: str,
    restart: str | None,
) -> None:
    """The part of the page that changes every month (the only reader of the month counter).

    `current` is the setup the models were built from (the reactive `setup` may be ahead of them
    for one render while a change rebuilds the run).
    """
    clock.month.value  # noqa: B018 - read to redraw at each step; the model says which month it is
    month, playing, until = model.steps, clock.playing.value, clock.until(current)
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
    address = query(State(current, month, tab.value, seeds.value, clock.horizon.value))
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="10px"):
        Address.element(query=address)
        pace = times.current
        if playing and len(pace) > 2:
            solara.Text(
                f"Playing: {(len(pace) - 1) / (pace[-1] - pace[0]):.1f} months a second", classes=["pace"]
            )
        elif model.steps >= until:
            solara.Text(f"Reached month {until}: raise 'Play until month' to go on.", classes=["pace"])
        if restart and month == 0:
            solara.Text(restart, classes=["restart-note"])
        if pending:
            solara.Text(pending, classes=["ensemble-status"])
    Dashboard(models, current, setup, month, until, tab, ensembles, pending, address)


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
