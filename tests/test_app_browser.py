"""The app in a real headless Chromium, checked on what is drawn: a policy person's first hour.

Every wait is on the page's state (the month shown, each chart's drawn data), never on time.
Screenshots go to test-artifacts/ (uploaded by CI); look at them.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from model.words import output_label
from tests.conftest import ARTIFACTS
from viz.browser import (
    TIMEOUT,
    chart_texts,
    charts_drawn,
    choose,
    clashes,
    month_is,
    observed_marks,
    open_app,
    overflowing,
    steps,
    tab,
)
from viz.charts.timeaxis import ROUND_STEPS
from viz.labels import scenario, tab_class
from viz.views.dashboard import CHART_TABS

pytestmark = pytest.mark.e2e
DRAWN_TABS = [*CHART_TABS, "Peering"]  # drawn per month


def check_tab(page: Page, name: str, month: int, shot: str | None = None) -> list[dict]:
    """The tab's charts: drawn, wide, with data, to `month`, ticked on round months, no text clashing."""
    where = tab(page, name)
    drawn = charts_drawn(page, month=month, within=where)
    for chart in drawn:
        assert chart["width"] > 300 and chart["canvas"] > 300, (name, chart)
        assert any(s["points"] > 0 for s in chart["series"]), (name, chart["title"])
        if chart["over_time"]:
            assert chart["x_extent"] == [0, month], (name, chart["title"], chart["x_extent"])
            ticks = [int(t) for t in chart["x_labels"]]
            assert any(all(t % step == 0 for t in ticks) for step in ROUND_STEPS[1:] if month >= step) or (
                month < 2
            ), (name, chart["title"], ticks)
            assert len(ticks) <= 11, (name, chart["title"], ticks)
    for chart in chart_texts(page, where):
        assert not clashes(chart), (name, chart["title"], clashes(chart))
        assert (
            chart["page"]["x"] >= 0 and chart["page"]["x"] + chart["page"]["w"] <= page.viewport_size["width"]
        )
    assert not overflowing(page), (name, overflowing(page))
    if shot:
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator(where).screenshot(path=str(ARTIFACTS / shot))
    return drawn


@pytest.mark.parametrize(
    ("link", "month"),
    [
        ("scenario=status_quo&month=240", 240),  # a long axis: ticked every two years, not 0, 19, 38
        ("scenario=registry_failure_handoff&compare=scenario:registry_failure_portable_handoff&month=40", 40),
        ("scenario=small_registry_drain&month=36", 36),
    ],
)
def test_every_tab_is_drawn_and_nothing_overlaps(page: Page, app_url: str, link: str, month: int, tmp_path):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}?{link}&seeds=0")
    month_is(page, month)
    name = link.split("&")[0].split("=")[1]
    drawn = {}
    for tab_name in DRAWN_TABS:
        drawn[tab_name] = check_tab(
            page, tab_name, month, f"{name}_{tab_name.split()[0].lower()}_month{month}.png"
        )
    runs = 2 if "compare=" in link else 1
    for what in ("Who pays: yearly fee by holder size", "Who gains: yearly welfare by holder size"):
        sizes = [c for c in drawn["Members & money"] if c["title"] == what]  # one per run
        assert len(sizes) == runs, (what, [c["title"] for c in drawn["Members & money"]])
        for chart in sizes:  # six size classes, a bar per registry, every class named
            assert [s["points"] for s in chart["series"]] == [6] * 5 and chart["x_labels"][0] == "no IPv4"
            assert chart["series"][0]["max"] > 0, chart
    tab(page, "Members & money")  # each chart has its downloads; the CSV holds the bars
    pays = "Who pays: yearly fee by holder size"
    for what in (pays, "Who gains: yearly welfare by holder size"):
        for kind in ("PNG", "SVG", "CSV"):
            expect(page.get_by_role("button", name=f"Download {what} as {kind}")).to_have_count(runs)
    with page.expect_download(timeout=TIMEOUT) as download:
        page.get_by_role("button", name=f"Download {pays} as CSV").first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    table = pd.read_csv(path, comment="#")
    assert table.category.tolist() == ["no IPv4", "/24", "/22", "/20", "/16", "larger"], table
    assert list(table.columns[1:]) == ["ARIN", "APNIC", "RIPE NCC", "LACNIC", "AFRINIC"]
    fees = table.iloc[:, 1:].stack().dropna()  # the gaps (no member) are empty cells
    assert len(fees) >= 20 and (fees > 0).all(), table
    steps(page, 1, start=month)  # and it steps on from a link's month
    check_tab(page, "Registries", month + 1)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}_page.png"))
    assert "Traceback" not in page.locator("body").inner_text()
    assert not errors, errors


