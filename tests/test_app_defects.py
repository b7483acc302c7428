"""The five defects of issue 8, each checked in Chromium on what the page does and draws.

Each test failed on the app before the fix (commit 48d221d): Reset showed a traceback; the
share charts' drawn x axis ran to five times the months; a revisited tab could stay blank;
Play had no end and kept stepping with no browser; tooltips had no number format.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from viz.browser import TIMEOUT, charts_drawn, month_at_least, month_is, open_app, steps, tab
from viz.serve import server_log

pytestmark = pytest.mark.e2e


def test_reset_rebuilds_the_run_at_month_0(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    steps(page, 2)
    page.get_by_role("button", name="Reset", exact=True).click()
    month_is(page, 0)
    assert "Traceback" not in page.locator("body").inner_text()
    steps(page, 1)  # and the rebuilt run steps


def test_share_charts_are_stacked_by_value_and_drawn_to_the_month(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    steps(page, 6)
    tab(page, "Resources")
    drawn = charts_drawn(page, month=6)
    shares = [c for c in drawn if c["title"].startswith("Share of")]
    assert len(shares) == 2
    for chart in shares:
        assert chart["x_extent"] == [0, 6], chart  # not 5 x 6: the stack is along y


def test_a_revisited_tab_draws_its_charts(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    steps(page, 3)
    for _ in range(10):
        for name in ("Accountability", "Registries", "Resources"):
            tab(page, name)
            for chart in charts_drawn(page, month=3):
                assert chart["width"] > 200 and chart["canvas"] > 200, (name, chart)


def _steps_logged(url: str) -> int:
    return len(re.findall(r"^app step ", server_log(url), flags=re.MULTILINE))


def test_play_stops_at_the_horizon(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    horizon = page.get_by_label("Play until month")
    horizon.fill("8")
    horizon.press("Enter")
    page.get_by_role("button", name="Play", exact=True).click()
    month_is(page, 8)
    expect(page.get_by_role("button", name="Play", exact=True)).to_be_visible(timeout=TIMEOUT)
    logged = _steps_logged(app_url)
    page.get_by_role("button", name="Step", exact=True).click()  # a server round trip later...
    month_is(page, 9)
    assert _steps_logged(app_url) == logged + 1  # ...Play made no step past month 8


def test_play_stops_when_the_page_is_closed(browser, app_url: str):
    page = browser.new_page()
    open_app(page, f"{app_url}?seeds=0")
    horizon = page.get_by_label("Play until month")
    horizon.fill("1000")
    horizon.press("Enter")
    page.get_by_role("button", name="Play", exact=True).click()
    month_at_least(page, 3)
    page.close()
    before = _steps_logged(app_url)
    # Nothing happens is checked over a window: 20 play intervals of 150 ms.
    time.sleep(3.0)
    after = _steps_logged(app_url)
    assert after - before <= 1, f"{after - before} steps after the page closed"  # one may be in flight


def test_tooltips_are_confined_and_formatted(page: Page, app_url: str):
    open_app(page, f"{app_url}?seeds=0")
    steps(page, 2)
    options = page.evaluate(
        """async () => {
          const cdn = window.solara ? window.solara.cdn : '/_solara/cdn';
          const e = await new Promise((ok) => requirejs([`${cdn}/echarts@5.4.0/dist/echarts.js`], ok));
          return [...document.querySelectorAll('.solara-echarts')].filter((el) => el.offsetParent)
            .map((el) => { const t = e.getInstanceByDom(el).getOption().tooltip[0];
                           return {confine: t.confine, formatted: typeof t.valueFormatter === 'function'
                                   ? t.valueFormatter(0.123456789) : null}; });
        }"""
    )
    assert options and all(o == {"confine": True, "formatted": "0.1235"} for o in options), options
