"""The batch command line end to end on a tiny sweep, and the shipped experiments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from runs import load_results
from runs.cli import main
from runs.paper import EXPERIMENTS, paper, shipped
from runs.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]
TINY = """
[experiment]
name = "tiny"
scenario = "status_quo"
steps = 8
replications = 3
seed = 11

[parameters]
regime = ["none", "mandatory"]
porting_delay = [0.0, 6.0]
scale = 0.003
"""


def test_sweep_status_analyze_report_resume(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY)
    out = tmp_path / "out"
    assert main(["sweep", str(spec), "--out", str(out), "--executor", "serial"]) == 0
    assert "0 queued, 12 done, 0 failed" in capsys.readouterr().out
    assert main(["status", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "tiny: 0 queued, 12 done, 0 failed (of 12 planned)"
    assert main(["analyze", str(out)]) == 0
    summary = pd.read_csv(out / "analysis" / "summary.csv")
    assert {"mean", "sd", "n", "ci_low", "ci_high", "regime", "porting_delay"} <= set(summary.columns)
    assert main(["report", str(out)]) == 0
    report = (out / "report.md").read_text()
    assert "## Reproduce" in report and "policy `common`" in report and "git commit" in report
    for figure in ("timeseries_quality_experienced", "end_states", "heatmap_quality_experienced"):
        assert (out / "figures" / f"{figure}.png").stat().st_size > 5000
        assert (out / "figures" / f"{figure}.pdf").exists()
    assert main(["resume", str(out), "--executor", "serial"]) == 0  # nothing left to do
    assert len(load_results(out).runs) == 12
    metadata = (out / "metadata.json").read_text()
    for key in ("spec_hash", "git", "versions", "python", "cpu_count", "sampler_seed", "wall_time_s"):
        assert key in metadata


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["status", "/nonexistent/x"], "holds no sweep"),
        (["sweep", "x.toml"], "the following arguments are required: --out"),
        (["sweep", "x.toml", "--out", "o", "--executor", "mpi"], "invalid choice: 'mpi'"),
        (["sweep", "x.toml", "--out", "o", "--workers", "0"], "--workers: must be an integer >= 1; got '0'"),
        (["paper", "--scale", "9"], "--scale: scale must be a number in [0.0005, 2.0]; got 9.0"),
    ],
)
def test_bad_batch_input_exits_2(argv, message, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_info:
        code = exit_info.code
    assert code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_progress_bar_reports_counts_and_eta(tmp_path):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "runs",
            "sweep",
            str(spec),
            "--out",
            str(tmp_path / "o"),
            "--executor",
            "serial",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "12/12" in done.stderr and "done=12, failed=0" in done.stderr and "<00:00" in done.stderr


@pytest.mark.parametrize("name", EXPERIMENTS)
def test_shipped_experiments_parse_and_run_at_a_tiny_scale(name, tmp_path):
    spec = shipped(name).with_overrides(scale=0.002, replications=1, samples=2)
    assert spec.description
    counts = sweep(spec, tmp_path / name, executor="serial", progress=False)
    assert counts["failed"] == 0 and counts["queued"] == 0 and counts["done"] > 0


def test_paper_writes_every_report_into_one_folder(tmp_path):
    index = paper(
        tmp_path / "paper", scale=0.002, replications=2, samples=2, executor="serial", progress=False
    )
    text = index.read_text()
    for name in EXPERIMENTS:
        assert f"## {name}" in text
        assert (tmp_path / "paper" / name / "report.md").exists()
    assert (tmp_path / "paper" / "friction" / "figures" / "heatmap_quality_experienced.png").exists()
    assert list((tmp_path / "paper" / "sensitivity" / "figures").glob("sensitivity_*.png"))
    assert (tmp_path / "paper" / "sensitivity" / "analysis" / "sensitivity.csv").exists()
