"""`python -m runs project`: the options from 2026 over posterior and deep-uncertainty worlds.

A stand-in posterior (a few weighted particles) feeds the real model at a tiny scale, two
options, two stresses and two or three worlds, a year or two past the branch: the whole path
from the file to the report, and its rules on hand-built tables.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from runs.cli import main
from runs.errors import SweepError
from runs.project.shares import paired, shares
from runs.project.spec import load_projection
from runs.project.worlds import experiment, worlds
from runs.seeds import run_seeds
from runs.spec import ExperimentSpec
from runs.store import SweepStore

ROOT = Path(__file__).resolve().parents[1]

_FILE = """
[projection]
name = "tiny"
seed = 5
draws = 2
until = "2027-06"
baseline = "status_quo"
scale = 0.004

[[option]]
name = "status_quo"
scenario = "history"
title = "Today's policies"

[[option]]
name = "mandatory"
scenario = "history_mandatory"

[[stress]]
name = "none"
title = "No stress"

[[stress]]
name = "failure"
title = "LACNIC fails in 2026"
events = [
  { registry = "LACNIC", start = "2026-03", duration = 12, quality_drop = 0.3, neutrality_drop = 0.3 },
]

[deep.responsiveness]
low = 0.2
high = 0.8
why = "test"
"""


def write_calibration(folder: Path) -> Path:
    """A finished calibration's posterior.csv: three weighted particles of two parameters."""
    folder.mkdir()
    pd.DataFrame(
        {
            "price_adjustment": [0.05, 0.1, 0.2],
            "entry_rate": [0.01, 0.03, 0.05],
            "seed": [1, 2, 3],
            "distance": [0.0, 0.1, 0.2],
            "weight": [0.5, 0.3, 0.2],
        }
    ).to_csv(folder / "posterior.csv", index=False)
    return folder


def write_file(folder: Path, text: str = _FILE) -> Path:
    path = folder / "projection.toml"
    path.write_text(text)
    return path


def project_argv(cal: Path, out: Path, path: Path, *extra: str) -> list[str]:
    """`python -m runs project` of a test: a calibration, an out folder, a file, one process."""
    return ["project", str(cal), "--out", str(out), "--file", str(path), "--executor", "serial", *extra]


