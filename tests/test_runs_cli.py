"""The batch command line end to end on a tiny sweep, and the shipped experiments."""

from __future__ import annotations

import shlex
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from runs import load_results
from runs.cli import main
from runs.paper import EXPERIMENTS, paper, shipped
from runs.spec import ExperimentSpec
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
    for figure in ("timeseries_quality_experienced", "end_quality_experienced", "heatmap_accountability"):
        assert (out / "figures" / f"{figure}.png").stat().st_size > 5000
        assert (out / "figures" / f"{figure}.pdf").exists()
        assert Image.open(out / "figures" / f"{figure}.png").info["dpi"] == pytest.approx((300, 300), abs=1)
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
        (["sweep", "x.toml", "--out", "o", "--workers", "-2"], "--workers: must be an integer >= 1; got '-2"),
        (["sweep", "x.toml", "--out", "o", "--steps", "0"], "--steps: must be an integer in [1, 1,200]"),
        (["sweep", "x.toml", "--out", "README.md"], "error: --out README.md is a file; give a new or empty"),
        (["sweep", "x.toml", "--out", "runs"], "error: --out runs is not empty and holds no sweep; give"),
        (["paper", "--samples", "0"], "--samples: must be an integer >= 1; got '0'"),
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


def test_an_unreachable_dask_scheduler_is_refused_at_once_and_nothing_is_planned(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY)
    out = tmp_path / "o"
    started = time.monotonic()
    argv = ["sweep", str(spec), "--out", str(out), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"]
    assert main(argv) == 2
    assert time.monotonic() - started < 10
    err = capsys.readouterr().err
    expected = "error: --scheduler tcp://127.0.0.1:1: no Dask scheduler answers there (Connection refused)"
    assert err == f"{expected}\n"
    assert not out.exists()


def test_sweep_overrides_scale_replications_and_steps(tmp_path, capsys):
    spec = tmp_path / "tiny.toml"
    spec.write_text(TINY)
    out = tmp_path / "o"
    argv = ["sweep", str(spec), "--out", str(out), "--executor", "serial"]
    assert main([*argv, "--scale", "0.002", "--replications", "1", "--steps", "2"]) == 0
    assert "0 queued, 4 done, 0 failed" in capsys.readouterr().out
    written = (out / "spec.toml").read_text()
    assert (
        "steps = 2\n" in written
        and "replications = 1\n" in written
        and "[parameters.scale]\nvalue = 0.002\n" in written
    )
    assert set(load_results(out).timeseries.step) == {0, 1, 2}


def test_analyze_refuses_a_sweep_with_no_finished_run(tmp_path, capsys):
    from runs.spec import ExperimentSpec
    from runs.store import SweepStore
    from runs.sweep import plan, spec_toml

    spec = ExperimentSpec.from_text(TINY)
    design, runs_plan, _ = plan(spec)
    SweepStore(tmp_path / "o").create(spec_toml(spec), design, runs_plan, {"executions": []})
    assert main(["analyze", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {tmp_path / 'o'} has no finished runs to analyse (12 queued, 0 failed)")


def test_help_and_status_start_without_the_model_or_pandas(tmp_path):
    probe = (
        "import sys, runs.cli\n"
        "code = runs.cli.main(['status', sys.argv[1]])\n"
        "heavy = sorted(m for m in ('model', 'pandas', 'matplotlib', 'mesa') if m in sys.modules)\n"
        "print(code, heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.strip() == "2 []", done.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "runs", "sweep", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=9
    )
    assert helped.returncode == 0
    assert (
        "(default: processes, or dask with --scheduler)" in " ".join(helped.stdout.split())
        and "example:\n  python -m runs sweep " in helped.stdout
    )
    assert "{serial,processes,dask}" in helped.stdout


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


def test_paper_writes_every_report_into_one_folder(tmp_path, monkeypatch):
    """Four experiments of the seven, one of each kind of report (a report takes seconds; every
    shipped experiment's sweep is run by the test above, and their figures' code by these four)."""
    import runs.paper

    kinds = ("failure", "remedies", "friction", "sensitivity")  # regimes, two factors, remedies, Sobol
    assert set(kinds) <= set(EXPERIMENTS)
    monkeypatch.setattr(runs.paper, "EXPERIMENTS", kinds)
    projection = tmp_path / "projection"  # a finished projection's files, as `runs project` writes them
    (projection / "figures").mkdir(parents=True)
    (projection / "report.md").write_text("# Projection")
    (projection / "shares.csv").write_text("stress,option\n")
    (projection / "figures" / "projection_bands_no_failure.png").write_bytes(b"png")
    index = paper(
        tmp_path / "paper",
        scale=0.002,
        replications=2,
        samples=2,
        steps=24,
        executor="serial",
        progress=False,
        projection=projection,
    )
    text = index.read_text()
    for name in kinds:
        assert f"## {name}" in text
        assert (tmp_path / "paper" / name / "report.md").exists()
    assert (tmp_path / "paper" / "friction" / "figures" / "heatmap_quality_experienced.png").exists()
    assert list((tmp_path / "paper" / "sensitivity" / "figures").glob("sensitivity_*.png"))
    assert (tmp_path / "paper" / "sensitivity" / "analysis" / "sensitivity.csv").exists()
    assert (tmp_path / "paper" / "remedies" / "figures" / "remedies.png").exists()
    assert (tmp_path / "paper" / "remedies" / "analysis" / "remedy_outcomes.csv").exists()
    assert "## projection" in text and "[Report](projection/report.md)" in text
    copied = tmp_path / "paper" / "projection" / "figures" / "projection_bands_no_failure.png"
    assert copied.read_bytes() == b"png"


def readme_commands(prefix: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    blocks = [b.split("```", 1)[0] for b in text.split("```bash\n")[1:]]
    lines = [line.split("  #", 1)[0].strip() for block in blocks for line in block.splitlines()]
    return [line for line in lines if line.startswith(prefix)]


def test_the_readme_batch_commands_use_the_venv_and_parse():
    from runs.cli.arguments import build_parser as _parser

    commands = readme_commands(".venv/bin/python -m runs ")
    assert len(commands) >= 10
    for line in commands:
        argv = shlex.split(line)[3:]
        if "--help" in argv:
            continue
        args = _parser().parse_args(argv)  # exits 2 on any option the CLI does not take
        if getattr(args, "file", None):
            assert (ROOT / args.file).is_file(), line
    assert _parser().parse_args(["paper", "--samples", "256", "--replications", "3"]).samples == 256
    scripts = readme_commands(".venv/bin/python scripts/") + readme_commands(".venv/bin/python benchmarks/")
    assert scripts and all((ROOT / shlex.split(line)[1]).is_file() for line in scripts)
    text = (ROOT / "README.md").read_text()
    assert "\npython -m runs" not in text and "\npython scripts" not in text  # no bare python


def test_a_failed_condition_is_shown_as_failed_in_the_report_and_its_heatmap(tmp_path):
    from runs.report import report

    text = TINY.replace("scale = 0.003", "scale = 0.002").replace("steps = 8", "steps = 2")
    spec = ExperimentSpec.from_text(
        text.replace("seed = 11", 'seed = 11\nmodel = "tests.faults:raises_under_mandatory"')
    )
    out = tmp_path / "o"
    assert sweep(spec, out, executor="serial", progress=False)["failed"] == 6
    text = report(out).read_text()
    assert "| 0 of 3 | failed |" in text  # the mandatory conditions: no run finished
    assert (out / "figures" / "heatmap_quality_experienced.png").exists()
    assert (out / "figures" / "end_quality_experienced.png").exists()


def test_paper_refuses_a_folder_made_with_other_options_before_any_run(tmp_path, capsys):
    out = tmp_path / "paper"
    name = EXPERIMENTS[0]
    sweep(
        shipped(name).with_overrides(scale=0.002, replications=1, steps=1),
        out / name,
        executor="serial",
        progress=False,
    )
    started = time.monotonic()
    assert main(["paper", "--scale", "0.003", "--out", str(out), "--executor", "serial"]) == 2
    assert time.monotonic() - started < 30
    assert "holds a sweep of another design" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [name]  # nothing else was started
    (tmp_path / "file").write_text("x")
    assert main(["paper", "--out", str(tmp_path / "file")]) == 2
    assert "is a file; give a new folder" in capsys.readouterr().err
