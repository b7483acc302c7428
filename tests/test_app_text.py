"""The page's words: every number it states is checked against the run's frames; no code names.

Each number the app writes from data sits in a span that says where it comes from
(`viz.facts`). This test reads the page, finds every number in the text written from the run,
requires each to be in such a span, resolves the span's source from the frames *here*, by its
own reading of the frames, and compares it with the number shown.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

from model import PortabilityModel, list_scenarios
from model.params import param_info
from viz.ensemble import ensemble_seeds
from viz.harness import charts as options
from viz.harness import html, open_tab, render, step, wait_for
from viz.labels import scenario
from viz.narrative import placeholders
from viz.setup import Setup, ordered
from viz.views import TABS

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:solara.*")

SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
#: a number in running text: not part of a word or name (IPv4, ICP-2, /24, AFPUB-2020-GEN-006-D3)
NUMBER = re.compile(r"(?<![\w/.\-])-?\d[\d,]*(?:\.\d+)?(?![\w\-])")
#: units and constants the page writes in words: the 0-1 scale, the 90% band, a year window
ALLOWED = ("0-1", "90%", "5%", "95%", "12 months")


class Spans(HTMLParser):
    """The text of an HTML fragment, and each `.num` span's attributes with its text."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.nums: list[dict[str, str]] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "span" and attrs.get("class") == "num":
            self._open = {**attrs, "text": ""}
            self.text.append(" ")  # the number is accounted for: it is not bare text

    def handle_endtag(self, tag):
        if tag == "span" and self._open is not None:
            self.nums.append(self._open)
            self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data
        else:
            self.text.append(data)


def resolve(source: str, runs: list[PortabilityModel], ensembles: dict, month: int, until: int) -> float:
    """The value a source names, read from the models' frames here (not through viz.facts)."""
    who, _, what = source.partition("/")
    if who == "setup":
        return {"seed": runs[0].seed, "month": month, "until": until, "seeds": len(ensembles[0]["seeds"])}[
            what
        ]
    if who == "d":
        return resolve(f"r0/{what}", runs, ensembles, month, until) - resolve(
            f"r1/{what}", runs, ensembles, month, until
        )
    index = int(who[1:])
    if who[0] == "e":
        if what.startswith("happened:"):
            _, registry, kind = what.split(":")
            return sum(
                bool(((e.registry == registry) & (e.kind == kind)).any()) for e in ensembles[index]["events"]
            )
        inner, stat = what.rsplit(":", 1)
        values = [resolve(f"r0/{inner}", [m], ensembles, month, until) for m in ensembles[index]["models"]]
        if stat == "mean":
            return float(np.mean(values))
        return float(np.quantile(values, 0.05 if stat == "low" else 0.95))
    model = runs[index]
    frame, registries = model.model_frame(), model.registry_frame()
    kind, _, rest = what.partition(":")
    if kind == "param":
        if rest.startswith("events."):
            _, i, part = rest.split(".")
            event = model.p.events[int(i)]
            return event.start + event.duration - 1 if part == "last" else getattr(event, part)
        head, *keys = rest.split(".")
        value = getattr(model.p, head)
        for key in keys:
            value = value[key]
        return value
    if kind == "event":
        registry, event = rest.split(":")
        log = model.event_frame()
        return int(log[(log.registry == registry) & (log.kind == event)].step.iloc[0])
    rest, _, at = rest.rpartition("@")
    t = int(at)
    if kind == "model":
        column, _, stat = rest.partition(":")
        values = frame[column].to_numpy(dtype=float)[: t + 1]
        return {"": values[t], "max": values.max(), "argmax": float(np.argmax(values))}[stat]
    if kind == "registry":
        registry, column = rest.split(":")
        row = registries[(registries.step == t) & (registries.registry == registry)]
        return float(row[column].iloc[0])
    if kind == "derived":
        upto = registries[registries.step <= t]
        if rest == "stuck_holder_months":  # members at degraded or failed registries, each month, added up
            return float(upto[upto.status.isin(["degraded", "failed"])].members.sum())
        if rest == "moved_share":
            return 100 * frame.moves[: t + 1].sum() / frame.holders[t]
        if rest == "worst_registry":
            now = upto[(upto.step == t) & (upto.members > 0)]
            return float(now.quality.min())
    raise AssertionError(f"unknown source {source!r}")


def check_numbers(fragments: list[str], runs, ensembles, month: int, until: int, years: bool = False) -> int:
    """Every number in the fragments is in a span whose value the frames give; returns how many.

    With `years`, a year (a story's history: "as it did from 2022 to 2025") is not a number of the run.
    """
    checked = 0
    for fragment in fragments:
        parser = Spans()
        parser.feed(fragment)
        bare = "".join(parser.text)
        for allowed in ALLOWED:
            bare = bare.replace(allowed, " ")
        for title in [scenario(s).title for s in list_scenarios()]:
            bare = bare.replace(title, " ")
        bare = re.sub(r"\b[A-Z][a-z]{2} (19|20)\d\d\b", " ", bare)  # a month's date ("Apr 2021") names it
        if years:
            bare = re.sub(r"\b(19|20)\d\d\b", " ", bare)
        assert not NUMBER.findall(bare), (NUMBER.findall(bare), bare)
        for num in parser.nums:
            expected = resolve(num["data-source"], runs, ensembles, month, until) * float(num["data-factor"])
            value = float(num["data-value"])
            assert value == pytest.approx(expected, rel=1e-9, abs=1e-9), (num, expected)
            shown = float(re.sub(r"[^\d.\-]", "", num["text"].replace(",", "")) or "nan")
            digits = (
                len(num["text"].split(".")[1].rstrip("% percntagUSD").strip()) if "." in num["text"] else 0
            )
            step_ = 10.0**-digits
            assert abs(shown - value) <= max(0.006 * abs(value), step_ / 2 + 1e-9), (num, value)
            checked += 1
    return checked


