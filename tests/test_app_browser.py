"""The app in a real headless Chromium: a policy person's first minute with it."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.e2e
TIMEOUT = 60_000


def open_app(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("button", name="Step", exact=True)).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("Month 0")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator(".solara-echarts canvas").first).to_be_visible(timeout=TIMEOUT)


def choose(page: Page, label: str, option: str) -> None:
    page.locator(".v-select", has=page.get_by_text(label, exact=True)).first.click()
    page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()


def headline(page: Page) -> str:
    return page.locator(".headline").inner_text()


def steps(page: Page, n: int, start: int = 0) -> None:
    button = page.get_by_role("button", name="Step", exact=True)
    for month in range(start + 1, start + n + 1):
        button.click()
        expect(page.get_by_text(re.compile(rf"^Month {month}\b")).first).to_be_visible(timeout=TIMEOUT)


def test_failure_scenario_compare_export_and_bad_input(page: Page, app_url: str, tmp_path):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size({"width": 1500, "height": 1000})
    open_app(page, app_url)

    choose(page, "Scenario", "registry_failure_portable")
    expect(page.get_by_text("A registry's governance fails for 39 months").first).to_be_visible(
        timeout=TIMEOUT
    )
    chart = page.locator(".solara-echarts canvas").first
    expect(chart).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    before_chart, before_numbers = chart.screenshot(), headline(page)
    steps(page, 24)
    page.wait_for_timeout(500)
    assert headline(page) != before_numbers
    assert chart.screenshot() != before_chart

    choose(page, "Compare with (same seed)", "regime:none")
    expect(page.get_by_text("comparing two runs, same seed")).to_be_visible(timeout=TIMEOUT)
    steps(page, 1, start=24)  # choosing a comparison does not restart the run
    expect(page.locator(".headline")).to_contain_text(" vs ", timeout=TIMEOUT)
    expect(page.locator(".headline")).to_contain_text("Δ", timeout=TIMEOUT)

    page.get_by_role("tab", name="Export").click()
    with page.expect_download(timeout=TIMEOUT) as download:
        page.get_by_role("button", name="model (registry_failure_portable)", exact=True).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    frame = pd.read_csv(path)
    assert frame.step.tolist() == list(range(26))
    assert {"quality_experienced", "ipv4_at_risk", "accountability"} <= set(frame.columns)

    scale = page.get_by_label("Scale (1.0 = 85,000 holders)")
    scale.fill("5")
    scale.press("Enter")
    expect(page.get_by_text("scale must be a number in [0.0005, 2.0]; got 5.0")).to_be_visible(
        timeout=TIMEOUT
    )
    page.get_by_role("tab", name="Registries").click()
    expect(page.locator(".solara-echarts canvas").first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=True)
    assert "Traceback" not in page.locator("body").inner_text()
    assert not errors, errors


def test_each_browser_session_has_its_own_model(browser, app_url):
    first, second = browser.new_page(), browser.new_page()
    open_app(first, app_url)
    open_app(second, app_url)
    steps(first, 3)
    expect(second.get_by_text("Month 0")).to_be_visible()
    steps(second, 1)
    expect(first.get_by_text(re.compile(r"^Month 3\b")).first).to_be_visible()
