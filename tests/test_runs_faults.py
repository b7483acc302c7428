"""Fault injection: signals at random points, a full disk at every write site, read-only folders.

One assertion throughout: nothing lost, nothing misrecorded, resume equals uninterrupted.
After any fault, no run is recorded as failed that did not fail, no file is half-written, no
recorded run fails its checksum, the line printed says how to finish, and finishing that way
gives exactly the data of a sweep that was never disturbed. Damaged files are in
`test_runs_integrity.py`; the bounds on what may be asked in `test_runs_refusals.py`.

Lean by design (tiny scales, few months): the fault loops run in-process where they can.
"""

from __future__ import annotations

import errno
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from runs import files
from runs.cli import main
from runs.errors import Interrupted
from runs.spec import ExperimentSpec
from runs.store import SweepStore, load_results
from runs.sweep import resume, sweep

ROOT = Path(__file__).resolve().parents[1]
TEXT = """
[experiment]
name = "faults"
scenario = "status_quo"
steps = {steps}
replications = 2
seed = 9
{extra}

[parameters]
regime = ["none", "mandatory"]
scale = {scale}
"""


def spec_file(tmp_path: Path, steps: int = 3, scale: float = 0.002, extra: str = "") -> Path:
    path = tmp_path / f"exp-{steps}-{scale}-{abs(hash(extra))}.toml"
    path.write_text(TEXT.format(steps=steps, scale=scale, extra=extra))
    return path


def same_data(a: Path, b: Path) -> None:
    x, y = load_results(a), load_results(b)
    how = ["duration", "execution"]  # wall-clock time and the execution's id are not the model's data
    pd.testing.assert_frame_equal(x.runs.drop(columns=how), y.runs.drop(columns=how))
    pd.testing.assert_frame_equal(x.timeseries, y.timeseries)
    pd.testing.assert_frame_equal(x.registries, y.registries)


def nothing_misrecorded(out: Path) -> None:
    """No run recorded as failed, no half-written file, no recorded run that fails its checksum."""
    assert not list((out / "errors").glob("*.parquet")), "a run was recorded as failed"
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")], "a temporary file was left"
    if SweepStore(out).exists():
        assert not SweepStore(out).census().corrupt


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """An uninterrupted sweep of the tiny experiment: (its experiment file, its folder)."""
    folder = tmp_path_factory.mktemp("reference")
    spec = spec_file(folder)
    assert main(["sweep", str(spec), "--out", str(folder / "out"), "--executor", "serial"]) == 0
    return spec, folder / "out"


