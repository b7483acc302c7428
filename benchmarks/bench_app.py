"""Latency of the app: a step plus redraw, and page load (run on demand, not in the test suite).

    python benchmarks/bench_app.py             # in-process and in Chromium (needs /usr/bin/chromium)
    python benchmarks/bench_app.py --no-browser

In-process: the page rendered with solara.render; the time of clicking Step until every
component has re-rendered, for each tab, early in a run and after 20 years, alone and in
compare mode. In Chromium: the round trip from clicking Step to the new month on screen, and the time
from opening the page to a usable page (Step button and first chart drawn). Target: a step
plus redraw under 100 ms; usable within 3 s.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TABS = ["Registries", "Resources", "Accountability", "Flows", "Peering graph", "Events", "Export"]


def in_process() -> list[tuple[str, float]]:
    import ipyvuetify as v
    import solara

    import app

    @solara.component
    def Root() -> None:
        with solara.AppLayout():
            app.Page()

    rows = []
    for compare in (None, "regime:none"):
        _, rc = solara.render(Root(), handle_error=False)
        if compare:
            rc.find(v.Select, label="Compare with (same seed)").widget.v_model = compare
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
            for index, tab in enumerate(TABS):
                tabs.v_model = index
                times = []
                for _ in range(20):
                    t = time.perf_counter()
                    step.click()
                    times.append(time.perf_counter() - t)
                month += 20
                label = f"{'compare, ' if compare else ''}months {month - 19}-{month}, {tab}"
                rows.append((label, 1000 * statistics.median(times)))
    return rows


def in_browser() -> list[tuple[str, float]]:
    from playwright.sync_api import expect, sync_playwright

    from viz.serve import CHROMIUM, CHROMIUM_ARGS, serve_app

    rows = []
    with serve_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        loads = []
        for _ in range(3):
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            t = time.perf_counter()
            page.goto(url)
            expect(page.get_by_role("button", name="Step", exact=True)).to_be_visible(timeout=60_000)
            expect(page.locator(".solara-echarts canvas").first).to_be_visible(timeout=60_000)
            loads.append(time.perf_counter() - t)
            page.close()
        rows.append(("page load to usable (s, median of 3)", statistics.median(loads)))
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.goto(url)
        button = page.get_by_role("button", name="Step", exact=True)
        expect(button).to_be_visible(timeout=60_000)
        times = []
        for month in range(1, 41):
            t = time.perf_counter()
            button.click()
            expect(page.get_by_text(re.compile(rf"^Month {month}\b")).first).to_be_visible(timeout=30_000)
            times.append(time.perf_counter() - t)
        rows.append(
            ("browser: click Step to new month on screen (ms, median of 40)", 1000 * statistics.median(times))
        )
        browser.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    rows = in_process()
    if not args.no_browser:
        rows += in_browser()
    width = max(len(name) for name, _ in rows)
    print("step + redraw, in-process (ms, median of 20 steps)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value:8.1f}")


if __name__ == "__main__":
    main()
