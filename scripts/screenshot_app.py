"""Make the README's screenshot of the app from the real page (Solara server + headless Chromium).

    python scripts/screenshot_app.py [--out docs/img/app.png] [--months 60] [--tab Registries]
        [--scenario registry_failure_portable] [--remedy none] [--compare scenario:registry_failure_locked]

Starts `solara run app.py` on a loopback port, opens it in Debian's Chromium, picks the
registry-failure scenario under mandatory portability, compares it with the same failure
under lock-in (same seed), runs 60 months, folds the scenario's story away so the charts
show, waits until every chart is drawn at that month, and saves a screenshot. The options
pick another scenario, remedy, comparison (a "Compare with" key, or "off") and tab.
"""

from __future__ import annotations

import argparse
import pathlib

from playwright.sync_api import sync_playwright

from model import list_scenarios
from model.params import REMEDY_NAMES
from viz.browser import charts_drawn, choose, month_is, open_app, steps, tab
from viz.controls import compare_options
from viz.labels import remedy_title, scenario
from viz.serve import CHROMIUM, CHROMIUM_ARGS, serve_app

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> None:
    """Serve the app, set it up, step it and save the screenshot."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "img" / "app.png")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--tab", default="Registries")
    parser.add_argument("--scenario", default="registry_failure_portable", choices=list_scenarios())
    parser.add_argument("--remedy", default=None, choices=REMEDY_NAMES, help="default: the scenario's")
    parser.add_argument(
        "--compare",
        default="scenario:registry_failure_locked",
        choices=["off", *compare_options()],
        help="a 'Compare with' choice, or off",
    )
    args = parser.parse_args()
    chosen = scenario(args.scenario)
    with serve_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1150})
        open_app(page, url)
        if args.scenario != "status_quo":
            choose(page, "Scenario", chosen.title)
        page.get_by_text(f"The scenario: {chosen.title}").wait_for()
        month_is(page, 0)
        if args.remedy is not None:
            choose(page, "Remedy", remedy_title(args.remedy))
            month_is(page, 0)
        if args.compare != "off":
            choose(page, "Compare with (same seed)", compare_options()[args.compare])
            page.locator(".month-title", has_text="(same seed)").wait_for()
        page.get_by_text(f"The scenario: {chosen.title}").click()  # fold the story: show the charts
        steps(page, args.months)
        charts_drawn(page, month=args.months, within=tab(page, args.tab))
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
