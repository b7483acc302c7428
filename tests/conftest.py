"""Shared fixtures and Hypothesis profiles (`--hypothesis-profile=dev` for quicker local runs)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from model import PortabilityModel

settings.register_profile(
    "default", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=10, deadline=None)
settings.load_profile("default")


@pytest.fixture
def small_model() -> PortabilityModel:
    """A seeded status-quo model of about 430 holders."""
    return PortabilityModel(seed=7, scale=0.005)


# --- the app in a real browser -------------------------------------------------------------
import os  # noqa: E402
import pathlib  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
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
ASSET_PROBE = "/_solara/cdn/echarts@5.4.0/dist/echarts.js"  # served from the local cache
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    """Browser tests skip without Chromium on a user's machine, but never in CI."""
    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(pytest.mark.xfail(reason="no browser", run=False, strict=True))
        raise pytest.UsageError(
            f"CI=true but {CHROMIUM} is missing: browser tests must run in CI (apt-get install -y chromium)"
        )
    skip = pytest.mark.skip(reason=f"{CHROMIUM} not found (apt-get install -y chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch options, pointed at Debian's Chromium."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return None


@pytest.fixture(scope="session")
def app_url():
    """`solara run app.py` on a free loopback port for the whole session."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "PYTHONUNBUFFERED": "1"}
    # kept open for the server's lifetime, closed in the finally below
    log = tempfile.NamedTemporaryFile(prefix="solara-", suffix=".log", delete=False)  # noqa: SIM115
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
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
    )

    def stop() -> None:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()

    def fail(message: str) -> None:
        stop()
        pytest.fail(f"{message}\n--- server log ---\n{pathlib.Path(log.name).read_text()[-4000:]}")

    deadline = time.monotonic() + 90
    while _status(url) != 200:
        if server.poll() is not None:
            fail(f"solara exited with code {server.returncode}")
        if time.monotonic() > deadline:
            fail("solara did not answer within 90 s")
        time.sleep(0.25)
    if _status(url.rstrip("/") + ASSET_PROBE, timeout=20) != 200:
        fail("front-end assets missing: run `python scripts/install_solara_assets.py`")
    try:
        yield url
    finally:
        stop()
        log.close()
        os.unlink(log.name)
