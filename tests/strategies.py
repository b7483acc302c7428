"""Hypothesis strategies for valid parameters (one place, shared by the property tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from model.params import GovernanceEvent
from model.regimes import REGIME_NAMES

NAMES = ("ARIN", "APNIC", "RIPE NCC", "LACNIC", "AFRINIC")
unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def events(draw: st.DrawFn) -> tuple[GovernanceEvent, ...]:
    """Zero to two scheduled governance events early in a run."""
    count = draw(st.integers(0, 2))
    return tuple(
        GovernanceEvent(
            registry=draw(st.sampled_from(NAMES)),
            start=draw(st.integers(1, 10)),
            duration=draw(st.integers(1, 12)),
            quality_drop=draw(unit),
            neutrality_drop=draw(unit),
            status=draw(st.sampled_from(["degraded", "failed"])),
            capture_rate=draw(st.floats(0.0, 0.05)),
        )
        for _ in range(count)
    )


@st.composite
def params(draw: st.DrawFn) -> dict:
    """Keyword overrides of `Params` for a small, fast, valid model."""
    return {
        "scale": draw(st.floats(0.002, 0.006)),
        "regime": draw(st.sampled_from(REGIME_NAMES)),
        "porting_delay": draw(st.one_of(st.none(), st.floats(0.0, 6.0))),
        "approval_odds": draw(st.one_of(st.none(), unit)),
        "obstruction": draw(st.one_of(st.none(), unit)),
        "hold_period": draw(st.one_of(st.none(), st.integers(0, 24))),
        "review_rate": draw(st.floats(0.05, 1.0)),
        "switching_cost": draw(st.floats(0.0, 20_000.0)),
        "quality_value": draw(st.floats(0.0, 20.0)),
        "fee_schedules": draw(st.sampled_from(["own", "common"])),
        "observation_noise": draw(st.floats(0.0, 0.2)),
        "evidence_z": draw(st.floats(0.0, 3.0)),
        "release_capacity": draw(st.floats(0.0, 0.2)),
        "insolvency_limit": draw(st.integers(1, 12)),
        "taste_sd": draw(st.floats(0.0, 0.3)),
        "responsiveness": draw(unit),
        "voice_propensity": draw(st.floats(0.0, 20.0)),
        "aspiration": draw(unit),
        "event_hazard": draw(st.floats(0.0, 0.1)),
        "market": draw(st.sampled_from(["on", "off"])),
        "entry_rate": draw(st.floats(0.0, 0.3)),
        "price_adjustment": draw(st.floats(0.0, 0.5)),
        "space_horizon": draw(st.floats(0.0, 60.0)),
        "need_growth_sd": draw(st.floats(0.0, 0.2)),
        "events": draw(events()),
        "registry_overrides": draw(
            st.dictionaries(
                st.sampled_from(NAMES),
                st.fixed_dictionaries(
                    {"reserves_months": st.floats(0.0, 24.0), "cost_ratio": st.floats(0.5, 3.0)}
                ),
                max_size=2,
            )
        ),
    }
