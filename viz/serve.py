"""Serve the app on a free loopback port and open it in Debian's Chromium.

Shared by the browser tests, the app benchmark and the screenshot script, so the server
flags and the browser flags live in one place.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "STEP_LOG_ENV",
    "AppServerError",
    "http_status",
    "serve_app",
    "server_log",
]

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# as root, in a sandbox with no internet: no sandbox, no background network chatter
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
STEP_LOG_ENV = "RIR_APP_LOG_STEPS"  # set: the app logs one line per model step (tests watch it)
_LOGS: dict[str, str] = {}  # url -> the running server's log file
ASSET_PROBE = "/_solara/cdn/echarts@5.4.0/dist/echarts.js"  # the charts' library, served locally


class AppServerError(RuntimeError):
    """The app server did not start; the message ends with its log."""


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The HTTP status of `url`, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_app(timeout: float = 90.0, check_assets: bool = True) -> Iterator[str]:
    """`solara run app.py` on 127.0.0.1 until the block ends; yields the page's URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {
        **os.environ,
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "PYTHONUNBUFFERED": "1",
        STEP_LOG_ENV: "1",
    }
    command = [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(ROOT / "app.py"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
    ]
    with tempfile.NamedTemporaryFile(prefix="solara-", suffix=".log") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        try:
            deadline = time.monotonic() + timeout
            while http_status(url) != 200:
                if server.poll() is not None:
                    raise AppServerError(f"solara exited with code {server.returncode}\n{_tail(log.name)}")
                if time.monotonic() > deadline:
                    raise AppServerError(f"solara did not answer within {timeout:.0f} s\n{_tail(log.name)}")
                time.sleep(0.25)
            if check_assets and http_status(url.rstrip("/") + ASSET_PROBE, timeout=20) != 200:
                raise AppServerError(
                    "front-end assets missing: run `python scripts/install_solara_assets.py`"
                )
            _LOGS[url] = log.name
            yield url
        finally:
            _LOGS.pop(url, None)
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def server_log(url: str) -> str:
    """Everything the server at `url` (started by `serve_app`) has logged so far."""
    return Path(_LOGS[url]).read_text(errors="replace")


def _tail(path: str) -> str:
    return "--- server log ---\n" + Path(path).read_text(errors="replace")[-4000:]
