"""Make the README's screenshot of the app from the real page (Solara server + headless Chromium).

    python scripts/screenshot_app.py [--out docs/img/app.png] [--months 60] [--tab Registries]
        [--scenario registry_failure_portable] [--compare scenario:registry_failure_locked]
        [--seeds 10] [--every-tab DIR]

Starts `solara run app.py` on a loopback port and opens, in Debian's Chromium, the link of the
run: the registry-failure scenario under mandatory portability compared with the same failure
under lock-in (same seed), at month 60, with the band of 10 seeds. It waits until the seeds'
band and every chart are drawn at that month, folds the texts away so the charts show, and
saves a screenshot. `--every-tab DIR` also saves the whole page and each tab into DIR (to look
at them as a user would).
"""

from __future__ import annotations

import argparse
import pathlib
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

from model import list_scenarios
from viz.browser import TIMEOUT, charts_drawn, month_is, tab
from viz.serve import CHROMIUM, CHROMIUM_ARGS, serve_app
from viz.setup import compare_options
from viz.views import TABS

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> None:
    """Serve the app, open the run's link and save the screenshots."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "img" / "app.png")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--tab", default="Registries", choices=TABS)
    parser.add_argument("--scenario", default="registry_failure_portable", choices=list_scenarios())
    parser.add_argument(
        "--compare", default="scenario:registry_failure_locked", choices=["off", *compare_options()]
    )
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument(
        "--every-tab", type=pathlib.Path, default=None, help="also save each tab into this folder"
    )
    args = parser.parse_args()
    query = {
        "scenario": args.scenario,
        "month": args.months,
        "seeds": args.seeds,
    }
    if args.compare != "off":
        query["compare"] = args.compare
    with serve_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{url}?{urlencode(query, safe=':')}")
        month_is(page, args.months)
        if args.seeds:
            page.locator(".headline-row", has_text="seeds: mean").wait_for(timeout=10 * TIMEOUT)
        if args.every_tab is not None:
            args.every_tab.mkdir(parents=True, exist_ok=True)
            for name in TABS:
                where = tab(page, name)
                if name not in ("Events", "Export"):
                    charts_drawn(page, within=where)
                page.locator(where).screenshot(
                    path=str(args.every_tab / f"tab-{where.removeprefix('.tab-')}.png")
                )
            page.screenshot(path=str(args.every_tab / "page.png"), full_page=True)
        page.get_by_text("What this run shows").click()  # fold the texts: show the charts
        charts_drawn(page, month=args.months, within=tab(page, args.tab))
        page.evaluate("() => window.scrollTo(0, 0)")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
