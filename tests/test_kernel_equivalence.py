"""The batched kernel is the per-agent rule: identical frames, decisions and beliefs on whole runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings

from model import PortabilityModel
from tests.strategies import params


def run(engine: str, overrides: dict, steps: int) -> PortabilityModel:
    model = PortabilityModel(seed=11, engine=engine, **overrides)
    for _ in range(steps):
        model.step()
    return model


def assert_same(a: PortabilityModel, b: PortabilityModel) -> None:
    pd.testing.assert_frame_equal(a.model_frame(), b.model_frame(), check_exact=True)
    pd.testing.assert_frame_equal(a.registry_frame(), b.registry_frame(), check_exact=True)
    pd.testing.assert_frame_equal(a.event_frame(), b.event_frame(), check_exact=True)
    for name in (
        "registry",
        "belief_quality",
        "belief_neutrality",
        "belief_var",
        "pending_destination",
        "moved_at",
        "moves",
    ):
        assert np.array_equal(getattr(a.holders, name), getattr(b.holders, name)), name
    assert np.array_equal(a.decisions.action, b.decisions.action)
    assert np.array_equal(a.decisions.destination, b.decisions.destination)
    assert np.array_equal(a.decisions.gain, b.decisions.gain)


@settings(max_examples=25)
@given(params())
def test_kernel_equals_per_agent_rule_on_random_parameters(overrides):
    assert_same(run("kernel", overrides, 8), run("agents", overrides, 8))


def test_kernel_equals_per_agent_rule_through_a_failure_with_moves():
    overrides = {
        "scale": 0.01,
        "regime": "mandatory",
        "events": [
            {"registry": "AFRINIC", "start": 2, "duration": 10, "quality_drop": 0.5, "status": "failed"}
        ],
    }
    kernel, agents = run("kernel", overrides, 24), run("agents", overrides, 24)
    assert kernel.model_frame().moves.sum() > 0  # the comparison covers real moves
    assert_same(kernel, agents)


def test_welfare_compiled_pass_is_the_numpy_expression():
    from agents.state import NO_MOVE
    from agents.utility import yearly_utility
    from model.reporters import holder_utility

    model = run("kernel", {"scale": 0.02, "regime": "mandatory", "porting_delay": 6.0}, 30)
    s, p = model.holders, model.p
    assert (s.pending_destination != NO_MOVE).any()  # the waiting gap is exercised
    quality = np.array([r.quality for r in model.registries])
    neutrality = np.array([r.neutrality for r in model.registries])
    multiplier = np.array([r.books.fee_multiplier for r in model.registries])
    expected = yearly_utility(
        s.value,
        s.w_quality,
        quality[s.registry] - p.waiting_service_gap * (s.pending_destination != NO_MOVE),
        s.w_neutrality,
        neutrality[s.registry],
        s.appeal_here,
        s.paid_usd * multiplier[s.registry],
    )
    compiled = holder_utility(model)
    assert np.array_equal(compiled, expected)
