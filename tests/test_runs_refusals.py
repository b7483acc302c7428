"""Issue 21: what can never finish is refused before any work, and every bad input gets one line.

Each test drives the command line in-process (`runs.cli.main`) or the API, and checks the exit
code, the one line on stderr (no usage, no traceback), that nothing was started (no folder), and
that the refusal is quick. Inputs that are legal but likely a mistake get one warning line.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import pytest

from model import ConfigError
from runs.bounds import MAX_RUNS, MAX_STEPS, MAX_TIMEOUT, check_feasible, count_runs
from runs.cli import main
from runs.errors import SweepWarning
from runs.spec import ExperimentSpec
from runs.sweep import sweep

FACTORIAL = """
[experiment]
name = "t"
scenario = "status_quo"
steps = 2
replications = 2
seed = 1
{extra}

[parameters]
regime = ["none", "mandatory"]
scale = 0.002
{parameters}
"""
SOBOL = """
[experiment]
name = "s"
scenario = "status_quo"
steps = 2
replications = 1
seed = 1

[parameters]
responsiveness = {low = 0.1, high = 0.9}
scale = 0.002

[design]
kind = "sobol"
samples = 4
"""


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(argv: list[str], capsys, seconds: float = 20.0) -> str:
    """Run the CLI; assert exit 2 within `seconds` with one line and no traceback; return the line."""
    started = time.monotonic()
    try:
        code = main(argv)
    except SystemExit as exit_info:
        code = exit_info.code
    assert time.monotonic() - started < seconds, "not refused before work"
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err and "usage:" not in err
    return lines[0]


# --- designs that can never finish (issue 21, "Why" 2) --------------------------------------------
def test_a_sobol_design_of_a_trillion_samples_is_refused_without_a_memory_error(tmp_path, capsys):
    spec = write(tmp_path, SOBOL)
    out = tmp_path / "o"
    line = refused(["sweep", str(spec), "--out", str(out), "--samples", "1000000000000"], capsys)
    assert "3,000,000,000,000 runs (3,000,000,000,000 design points x 1 replication)" in line
    assert "more than half this machine's memory" in line
    assert not out.exists()


def test_a_hundred_billion_replications_are_refused_at_once(tmp_path, capsys):
    spec = write(tmp_path, FACTORIAL.format(extra="", parameters=""))
    out = tmp_path / "o"
    line = refused(["sweep", str(spec), "--out", str(out), "--replications", "100000000000"], capsys)
    assert "200,000,000,000 runs (2 design points x 100,000,000,000 replications)" in line
    assert "more than half this machine's memory" in line
    assert not out.exists()


def test_a_ten_million_point_factorial_is_refused_at_once(tmp_path, capsys):
    levels = "\n".join(
        f"{name} = [{', '.join(f'{0.04 * i:.2f}' for i in range(1, 11))}]"
        for name in (
            "responsiveness",
            "threat_weight",
            "exit_weight",
            "voice_weight",
            "observation_noise",
            "taste_sd",
            "aspiration",
        )
    )
    spec = write(tmp_path, FACTORIAL.format(extra="", parameters=levels))
    out = tmp_path / "o"
    line = refused(["sweep", str(spec), "--out", str(out)], capsys)
    assert "40,000,000 runs (20,000,000 design points x 2 replications)" in line
    assert not out.exists()


@pytest.mark.parametrize("steps", ["99999999999999999999", "100000000000", str(MAX_STEPS + 1)])
def test_runs_too_long_to_finish_are_refused(tmp_path, capsys, steps):
    spec = write(tmp_path, FACTORIAL.format(extra="", parameters=""))
    line = refused(["sweep", str(spec), "--out", str(tmp_path / "o"), "--steps", steps], capsys)
    assert f"argument --steps: must be an integer in [1, {MAX_STEPS:,}]" in line and steps in line
    line = refused(["run", "status_quo", "--steps", steps], capsys)
    assert f"argument --steps: must be an integer in [1, {MAX_STEPS:,}]" in line


def test_steps_beyond_the_bound_in_the_file_are_refused():
    text = FACTORIAL.format(extra="", parameters="").replace("steps = 2", "steps = 100000000000")
    with pytest.raises(ConfigError, match=rf"experiment\.steps must be an integer in \[1, {MAX_STEPS:,}\]"):
        ExperimentSpec.from_text(text)


@pytest.mark.parametrize("value", ["inf", "1e12", "nan", "-inf"])
def test_an_infinite_or_absurd_timeout_is_refused(tmp_path, capsys, value):
    spec = write(tmp_path, FACTORIAL.format(extra="", parameters=""))
    line = refused(["sweep", str(spec), "--out", str(tmp_path / "o"), f"--timeout={value}"], capsys)
    assert f"argument --timeout: must be a number of seconds in (0, {MAX_TIMEOUT:,.0f}]" in line
    assert not (tmp_path / "o").exists()


def test_an_infinite_timeout_in_the_file_is_refused():
    text = FACTORIAL.format(extra="timeout = inf", parameters="")
    with pytest.raises(ConfigError, match=r"experiment\.timeout must be a number of seconds in \(0, "):
        ExperimentSpec.from_text(text)


def test_the_api_refuses_the_same_and_force_lifts_only_the_soft_bound(tmp_path):
    spec = ExperimentSpec.from_text(FACTORIAL.format(extra="", parameters=""))
    big = spec.with_overrides(replications=MAX_RUNS)  # 2 x MAX_RUNS runs: over the bound
    assert count_runs(big) == 2 * MAX_RUNS
    with pytest.raises(ConfigError, match=r"the bound is 1,000,000"):
        sweep(big, tmp_path / "o", executor="serial", progress=False)
    assert not (tmp_path / "o").exists()
    check_feasible(big, force=True)  # a machine can hold this plan: --force goes past the bound
    absurd = spec.with_overrides(replications=10**11)
    with pytest.raises(ConfigError, match=r"more than half this machine's memory"):
        check_feasible(absurd, force=True)


# --- other bad input (issue 21, "Why" 5 and the new user's list) ----------------------------------
def test_an_experiment_file_that_is_not_utf8_is_refused(tmp_path, capsys):
    path = tmp_path / "latin1.toml"
    path.write_bytes(FACTORIAL.format(extra='description = "caf\xe9"', parameters="").encode("latin-1"))
    line = refused(["sweep", str(path), "--out", str(tmp_path / "o")], capsys)
    assert line.startswith(f"error: experiment file {str(path)!r} is not UTF-8 text (byte 0xe9 at ")


def test_an_output_name_too_long_for_the_file_system_is_refused(tmp_path, capsys):
    spec = write(tmp_path, FACTORIAL.format(extra="", parameters=""))
    out = tmp_path / ("x" * 300)
    line = refused(["sweep", str(spec), "--out", str(out)], capsys)
    assert "file name too long" in line.lower() and "--out" in line
    line = refused(["run", "status_quo", "--out", str(tmp_path / ("y" * 300 + ".csv"))], capsys)
    assert "file name too long" in line.lower()


def test_a_folder_given_as_the_experiment_file_is_named_as_a_folder(tmp_path, capsys):
    line = refused(["sweep", str(tmp_path), "--out", str(tmp_path / "o")], capsys)
    assert line == f"error: experiment file {str(tmp_path)!r} is a folder; give a .toml file"


def test_a_misspelt_scenario_gets_a_suggestion(tmp_path, capsys):
    line = refused(["run", "status_qou"], capsys)
    assert "unknown scenario 'status_qou'; did you mean 'status_quo'?" in line
    text = FACTORIAL.format(extra="", parameters="").replace('"status_quo"', '"regsitry_failure_locked"')
    line = refused(["sweep", str(write(tmp_path, text)), "--out", str(tmp_path / "o")], capsys)
    assert "did you mean 'registry_failure_locked'?" in line


def test_an_option_error_is_one_line_without_the_usage(tmp_path, capsys):
    line = refused(["sweep", "x.toml", "--out", str(tmp_path / "o"), "--scale", "0"], capsys)
    assert line.startswith("error: argument --scale: scale must be a number in [0.0005, 2.0]; got 0")
    assert "python -m runs sweep --help" in line


def test_a_set_value_is_checked_even_when_an_option_overrides_it(capsys):
    line = refused(["run", "status_quo", "--set", "scale=5", "--scale", "0.005"], capsys)
    assert line == "error: --set scale=5: scale must be a number in [0.0005, 2.0]; got 5"


def warning_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def test_a_parameter_set_twice_is_warned_about(capsys):
    argv = ["run", "status_quo", "--steps", "1", "--scale", "0.002"]
    assert main([*argv, "--set", "porting_delay=1", "--set", "porting_delay=9"]) == 0
    assert warning_lines(capsys.readouterr().err) == [
        "warning: --set porting_delay is given twice (1, then 9); 9 is used"
    ]
    assert main([*argv[:4], "--set", "scale=0.003", "--scale", "0.002"]) == 0
    assert warning_lines(capsys.readouterr().err) == ["warning: --scale 0.002 overrides --set scale=0.003"]


def test_duplicate_levels_are_warned_about(tmp_path, capsys):
    text = FACTORIAL.format(extra="", parameters="").replace(
        'regime = ["none", "mandatory"]', 'regime = ["none", "mandatory", "none"]'
    )
    with pytest.warns(SweepWarning, match=r"parameters\.regime lists 'none' twice"):
        ExperimentSpec.from_text(text)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the CLI turns the warning into one line of its own
        assert (
            main(["sweep", str(write(tmp_path, text)), "--out", str(tmp_path / "o"), "--executor", "serial"])
            == 0
        )
    assert warning_lines(capsys.readouterr().err) == [
        "warning: parameters.regime lists 'none' twice: the same runs, with the same seeds, run twice; "
        "remove the repeat"
    ]


def test_resume_of_a_finished_sweep_says_so_without_progress_bars(tmp_path, capsys):
    spec = write(tmp_path, FACTORIAL.format(extra="", parameters=""))
    out = tmp_path / "o"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 0
    capsys.readouterr()
    assert main(["resume", str(out), "--executor", "serial"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == f"nothing to run: all 4 planned runs of {out} are done\n"


def test_sweep_help_shows_every_default(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    text = " ".join(capsys.readouterr().out.split("options:", 1)[1].split())
    for option in ("--scale", "--replications", "--samples", "--steps", "--timeout"):
        after = text.split(f"{option} ", 1)[1].split(" --", 1)[0]
        assert "(default: " in after, f"{option}: {after}"
    assert (
        "(default: the experiment's `scale`" in text
        and "(default: processes, or dask with --scheduler)" in " ".join(text.split())
    )


def test_samples_on_a_factorial_design_is_warned_about(tmp_path, capsys):
    path = write(tmp_path, FACTORIAL.format(extra="", parameters=""))
    argv = ["sweep", str(path), "--out", str(tmp_path / "o"), "--executor", "serial", "--steps", "1"]
    assert main([*argv, "--samples", "5"]) == 0
    assert warning_lines(capsys.readouterr().err) == [
        f"warning: --samples 5 is ignored: it is for lhs, sobol and morris designs, and {path}'s "
        "design is factorial (its runs are its levels times --replications)"
    ]


def test_a_misspelt_regime_gets_a_suggestion(capsys):
    line = refused(["run", "status_quo", "--regime", "mandatroy"], capsys)
    assert line.endswith("; got 'mandatroy'; did you mean 'mandatory'?")
