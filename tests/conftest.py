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

from viz.serve import CHROMIUM, CHROMIUM_ARGS, AppServerError, serve_app  # noqa: E402

ARTIFACTS = pathlib.Path(__file__).resolve().parents[1] / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    """Browser tests skip without Chromium on a user's machine, but never in CI."""
    if os.path.exists(CHROMIUM) or not any("e2e" in item.keywords for item in items):
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
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


@pytest.fixture(scope="session")
def app_url():
    """`solara run app.py` on a free loopback port for the whole session."""
    try:
        with serve_app() as url:
            yield url
    except AppServerError as exc:
        pytest.fail(str(exc))
