"""Make the README's screenshot of the app from the real page (Solara server + headless Chromium).

    python scripts/screenshot_app.py [--out docs/img/app.png]

Starts `solara run app.py` on a loopback port, opens it in Debian's Chromium, picks the
registry-failure scenario under mandatory portability, compares it with no portability
(same seed), runs 60 months and saves a screenshot.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import socket
import subprocess
import sys
import time
import urllib.request

from playwright.sync_api import expect, sync_playwright

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "docs" / "img" / "app.png")
    parser.add_argument("--months", type=int, default=60)
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "solara",
            "run",
            "app.py",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--production",
            "--no-open",
            "--no-check-version",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(360):
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                time.sleep(0.25)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
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
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
