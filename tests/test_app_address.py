"""Runs you can link to: the address holds every input, the month and the tab; a link rebuilds the run."""

from __future__ import annotations

import ipyvuetify as v
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model import list_scenarios
from model.regimes import REGIME_NAMES
from viz.address import State, parse, query
from viz.ensemble import SEED_CHOICES
from viz.harness import charts, html, month_is, render, step
from viz.setup import Setup, compare_options
from viz.views import TABS, tab_slug
from viz.widgets import Address

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:solara.*")
SLUGS = [tab_slug(name) for name in TABS]

OVERRIDES = st.dictionaries(
    st.sampled_from(["porting_delay", "switching_cost", "market", "remedy", "review_rate", "audit_lag"]),
    st.none(),
    max_size=4,
)
VALUES = {
    "porting_delay": st.sampled_from([0.0, 1.5, 6.0]),
    "switching_cost": st.sampled_from([0.0, 2500.0, 1e6]),
    "market": st.sampled_from(["on", "off"]),
    "remedy": st.sampled_from(["none", "icp2_draft"]),
    "review_rate": st.sampled_from([1 / 12, 0.2]),
    "audit_lag": st.sampled_from([0, 6, 60]),
}


@st.composite
def states(draw) -> State:
    names = draw(OVERRIDES)
    overrides = tuple(sorted((name, draw(VALUES[name])) for name in names))
    setup = Setup(
        scenario=draw(st.sampled_from(list_scenarios())),
        regime=draw(st.sampled_from([None, *REGIME_NAMES])),
        seed=draw(st.integers(0, 2**31)),
        scale=draw(st.sampled_from([0.0005, 0.05, 0.2, 2.0])),
        overrides=overrides,
        compare=draw(st.sampled_from([None, *compare_options()])),
    )
    return State(
        setup,
        draw(st.integers(0, 1200)),
        draw(st.sampled_from([None, *SLUGS])),
        draw(st.sampled_from(SEED_CHOICES)),
    )


@settings(max_examples=60)
@given(states())
def test_an_address_gives_back_the_state_it_was_made_from(state: State):
    again, problems = parse(query(state), SLUGS)
    assert problems == [] and again == state


def test_the_query_uses_the_inputs_own_names():
    state = State(
        Setup(
            "registry_failure_portable", seed=7, overrides=(("porting_delay", 6.0),), compare="regime:none"
        ),
        60,
        "flows",
    )
    assert query(state) == (
        "scenario=registry_failure_portable&seed=7&scale=0.05&porting_delay=6&compare=regime:none&month=60&tab=flows"
    )


def test_a_bad_link_opens_with_what_it_can_and_says_what_it_could_not():
    state, problems = parse(
        "scenario=nope&seed=x&porting_delay=999&colour=red&month=60&tab=nope&seeds=3", SLUGS
    )
    assert state == State(month=60)
    said = " | ".join(problems)
    for part in (
        "scenario 'nope'",
        "seed must be",
        "Porting delay must be a number in [0.0, 60.0]",
        "'colour'",
        "tab 'nope'",
        "seeds must be one of",
    ):
        assert part in said, (part, said)
    assert "porting_delay" not in said  # the model's words, in the page's words


def test_a_link_rebuilds_the_same_run_at_the_same_month_and_tab():
    link = "scenario=registry_failure_portable&seed=7&porting_delay=6&month=15&tab=accountability&market=off"
    rc = render(link)
    month_is(rc, 15)
    assert charts(rc)[0]["title"]["text"] == "Credible threat of exit"  # the tab asked for
    address = rc.find(Address).widget.query
    state, problems = parse(address, SLUGS)
    assert not problems and state.month == 15 and state.tab == "accountability"
    assert state.setup == Setup(
        "registry_failure_portable", seed=7, overrides=(("market", "off"), ("porting_delay", 6.0))
    )
    step(rc)
    address = rc.find(Address).widget.query
    assert "month=16" in address  # the address follows the run
    same = render(address)  # the copied link: the same run, the same numbers
    month_is(same, 16)
    assert html(same, "headline-row") == html(rc, "headline-row")


def test_a_link_with_a_refused_part_says_so_on_the_page():
    rc = render("scenario=status_quo&porting_delay=999")
    warnings = [str(w.children) for w in rc.find(v.Alert).widgets]
    assert any("Part of the link could not be used" in w and "Porting delay" in w for w in warnings), warnings
    month_is(rc, 0)
