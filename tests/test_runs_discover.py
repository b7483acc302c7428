"""Scenario discovery (PRIM from ema_workbench) on a function with a known box, and the CLI."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

if os.environ.get("CI") != "true":  # in CI the extra is installed: a missing one is an error
    pytest.importorskip("ema_workbench", reason='PRIM needs the analysis extra: pip install -e ".[analysis]"')

from runs.cli import main
from runs.discover import find_box
from runs.sweep import sweep
from tests.test_runs_safety import spec as tiny_spec


def test_prim_finds_a_known_box():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.uniform(0, 1, (1000, 3)), columns=["a", "b", "c"])
    y = ((x.a > 0.6) & (x.b < 0.3)).to_numpy()  # the box: a in (0.6, 1], b in [0, 0.3); c irrelevant
    found = find_box(x, y, min_density=0.9)
    limits = found.limits.set_index("parameter")
    assert found.reached and found.density >= 0.9 and found.coverage >= 0.9
    assert limits.low["a"] == pytest.approx(0.6, abs=0.03) and limits.high["b"] == pytest.approx(
        0.3, abs=0.03
    )
    assert limits.restricted.to_dict() == {"a": True, "b": True, "c": False}
    assert found.mass == pytest.approx(0.4 * 0.3, abs=0.03)


def test_discover_on_a_sweep_writes_the_box_and_a_figure(tmp_path, capsys):
    spec = tiny_spec(replications=3)
    out = tmp_path / "out"
    sweep(spec, out, executor="serial", progress=False)
    argv = ["discover", str(out), "--outcome", "quality_experienced", "--threshold", "0"]
    assert main(argv) == 2  # every run holds: nothing to discover
    assert "every run has quality_experienced >= 0 (it ranges over [" in capsys.readouterr().err
    assert main([*argv[:3], "nope", *argv[4:]]) == 2
    assert "--outcome 'nope' is not a final metric of" in capsys.readouterr().err
    from runs import load_results

    finals = load_results(out).runs.final_quality_experienced
    threshold = float(finals.median())
    assert main([*argv[:-1], f"{threshold}"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("PRIM: Service quality") or text.startswith("PRIM: ")
    assert "coverage" in text and "density" in text
    folder = next((out / "discovery").iterdir())
    assert {p.name for p in folder.iterdir()} >= {
        "box.csv",
        "trajectory.csv",
        "discovery.png",
        "discovery.pdf",
    }
