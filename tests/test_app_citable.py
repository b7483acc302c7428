"""Issue 20 in Chromium: a run you can link to, figures to download with their settings, words and
numbers from the run, and a page whose parts neither overlap nor leave the window."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.conftest import ARTIFACTS
from tests.test_app_text import SNAKE, check_numbers, ensembles_of, models_of
from viz.browser import TIMEOUT, charts_drawn, month_is, open_app, steps, tab
from viz.setup import Setup

pytestmark = pytest.mark.e2e
LONGEST = "Scenario: Registry failure, free to leave, handoff"  # the longest comparison on offer


def test_a_link_opens_the_same_run_at_the_same_month_and_tab(browser, app_url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(f"{app_url}?scenario=registry_failure_portable&seeds=0")
    month_is(page, 0)
    seed = page.get_by_label("Seed", exact=True)
    seed.fill("7")
    seed.press("Enter")
    expect(page.locator(".restart-note")).to_contain_text("Seed 42 → 7", timeout=TIMEOUT)  # said, not silent
    steps(page, 5)
    expect(page.locator(".restart-note")).to_have_count(0)  # said once
    tab(page, "Accountability")
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator(".rir-copied")).to_contain_text("Link copied", timeout=TIMEOUT)
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == page.url
    for part in ("scenario=registry_failure_portable", "seed=7", "month=5", "tab=accountability", "seeds=0"):
        assert part in link, (part, link)
    headline = page.locator(".headline-row").inner_text()
    again = context.new_page()
    again.goto(link)
    month_is(again, 5)
    expect(again.get_by_role("tab", name="Accountability", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    charts_drawn(again, month=5, within=".tab-accountability")
    assert again.locator(".headline-row").inner_text() == headline  # the same run: the same numbers
    context.close()


def test_each_chart_downloads_with_its_caption_and_the_run_as_a_zip(page: Page, app_url: str, tmp_path):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{app_url}?scenario=registry_failure_handoff&month=20&seeds=0&remedy=none")
    month_is(page, 20)
    where = tab(page, "Registries")
    drawn = charts_drawn(page, month=20, within=where)
    for chart in drawn:
        for kind in ("PNG", "SVG", "CSV"):  # each chart's download control names it
            expect(page.get_by_role("button", name=f"Download {chart['title']} as {kind}")).to_have_count(1)
    files = {}
    for kind in ("PNG", "SVG", "CSV"):
        with page.expect_download(timeout=TIMEOUT) as download:
            page.get_by_role("button", name=f"Download Service quality by registry as {kind}").click()
        files[kind] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[kind])
    caption = Image.open(files["PNG"]).text["Description"]
    for said in (
        "scenario registry_failure_handoff",
        "Remedy = none",
        "seed 42",
        "Month 20",
        "rir-portability 0.1.0",
    ):
        assert said in caption, (said, caption)
    assert "month=20" in caption  # the link to the run
    assert b"scenario registry_failure_handoff" in files["SVG"].read_bytes()
    assert files["CSV"].read_text().startswith("# Service quality by registry")
    names = {p.name for p in files.values()}
    assert len(names) == 3 and all(
        "registry-failure-handoff_none_none_seed42" in n and "month20" in n for n in names
    )

    tab(page, "Export")
    with page.expect_download(timeout=120_000) as download:  # every figure is drawn: seconds
        page.get_by_role("button", name="Download this run (zip)").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    names = set(archive.namelist())
    assert {"README.txt", "settings.toml", "data/model.csv", "data/model_registries.csv"} <= names
    assert sum(n.startswith("figures/") and n.endswith(".png") for n in names) >= 20
    assert "python -m runs run settings.toml --seed 42 --steps 20" in archive.read("README.txt").decode()


def test_the_page_keeps_its_parts_apart_in_the_window(page: Page, app_url: str):
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_app(page, f"{app_url}?seeds=0&compare=scenario:registry_failure_portable_handoff")
    expect(page.locator(".v-navigation-drawer")).to_contain_text(LONGEST.split(": ")[1], timeout=TIMEOUT)
    boxes = page.evaluate(
        """() => {
          const box = (s) => { const e = document.querySelector(s); const r = e.getBoundingClientRect();
                               return {x: r.left, r: r.right, sw: e.scrollWidth, cw: e.clientWidth}; };
          const heading = [...document.querySelectorAll('h3')]
            .find((h) => h.innerText.startsWith('RIR portability'));
          const r = heading.getBoundingClientRect();
          return {drawer: box('.v-navigation-drawer'), heading: {x: r.left, r: r.right},
                  page: document.documentElement.scrollWidth, window: window.innerWidth,
                  cards: [...document.querySelectorAll('.headline-item')]
                    .map((e) => e.getBoundingClientRect().right)};
        }"""
    )
    drawer, heading = boxes["drawer"], boxes["heading"]
    assert drawer["r"] <= heading["x"], boxes  # the sidebar does not run over the page's title
    assert drawer["sw"] <= drawer["cw"] + 1, boxes  # nothing in the sidebar is wider than the sidebar
    assert boxes["page"] <= boxes["window"], boxes  # nothing leaves the window sideways
    assert max(boxes["cards"]) <= boxes["window"], boxes
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "long_comparison.png"))


def test_a_slider_step_is_a_sensible_step(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    page.get_by_role("button", name=re.compile(r"^Show all parameters")).click()
    cost = page.locator(".param-slider", has_text="Switching cost")
    expect(cost).to_contain_text("Switching cost (USD for a /22): 2000 · log scale", timeout=TIMEOUT)
    assert cost.locator(".v-slider__thumb-label").count() == 0  # no bubble over the number or the label
    cost.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    expect(cost).to_contain_text(": 2500 (changed)", timeout=TIMEOUT)  # a quarter more, not 299,892
    page.keyboard.press("ArrowRight")
    expect(cost).to_contain_text(": 3000 (changed)", timeout=TIMEOUT)
    rate = page.locator(".param-slider", has_text="Review rate")
    rate.get_by_role("slider").focus()
    page.keyboard.press("ArrowRight")
    expect(rate).to_contain_text(
        re.compile(r"Review rate \(per month\): 0\.0(8|9)\d* \(changed\)"), timeout=TIMEOUT
    )
    expect(page.locator(".restart-note")).to_contain_text("Review rate (per month)", timeout=TIMEOUT)


def test_the_page_says_no_code_name_and_each_number_is_the_frames(page: Page, app_url: str):
    page.set_viewport_size({"width": 1400, "height": 1000})
    link = "scenario=registry_failure_portable&compare=scenario:registry_failure_locked&month=24&until=24"
    page.goto(f"{app_url}?{link}&seeds=5")
    month_is(page, 24)
    expect(page.locator(".headline-row")).to_contain_text("seeds: mean", timeout=180_000)
    page.get_by_text("About the model and how to read this page").click()
    page.get_by_text("How to cite").click()
    page.get_by_text("The scenario: Registry failure, members free to leave").click()
    expect(page.get_by_text("Things to notice")).to_be_visible(timeout=TIMEOUT)
    text = page.locator("body").inner_text()
    assert not SNAKE.findall(text), sorted(set(SNAKE.findall(text)))
    titles = page.evaluate(
        "() => [...document.querySelectorAll('[title]')].map((e) => e.getAttribute('title'))"
    )
    assert not [t for t in titles if SNAKE.search(t)], [t for t in titles if SNAKE.search(t)]
    fragments = page.evaluate("() => [...document.querySelectorAll('.run-text')].map((e) => e.innerHTML)")
    stories = page.evaluate("() => [...document.querySelectorAll('.scenario-story')].map((e) => e.innerHTML)")
    setup = Setup("registry_failure_portable", compare="scenario:registry_failure_locked")
    runs, ensembles = models_of(setup, 24), ensembles_of(setup, 5, 24)
    assert check_numbers([f for f in fragments if f not in stories], runs, ensembles, 24, 24) > 40
    check_numbers(stories, runs, ensembles, 24, 24, years=True)
