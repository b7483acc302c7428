"""The scripts: every option with help and a default; the VALIDATION tables from sweeps, with their seeds.

The VALIDATION scripts run experiment files through `runs` (the same seeds, store and
outcome definitions as a sweep): a second run of a script finds its sweeps done and runs
nothing. Each is run here at a tiny scale, in-process, on the serial executor.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from runs.errors import SweepError
from runs.seeds import run_seeds
from runs.store import SweepStore, load_results

ROOT = Path(__file__).resolve().parents[1]
MINE = (  # scripts/frame_hashes.py and scripts/screenshot_app.py belong to the model's and app's tests
    "channels",
    "remedies",
    "hirschman",
    "market",
    "validate",
    "scale",
    "screening",
    "make_figures",
    "param_table",
    "install_solara_assets",
    "scale_match",
    "sensitivity_regimes",
)


def script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def help_text(name: str, capsys) -> str:
    with pytest.raises(SystemExit) as exit_info:
        script(name).main(["--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("name", MINE)
def test_every_option_of_every_script_has_help_and_its_default(name, capsys, monkeypatch):
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("--help must not run anything"))
    text = help_text(name, capsys)
    options = text.split("options:", 1)[1]
    entries = [e for e in options.split("\n  -") if e.strip()][1:]  # after -h, --help
    for entry in entries:
        head, _, words = entry.partition("  ")
        flag = head.split()[0].lstrip("-").rstrip(",")
        assert words.strip(), f"{name}: --{flag} has no help"
        takes_value = len(head.split()) > 1
        if takes_value and "DIR" not in head:
            assert "(default: " in " ".join(words.split()), f"{name}: --{flag} shows no default"


def run_script(name: str, argv: list[str], capsys) -> str:
    assert script(name).main(argv) == 0
    return capsys.readouterr().out


def tiny(folder: Path, seeds: int = 2, scale: float = 0.002) -> list[str]:
    return ["--seeds", str(seeds), "--scale", str(scale), "--folder", str(folder), "--executor", "serial"]


def test_channels_prints_its_tables_from_the_shipped_experiments_with_their_seeds(tmp_path, capsys):
    out = run_script("channels", [*tiny(tmp_path), "--steps", "12", "--out", str(tmp_path / "c.csv")], capsys)
    rows = [line for line in out.splitlines() if line.startswith(("| noise on ", "| noise off "))]
    assert len(rows) == 12 + 10  # 6 conditions x noise on/off, then the requests table
    folders = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert [f.split("-")[0] for f in folders] == ["channels", "lockin"]
    for folder in folders:
        runs = load_results(tmp_path / folder).runs
        assert sorted(runs.seed.unique()) == sorted(run_seeds(42, 1, 2, "common")[0])  # the sweep's seeds
    written = (tmp_path / "c.csv").read_text().splitlines()
    assert (
        written[0].startswith("noise,regime,channel,replicate,seed,quality,") and len(written) == 1 + 12 * 2
    )
    again = run_script("channels", [*tiny(tmp_path), "--steps", "12"], capsys)  # finds its sweeps done
    assert again == out


def test_remedies_prints_its_four_tables(tmp_path, capsys):
    out = run_script("remedies", [*tiny(tmp_path), "--steps", "24"], capsys)
    for header in ("| condition | peak petition support", "| switching cost | exit |", "| threshold |",
                   "| condition | shielded |"):  # fmt: skip
        assert header in out
    assert "| exit with safeguards |" in out and "| all three (mandatory_safeguarded) |" in out


@pytest.mark.parametrize(
    ("name", "argv", "expected"),
    [
        ("hirschman", [], "| mandatory | 250,000 |"),
        ("scale", ["--scales", "0.002", "0.003", "--seeds", "2", "2"], "| 0.003 | 2 |"),
        (
            "validate",
            ["--months", "24"],
            "### Registry failure under mandatory portability, by switching cost",
        ),
        ("market", ["--steps", "60", "--long", "240"], "| mandatory − status_quo |"),
    ],
)
def test_the_other_validation_scripts_run_through_sweeps(tmp_path, capsys, name, argv, expected):
    base = tiny(tmp_path)
    if name == "scale":
        base = ["--folder", str(tmp_path), "--executor", "serial"]
    out = run_script(name, [*base, *argv], capsys)
    assert expected in out
    assert all(SweepStore(p).status()["queued"] == 0 for p in tmp_path.iterdir() if p.is_dir())


def test_the_regime_sobol_and_scale_match_scripts_print_their_tables(tmp_path, capsys):
    base = ["--folder", str(tmp_path), "--executor", "serial", "--steps", "3", "--samples", "2"]
    out = run_script("sensitivity_regimes", base, capsys)
    assert "| responsiveness | " in out and "| mandatory | quality_last5 | 2 |" in out
    out = run_script("scale_match", base, capsys)
    assert "| regime | outcome | scale 0.02 | scale 0.2 |" in out and "| lock-in | quality_last5 |" in out


@pytest.fixture(scope="module")
def morris(tmp_path_factory) -> Path:
    from runs.spec import ExperimentSpec
    from runs.sweep import sweep

    out = tmp_path_factory.mktemp("screening") / "morris"
    spec = ExperimentSpec.from_text(
        '[experiment]\nname = "m"\nscenario = "mandatory_portability"\nsteps = 3\nreplications = 1\n'
        "seed = 1\n[parameters]\nresponsiveness = {low = 0.1, high = 0.9}\n"
        "threat_weight = {low = 0.0, high = 3.0}\nscale = 0.002\n"
        '[design]\nkind = "morris"\nsamples = 3\n'
    )
    sweep(spec, out, executor="serial", progress=False)
    return out


def test_screening_of_a_finished_sweep(morris, capsys):
    out = run_script("screening", [str(morris), "--outcome", "quality_experienced"], capsys)
    # runs of 3 months: the outcome is their mean over all 3 (issue 21: it said "the last 60 months")
    assert out.startswith("Morris, quality_experienced (mean of all 3 months of each run), 9 samples:")
    assert "| `threat_weight` |" in out


def test_screening_of_a_partial_sweep_says_what_is_missing(morris, tmp_path):
    """Issue 21: a 20-line FileNotFoundError traceback for a missing time series."""
    import shutil

    partial = tmp_path / "partial"
    shutil.copytree(morris, partial)
    gone = sorted((partial / "runs").glob("*.parquet"))[:2]
    for path in gone:
        path.unlink()
        (partial / "timeseries" / path.name).unlink()
    with pytest.raises(SweepError) as error:
        script("screening").main([str(partial)])
    assert str(error.value) == (
        f"{partial}: 2 of 9 runs are not done (2 queued, 0 failed; first: "
        + str(error.value).split("first: ", 1)[1].split(")")[0]
        + f"); indices need every run of the design: finish it with `python -m runs resume {partial}`"
    )
    done = subprocess.run(
        [sys.executable, "scripts/screening.py", str(partial)], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 2 and done.stderr.startswith(f"error: {partial}: 2 of 9 runs are not done")
    assert "Traceback" not in done.stderr


def test_install_solara_assets_help_creates_no_folder(tmp_path):
    """Importing solara creates its asset cache: --help alone left an empty .venv/share/solara/cdn/."""
    cache = tmp_path / "cdn"
    env = {**os.environ, "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache)}
    done = subprocess.run(
        [sys.executable, "scripts/install_solara_assets.py", "--help"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0 and "--list" in done.stdout
    assert not cache.exists()