def test_compare_mode_names_each_run_and_exports(page: Page, app_url: str, tmp_path):
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_app(page, f"{app_url}?seeds=0")
    choose(page, "Scenario", scenario("registry_failure_portable").title)
    steps(page, 12)
    choose(page, "Compare with (same seed)", "Scenario: " + scenario("registry_failure_locked").title)
    month_is(page, 12)  # choosing a comparison does not restart the run
    expect(page.locator(".month-title")).to_contain_text("same seed", timeout=TIMEOUT)
    steps(page, 1, start=12)
    expect(page.locator(".headline-row")).to_contain_text(" vs ", timeout=TIMEOUT)
    expect(page.locator(".headline-row")).to_contain_text("percentage points", timeout=TIMEOUT)
    quality = check_tab(page, "Registries", 13)[0]
    runs = {s["name"].split(" · ")[-1] for s in quality["series"] if s["points"] and " · " in s["name"]}
    assert runs == {"Mandatory portability", "No portability (lock-in)"}  # the two differ by regime
    marks = [m for chart in chart_texts(page, ".tab-registries") for m in chart["marks"]]
    assert marks and all(m.endswith(("(both runs)", "(solid run)", "(dashed run)")) for m in marks), marks
    assert len(check_tab(page, "Peering", 13, "compare_peering.png")) == 4  # both runs' peering
    check_tab(page, "Resources", 13, "compare_resources.png")

    tab(page, "Export")
    with page.expect_download(timeout=TIMEOUT) as download:
        page.get_by_role("button", name="Download model data (Mandatory portability) as CSV").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    frame = pd.read_csv(path, comment="#")
    assert frame.step.tolist() == list(range(14))
    assert {"quality_experienced", "ipv4_at_risk"} <= set(frame.columns)
    head = path.read_text().splitlines()[:4]
    assert any("registry_failure_portable" in line and "seed 42" in line for line in head), head


def test_market_tab_draws_price_sales_and_pools(page: Page, app_url: str):
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_app(page, f"{app_url}?seeds=0")
    steps(page, 24)
    drawn = {c["title"]: c for c in check_tab(page, "Market", 24, "market_month24.png")}
    price = drawn[output_label("ipv4_price")]
    (line,) = [s for s in price["series"] if s["points"]]
    assert line["points"] == 25 and 0 < line["min"] <= line["max"], line  # months 0-24, a real price
    low, high = price["y_extent"]
    assert low <= line["min"] and line["max"] <= high, (price["y_extent"], line)  # nothing cut off
    volume = drawn[f"{output_label('ipv4_transferred')} a month"]
    assert [s["points"] for s in volume["series"]] == [25, 25] and volume["series"][0]["max"] > 0
    assert volume["y_extent"][1] >= max(s["max"] for s in volume["series"])
    sold = drawn["IPv4 sold so far"]
    assert sold["series"][0]["points"] == 25 and sold["series"][0]["max"] > 0  # 5 x 5 registries
    pool = drawn["Free IPv4 pool by registry"]
    lines = [s for s in pool["series"] if s["points"]]
    assert len(lines) == 5 and all(s["points"] == 25 for s in lines)
    assert pool["y_extent"][1] >= max(s["max"] for s in lines)
    headline = page.locator(".headline-item", has_text=output_label("ipv4_price"))
    expect(headline).to_contain_text(re.compile(r"USD \d+(\.\d+)?"), timeout=TIMEOUT)

    choose(page, "Compare with (same seed)", "IPv4 market: off")
    month_is(page, 24)  # choosing a comparison does not restart the run
    expect(headline).to_contain_text(" vs ", timeout=TIMEOUT)
    charts = check_tab(page, "Market", 24, "market_compare_month24.png")
    price = next(c for c in charts if c["title"] == output_label("ipv4_price"))
    assert {s["name"] for s in price["series"] if s["points"]} == {"IPv4 market on", "IPv4 market off"}
    assert [c["title"] for c in charts].count("IPv4 sold so far") == 2  # one matrix per run


