"""Latency of the app: a step plus redraw, in-process and in Chromium (run on demand, not in the suite).

    python benchmarks/bench_app.py             # in-process and in Chromium (needs /usr/bin/chromium)
    python benchmarks/bench_app.py --no-browser

In-process: the page rendered with solara.render; the time from clicking Step until every
component has re-rendered and every chart option is built, for each chart tab, early in a
run and after 20 years, alone and in compare mode. In Chromium: the time from clicking Step
until every chart of the open tab is drawn with the new month (the chart's data-month,
written after ECharts drew it), alone and in compare mode, and page load to a usable page.
Targets (issue 8): a step plus redraw under 100 ms in-process; Step to drawn under 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHART_TABS = ["Registries", "Members & money", "Resources", "Accountability", "Flows", "Holders", "Peering"]
COMPARE = "regime:none"
STEPS = 20


def in_process() -> list[tuple[str, float]]:
    """Median ms of Step + re-render per tab, at months 1-20 and 241-260, alone and compared."""
    import ipyvuetify as v
    import solara

    import app
    from viz.controls import compare_options
    from viz.views import TABS

    @solara.component
    def Root() -> None:
        with solara.AppLayout():
            app.Page()

    rows = []
    for compare in (None, COMPARE):
        _, rc = solara.render(Root(), handle_error=False)
        if compare:
            rc.find(v.Select, label="Compare with (same seed)").widget.v_model = compare_options()[compare]
        step = rc.find(v.Btn, children=["Step"]).widget
        tabs = next(
            w
            for w in rc.find(v.Tabs).widgets
            if [c.children[0] for c in w.children if isinstance(c, v.Tab)] == TABS
        )
        month = 0
        for later in (False, True):
            while later and month < 240:  # measure again with 20 years of data on the charts
                step.click()
                month += 1
            for tab in CHART_TABS:
                tabs.v_model = TABS.index(tab)
                times = []
                for _ in range(STEPS):
                    t = time.perf_counter()
                    step.click()
                    times.append(time.perf_counter() - t)
                month += STEPS
                label = f"{'compare, ' if compare else ''}months {month - STEPS + 1}-{month}, {tab}"
                rows.append((label, 1000 * statistics.median(times)))
    return rows


def in_browser() -> list[tuple[str, float]]:
    """Page load to usable (s), and median ms from Step to every chart drawn at the new month."""
    from playwright.sync_api import sync_playwright

    from viz.browser import charts_drawn, choose, month_is, open_app, tab
    from viz.controls import compare_label
    from viz.serve import CHROMIUM, CHROMIUM_ARGS, serve_app

    rows = []
    with serve_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        loads = []
        for _ in range(3):
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            t = time.perf_counter()
            open_app(page, url)
            charts_drawn(page, month=0)
            loads.append(time.perf_counter() - t)
            page.close()
        rows.append(("page load to usable (s, median of 3)", statistics.median(loads)))
        for compare in (None, COMPARE):
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            open_app(page, url)
            if compare:
                choose(page, "Compare with (same seed)", compare_label(compare))
                page.locator(".month-title", has_text="(same seed)").wait_for()
            where = tab(page, "Registries")
            charts_drawn(page, month=0, within=where)
            button = page.get_by_role("button", name="Step", exact=True)
            times = []
            for month in range(1, 41):
                t = time.perf_counter()
                button.click()
                month_is(page, month)
                charts_drawn(page, month=month, within=where)
                times.append(time.perf_counter() - t)
            what = "compare mode" if compare else "one run"
            rows.append(
                (f"browser, {what}: Step to charts drawn (ms, median of 40)", 1000 * statistics.median(times))
            )
            page.close()
        browser.close()
    return rows


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    rows = in_process()
    if not args.no_browser:
        rows += in_browser()
    width = max(len(name) for name, _ in rows)
    print(f"step + redraw, in-process (ms, median of {STEPS} steps); then the browser")
    for name, value in rows:
        print(f"  {name:<{width}}  {value:8.1f}")


if __name__ == "__main__":
    main()