class FullDisk:
    """`runs.files._write_bytes` fails from its `fail_at`-th call on, as a full or read-only disk does."""

    def __init__(self, monkeypatch, fail_at: int, code: int = errno.ENOSPC) -> None:
        self.calls, self.fail_at, self.code = 0, fail_at, code
        real = files._write_bytes

        def write(path: Path, data: bytes) -> None:
            self.calls += 1
            if self.calls >= self.fail_at:
                Path(path).write_bytes(data[: len(data) // 2])  # half a file, as a disk that fills up
                raise OSError(self.code, os.strerror(self.code))
            real(path, data)

        monkeypatch.setattr(files, "_write_bytes", write)


def finish_as_told(line: str, argv: list[str]) -> int:
    """Do what the error line says: resume the folder, or run the same command again."""
    if "`python -m runs resume " in line:
        folder = line.rsplit("`python -m runs resume ", 1)[1].split("`")[0]
        return main(["resume", folder, "--executor", "serial"])
    assert "run the same command again" in line, line
    return main(argv)


def count_writes(monkeypatch, argv: list[str]) -> int:
    disk = FullDisk(monkeypatch, fail_at=10**9)
    assert main(argv) == 0
    monkeypatch.undo()
    return disk.calls


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_a_full_or_read_only_disk_at_every_write_site_of_a_sweep(
    reference, tmp_path, monkeypatch, capsys, code
):
    spec, uninterrupted = reference
    argv = lambda out: ["sweep", str(spec), "--out", str(out), "--executor", "serial"]  # noqa: E731
    writes = count_writes(monkeypatch, argv(tmp_path / "count"))
    assert writes >= 4 + 3 * 4  # the plan, then three files a run
    sites = range(1, writes + 1) if code == errno.ENOSPC else (1, 2, 5, 6, writes)
    for site in sites:
        out = tmp_path / f"{code}-{site}"
        capsys.readouterr()
        FullDisk(monkeypatch, site, code)
        code_seen = main(argv(out))
        err = capsys.readouterr().err
        line = err.strip().splitlines()[-1]
        assert "Traceback" not in err
        nothing_misrecorded(out)
        monkeypatch.undo()  # the disk has room again
        if code_seen == 0:  # every run was written; only the execution's end could not be
            assert site == writes, f"write {site}"
            assert f"warning: cannot write {out / 'metadata.json'}: {os.strerror(code)}; the end" in err
            assert json.loads((out / "metadata.json").read_text())["executions"][-1]["status"] == "running"
        else:
            assert code_seen == 1 and line.startswith("error: ") and os.strerror(code) in line, line
            assert finish_as_told(line, argv(out)) == 0, f"write {site}: {line}"
            executions = json.loads((out / "metadata.json").read_text())["executions"]
            assert executions[-1]["status"] == "finished"
            assert all(e["status"] != "running" for e in executions)
        same_data(uninterrupted, out)


def test_a_full_disk_while_reporting_is_one_line_and_the_report_can_be_made_again(
    reference, tmp_path, monkeypatch, capsys
):
    import shutil

    _, uninterrupted = reference
    out = tmp_path / "copy"
    shutil.copytree(uninterrupted, out)
    for command, site in (("analyze", 1), ("report", 1), ("report", 12)):
        FullDisk(monkeypatch, site)
        assert main([command, str(out)]) == 1
        line = capsys.readouterr().err.strip().splitlines()[-1]
        assert line.startswith("error: cannot write ") and "No space left on device" in line
        assert line.endswith("fix it, then run the same command again")
        monkeypatch.undo()
        nothing_misrecorded(out)
    assert main(["report", str(out)]) == 0
    assert (out / "report.md").read_text().startswith("# Experiment `faults`")


def test_a_full_disk_when_the_lock_is_written_is_no_traceback(tmp_path, monkeypatch, capsys):
    from runs import lock

    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(lock.os, "pwrite", full)
    out = tmp_path / "o"
    assert main(["sweep", str(spec_file(tmp_path)), "--out", str(out), "--executor", "serial"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {out}: cannot write who holds its lock" in err and "Traceback" not in err


def test_a_full_disk_when_a_run_is_written_out_is_one_line(tmp_path, monkeypatch, capsys):
    FullDisk(monkeypatch, 2)
    out = tmp_path / "run.csv"
    assert main(["run", "status_quo", "--steps", "2", "--scale", "0.002", "--out", str(out)]) == 1
    line = capsys.readouterr().err.strip().splitlines()[-1]
    assert line == (
        f"error: cannot write {tmp_path / 'run_registries.csv'}: No space left on device; "
        "no file is left half-written; fix it, then run the same command again"
    )
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --- signals ------------------------------------------------------------------------------------
def test_an_interrupt_that_surfaces_as_a_system_error_is_not_a_failure(tmp_path, capsys):
    """Issue 21, misrecording 1: the run was recorded as failed and resume never ran it again."""
    extra = 'model = "tests.faults:interrupt_as_system_error"'
    out = tmp_path / "o"
    assert (
        main(["sweep", str(spec_file(tmp_path, extra=extra)), "--out", str(out), "--executor", "serial"])
        == 130
    )
    assert "stopped by SIGINT: finished runs are kept" in capsys.readouterr().err
    nothing_misrecorded(out)
    assert SweepStore(out).status() == {"queued": 4, "done": 0, "failed": 0}


def test_a_run_that_swallows_the_interrupt_is_not_recorded(tmp_path):
    out = tmp_path / "o"
    spec = ExperimentSpec.from_text(
        TEXT.format(steps=3, scale=0.002, extra='model = "tests.faults:swallows_the_interrupt"')
    )
    with pytest.raises(Interrupted):
        sweep(spec, out, executor="serial", progress=False)
    assert SweepStore(out).status() == {"queued": 4, "done": 0, "failed": 0}


def interrupt_after(seconds: float, signum: int) -> threading.Timer:
    timer = threading.Timer(seconds, lambda: os.kill(os.getpid(), signum))
    timer.start()
    return timer


@pytest.fixture
def late_signals_ignored():
    """A signal that comes after its sweep has ended must not stop the tests themselves."""
    previous = {s: signal.signal(s, lambda *_: None) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, handler in previous.items():
        signal.signal(s, handler)


def test_signals_at_random_points_of_a_serial_sweep_lose_and_misrecord_nothing(
    tmp_path, late_signals_ignored
):
    """Many signals, landing in planning, in runs (their compiled kernels), and in writes."""
    spec = ExperimentSpec.from_text(TEXT.format(steps=30, scale=0.01, extra=""))
    reference = tmp_path / "reference"
    started = time.perf_counter()
    sweep(spec, reference, executor="serial", progress=False)
    length = time.perf_counter() - started
    rng = random.Random(21)
    stopped = 0
    for i in range(12):
        out = tmp_path / f"o{i}"
        signum = (signal.SIGINT, signal.SIGTERM)[i % 2]
        timer = interrupt_after(rng.uniform(0, length), signum)
        try:
            sweep(spec, out, executor="serial", progress=False)
        except Interrupted as exc:
            assert exc.signum == signum
            stopped += 1
        finally:
            timer.cancel()
            timer.join()
        nothing_misrecorded(out)
        if SweepStore(out).begun():
            resume(out, executor="serial", progress=False)
        else:
            sweep(spec, out, executor="serial", progress=False)
        same_data(reference, out)
    assert stopped >= 6


def test_a_signal_that_comes_while_a_compiled_kernel_runs_is_an_interrupt(tmp_path, late_signals_ignored):
    """Issue 21: signals sent while numba code runs (handled when it returns); none is a failure."""
    from tests import faults

    spec = ExperimentSpec.from_text(
        TEXT.format(steps=3, scale=0.002, extra='model = "tests.faults:spins_in_a_kernel"')
    )
    reference = tmp_path / "reference"
    sweep(spec, reference, executor="serial", progress=False)
    in_kernel = []

    def send_in(kernel: int) -> None:
        """SIGINT a few ms into the `kernel`-th run of the compiled loop (of 12: 4 runs of 3 months)."""
        deadline = time.monotonic() + 60
        while faults.SPINS[0] < kernel and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(0.005)
        in_kernel.append(faults.SPINNING.is_set())
        os.kill(os.getpid(), signal.SIGINT)

    for i, kernel in enumerate((2, 6, 11)):
        out = tmp_path / f"o{i}"
        faults.SPINS[0] = 0
        sender = threading.Thread(target=send_in, args=(kernel,))
        sender.start()
        with pytest.raises(Interrupted):
            sweep(spec, out, executor="serial", progress=False)
        sender.join()
        nothing_misrecorded(out)
        resume(out, executor="serial", progress=False)
        same_data(reference, out)
    assert in_kernel == [True, True, True], "the signals did not come while the kernel ran"


@pytest.fixture(scope="module")
def longer(tmp_path_factory) -> tuple[Path, Path]:
    """Runs long enough to be in flight for two seconds or more on two workers: (the file, the folder)."""
    folder = tmp_path_factory.mktemp("longer")
    spec = folder / "exp.toml"
    spec.write_text(
        TEXT.format(steps=120, scale=0.01, extra="").replace("replications = 2", "replications = 6")
    )
    sweep(ExperimentSpec.from_text(spec.read_text()), folder / "out", executor="serial", progress=False)
    return spec, folder / "out"


@pytest.mark.parametrize("executor", ["processes", "dask"])
def test_signals_at_random_points_of_a_parallel_sweep_lose_and_misrecord_nothing(longer, tmp_path, executor):
    """SIGINT to the terminal's process group, or SIGTERM: the workers die in their kernels too."""
    spec, uninterrupted = longer
    rng = random.Random(executor)
    stopped = 0
    # SIGINT to the terminal's process group for one, SIGTERM to the group for the other (both
    # signals on the process pool, with its orphans checked, are in test_runs_safety.py)
    for i, signum in enumerate((signal.SIGINT,) if executor == "processes" else (signal.SIGTERM,)):
        out = tmp_path / f"o{i}"
        argv = ["sweep", str(spec), "--out", str(out), "--executor", executor, "--workers", "2"]
        driver = subprocess.Popen(
            [sys.executable, "-m", "runs", *argv],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        try:  # a random moment while the runs are in flight
            deadline = time.monotonic() + 60
            while not (out / "plan.parquet").exists() and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0, 1.0))
            os.killpg(driver.pid, signum)
            _, err = driver.communicate(timeout=90)
        finally:
            if driver.poll() is None:
                os.killpg(driver.pid, signal.SIGKILL)
        assert driver.returncode in (0, 128 + signum), err
        assert "Traceback" not in err
        nothing_misrecorded(out)
        if driver.returncode == 0:
            continue  # the sweep ended before the signal came
        stopped += 1
        if SweepStore(out).begun():
            assert main(["resume", str(out), "--executor", "serial"]) == 0
        else:
            assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 0
        same_data(uninterrupted, out)
    assert stopped, "every sweep ended before its signal"
