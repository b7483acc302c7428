"""Latency of the app: a step plus redraw, in-process and in Chromium (run on demand, not in the suite).

    python benchmarks/bench_app.py             # in-process and in Chromium (needs /usr/bin/chromium)
    python benchmarks/bench_app.py --no-browser

In-process: the page rendered with solara.render (`viz.harness`), with the seeds' band of the
default 10 seeds drawn (the benchmark waits for it); the time from clicking Step until every
component has re-rendered and every chart option is built, for every tab, from month 0 and
from month 240 (opened by its link), alone and in compare mode: the wall time, and the CPU time
of the thread that steps and redraws (a machine shared with other work inflates the first, not
the second). Then the same while 40 seeds
are being computed in the background (the page must not wait for them). In Chromium: the
time from clicking Step until every chart of the open tab is drawn with the new month (the
chart's data-month, written after ECharts drew it), alone and in compare mode, and page load
to a usable page.
Targets (issue 20): a step plus redraw under 100 ms in-process on every tab and in compare mode.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
COMPARE = "regime:none"
STEPS = 10
UNTIL = 380
LINK = f"scenario=status_quo&until={UNTIL}"  # the seeds' band covers every month measured


def in_process() -> list[tuple[str, float]]:
    """Median ms of Step + re-render per tab, from month 0 and from month 240, alone and compared."""
    from viz.harness import button, html, open_tab, render, wait_for
    from viz.views import TABS

    rows = []
    for compare in (None, COMPARE):
        for start in (0, 240):  # early in a run, and with 20 years of data on the charts
            link = f"{LINK}&month={start}" + (f"&compare={compare}" if compare else "")
            rc = render(link, seeds=True)
            began = time.perf_counter()
            wait_for(
                lambda rc=rc: any("seeds: mean" in t for t in html(rc, "headline-row")), "the seeds", 900
            )
            what = "compare, " if compare else ""
            if start == 0:
                seconds = time.perf_counter() - began
                rows.append((f"{what}10 seeds to month {UNTIL}, in the background (s)", seconds, 0.0))
            step, month = button(rc, "Step"), start
            for tab in TABS:
                open_tab(rc, tab)
                rows.append((f"{what}months {month + 1}-{month + STEPS}, {tab}", *_time_steps(step)))
                month += STEPS
    rc = render(f"{LINK}&compare={COMPARE}&seeds=40", seeds=True)  # 80 runs queued: seconds of work
    open_tab(rc, "Registries")
    measured = _time_steps(button(rc, "Step"))
    busy = any("computing in the background" in t for t in html(rc, "headline-row"))
    said = "" if busy else " (they had finished)"
    rows.append((f"compare, while 40 seeds run{said}, Registries", *measured))
    return rows


def _time_steps(step) -> tuple[float, float]:
    """Median wall and CPU milliseconds of `STEPS` clicks on Step (CPU: this thread's own, which
    a machine shared with other work does not inflate)."""
    wall, cpu = [], []
    for _ in range(STEPS):
        t, c = time.perf_counter(), time.thread_time()
        step.click()
        wall.append(time.perf_counter() - t)
        cpu.append(time.thread_time() - c)
    return 1000 * statistics.median(wall), 1000 * statistics.median(cpu)


def in_browser() -> list[tuple[str, float]]:
    """Page load to usable (s), and median ms from Step to every chart drawn at the new month."""
    from playwright.sync_api import sync_playwright

    from viz.browser import charts_drawn, month_is, open_app, tab
    from viz.serve import CHROMIUM, CHROMIUM_ARGS, serve_app

    rows = []
    with serve_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        loads = []
        for _ in range(3):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            t = time.perf_counter()
            open_app(page, url + "?seeds=0")
            charts_drawn(page, month=0)
            loads.append(time.perf_counter() - t)
            page.close()
        rows.append(("page load to usable (s, median of 3)", statistics.median(loads), 0.0))
        for compare in (None, COMPARE):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_app(page, f"{url}?{LINK}" + (f"&compare={compare}" if compare else ""))
            page.locator(".headline-row", has_text="seeds: mean").wait_for(timeout=600_000)
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
            label = f"browser, {what}, with the band: Step to charts drawn (ms, median of 40)"
            rows.append((label, 1000 * statistics.median(times), 0.0))
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
    width = max(len(row[0]) for row in rows)
    print(f"step + redraw, in-process: wall and this thread's CPU (ms, median of {STEPS}); then the browser")
    for name, value, cpu in rows:
        print(f"  {name:<{width}}  {value:8.1f}" + (f"  {cpu:8.1f}" if cpu else ""))


if __name__ == "__main__":
    main()
