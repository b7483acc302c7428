"""The page rendered in-process (no browser): for the tests and the app benchmark.

`render("?scenario=...")` renders the page as solara-server would for that address (the
AppLayout that holds the sidebar, the router that holds the query); the helpers click, pick,
type and read what the page shows.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import ipyvuetify as v
import solara
from solara.widgets import HTML

import app
from viz.views import TABS
from viz.widgets import Chart

__all__ = [
    "button",
    "charts",
    "click",
    "html",
    "month_is",
    "open_tab",
    "render",
    "select",
    "step",
    "type_into",
    "wait_for",
]


def render(search: str = "", seeds: bool = False, ready: bool = True):
    """The page at `?<search>`, rendered (once its run is built, when `ready`); the render context.

    Unless `seeds` (or the search names its seeds), the page runs no seeds in the background:
    a test about something else should not keep the worker busy.
    """
    if not seeds and "seeds=" not in search:
        search = "&".join(filter(None, [search.lstrip("?"), "seeds=0"]))

    @solara.component
    def Root() -> None:
        with solara.AppLayout():  # solara-server adds this around Page; it renders the sidebar
            solara.RoutingProvider(
                children=[app.Page()], routes=[solara.Route("/")], pathname="/?" + search.lstrip("?")
            )

    _box, rc = solara.render(Root(), handle_error=False)
    if ready:  # a link's month, or a large scale, is built in the background
        wait_for(lambda: bool(rc.find(v.Btn, children=["Step"]).widgets), "the run to be built")
    return rc


def button(rc, name: str):
    """The button labelled `name`."""
    return rc.find(v.Btn, children=[name]).widget


def click(rc, name: str) -> None:
    """Click the button labelled `name`."""
    button(rc, name).click()


def step(rc, times: int = 1) -> None:
    """Click Step `times` times."""
    for _ in range(times):
        click(rc, "Step")


def html(rc, css: str | None = None) -> list[str]:
    """The inner HTML of every HTML element (with the CSS class `css`, if given)."""
    out = []
    for widget in rc.find(HTML).widgets:
        classes = str((widget.attributes or {}).get("class", "")).split()
        if css is None or css in classes:
            out.append(widget.unsafe_innerHTML or "")
    return out


def month_is(rc, n: int) -> None:
    """The page says it is at month `n`."""
    titles = [t for t in html(rc) if "<b>Month " in t]
    assert any(f'data-source="setup/month" data-value="{float(n)!r}"' in t for t in titles), titles


def select(rc, label: str, value: str) -> None:
    """Pick `value` in the select labelled `label`."""
    rc.find(v.Select, label=label).widget.v_model = value


def type_into(rc, label: str, text: str) -> None:
    """Type `text` into the field labelled `label` and press Enter."""
    field = rc.find(v.TextField, label=label).widget
    field.v_model = text
    field.fire_event("keyup.enter", {})


def charts(rc) -> list[dict]:
    """The options of the charts on the page (the open tab's)."""
    return [w.option for w in rc.find(Chart).widgets]


def open_tab(rc, name: str) -> None:
    """Open the dashboard's tab `name`."""
    for widget in rc.find(v.Tabs).widgets:
        labels = [c.children[0] for c in widget.children if isinstance(c, v.Tab)]
        if labels == TABS:
            widget.v_model = TABS.index(name)
            return
    raise AssertionError("the dashboard's tabs are not on the page")


def wait_for(ready: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    """Poll `ready()` (a background build or the seeds) until it holds."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)