def test_bad_input_is_refused_with_the_range_and_cleared_on_rebuild(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    scale = page.get_by_label("Scale (1.0 = all holders)")
    scale.fill("5")
    scale.press("Enter")
    expect(page.get_by_text("scale must be a number in [0.0005, 2.0]; got 5.0")).to_be_visible(
        timeout=TIMEOUT
    )
    seed = page.get_by_label("Seed", exact=True)
    seed.fill("7")
    seed.press("Enter")
    expect(page.get_by_text("scale must be a number")).to_have_count(0, timeout=TIMEOUT)
    expect(scale).to_have_value("0.05")
    assert not overflowing(page)


def test_reset_after_moving_a_slider_keeps_the_slider(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    page.get_by_role("button", name=re.compile(r"^Show all parameters")).click()
    first = page.locator(".param-slider").first
    expect(first).to_be_visible(timeout=TIMEOUT)
    first.locator(".v-slider").click(position={"x": 5, "y": 5})  # its lowest value
    expect(first).to_contain_text("(changed)", timeout=TIMEOUT)
    month_is(page, 0)
    steps(page, 2)
    page.get_by_role("button", name="Reset", exact=True).click()
    month_is(page, 0)
    expect(page.locator(".param-slider").first).to_contain_text("(changed)")
    steps(page, 1)
    assert "Traceback" not in page.locator("body").inner_text()


def test_about_panel_lists_and_things_to_try(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    page.get_by_text("About the model and how to read this page").click()
    expect(page.get_by_text("Compare mode", exact=False).first).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_role("link", name="docs/ODD.md")).to_be_visible()
    about = page.locator(".v-expansion-panel", has_text="About the model and how to read this page").first
    assert about.locator("li").count() >= 8  # lists are lists, not lines that start with "- "
    assert not [line for line in about.inner_text().splitlines() if line.strip().startswith("- ")]
    choose(page, "Scenario", scenario("registry_failure_portable").title)
    page.get_by_text(f"The scenario: {scenario('registry_failure_portable').title}").click()
    page.get_by_role("button", name="Try", exact=True).first.click()  # compare with lock-in
    expect(page.locator(".month-title")).to_contain_text(
        scenario("registry_failure_locked").title, timeout=TIMEOUT
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "about.png"))


def test_each_browser_session_has_its_own_model(browser, app_url):
    first, second = browser.new_page(), browser.new_page()
    open_app(first, f"{app_url}?seeds=0")
    open_app(second, f"{app_url}?seeds=0")
    steps(first, 3)
    month_is(second, 0)
    steps(second, 1)
    month_is(first, 3)
    first.close()
    second.close()


def test_the_remedies_tab_draws_the_petition_and_the_process(page: Page, app_url: str):
    # issue 10: the ICP-2 draft's remedy, from the scenario picker to the drawn bands
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_app(page, f"{app_url}?seeds=0")
    choose(page, "Scenario", scenario("registry_failure_handoff").title)
    expect(page.get_by_text(f"The scenario: {scenario('registry_failure_handoff').title}")).to_be_visible(
        timeout=TIMEOUT
    )
    steps(page, 20)
    drawn = check_tab(page, "Remedies", 20, "remedies_tab.png")
    titles = [c["title"] for c in drawn]
    assert titles == [
        "Petition support against the threshold",
        "Members (who is left to petition)",
        "Enforcement strictness",
        "Disputed IPv4: shielded by moving, reclaimed",
    ]
    petition = {s["name"]: s for s in drawn[0]["series"]}
    assert petition["AFRINIC"]["points"] == 21 and petition["AFRINIC"]["last"] > 0.1  # members signed
    assert petition["AFRINIC threshold"]["last"] == 0.25
    assert "ICP-2 process" in petition  # the process is under way: its stages are drawn


@pytest.mark.parametrize(
    ("link", "month", "day"),
    [
        ("scenario=history&month=87", 87, "Jan 2026"),  # every target to December 2025 shown
        ("scenario=history&compare=scenario:history_mandatory&month=266", 266, "Dec 2040"),  # the branch
    ],
)
def test_the_history_view_draws_what_was_observed_within_its_charts(
    page: Page, app_url: str, link: str, month: int, day: str
):
    # issue 20: a run that replays the record, set against what was observed, at its dates
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}?{link}&seeds=0")
    month_is(page, month)
    expect(page.locator(".month-title")).to_contain_text(f"Month {month} · {day}", timeout=TIMEOUT)
    drawn = {}
    for name in ("Market", "Members & money"):
        check_tab(page, name, month, f"history_{name.split()[0].lower()}_month{month}.png")
        where = "." + tab_class(name)
        texts = {c["title"]: c["texts"] for c in chart_texts(page, where)}
        for chart in observed_marks(page, where):
            drawn[chart["title"]] = chart
            assert "observed" in chart["legend"], chart["title"]
            plot, (low, high) = chart["plot"], chart["y_extent"]
            marks = chart["points"]
            for m in marks:  # inside the plot, and the value axis holds the whole range
                assert plot["x"] <= m["x"] <= plot["x"] + plot["w"], (chart["title"], m)
                assert plot["y"] <= m["y"] <= plot["y"] + plot["h"], (chart["title"], m)
                assert low <= m["value"] <= high, (chart["title"], m, chart["y_extent"])
            for box in chart["boxes"]:  # a period's range over its months
                assert plot["x"] <= box["x"] and box["x"] + box["w"] <= plot["x"] + plot["w"] + 1, box
                assert plot["y"] <= box["y"] and box["y"] + box["h"] <= plot["y"] + plot["h"] + 1, box
            diamonds = [m for m in marks if m["name"] and m["symbol"] == "diamond"]
            for i, a in enumerate(diamonds):  # no diamond hides another, none is on a text
                for b in diamonds[i + 1 :]:
                    # on the whole 2018-2040 axis a month is a pixel: targets 4 months apart may touch
                    shared = max(0, a["w"] - abs(a["x"] - b["x"])) * max(0, a["h"] - abs(a["y"] - b["y"]))
                    limit = 0 if month < 120 else a["w"] * a["h"] / 3
                    assert shared <= limit, (chart["title"], a["name"][:40], b["name"][:40], shared)
                for t in texts[chart["title"]]:
                    clear = (a["x"] + a["w"] / 2 <= t["x"] or t["x"] + t["w"] <= a["x"] - a["w"] / 2) or (
                        a["y"] + a["h"] / 2 <= t["y"] or t["y"] + t["h"] <= a["y"] - a["h"] / 2
                    )
                    assert clear, (chart["title"], a["name"][:40], t["text"])
    price, members = drawn[output_label("ipv4_price")], drawn["Members by registry"]
    assert [m["month"] for m in price["points"] if m["name"]] == [5, 26, 36, 38, 42]
    assert [m["month"] for m in members["points"] if m["name"]] == [63, 58, 63, 86]
    assert len(members["boxes"]) == 1  # AFRINIC's members through its crisis, July 2021 to September 2025
    assert [m["month"] for m in drawn["Free IPv4 pool by registry"]["points"] if m["name"]] == [57]

    # hovering a marker shows what, when, the range and the source
    where = tab(page, "Market")
    october = next(m for m in observed_marks(page, where) if m["title"] == output_label("ipv4_price"))
    point = next(m for m in october["points"] if m["month"] == 36 and m["name"])
    page.mouse.move(october["page"]["x"] + point["x"], october["page"]["y"] + point["y"])
    tip = page.locator(f"{where} .solara-echarts div[style*='z-index: 9999999']", has_text="Observed:")
    expect(tip).to_be_visible(timeout=TIMEOUT)
    expect(tip).to_contain_text("Month 36 · Oct 2021")
    expect(tip).to_contain_text("Observed: IPv4 price, October 2021")
    expect(tip).to_contain_text("Oct 2021: 35-45 USD per address")
    expect(tip).to_contain_text("Source: about USD 40 per address in")
    expect(tip).to_contain_text("(Addrex)")
    box, chart = tip.bounding_box(), october["page"]
    assert chart["x"] - 1 <= box["x"] and box["x"] + box["width"] <= chart["x"] + chart["w"] + 1, (box, chart)
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(where).screenshot(path=str(ARTIFACTS / "history_market_tooltip.png"))