def run_cli(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


def test_points_design_runs_each_given_point_under_every_condition_with_paired_seeds():
    text = """
[experiment]
name = "p"
scenario = "status_quo"
steps = 2
replications = 1
seed = 3
seed_policy = "paired"
[parameters]
responsiveness = { points = [0.2, 0.4, 0.6] }
scale = 0.004
[design]
kind = "points"
[[conditions]]
name = "a"
[[conditions]]
name = "b"
regime = "mandatory"
"""
    from runs.bounds import count_points
    from runs.spec import spec_toml
    from runs.sweep import plan

    spec = ExperimentSpec.from_text(text)
    assert spec.samples == 3 and count_points(spec) == 6
    assert ExperimentSpec.from_text(spec_toml(spec)).hash == spec.hash  # round trip
    design, runs, _ = plan(spec)
    assert design.responsiveness.tolist() == [0.2, 0.4, 0.6] * 2
    assert design.condition.tolist() == ["a"] * 3 + ["b"] * 3
    seeds = runs.seed.to_numpy()
    assert (seeds[:3] == seeds[3:]).all() and len(set(seeds[:3])) == 3  # paired, not common


def test_paired_seeds_are_common_across_conditions_and_independent_across_points():
    seeds = run_seeds(11, 6, 2, "paired", conditions=3)
    assert seeds.shape == (6, 2)
    assert (seeds[0:2] == seeds[2:4]).all() and (seeds[0:2] == seeds[4:6]).all()
    assert len(np.unique(seeds[0:2])) == 4
    assert (seeds[0:2] == run_seeds(11, 2, 2, "independent")).all()


@pytest.mark.parametrize(
    ("design", "parameters", "message"),
    [
        ("lhs", "responsiveness = { points = [0.2] }", 'is for a design of kind = "points"'),
        (
            "points",
            "responsiveness = { points = [0.2, 0.3] }\nfee_response = { points = [1.0] }",
            "one value per point",
        ),
        ("points", "responsiveness = { low = 0.1, high = 0.2 }", "not {low = , high = } ranges"),
        ("points", "responsiveness = { points = [2.0] }", "responsiveness"),
        ("points", "scale = 0.01", "at least one parameter given as {points"),
    ],
)
def test_a_bad_points_design_is_refused_naming_the_rule(design, parameters, message):
    from model.errors import ConfigError

    head = '[experiment]\nname = "p"\nsteps = 2\nreplications = 1\nseed = 1\n'
    text = f'{head}[parameters]\n{parameters}\n[design]\nkind = "{design}"\n'
    if design == "lhs":
        text += "samples = 2\n"
    with pytest.raises(ConfigError, match=re.escape(message)):
        ExperimentSpec.from_text(text)


def test_worlds_pair_a_weighted_posterior_draw_with_an_lhs_point_reproducibly(tmp_path):
    from runs.project.worlds import posterior

    spec = load_projection(write_file(tmp_path), draws=40)
    particles, _ = posterior(write_calibration(tmp_path / "cal"))
    table = worlds(spec, particles)
    assert table.world.tolist() == list(range(40))
    assert table.equals(worlds(spec, particles))  # the root seed fixes them
    for row in table.itertuples():  # each world carries its particle's values
        assert row.price_adjustment == particles.price_adjustment[row.particle]
    lhs = np.sort(table.responsiveness.to_numpy())  # one point in each of 40 strata of [0.2, 0.8]
    strata = np.floor((lhs - 0.2) / 0.6 * 40).astype(int)
    assert strata.tolist() == list(range(40))
    sweep_spec = experiment(spec, table, 0.004)
    assert sweep_spec.seed_policy == "paired" and len(sweep_spec.conditions) == 4


def test_shares_count_worlds_better_as_good_and_worse_on_a_hand_built_table():
    spec = load_projection()  # the packaged file: its first two options and first stress
    finals = []
    # baseline quality 0.5 in every world; the option 0.6, 0.5, 0.4 in worlds 0, 1, 2
    for option, values in (("status_quo_2026", [0.5, 0.5, 0.5]), ("mandatory", [0.6, 0.5, 0.4])):
        for world, q in enumerate(values):
            row = {"stress": "no_failure", "option": option, "world": world, "quality_after": q}
            finals.append(row | {"drained": 0.0 if option == "status_quo_2026" else float(world == 2)})
    frame = pd.DataFrame(finals)
    for name in (
        "worst_after",
        "effort_after",
        "ipv4_at_risk_after",
        "fee_usd_24_last5",
        "disputed_shielded_end",
    ):
        frame[name] = 0.0
    from dataclasses import replace

    spec = replace(spec, options=spec.options[:2], stresses=spec.stresses[:1])
    table = shares(paired(frame, spec), seed=1).set_index("measure")
    quality = table.loc["quality_after"]
    assert (quality.better, quality.as_good, quality.worse) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert quality.mean_better_by == pytest.approx(0.0)
    drained = table.loc["drained"]  # fewer drained is better: one world drains one more
    assert (drained.better, drained.worse) == pytest.approx((0.0, 1 / 3))
    assert 0 <= quality.better_low <= quality.better <= quality.better_high <= 1


def test_project_end_to_end_writes_consistent_tables_figures_and_report(tmp_path):
    cal, out = write_calibration(tmp_path / "cal"), tmp_path / "proj"
    assert main(project_argv(cal, out, write_file(tmp_path))) == 0
    finals = pd.read_csv(out / "finals.csv")
    assert len(finals) == 2 * 2 * 2  # worlds x options x stresses
    # paired: the same world has the same seed under every option and stress
    assert finals.groupby("world").seed.nunique().eq(1).all()
    differences = pd.read_csv(out / "differences.csv")
    q = differences[(differences.measure == "quality_after") & (differences.stress == "failure")]
    by = finals.set_index(["stress", "option", "world"]).quality_after
    for row in q.itertuples():
        assert row.better_by == pytest.approx(
            by["failure", "mandatory", row.world] - by["failure", "status_quo", row.world]
        )
    table = pd.read_csv(out / "shares.csv")
    assert np.allclose(table.better + table.as_good + table.worse, 1)
    # before the branch every option is the same run: the bands agree to the last digit
    bands = pd.read_csv(out / "bands.csv")
    before = bands[bands.date < "2026-01-01"].pivot_table(
        index=["stress", "metric", "date"], columns="option", values="median"
    )
    assert (before["mandatory"] == before["status_quo"]).all()
    text = (out / "report.md").read_text()
    assert "share of worlds in which an option beats" in text and "LACNIC fails in 2026" in text
    for stress in ("none", "failure"):
        for name in (f"projection_bands_{stress}", f"projection_shares_{stress}"):
            assert (out / "figures" / f"{name}.png").stat().st_size > 0
            assert (out / "figures" / f"{name}.pdf").stat().st_size > 0


def test_an_interrupted_projection_resumes_to_the_same_tables(tmp_path):
    cal, path = write_calibration(tmp_path / "cal"), write_file(tmp_path)
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    base = [sys.executable, "-m", "runs", "project", str(cal), "--file", str(path), "--executor", "serial"]
    subprocess.run([*base, "--out", str(whole)], check=True, cwd=ROOT, capture_output=True)
    process = subprocess.Popen(
        [*base, "--out", str(cut)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait for the first recorded run, then interrupt
        with contextlib.suppress(SweepError):  # the plan may be half-written at first
            if SweepStore(cut / "runs").census().done:
                break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    assert process.wait(60) != 0
    assert not (cut / "report.md").exists()
    subprocess.run([*base, "--out", str(cut)], check=True, cwd=ROOT, capture_output=True)
    for name in ("finals.csv", "shares.csv", "bands.csv"):
        a, b = pd.read_csv(whole / name), pd.read_csv(cut / name)
        pd.testing.assert_frame_equal(
            a.drop(columns="run_id", errors="ignore"), b.drop(columns="run_id", errors="ignore")
        )


@pytest.mark.parametrize(
    ("edit", "argv", "message"),
    [
        (("", ""), ["--until", "2026-06"], "--until must be at least a year after the branch"),
        (("", ""), ["--until", "June"], "--until must be a date written YYYY-MM"),
        (("", ""), ["--draws", "1"], "--draws must be an integer in [2, 100,000]"),
        (
            ("high = 0.8", "high = 1.8"),
            [],
            "deep.responsiveness: [0.2, 1.8] lies outside the parameter's bounds",
        ),
        (
            ('scenario = "history_mandatory"', 'scenario = "history_mandtory"'),
            [],
            "unknown scenario 'history_mandtory'",
        ),
        (("duration = 12", "duration = 0"), [], "stress[1].events"),
        (
            ("[deep.responsiveness]\nlow = 0.2\nhigh = 0.8", "[deep.entry_rate]\nlow = 0.0\nhigh = 0.1"),
            [],
            "were fitted",
        ),
        (('baseline = "status_quo"', 'baseline = "nope"'), [], "projection.baseline 'nope'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_any_work(tmp_path, capsys, edit, argv, message):
    cal = write_calibration(tmp_path / "cal")
    path = write_file(tmp_path, _FILE.replace(*edit) if edit[0] else _FILE)
    out = tmp_path / "out"
    assert run_cli(project_argv(cal, out, path, *argv)) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err and "Traceback" not in err
    assert not (out / "runs").exists()


def test_a_folder_without_a_posterior_and_other_worlds_in_a_used_folder_are_refused(tmp_path, capsys):
    path = write_file(tmp_path)
    (tmp_path / "empty").mkdir()
    assert (
        run_cli(["project", str(tmp_path / "empty"), "--out", str(tmp_path / "o"), "--file", str(path)]) == 2
    )
    assert "holds no posterior.csv" in capsys.readouterr().err
    cal, out = write_calibration(tmp_path / "cal"), tmp_path / "proj"
    pd.DataFrame({"world": [0]}).to_csv(_made(out) / "worlds.csv", index=False)
    assert run_cli(project_argv(cal, out, path)) == 2
    assert "holds a projection of other worlds" in capsys.readouterr().err


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True)
    return folder


@pytest.mark.skipif(
    os.environ.get("CI") != "true" and not os.environ.get("DASK_TESTS"), reason="slow: CI only"
)
def test_on_a_separately_started_dask_scheduler_and_two_workers(tmp_path):
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, as on a real cluster."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    scheduler = subprocess.Popen(
        [str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers = [
        subprocess.Popen(
            [str(bin_dir / "dask"), "worker", address, "--nthreads", "1", "--no-dashboard"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=60)
        cal, path = write_calibration(tmp_path / "cal"), write_file(tmp_path)
        serial, dask = tmp_path / "serial", tmp_path / "dask"
        common = ["project", str(cal), "--file", str(path)]
        assert main([*common, "--out", str(serial), "--executor", "serial"]) == 0
        assert main([*common, "--out", str(dask), "--executor", "dask", "--scheduler", address]) == 0
        a, b = pd.read_csv(serial / "finals.csv"), pd.read_csv(dask / "finals.csv")
        pd.testing.assert_frame_equal(a, b)  # the same worlds, bit for bit, whatever the executor
        shipped = (ROOT / "runs" / "experiments" / "calibration.toml").read_text()
        calibration = tmp_path / "calibration.toml"
        calibration.write_text(
            shipped.replace("population = 500", "population = 4").replace(
                "generations = 8", "generations = 2"
            )
        )
        out = tmp_path / "calibration"
        argv = ["calibrate", str(calibration), "--out", str(out), "--budget", "40", "--scale", "0.004"]
        assert main([*argv, "--scheduler", address]) == 0
        assert len(pd.read_csv(out / "posterior.csv")) > 0
    finally:
        for process in [*workers, scheduler]:
            process.terminate()
        for process in [*workers, scheduler]:
            process.wait(30)


def test_the_outcomes_read_the_months_after_the_branch_and_a_dated_targeting_event():
    from model import PortabilityModel, load_scenario
    from runs.outcomes.projection import BRANCH, Projection

    event = {"registry": "AFRINIC", "start": "2026-03", "duration": 6, "targets": "faction"}
    for events in ([], [event]):
        model = PortabilityModel(load_scenario("history").with_overrides(scale=0.004, events=events), seed=3)
        outcomes = Projection(model)
        for _ in range(92):  # to June 2026
            model.step()
            outcomes.month(model)
        finals = outcomes.finals(model)
        frame = model.model_frame()
        after = frame[pd.to_datetime(frame.date) >= BRANCH]
        assert len(after) == 6
        assert finals["quality_after"] == pytest.approx(after.quality_experienced.mean())
        relief = finals["months_to_relief"]
        assert np.isnan(relief) if not events else 0 <= relief <= 6


def test_folders_of_the_two_commands_are_not_mixed_and_a_refused_rerun_writes_nothing(tmp_path, capsys):
    cal, path = write_calibration(tmp_path / "cal"), write_file(tmp_path)
    (cal / "calibration.db").write_bytes(b"")  # a calibration's folder
    assert run_cli(project_argv(cal, cal, path)) == 2
    assert "holds a calibration" in capsys.readouterr().err
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    assert run_cli(project_argv(cal, a_file, path)) == 2
    assert "is a file" in capsys.readouterr().err
    out = tmp_path / "proj"
    assert main(project_argv(cal, out, path)) == 0
    before = (out / "projection.json").read_text()
    assert run_cli(project_argv(cal, out, path, "--scale", "0.005")) == 2
    assert "holds a projection of another design" in capsys.readouterr().err
    assert (out / "projection.json").read_text() == before  # nothing rewritten by a refused rerun
    shipped = ROOT / "runs" / "experiments" / "calibration.toml"
    assert run_cli(["calibrate", str(shipped), "--out", str(out), "--executor", "serial"]) == 2
    assert "holds a projection" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda cal: (cal / "posterior.csv").write_text(""), "is damaged"),
        (lambda cal: (cal / "posterior.csv").write_text("a,weight\n1,0\n"), "no weighted particles"),
        (lambda cal: (cal / "calibration.json").write_text("{"), "is damaged; give --scale"),
    ],
)
def test_a_damaged_calibration_folder_is_one_line_and_exit_2(tmp_path, capsys, damage, message):
    cal = write_calibration(tmp_path / "cal")
    damage(cal)
    text = _FILE.replace("scale = 0.004\n", "")  # the scale from the calibration's record
    argv = ["project", str(cal), "--out", str(tmp_path / "o"), "--file", str(write_file(tmp_path, text))]
    assert run_cli([*argv, "--executor", "serial"]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
