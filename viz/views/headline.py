"""The numbers that matter, now: the month, the runs, headline cards and the summary of this run.

Every number is a `Num` (viz.facts): written in a span that says where it comes from. Each
card says what it means on hover; a difference carries its unit; counts are real-world
equivalents with the sample stated; the seeds' mean and 90% range sit under the run's value.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

import solara

from model.words import DERIVED, OUTPUT_MEANINGS, STATUS_TITLES, output_label
from viz.charts.runs import Runs
from viz.charts.timeaxis import month_date
from viz.facts import Facts, Num
from viz.measures import worst_registry
from viz.narrative import summary

__all__ = ["CARDS", "Headline", "Summary", "month_title"]


@dataclass(frozen=True)
class Card:
    """A headline number: its key (a model column or derived measure), name, meaning, difference's unit."""

    key: str
    name: str
    meaning: str
    difference: str  # the unit a difference is written in
    value: Callable[[Facts, int], Num]


def _model(key: str) -> Callable[[Facts, int], Num]:
    return lambda facts, i: facts.model(i, key)


def _derived(key: str) -> Callable[[Facts, int], Num]:
    return lambda facts, i: facts.derived(i, key)


CARDS = [
    Card(
        "quality_experienced",
        output_label("quality_experienced"),
        OUTPUT_MEANINGS["quality_experienced"],
        "on the 0-1 scale",
        _model("quality_experienced"),
    ),
    Card(
        "worst_registry",
        DERIVED["worst_registry"][0],
        DERIVED["worst_registry"][2],
        "on the 0-1 scale",
        _derived("worst_registry"),
    ),
    Card("moved_share", DERIVED["moved_share"][0], DERIVED["moved_share"][2], "", _derived("moved_share")),
    Card(
        "ipv4_at_risk",
        output_label("ipv4_at_risk"),
        OUTPUT_MEANINGS["ipv4_at_risk"],
        "",
        _model("ipv4_at_risk"),
    ),
    Card(
        "stuck_holder_months",
        DERIVED["stuck_holder_months"][0],
        DERIVED["stuck_holder_months"][2],
        "holder-months",
        _derived("stuck_holder_months"),
    ),
    Card(
        "accountability",
        output_label("accountability"),
        OUTPUT_MEANINGS["accountability"],
        "",
        _model("accountability"),
    ),
    Card("ipv4_price", output_label("ipv4_price"), OUTPUT_MEANINGS["ipv4_price"], "", _model("ipv4_price")),
]


def month_title(facts: Facts, until: int) -> str:
    """The month, of how many; the run(s), the seed and the sample, as HTML."""
    runs = facts.runs
    run = runs[0]
    day = month_date(run.frame, run.month)
    head = f"<b>Month {facts.setup('month', run.month)}</b>" + (f" · {day}" if day else "")
    head += f" of {facts.setup('until', until)}"
    if len(runs) == 2:
        who = f"{html.escape(runs[0].label)} (solid) vs {html.escape(runs[1].label)} (dashed), same seed"
    else:
        who = f"{html.escape(run.label)}, seed"
    holders = Num(float(run.frame.holders.iloc[-1]), f"r0/model:holders@{run.month}", 1.0, "int")
    share = Num(100 * run.scale, "r0/param:scale", 100.0, "sig")
    sample = f"{holders} holders, a {share}% sample of about {facts.model(0, 'holders')}"
    return f"{head} · {who} {facts.setup('seed', run.model.seed)} · {sample}"


def _extra(card: Card, facts: Facts, i: int) -> str:
    run = facts.runs[i]
    if card.key == "worst_registry":
        _, index = worst_registry(run.wide("quality").iloc[-1], run.wide("members").iloc[-1])
        if index < 0:
            return ""
        name = run.names[index]
        status = STATUS_TITLES.get(str(run.wide("status")[name].iloc[-1]), "")
        return f" at {html.escape(name)} ({html.escape(status)})"
    if card.key == "ipv4_at_risk":
        peak, when = facts.peak(i, "ipv4_at_risk")
        return f"; peak {peak} (month {when})" if peak.value > 0 else ""
    if card.key == "stuck_holder_months":
        total = facts.derived(i, "stuck_holder_months")
        sample = Num(total.value * run.scale, total.source, 1.0, "int")
        return f" (real-world; {sample} in the sample)"
    return ""


def _seeds(card: Card, facts: Facts, i: int) -> str:
    run = facts.runs[i]
    if run.ensemble is None or card.key == "worst_registry":
        return ""
    mean, low, high = (facts.seeds(i, card.key, run.month, s) for s in ("mean", "low", "high"))
    if mean is None:
        return ""
    return f"{mean} ({low} to {high})"


def _card(card: Card, facts: Facts, pending: str) -> str:
    runs = facts.runs
    values = [card.value(facts, i) for i in range(len(runs))]
    lines = [f"<div class='hl-name'>{html.escape(card.name)}</div>"]
    if len(runs) == 1:
        lines.append(f"<div class='hl-value'>{values[0]}{_extra(card, facts, 0)}</div>")
    else:
        lines.append(f"<div class='hl-value'>{values[0]} vs {values[1]}</div>")
        unit = f" {card.difference}" if card.difference else ""
        lines.append(f"<div class='hl-diff'>difference {facts.difference(values[0], values[1])}{unit}</div>")
        if card.key == "ipv4_at_risk":
            peaks = [facts.peak(i, "ipv4_at_risk") for i in (0, 1)]
            said = " vs ".join(f"{p} (month {m})" if p.value > 0 else f"{p}" for p, m in peaks)
            lines.append(f"<div class='hl-diff'>peak {said}</div>")
    seeds = [_seeds(card, facts, i) for i in range(len(runs))]
    if any(seeds):
        n = facts.setup("seeds", len(runs[0].ensemble.seeds))
        lines.append(f"<div class='hl-seeds'>{n} seeds: mean {' vs '.join(s or 'n/a' for s in seeds)}</div>")
    elif pending and card.key != "worst_registry":
        lines.append(f"<div class='hl-seeds'>{html.escape(pending)}</div>")
    return "".join(lines)


@solara.component
def Headline(runs: Runs, until: int, pending: str) -> None:
    """Month, the run(s), and the numbers that matter, each with what it means on hover."""
    facts = Facts(runs)
    cards = "".join(  # one widget for all seven: each is redrawn every month
        f"<div class='headline-item' title='{html.escape(card.meaning, quote=True)}'>"
        f"{_card(card, facts, pending)}</div>"
        for card in CARDS
    )
    with solara.Card(margin=0, classes=["month-card"]):
        solara.HTML("div", unsafe_innerHTML=month_title(facts, until), classes=["month-title", "run-text"])
        solara.HTML("div", unsafe_innerHTML=cards, classes=["headline-row", "run-text"])


@solara.component
def Summary(runs: Runs) -> None:
    """What this run shows so far, written from its data."""
    items = "".join(f"<li>{sentence}</li>" for sentence in summary(Facts(runs)))
    with solara.Details("What this run shows", expand=True):
        solara.HTML("ul", unsafe_innerHTML=items, classes=["run-summary", "run-text"])
