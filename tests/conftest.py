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
