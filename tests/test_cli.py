"""The command line end to end: `python -m runs run` and `scenarios`, good and bad input."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pandas as pd
import pytest

from runs.cli import main


def test_run_prints_a_summary_and_writes_frames(tmp_path, capsys):
    out = tmp_path / "sub" / "run.csv"
    assert (
        main(
            [
                "run",
                "registry_failure_portable",
                "--steps",
                "20",
                "--scale",
                "0.005",
                "--seed",
                "3",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    # The count includes the month's entrants, so it is the model's to decide, not the test's.
    assert re.search(r"registry_failure_portable: [\d,]+ holders, 20 months, regime mandatory, seed 3", text)
    assert "quality_experienced" in text and "AFRINIC" in text and "governance_start" in text
    frame = pd.read_csv(out)
    assert frame.step.tolist() == list(range(21))
    assert len(pd.read_csv(tmp_path / "sub" / "run_registries.csv")) == 21 * 5
    assert "kind" in pd.read_csv(tmp_path / "sub" / "run_events.csv").columns


def test_set_overrides_any_parameter(capsys):
    assert (
        main(
            [
                "run",
                "status_quo",
                "--steps",
                "2",
                "--scale",
                "0.003",
                "--set",
                "porting_delay=6",
                "--set",
                "regime='mandatory'",
                "--regime",
                "none",
            ]
        )
        == 0
    )
    assert "regime none" in capsys.readouterr().out  # --regime wins over --set


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "nope"], "error: unknown scenario 'nope' (valid: "),
        (["run", "status_quo", "--set", "porting_dela=3"], "did you mean 'porting_delay'?"),
        (
            ["run", "status_quo", "--scale", "7"],
            "error: argument --scale: scale must be a number in [0.0005, 2.0]",
        ),
        (["run", "status_quo", "--set", "nokey"], "error: --set takes KEY=VALUE; got 'nokey'"),
        (["run", "status_quo", "--out", "x.json"], "error: --out must end in .csv or .parquet"),
        (["run", "status_quo", "--steps", "-1"], "--steps: must be an integer in [1, 1,200] (100 years"),
        (["run", "status_quo", "--steps", "0"], "--steps: must be an integer in [1, 1,200] (100 years"),
        (["run", "status_quo", "--seed", "abc"], "--seed: must be an integer >= 0; got 'abc'"),
        (["run", "status_quo", "--set", "seed=3"], "the seed is not a parameter; use --seed 3"),
        (["run", "status_quo", "--set", "events=maybe"], "error: --set events: must be a TOML list"),
        (["run", "status_quo", "--out", "/proc/x.csv"], "error: --out /proc/x.csv: cannot write in /proc"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_input_exits_2_with_one_clear_line(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        sys.exit(main(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_an_output_path_under_a_file_is_refused_before_the_run(tmp_path, capsys):
    (tmp_path / "FILE").write_text("x")
    started = time.perf_counter()
    assert main(["run", "status_quo", "--steps", "50", "--out", str(tmp_path / "FILE" / "x.csv")]) == 2
    assert time.perf_counter() - started < 5  # refused before building the model
    err = capsys.readouterr().err
    assert err == f"error: --out {tmp_path / 'FILE' / 'x.csv'}: {tmp_path / 'FILE'} is a file, not a folder\n"
    (tmp_path / "d.csv").mkdir()
    assert main(["run", "status_quo", "--out", str(tmp_path / "d.csv")]) == 2
    assert "is a folder; give a file name ending in .csv or .parquet" in capsys.readouterr().err


def test_one_month_is_singular(capsys):
    assert main(["run", "status_quo", "--steps", "1", "--scale", "0.002"]) == 0
    assert ", 1 month, regime" in capsys.readouterr().out


def test_scenarios_lists_every_scenario(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    assert "registry_failure_portable\n" in out and "small_registry_drain\n" in out
    assert "regimes (--regime): " in out and "mandatory" in out


def test_the_real_command_line_exits_2_without_a_traceback():
    bad = subprocess.run(
        [sys.executable, "-m", "runs", "run", "status_quo", "--set", "scale=-3"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == "error: --set scale=-3: scale must be a number in [0.0005, 2.0]; got -3"
    good = subprocess.run(
        [sys.executable, "-m", "runs", "run", "no_portability", "--steps", "3", "--scale", "0.002"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert good.returncode == 0, good.stderr
    assert "Registries at the end" in good.stdout
