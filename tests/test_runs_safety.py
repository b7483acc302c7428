"""A sweep never loses work: signals, orphan workers, the folder lock, timeouts.

The signal tests drive a real process tree (`python -m runs sweep` with two workers) and are
kept small: a handful of short runs slowed by `tests.faults.slow`. A full disk, read-only
folders and signals at random points are in `test_runs_faults.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runs.cli import main
from runs.errors import SweepError
from runs.lock import FolderLock
from runs.spec import ExperimentSpec
from runs.store import load_results
from runs.sweep import resume, sweep

ROOT = Path(__file__).resolve().parents[1]
TEXT = """
[experiment]
name = "safe"
scenario = "status_quo"
steps = {steps}
replications = {replications}
seed = 3
{extra}

[parameters]
regime = ["none", "mandatory"]
scale = 0.002
"""


def spec(steps: int = 3, replications: int = 2, extra: str = "") -> ExperimentSpec:
    return ExperimentSpec.from_text(TEXT.format(steps=steps, replications=replications, extra=extra))


def write_spec(tmp_path: Path, **kwargs) -> Path:
    path = tmp_path / "exp.toml"
    values = {"steps": 3, "replications": 2, "extra": "", **kwargs}
    text = TEXT.format(**values)
    path.write_text(text)
    return path


def children(pid: int) -> set[int]:
    """The pids of a process's children (Linux /proc)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):  # the process ended meanwhile
            found |= {int(p) for p in task.read_text().split()}
    return found


def descendants(pid: int) -> set[int]:
    """Children, grandchildren...: workers are forked by a fork server, itself the driver's child."""
    found = children(pid)
    for child in list(found):
        found |= descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead


