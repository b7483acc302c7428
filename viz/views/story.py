"""The scenario's story, things to notice (filled in from this run) and things to try."""

from __future__ import annotations

import solara

from model import Params
from model.words import param_label
from viz.charts.runs import Runs
from viz.facts import Facts
from viz.labels import scenario
from viz.narrative import fill
from viz.setup import Setup, compare_label

__all__ = ["StoryCard"]


@solara.component
def StoryCard(current: Setup, setup: solara.Reactive[Setup], runs: Runs) -> None:
    """The scenario's story and things to notice, with this run's numbers; things to try."""
    info = scenario(current.scenario)
    facts = Facts(runs)
    index = next((i for i, run in enumerate(runs) if run.model.p == current.run().params()), 0)
    with solara.Details(f"The scenario: {info.title}", expand=False):
        solara.HTML(
            "p",
            unsafe_innerHTML=fill(info.story or info.description, facts, index),
            classes=["scenario-story", "run-text"],
        )
        with solara.Columns([3, 2]):
            with solara.Column(gap="0px"):
                if info.notice:
                    solara.HTML("div", unsafe_innerHTML="<b>Things to notice</b> (numbers from this run)")
                    items = "".join(f"<li>{fill(n, facts, index)}</li>" for n in info.notice)
                    solara.HTML("ul", unsafe_innerHTML=items, classes=["scenario-notice", "run-text"])
            Tries(current, setup)  # its props do not change with the month: it is not redrawn


@solara.component
def Tries(current: Setup, setup: solara.Reactive[Setup]) -> None:
    """The scenario's things to try, each with a Try button."""
    info = scenario(current.scenario)
    with solara.Column(gap="4px"):
        if info.tries:
            solara.HTML("div", unsafe_innerHTML="<b>Things to try</b>")
        for item in info.tries:
            _Try(current, setup, item)


@solara.component
def _Try(current: Setup, setup: solara.Reactive[Setup], item) -> None:
    valid = set(item.set) <= set(Params.__dataclass_fields__)

    def apply() -> None:
        new = current
        for name, value in item.set.items():
            new = new.with_override(name, value)
        if item.compare:
            new = Setup(**{**new.__dict__, "compare": item.compare})
        setup.set(new)

    what = ", ".join(f"{param_label(k, unit=False)} {v}" for k, v in item.set.items())
    if item.compare:
        what = ", ".join(filter(None, [what, f"compare with {compare_label(item.compare)}"]))
    with solara.Row(style={"align-items": "center"}, gap="6px"):
        solara.Button("Try", small=True, outlined=True, disabled=not valid, on_click=apply)
        solara.Text(f"{item.text} ({what})" if what else item.text, style={"font-size": "0.9em"})