def models_of(setup: Setup, month: int) -> list[PortabilityModel]:
    out = []
    for which, _, _ in ordered(setup):
        model = PortabilityModel(which.params(), seed=setup.seed)
        for _ in range(month):
            model.step()
        out.append(model)
    return out


def ensembles_of(setup: Setup, n: int, months: int) -> list[dict]:
    out = []
    for which, _, _ in ordered(setup):
        models, events = [], []
        for seed in ensemble_seeds(setup.seed, n):
            model = PortabilityModel(which.params(), seed=seed)
            for _ in range(months):
                model.step()
            models.append(model)
            events.append(model.event_frame())
        out.append({"seeds": ensemble_seeds(setup.seed, n), "models": models, "events": events})
    return out


@pytest.mark.parametrize(
    ("search", "month"),
    [
        (
            "scenario=registry_failure_portable&compare=scenario:registry_failure_locked&month=30&until=30&seeds=5",
            30,
        ),
        ("scenario=registry_failure_handoff&month=40&until=40&seeds=5", 40),
    ],
)
def test_every_number_the_page_states_is_the_frames(search: str, month: int):
    rc = render(search)
    wait_for(lambda: any("seeds: mean" in t for t in html(rc, "headline-row")), "the seeds", 180)
    setup = Setup(
        scenario=search.split("&")[0].split("=")[1],
        compare=dict(p.split("=", 1) for p in search.split("&")).get("compare"),
    )
    runs, ensembles = models_of(setup, month), ensembles_of(setup, 5, month)
    story = html(rc, "scenario-story")
    fragments = [f for f in html(rc, "run-text") if f not in story]
    assert len(fragments) >= 4 and story  # the month, the seven cards, the summary, the notices; the story
    assert check_numbers(fragments, runs, ensembles, month, month) > 40
    check_numbers(story, runs, ensembles, month, month, years=True)
    step(rc)  # every text follows the month (none is left showing the last one's numbers)
    for model in runs:
        model.step()
    story = html(rc, "scenario-story")
    check_numbers([f for f in html(rc, "run-text") if f not in story], runs, ensembles, month + 1, month)


def test_every_scenarios_story_and_notices_name_their_numbers_by_placeholder():
    for name in list_scenarios():
        info = scenario(name)
        for text in (info.story, *info.notice):
            bare = re.sub(r"\{[^{}]+\}", " ", text)
            numbers = [
                n
                for n in NUMBER.findall(bare)
                if not (text is info.story and re.fullmatch(r"(19|20)\d\d", n))
            ]
            assert not numbers, (
                name,
                numbers,
                text,
            )  # a number comes from the run (a years in a story is history)
            assert not SNAKE.findall(bare), (name, text)
        model = PortabilityModel.from_scenario(name, seed=1, scale=0.01)
        for _ in range(3):
            model.step()
        from viz.charts.runs import RunData
        from viz.facts import Facts
        from viz.narrative import fill

        facts = Facts([RunData.of("a", "b", model)])
        check_numbers([fill(text, facts) for text in info.notice], [model], [], 3, 3)
        check_numbers([fill(info.story, facts)], [model], [], 3, 3, years=True)
        assert all(placeholders(text) is not None for text in info.notice)


def test_no_code_names_anywhere_a_user_reads():
    rc = render("scenario=registry_failure_handoff&compare=remedy:none&month=14")
    step(rc)
    seen = []
    for name in TABS:
        open_tab(rc, name)
        for option in options(rc):
            title = option.get("title", {})
            seen += [title.get("text", ""), title.get("subtext", "")]
            for axis in ("xAxis", "yAxis"):
                found = option.get(axis) or []
                for a in found if isinstance(found, list) else [found]:
                    seen.append(str(a.get("name", "")))
            legend = option.get("legend", {})
            names = legend.get("_names", {})
            seen += [names.get(n, n) for n in legend.get("data", [])]
            for series in option["series"]:
                for area in (series.get("markArea") or {}).get("data", []):
                    seen.append(area[0].get("label", {}).get("formatter", ""))
        seen += [re.sub(r"<[^>]+>", " ", t) for t in html(rc)]
    import ipyvuetify as v

    for widget in rc.find(v.VuetifyWidget).widgets:  # every text a widget shows: its strings, its label
        seen += [c for c in (getattr(widget, "children", None) or []) if isinstance(c, str)]
        seen += [str(getattr(widget, attr, "") or "") for attr in ("label", "hint", "placeholder")]
    seen += [str(w.items) for w in rc.find(v.Select).widgets]
    from solara.widgets import HTML

    seen += [str((w.attributes or {}).get("title", "")) for w in rc.find(HTML).widgets]
    found = {m for text in seen for m in SNAKE.findall(text)}
    assert not found, found
    assert {row["name"] for row in param_info()} & {"porting_delay"}  # the scan would see a field's name