def wait_for(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def start_sweep(tmp_path: Path, out: Path) -> subprocess.Popen:
    spec_file = write_spec(tmp_path, steps=6, replications=6, extra='model = "tests.faults:slow"')
    return subprocess.Popen(
        [sys.executable, "-m", "runs", "sweep", str(spec_file), "--out", str(out), "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def workers_of(driver: subprocess.Popen, out: Path) -> set[int]:
    """Every process under the driver (workers, fork server, resource tracker), once runs are done."""
    assert wait_for(lambda: len(list((out / "runs").glob("*.parquet"))) >= 1), "no run finished"
    found = descendants(driver.pid)
    assert len(found) >= 3, found  # two workers and at least their fork server or tracker
    return found


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_the_sweep_cleanly_and_resume_finishes_it(tmp_path, signum, code):
    out = tmp_path / "out"
    driver = start_sweep(tmp_path, out)
    try:
        workers = workers_of(driver, out)
        # SIGINT as a terminal sends it (to the whole group: workers ignore it); SIGTERM to the driver
        if signum == signal.SIGINT:
            os.killpg(driver.pid, signum)
        else:
            driver.send_signal(signum)
        _, err = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
    assert driver.returncode == code
    assert "Traceback" not in err
    name = signal.Signals(signum).name
    assert f"stopped by {name}: finished runs are kept; finish with `python -m runs resume {out}`" in err
    assert wait_for(lambda: not any(alive(p) for p in workers), timeout=10), "orphan workers"
    executions = json.loads((out / "metadata.json").read_text())["executions"]
    assert executions[-1]["status"] == f"interrupted by {name}"
    done = len(list((out / "runs").glob("*.parquet")))
    assert 1 <= executions[-1]["done"] == done < 12
    assert not list(out.rglob("*.tmp"))
    assert resume(out, executor="serial", progress=False) == {"queued": 0, "done": 12, "failed": 0}


def test_workers_exit_when_the_driver_is_killed_and_the_next_driver_takes_over(tmp_path, capsys):
    out = tmp_path / "out"
    driver = start_sweep(tmp_path, out)
    try:
        workers = workers_of(driver, out)
        driver.kill()  # SIGKILL to the driver alone: nothing runs in it any more
        driver.wait(timeout=30)
        assert wait_for(lambda: not any(alive(p) for p in workers), timeout=10), "orphan workers"
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
    assert (out / ".lock").read_text().startswith(f"pid {driver.pid} on ")  # left behind
    assert main(["status", str(out)]) == 0
    assert f"its driver (pid {driver.pid} on " in capsys.readouterr().out
    recorded = len(list((out / "runs").glob("*.parquet")))
    resume(out, executor="serial", progress=False)  # the stale lock is taken over
    killed, finished = json.loads((out / "metadata.json").read_text())["executions"]
    assert killed["status"] == "killed" and killed["recorded"] == recorded
    assert finished["status"] == "finished" and finished["done"] == 12 - recorded
    assert (out / ".lock").read_text() == ""


def test_a_second_driver_on_the_same_folder_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    sweep(spec(), out, executor="serial", progress=False)
    with FolderLock(out):  # as a running driver holds it
        assert main(["status", str(out)]) == 0
        assert (
            capsys.readouterr()
            .out.strip()
            .endswith(f"; running now (pid {os.getpid()} on {socket.gethostname()})")
        )
        with pytest.raises(SweepError, match=rf"{out} is in use by pid {os.getpid()} on "):
            resume(out, executor="serial", retry_failed=True, progress=False)
        assert main(["resume", str(out), "--executor", "serial"]) == 2
        assert "is in use by pid" in capsys.readouterr().err
    assert resume(out, executor="serial", progress=False)["done"] == 4  # free again


@pytest.mark.parametrize(("executor", "limit"), [("serial", 3), ("processes", 8)])
def test_a_hung_run_times_out_as_failed_and_the_sweep_goes_on(tmp_path, executor, limit):
    # healthy runs take under a second (a loaded machine's fresh worker, a few); hung ones never end
    extra = f'model = "tests.faults:hangs_under_mandatory"\ntimeout = {limit}'
    started = time.monotonic()
    counts = sweep(spec(extra=extra), tmp_path / "out", executor=executor, workers=2, progress=False)
    assert time.monotonic() - started < 60
    assert counts == {"queued": 0, "done": 2, "failed": 2}
    errors = load_results(tmp_path / "out").errors
    assert errors.error.eq(f"RunTimeout: the run took longer than its time limit of {limit} s").all()


def test_the_timeout_option_overrides_the_file(tmp_path, capsys):
    spec_file = write_spec(tmp_path, extra='model = "tests.faults:hangs_under_mandatory"\ntimeout = 600')
    argv = ["sweep", str(spec_file), "--out", str(tmp_path / "o"), "--executor", "serial", "--timeout", "1"]
    assert main(argv) == 1  # failed runs: exit 1
    assert "0 queued, 2 done, 2 failed" in capsys.readouterr().out
    assert "timeout = 1.0" in (tmp_path / "o" / "spec.toml").read_text()


def test_the_time_limit_holds_in_a_worker_thread_too(tmp_path):
    """Dask runs tasks in threads, where no alarm fires: the limit is checked after each month."""
    from concurrent.futures import ThreadPoolExecutor

    from runs.execute import RunTask, execute_run

    task = RunTask("t", 0, 0, 1, "status_quo", {"scale": 0.002}, 20, model="tests.faults:slow", timeout=1.0)
    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(execute_run, task).result(timeout=60)
    assert result.status == "failed"
    assert result.error == "RunTimeout: the run took longer than its time limit of 1 s"
    assert result.duration < 3


# Runs a command, then says how many native threads it left behind. Arrow's thread-pool
# threads alive at interpreter exit make libstdc++ abort it at random (exit 134 after the
# work is done, apache/arrow#34314): none may be started. Python threads (tqdm's monitor)
# are not counted: the interpreter ends those itself.
LEFT_THREADS = """
import os, sys, threading
import model, pandas, pyarrow  # their own threads (OpenBLAS) are the baseline
from runs import load_results
from runs.cli import main

def native():
    return len(os.listdir("/proc/self/task")) - threading.active_count()

before = native()
code = 0 if sys.argv[1] == "load_results" and load_results(sys.argv[2]) else main(sys.argv[1:])
print("native threads left:", native() - before, file=sys.stderr)
sys.exit(code)
"""


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="counts threads in Linux /proc")
def test_no_command_leaves_a_native_thread_to_abort_the_exit(tmp_path):
    out = tmp_path / "out"
    done = tmp_path / "done"
    sweep(spec(), done, executor="serial", progress=False)
    commands = [
        ["sweep", str(write_spec(tmp_path)), "--out", str(out), "--executor", "serial"],
        ["status", str(done)],
        ["resume", str(done), "--executor", "serial"],
        ["analyze", str(done)],
        ["load_results", str(done)],
    ]
    for argv in commands:
        run = subprocess.run(
            [sys.executable, "-c", LEFT_THREADS, *argv], cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, (argv, run.stderr)
        assert "native threads left: 0" in run.stderr, (argv, run.stderr)


def interrupted_at(argv: list[str], seconds: float) -> tuple[int, str]:
    """Exit code and stderr of `python -m runs ARGV` sent SIGINT (to its whole group) after `seconds`."""
    process = subprocess.Popen(
        [sys.executable, "-m", "runs", *argv],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        time.sleep(seconds)
        os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C does
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return process.returncode, err


@pytest.mark.parametrize("seconds", [0.3, 0.8, 1.5])
def test_a_ctrl_c_while_the_command_line_imports_is_one_line(tmp_path, seconds):
    # --scale is checked by the model's Params: parsing the options imports the model
    argv = ["sweep", str(write_spec(tmp_path)), "--out", str(tmp_path / "out"), "--scale", "0.002"]
    code, err = interrupted_at([*argv, "--executor", "serial"], seconds)
    assert code == 130, err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("stopped by SIGINT: "), err


@pytest.mark.parametrize("seconds", [1.5, 2.5])
def test_a_ctrl_c_while_the_fork_server_imports_the_model_is_one_line(tmp_path, seconds):
    spec_file = write_spec(tmp_path, steps=6, replications=6, extra='model = "tests.faults:slow"')
    argv = ["sweep", str(spec_file), "--out", str(tmp_path / "out"), "--workers", "2"]
    code, err = interrupted_at(argv, seconds)
    assert code == 130, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.count("stopped by SIGINT: ") == 1, err  # beside progress bars, if any started


def test_a_resume_stopped_before_its_first_run_is_recorded(tmp_path, monkeypatch):
    """SIGTERM while resume still plans or starts its workers: the execution is in metadata.json too."""
    import runs.sweep
    from runs.errors import Interrupted

    out = tmp_path / "out"
    sweep(spec(), out, executor="serial", progress=False)
    (out / "runs" / next((out / "runs").glob("*.parquet")).name).unlink()  # one run left to do

    def stopped(*args, **kwargs):
        raise Interrupted(signal.SIGTERM)  # as the signal does while the workers start

    monkeypatch.setattr(runs.sweep, "_open", stopped)
    with pytest.raises(Interrupted):
        resume(out, executor="processes", progress=False, command="python -m runs resume")
    last = json.loads((out / "metadata.json").read_text())["executions"][-1]
    assert last["status"] == "interrupted by SIGTERM" and last["command"] == "python -m runs resume"
    assert last["done"] == 0 and last["note"] == "stopped before any run started"


def test_an_interrupt_lost_in_a_weakref_callback_still_stops_the_command(tmp_path, capsys, monkeypatch):
    """A signal's exception raised inside a weakref callback is lost ("Exception ignored in ..."):
    a Ctrl-C while importing then let the whole sweep run. It is raised again before any work."""
    import weakref

    import runs.cli

    parser = runs.cli.build_parser

    def interrupted_in_a_callback():
        class Imported:  # as importlib's module cache drops an entry while the signal lands
            pass

        thing = Imported()
        ref = weakref.ref(thing, lambda _: signal.raise_signal(signal.SIGINT))
        del thing
        assert ref() is None
        return parser()

    monkeypatch.setattr(runs.cli, "build_parser", interrupted_in_a_callback)
    out = tmp_path / "out"
    assert main(["sweep", str(write_spec(tmp_path)), "--out", str(out), "--executor", "serial"]) == 130
    err = capsys.readouterr().err  # one line, no "Exception ignored ... Traceback"
    assert len(err.splitlines()) == 1 and err.startswith("stopped by SIGINT: nothing has run yet"), err
    assert not out.exists()
