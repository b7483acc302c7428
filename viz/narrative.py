"""Text written from the run: the scenario's story and notices filled in, and a summary of the run.

Every number is a `Num` with its source.

A scenario file's story and notices may hold placeholders, replaced by the run's numbers:
`{event:start}`, `{event:last}`, `{event:months}` (its first governance event: first and
last month, length), `{event:registry}`, `{start:<column>}`, `{now:<column>}`,
`{peak:<column>}`, `{peakmonth:<column>}` (a model column, or `stuck_holder_months` or
`moved_share`), `{start:<registry>:<column>}`, `{now:<registry>:<column>}`, `{param:<name>}`
(a field, or a path such as `registry_overrides.AFRINIC.fixed_cost_share`),
`{first:<registry>:<kind>}` (the month an event first happened, or "not yet") and `{month}`.
The files hold no other numbers, but for years in a story (tests/test_app_text.py).
"""

from __future__ import annotations

import html
import re

from model.words import EVENT_TITLES, regime_title
from viz.charts.runs import RunData
from viz.facts import Facts, Num

__all__ = ["fill", "placeholders", "summary"]

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
STORY_EVENTS = (
    "governance_start",
    "governance_end",
    "insolvency",
    "closure",
    "petition",
    "handoff",
    "handoff_end",
)


def placeholders(text: str) -> list[str]:
    """The placeholders in a story or notice."""
    return PLACEHOLDER.findall(text)


def _value(key: str, facts: Facts, i: int) -> str:
    run = facts.runs[i]
    parts = key.split(":")
    if key == "month":
        return facts.setup("month", run.month).html()
    head, rest = parts[0], parts[1:]
    if head == "event":
        if rest == ["registry"]:
            return html.escape(run.model.p.events[0].registry)
        part = {"start": "start", "last": "last", "months": "duration"}[rest[0]]
        return facts.param(i, f"events.0.{part}").html()
    if head == "param":
        return facts.param(i, rest[0]).html()
    if head == "first":
        when = facts.event(i, rest[0], rest[1])
        return f"month {when}" if when is not None else "not yet"
    if head in ("start", "now") and len(rest) == 2:
        return facts.registry(i, rest[0], rest[1], 0 if head == "start" else None).html()
    if head in ("start", "now"):
        return facts.model(i, rest[0], 0 if head == "start" else None).html()
    if head in ("peak", "peakmonth"):
        value, month = facts.peak(i, rest[0])
        return (value if head == "peak" else month).html()
    raise KeyError(f"unknown placeholder {{{key}}}")


def fill(template: str, facts: Facts, i: int = 0) -> str:
    """The template as HTML, each placeholder replaced by the run's number (in a span)."""
    out, last = [], 0
    for match in PLACEHOLDER.finditer(template):
        out.append(html.escape(template[last : match.start()], quote=False))
        out.append(_value(match.group(1), facts, i))
        last = match.end()
    out.append(html.escape(template[last:], quote=False))
    return "".join(out)


def _events(run: RunData, facts: Facts, i: int) -> list[str]:
    said: dict[str, list[str]] = {}
    for registry, kind in run.firsts():
        if kind in STORY_EVENTS:
            said.setdefault(registry, []).append(
                f"{EVENT_TITLES[kind]} (month {facts.event(i, registry, kind)})"
            )
    return [f"{html.escape(registry)}: {', '.join(happened)}." for registry, happened in said.items()]


def _seeds(run: RunData, facts: Facts, i: int, n_seeds: Num) -> list[str]:
    ensemble, t = run.ensemble, run.month
    if ensemble is None or t > ensemble.months:
        return []
    parts = []
    for key, words in (
        ("quality_experienced", "service quality"),
        ("ipv4_at_risk", "IPv4 at degraded or failed registries"),
        ("stuck_holder_months", "holder-months at such registries"),
    ):
        mean, low, high = (facts.seeds(i, key, t, s) for s in ("mean", "low", "high"))
        if mean is not None:
            parts.append(f"{words} {mean} (90% of seeds: {low} to {high})")
    out = [f"Over {n_seeds} seeds, at month {facts.setup('month', t)}: " + "; ".join(parts) + "."]
    split = [
        (r, k, n) for r, k, n in ensemble.happened() if k in STORY_EVENTS and 0 < n < len(ensemble.seeds)
    ]
    if split:
        said = ", ".join(
            f"{html.escape(r)} {EVENT_TITLES[k]} in {facts.happened(i, r, k, n)} of {n_seeds}"
            for r, k, n in split
        )
        out.append(f"The seeds do not all agree, by month {facts.setup('month', ensemble.months)}: {said}.")
    return out


def _one(run: RunData, facts: Facts, i: int, who: str) -> list[str]:
    frame, t = run.frame, run.month
    sentences = [
        f"{who}holders experience service quality {facts.model(i, 'quality_experienced')} (0-1), against"
        f" {facts.model(i, 'quality_experienced', 0)} at the start; {facts.derived(i, 'moved_share')} of"
        " holders have moved to another registry."
    ]
    peak, when = facts.peak(i, "ipv4_at_risk")
    if peak.value > 0:
        sentences.append(
            f"IPv4 at degraded or failed registries peaked at {peak} of all IPv4 (month {when}) and is"
            f" {facts.model(i, 'ipv4_at_risk')} now; holders have spent"
            f" {facts.derived(i, 'stuck_holder_months')} holder-months at such registries"
            " (real-world equivalent)."
        )
    else:
        sentences.append("No registry has been degraded or failed so far.")
    sentences += _events(run, facts, i)
    if run.model.p.market != "off" and t > 0:
        sentences.append(
            f"The IPv4 price is {facts.model(i, 'ipv4_price')} per address ({facts.model(i, 'ipv4_price', 0)}"
            " at the start)."
        )
    del frame
    return sentences


def summary(facts: Facts) -> list[str]:
    """What this run shows so far, in sentences (HTML), every number with its source."""
    runs = facts.runs
    month = facts.setup("month", runs[0].month)
    if len(runs) == 1:
        run = runs[0]
        head = (
            f"At month {month} of this run ({html.escape(regime_title(run.model.p.regime))}, seed"
            f" {facts.setup('seed', run.model.seed)}), "
        )
        out = _one(run, facts, 0, head)
    else:
        out = [f"At month {month}, same seed ({facts.setup('seed', runs[0].model.seed)}) in both runs."]
        for i, run in enumerate(runs):
            out += [
                f"<b>{html.escape(run.short)}</b>: " + s if k == 0 else s
                for k, s in enumerate(_one(run, facts, i, ""))
            ]
        a, b = (facts.model(i, "quality_experienced") for i in (0, 1))
        pa, pb = (facts.derived(i, "stuck_holder_months") for i in (0, 1))
        out.append(
            f"Difference ({html.escape(runs[0].short)} less {html.escape(runs[1].short)}): service quality"
            f" {facts.difference(a, b)} on the 0-1 scale; holder-months at degraded or failed registries"
            f" {facts.difference(pa, pb)}."
        )
    for i, run in enumerate(runs):
        if run.ensemble is not None:
            lead = f"<b>{html.escape(run.short)}</b>: " if len(runs) > 1 else ""
            out += [lead + s for s in _seeds(run, facts, i, facts.setup("seeds", len(run.ensemble.seeds)))]
    return out
