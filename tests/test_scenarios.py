"""Every scenario loads, runs and produces the documented frames."""

from __future__ import annotations

from dataclasses import replace

import pytest

from model import ConfigError, PortabilityModel, describe_scenario, list_scenarios, load_scenario

MODEL_COLUMNS = [
    "step",
    "date",
    "quality_experienced",
    "neutrality_experienced",
    "worst_quality",
    "hhi_ipv4",
    "moves",
    "moved_ipv4",
    "requests",
    "pending_moves",
    "release_queue",
    "requests_quality",
    "requests_taste",
    "requests_fees",
    "ipv4_at_risk",
    "voice_rate",
    "welfare",
    "accountability",
    "ipv4_price",
    "ipv4_transferred",
    "ipv4_inter_rir",
    "pool_allocated",
    "entrants",
    "holders",
    "disputed_ipv4_shielded",
    "disputed_ipv4_reclaimed",
    "disputed_ipv4_reclaimed_unfairly",
    "targeted_harmed",
    "targeted_unfair_ipv4",
]
REGISTRY_COLUMNS = [
    "step",
    "date",
    "registry",
    "quality",
    "neutrality",
    "fee",
    "reserves",
    "members",
    "ipv4",
    "ipv4_share",
    "asn_share",
    "inflow",
    "outflow",
    "queue",
    "exit_threat",
    "threat_model",
    "threat_trust",
    "revenue_lost",
    "quality_lost",
    "fee_lost",
    "voice",
    "effort",
    "sales_in",
    "sales_out",
    "sales_within",
    "sales_out_legacy",
    "pool",
    "effort_threat",
    "effort_exit",
    "effort_voice",
    "status",
    "petition_support",
    "petition_threshold",
    "oversight_stage",
    "strictness",
]
REQUIRED = {
    "status_quo",
    "no_portability",
    "mandatory_portability",
    "registry_failure_locked",
    "registry_failure_portable",
    "gradual_capture",
    "small_registry_drain",
    "registry_failure_handoff",
    "registry_failure_portable_handoff",
    "venue_shopping",
    "venue_shopping_safeguards",
    "targeted_capture",
}


def test_the_required_scenarios_exist_with_descriptions():
    assert set(list_scenarios()) >= REQUIRED
    assert all(describe_scenario(name) for name in list_scenarios())


@pytest.mark.parametrize("name", list_scenarios())
def test_every_scenario_runs_with_the_documented_frames(name):
    model = PortabilityModel.from_scenario(name, seed=4, scale=0.005)
    for _ in range(15):
        model.step()
    frame, registries = model.model_frame(), model.registry_frame()
    assert list(frame.columns) == MODEL_COLUMNS
    assert frame.step.tolist() == list(range(16))
    assert list(registries.columns) == REGISTRY_COLUMNS
    assert len(registries) == 16 * len(model.registries)
    assert list(model.event_frame().columns) == ["step", "registry", "kind", "detail"]


def test_failure_scenarios_differ_only_in_the_regime():
    locked, portable = load_scenario("registry_failure_locked"), load_scenario("registry_failure_portable")
    assert (locked.regime, portable.regime) == ("none", "mandatory")
    assert replace(locked, regime="mandatory") == portable
    event = locked.events[0]
    assert event.duration >= 24 and event.status == "failed"


def test_failure_shows_up_in_the_frames():
    model = PortabilityModel.from_scenario("registry_failure_locked", seed=4, scale=0.01)
    for _ in range(14):
        model.step()
    registries = model.registry_frame()
    afrinic = registries[(registries.registry == "AFRINIC") & (registries.step == 13)].iloc[0]
    assert afrinic.status == "failed"
    assert model.model_frame().ipv4_at_risk.iloc[-1] > 0
    assert "governance_start" in model.event_frame().kind.tolist()


def test_overrides_apply_on_top_of_a_scenario():
    model = PortabilityModel.from_scenario("status_quo", seed=1, scale=0.005, porting_delay=9.0)
    assert model.p.porting_delay == 9.0 and model.p.regime == "status_quo"


def test_scenario_files_from_disk_reject_unknown_keys(tmp_path):
    good = tmp_path / "mine.toml"
    good.write_text('[scenario]\ndescription = "x"\n[params]\nregime = "mandatory"\nscale = 0.01\n')
    assert load_scenario(str(good)).regime == "mandatory"
    bad = tmp_path / "bad.toml"
    bad.write_text('[params]\nregim = "mandatory"\n')
    with pytest.raises(ConfigError, match=r"unknown parameter 'regim'; did you mean 'regime'\?"):
        load_scenario(str(bad))
    worse = tmp_path / "worse.toml"
    worse.write_text('[parameters]\nregime = "mandatory"\n')
    with pytest.raises(ConfigError, match=r"unknown table \[parameters\]"):
        load_scenario(str(worse))
    with pytest.raises(ConfigError, match=r"^unknown scenario 'nope'; valid: "):
        load_scenario("nope")


def test_obstruction_shows_in_the_event_log():
    # a bad, captured registry whose members want out, and a regime that lets it block them
    model = PortabilityModel(
        seed=3,
        scale=0.01,
        regime="status_quo",
        obstruction=1.0,
        registry_overrides={"RIPE NCC": {"quality": 0.2, "neutrality": 0.0}},
    )
    for _ in range(24):
        model.step()
    events = model.event_frame()
    blocked = events[events.kind == "obstruction"]
    counts = blocked.detail.str.extract(r"blocked (\d+)")[0].astype(int).groupby(blocked.registry).sum()
    assert len(blocked) > 0 and counts.idxmax() == "RIPE NCC"  # neutrality 0 obstructs most
    assert blocked.detail.str.match(r"blocked \d+ move\(s\) out").all()
