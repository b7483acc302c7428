"""Make the README's screenshot of the app from the real page (Solara server + headless Chromium).

    python scripts/screenshot_app.py [--out docs/img/app.png]

Starts `solara run app.py` on a loopback port, opens it in Debian's Chromium, picks the
registry-failure scenario under mandatory portability, compares it with no portability
(same seed), runs 60 months and saves a screenshot.
"""

from __future__ import annotations

import argparse
import pathlib
import re

from playwright.sync_api import expect, sync_playwright

from viz.serve import CHROMIUM, CHROMIUM_ARGS, serve_app

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "img" / "app.png")
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    with serve_app() as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1060})
        page.goto(url)
        expect(page.get_by_role("button", name="Step", exact=True)).to_be_visible(timeout=90_000)
        for label, option in (
            ("Scenario", "registry_failure_portable"),
            ("Compare with (same seed)", "regime:none"),
        ):
            page.locator(".v-select", has=page.get_by_text(label, exact=True)).first.click()
            page.locator(".menuable__content__active .v-list-item", has_text=option).first.click()
            page.wait_for_timeout(800)
        step = page.get_by_role("button", name="Step", exact=True)
        for month in range(1, args.months + 1):
            step.click()
            expect(page.get_by_text(re.compile(rf"^Month {month}\b")).first).to_be_visible(timeout=60_000)
        expect(page.locator(".solara-echarts canvas").first).to_be_visible()
        page.wait_for_timeout(1000)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(args.out))
        browser.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
