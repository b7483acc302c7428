"""The real population's derivation, calendar time, the timeline, and the history report."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from model import ConfigError, PortabilityModel, load_scenario
from model.calendar import date_of, month_label, parse_month, steps_between
from model.observed import MEASURES, Frames, load_targets, measure
from model.timeline import Schedule, load_timeline

ROOT = Path(__file__).resolve().parents[1]


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the derivation, on a tiny hand-written delegated file ------------------------------------
ARIN_FILE = """2.3|arin|1539406814230|9|19700101|20181013|-0400
arin|*|ipv4|*|5|summary
arin|US|ipv4|3.0.0.0|16777216|19880223|assigned|aaa
arin|US|ipv4|8.8.8.0|256|20140801|allocated|aaa
arin|CA|ipv4|24.0.0.0|1024|20050101|allocated|bbb
arin|US|asn|1|3|19910110|assigned|ccc
arin|US|ipv6|2600::|32|20100101|allocated|bbb
arin|GB|ipv4|45.0.0.0|512|20150101|allocated|ddd
arin||ipv4|23.0.0.0|4096||available|
arin||ipv4|100.0.0.0|2048||reserved|
"""
RIPE_FILE = """2|ripencc|1539467999|3|19830705|20181013|+0200
ripencc|GB|ipv4|2.0.0.0|1024|20100712|allocated|r1
ripencc|GB|ipv4|5.0.0.0|2048|19900101|allocated|r2
ripencc|DE|ipv6|2a00::|48|20120101|assigned|r3
"""


def test_the_derivation_sums_each_accounts_records_and_keeps_pools_apart():
    derive = script("real_population").derive
    table, pools = derive({"arin": ARIN_FILE, "ripencc": RIPE_FILE})
    rows = {(r.registry, r.ipv4, r.asn): r for r in table.itertuples()}
    assert len(table) == 7  # aaa, bbb, ccc (ASN only), ddd; r1, r2, r3 (IPv6 only)
    aaa = rows[("ARIN", 16777216 + 256, 0)]
    assert aaa.legacy_ipv4 == 16777216  # the 1988 record predates ARIN (22 Dec 1997); the 2014 one not
    assert aaa.first_date == 19880223 and aaa.country == "US"
    bbb = rows[("ARIN", 1024, 0)]
    assert bbb.ipv6_48 == 2**16 and bbb.legacy_ipv4 == 0  # a /32 is 65,536 /48s
    assert rows[("ARIN", 0, 3)].ipv4 == 0  # an ASN-only holder is a holder
    # ddd's record is in GB, a country of the RIPE NCC's region: it has a presence there
    ddd = rows[("ARIN", 512, 0)]
    assert ddd.abroad == 1 << list(script("real_population").REGISTRIES).index("ripencc")
    assert rows[("RIPE NCC", 2048, 0)].legacy_ipv4 == 2048  # before 1992: legacy at the RIPE NCC
    assert rows[("RIPE NCC", 0, 0)].ipv6_48 == 1
    assert pools["ARIN"] == {"available": 4096, "reserved": 2048}  # not holders: the free pool
    assert pools["RIPE NCC"] == {"available": 0, "reserved": 0}


def test_the_committed_table_has_a_provenance_record_matching_the_data():
    import tomllib

    record = tomllib.loads((ROOT / "model" / "data" / "holders-2018-10.provenance.toml").read_text())
    assert record["source"]["package"] == "IPToCC==2.1.2"
    assert len(record["source"]["files"]) == 5 and all(
        len(h) == 64 for h in record["source"]["files"].values()
    )
    assert "CC-BY-4.0" in record["source"]["licence"]
    counts = {name: row["ipv4_holders"] for name, row in record["summary"].items()}
    # the counts the issue quotes from the same files
    assert counts == {"AFRINIC": 1927, "APNIC": 17014, "ARIN": 28410, "LACNIC": 9024, "RIPE NCC": 37303}


# --- calendar time ---------------------------------------------------------------------------------
def test_steps_are_calendar_months():
    assert date_of("2018-10", 0) == "2018-10-01" and date_of("2018-10", 3) == "2019-01-01"
    assert date_of("2018-10", 266) == "2040-12-01" and month_label("2018-10", 12) == "Oct 2019"
    assert steps_between("2018-10", "2021-07-23") == 33 and steps_between("2018-10", "2018-05") == -5
    assert parse_month("2019-11-25") == (2019, 11)
    for bad in ("2018-13", "18-10", "2018/10", "2018-10-40", 201810, None):
        with pytest.raises(ConfigError, match="must be a date written YYYY-MM"):
            parse_month(bad)


def test_the_frames_carry_the_date_of_each_month():
    model = PortabilityModel(seed=1, scale=0.002, start="2019-11")
    model.run_model(3)
    assert model.model_frame().date.tolist() == ["2019-11-01", "2019-12-01", "2020-01-01", "2020-02-01"]
    registries = model.registry_frame()
    assert registries[registries.step == 2].date.unique().tolist() == ["2020-01-01"]


# --- the timeline -------------------------------------------------------------------------------------
def test_every_timeline_entry_has_a_source_and_a_date_after_the_start():
    changes, events = load_timeline("history")
    assert changes and events
    for entry in (*changes, *events):
        assert len(entry.source) > 40  # a source in words, not a placeholder
    assert all(steps_between("2018-10", c.date) >= 0 for c in changes)


def test_each_timeline_change_and_event_fires_on_its_date():
    model = PortabilityModel.from_scenario("history", seed=2, scale=0.005)
    assert model.regime.name == "status_quo_2018"
    ripe = model.registries[model.calibration.names.index("RIPE NCC")]
    assert ripe.books.median_fee == pytest.approx(1674.0)  # the 2018-2024 fee is in force from the start
    model.run_model(90)
    logged = model.event_frame()
    policy = logged[logged.kind == "policy"]
    assert policy[policy.detail == "regime status_quo"].step.tolist() == [steps_between("2018-10", "2019-07")]
    assert policy[policy.detail.str.contains("at most 1 /24s")].step.tolist() == [13]  # 2019-11
    assert policy[policy.detail.str.contains("new fee schedule")].step.tolist() == [75]  # 2025-01
    starts = logged[(logged.kind == "governance_start") & (logged.registry == "AFRINIC")]
    assert starts.step.tolist() == [33, 44, 75]  # 2021-07, 2022-06, 2025-01
    assert ripe.books.median_fee == pytest.approx(1944.0 + 54.0)  # the 2025 schedule, one ASN
    assert model.regime.name == "status_quo"


def test_a_branch_keeps_its_regime_against_the_timelines_later_changes():
    p = load_scenario("history_mandatory")
    schedule = Schedule(p, ("ARIN", "APNIC", "RIPE NCC", "LACNIC", "AFRINIC"))
    regimes = {step: c.regime for step, changes in schedule.by_step.items() for c in changes if c.regime}
    assert regimes == {9: "status_quo", 87: "mandatory"}  # AFRINIC's 2026 policy (step 92) is dropped
    plain = Schedule(load_scenario("history"), ("ARIN", "APNIC", "RIPE NCC", "LACNIC", "AFRINIC"))
    assert {s: c.regime for s, cs in plain.by_step.items() for c in cs if c.regime}[92] == "status_quo_2026"


def test_bad_changes_and_dated_events_are_refused_with_their_names():
    with pytest.raises(ConfigError, match=r"change of '2026-01': sets nothing"):
        PortabilityModel(seed=1, changes=[{"date": "2026-01"}])
    with pytest.raises(ConfigError, match=r"change of '2026-01': 'ZZNIC' is not a registry"):
        PortabilityModel(seed=1, changes=[{"date": "2026-01", "registry": "ZZNIC", "pool_max_blocks": 1}])
    with pytest.raises(ConfigError, match=r"unknown change key 'regme'; did you mean 'regime'"):
        PortabilityModel(seed=1, changes=[{"date": "2026-01", "regme": "none"}])
    with pytest.raises(ConfigError, match=r"starts on 2017-01, before the run's first month 2018-10"):
        PortabilityModel(seed=1, events=[{"registry": "AFRINIC", "start": "2017-01", "duration": 2}])


def test_members_draw_on_the_pool_by_need_where_the_policy_lets_them():
    """AFRINIC's soft landing (a /13 by need until 2020): its pool goes to members, not only newcomers."""
    model = PortabilityModel.from_scenario("history", seed=3, scale=0.02, entry_rate=0.0)
    afrinic = model.registries[model.calibration.names.index("AFRINIC")]
    before = afrinic.pool
    model.run_model(2)
    assert afrinic.pool < before and model.model_frame().pool_allocated.sum() == before - afrinic.pool
    assert model.holders.ipv4.sum() == model.total_ipv4
    arin = model.registries[model.calibration.names.index("ARIN")]
    assert arin.grant(10) == 0  # ARIN has no free pool; the others give to newcomers only


