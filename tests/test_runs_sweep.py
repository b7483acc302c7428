"""Sweeps: same data whatever the executor; failures isolated; kill -9 and resume loses nothing."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from runs.errors import SweepError
from runs.spec import ExperimentSpec
from runs.store import load_results
from runs.sweep import resume, sweep

ROOT = Path(__file__).resolve().parents[1]
TEXT = """
[experiment]
name = "t"
scenario = "registry_failure_portable"
steps = 30
replications = 3
seed = 5
{model}

[parameters]
regime = ["none", "status_quo", "mandatory"]
scale = 0.004
"""


def spec(model: str = "") -> ExperimentSpec:
    return ExperimentSpec.from_text(TEXT.format(model=f'model = "{model}"' if model else ""))


def assert_same_data(a: Path, b: Path) -> None:
    x, y = load_results(a), load_results(b)
    # wall-clock duration and the execution's id are the only columns that are not the model's data
    how = ["duration", "execution"]
    pd.testing.assert_frame_equal(x.runs.drop(columns=how), y.runs.drop(columns=how))
    pd.testing.assert_frame_equal(x.timeseries, y.timeseries)
    pd.testing.assert_frame_equal(x.registries, y.registries)


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sweeps") / "serial"
    assert sweep(spec(), out, executor="serial", progress=False) == {"queued": 0, "done": 9, "failed": 0}
    return out


def test_results_have_every_table_keyed_by_run_id(serial):
    results = load_results(serial)
    assert len(results.runs) == 9 and set(results.runs.status) == {"done"}
    assert {
        "run_id",
        "sample_id",
        "replicate",
        "seed",
        "regime",
        "parameters",
        "status",
        "duration",
        "final_quality_experienced",
        "final_accountability",
    } <= set(results.runs.columns)
    assert results.runs.run_id.is_unique
    metrics = set(results.timeseries.metric)
    assert {"quality_experienced", "ipv4_at_risk", "welfare", "accountability", "moves"} <= metrics
    assert "step" not in metrics
    per_run = results.timeseries.groupby("run_id").step.agg(["min", "max"])
    assert (per_run["min"] == 0).all() and (per_run["max"] == 30).all()
    assert set(results.registries.run_id) == set(results.runs.run_id)
    assert results.errors.empty
    # common random numbers: replicate r has the same seed under every regime
    assert results.runs.groupby("replicate").seed.nunique().eq(1).all()


@pytest.mark.parametrize(("executor", "workers"), [("processes", 1), ("processes", 2)])
def test_same_data_whatever_the_executor_and_workers(serial, tmp_path, executor, workers):
    out = tmp_path / executor
    sweep(spec(), out, executor=executor, workers=workers, progress=False)
    assert_same_data(serial, out)


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None and os.environ.get("CI") != "true",
    reason='Dask is optional: pip install "rir-portability[cluster]"',
)
def test_dask_local_cluster_gives_the_same_data(serial, tmp_path):
    out = tmp_path / "dask"
    assert sweep(spec(), out, executor="dask", workers=2, progress=False)["done"] == 9
    assert_same_data(serial, out)
    assert load_results(out).runs.status.eq("done").all()


@pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None and os.environ.get("CI") != "true",
    reason='Dask is optional: pip install "rir-portability[cluster]"',
)
def test_dask_on_a_running_scheduler(serial, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster:
        out = tmp_path / "scheduler"
        sweep(spec(), out, executor="dask", scheduler=cluster.scheduler_address, progress=False)
    assert_same_data(serial, out)
    assert load_results(out).runs.status.eq("done").all()


def test_observation_schedule_and_outputs(tmp_path):
    text = TEXT.format(model='observe_every = 7\noutputs = ["timeseries"]')
    out = tmp_path / "observed"
    sweep(ExperimentSpec.from_text(text), out, executor="serial", progress=False)
    results = load_results(out)
    assert sorted(results.timeseries.step.unique()) == [0, 7, 14, 21, 28, 30]  # every 7th month and the last
    assert results.registries.empty


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(tmp_path):
    out = tmp_path / "faulty"
    counts = sweep(spec("tests.faults:raises_under_mandatory"), out, executor="serial", progress=False)
    assert counts == {"queued": 0, "done": 6, "failed": 3}
    results = load_results(out)
    failed = results.runs[results.runs.status == "failed"]
    assert set(failed.regime) == {"mandatory"}
    assert results.errors.error.eq("RuntimeError: injected fault").all()
    assert results.errors.traceback.str.contains("raises_under_mandatory").all()
    assert set(results.timeseries.run_id) == set(results.runs[results.runs.status == "done"].run_id)
    # resume leaves failures alone unless asked, and never re-runs what is done
    assert resume(out, executor="serial", progress=False) == counts
    assert resume(out, executor="serial", retry_failed=True, progress=False)["failed"] == 3


def test_a_worker_that_dies_does_not_hang_the_sweep(tmp_path):
    out = tmp_path / "dying"
    started = time.monotonic()
    counts = sweep(
        spec("tests.faults:kills_its_worker_under_mandatory"),
        out,
        executor="processes",
        workers=2,
        progress=False,
    )
    assert time.monotonic() - started < 240
    assert counts["queued"] == 0 and counts["done"] + counts["failed"] == 9
    results = load_results(out)
    assert set(results.runs[results.runs.regime == "mandatory"].status) == {"failed"}
    assert results.errors.error.str.startswith("worker died").all()
    # runs that only shared a broken pool can be retried
    resume(out, executor="processes", workers=2, retry_failed=True, progress=False)
    assert set(load_results(out).runs[lambda r: r.regime != "mandatory"].status) == {"done"}


def test_a_folder_that_holds_a_sweep_is_refused(serial):
    with pytest.raises(SweepError, match=r"already holds a sweep; use `python -m runs resume"):
        sweep(spec(), serial, executor="serial", progress=False)
    with pytest.raises(SweepError, match=r"holds no sweep to resume"):
        resume(serial.parent / "nothing-here", executor="serial", progress=False)


def test_kill_9_at_any_moment_then_resume_equals_an_uninterrupted_sweep(serial, tmp_path):
    spec_file = tmp_path / "exp.toml"
    spec_file.write_text(TEXT.format(model=""))
    for stop_after in (1, 4):  # kill early and in the middle
        out = tmp_path / f"killed-{stop_after}"
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "runs",
                "sweep",
                str(spec_file),
                "--out",
                str(out),
                "--executor",
                "serial",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while len(list((out / "runs").glob("*.parquet"))) < stop_after and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        partial = load_results(out)  # a killed sweep's results stay readable
        assert 0 < (partial.runs.status == "done").sum() < 9
        assert set(partial.timeseries.run_id) <= set(partial.runs[partial.runs.status == "done"].run_id)
        resume(out, executor="serial", progress=False)
        assert_same_data(serial, out)