# --- observed against simulated ------------------------------------------------------------------
def test_every_target_has_a_measure_and_the_measures_read_a_run():
    targets = load_targets()
    assert set(targets) == set(MEASURES)
    assert {t.use for t in targets.values()} == {"fit", "held_out", "check"}
    model = PortabilityModel.from_scenario("history", seed=4, scale=0.005)
    model.run_model(70)  # to August 2024
    frames = Frames(model.model_frame(), model.registry_frame(), 0.005)
    assert measure("price_2019_03", frames) == pytest.approx(model.model_frame().ipv4_price.iloc[5])
    assert measure("members_afrinic_2024", frames) > 1000
    assert np.isnan(measure("ripe_members_kept", frames))  # December 2025 is not in this run
    assert 0.0 <= measure("legacy_share_arin_out", frames) <= 1.0


def test_the_history_report_runs_end_to_end(tmp_path):
    out = tmp_path / "history"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "history.py"),
            "--seeds",
            "2",
            "--scale",
            "0.003",
            "--months",
            "40",
            "--workers",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    report = (out / "history.md").read_text()
    assert "| IPv4 price, October 2021 (`price_2021_10`) | fit |" in report
    assert "not measured" in report  # 2024 is beyond 40 months
    assert any(word in report for word in ("covered", "close", "missed"))
    assert (out / "history.png").stat().st_size > 10_000 and (out / "history.csv").exists()
    bad = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "history.py"), "--scenario", "status_quo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        bad.returncode == 2 and "replay the history timeline" in bad.stderr and "Traceback" not in bad.stderr
    )
