"""`python -m runs calibrate`: ABC-SMC against the record, on tiny budgets.

Most tests swap the model for a cheap stand-in simulator (a known function of two parameters
plus seeded noise) through the same code path: the spec, pyabc, the database, the report. One
runs the real model at a tiny scale and reruns a particle from its stored seed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyabc")

from runs.calibrate import report as report_module
from runs.calibrate import smc
from runs.calibrate.spec import load_spec
from runs.cli import main

#: the stand-in's true parameters: the known answer
TRUTH = {"price_adjustment": 0.12, "reserve_price": 30.0}


def stand_in(parameters, seed):
    """Two targets read one parameter each (noise 1% of the range's width); the rest are fixed."""
    noise = np.random.default_rng(seed).normal(0, 0.01, size=3)
    return {
        "price_2021_10": 100 * parameters["price_adjustment"] + noise[0],
        "price_2022_04": parameters["reserve_price"] + noise[1],
        "price_2020_12": 26.0 + noise[2],
    }


_TARGETS = """
[target.price_2021_10]
what = "stand-in: 100 x price_adjustment"
low = {a_low}
high = {a_high}
unit = "USD"
date = "2021-10"
source = "the stand-in at the true values"
use = "fit"

[target.price_2022_04]
what = "stand-in: reserve_price"
low = {b_low}
high = {b_high}
unit = "USD"
date = "2022-04"
source = "the stand-in at the true values"
use = "fit"

[target.price_2020_12]
what = "stand-in: 26"
low = 25.0
high = 27.0
unit = "USD"
date = "2020-12"
source = "the stand-in"
use = "held_out"
"""

_SPEC = """
[calibration]
name = "tiny"
description = "a test"
targets = "observed.toml"
scale = 0.004
seed = 7
population = {population}
generations = {generations}
budget = {budget}
posterior_checks = 6

[prior.price_adjustment]
low = 0.0
high = 0.3
why = "test"

[prior.reserve_price]
low = 5.0
high = 60.0
why = "test"
"""


def write_spec(folder: Path, *, population=6, generations=2, budget=500, extra="", targets=None) -> Path:
    a, b = 100 * TRUTH["price_adjustment"], TRUTH["reserve_price"]
    ranges = {"a_low": a - 0.5, "a_high": a + 0.5, "b_low": b - 0.5, "b_high": b + 0.5}
    (folder / "observed.toml").write_text(targets if targets is not None else _TARGETS.format(**ranges))
    path = folder / "tiny.toml"
    path.write_text(_SPEC.format(population=population, generations=generations, budget=budget) + extra)
    return path


@pytest.fixture
def standing_in(monkeypatch):
    monkeypatch.setattr(smc, "replay_simulator", lambda spec: stand_in)
    monkeypatch.setattr(report_module, "replay_simulator", lambda spec: stand_in)


def run_cli(argv: list[str]) -> int:
    """The exit code, whether `main` returns it or argparse exits with it."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


def final_population(out: Path) -> pd.DataFrame:
    import pyabc

    history = pyabc.History(smc.database(out))
    pop = history.get_population_extended(t=history.max_t)
    return pop.sort_values("sumstat_seed").reset_index(drop=True)


def test_pipeline_end_to_end_writes_a_consistent_database_report_and_diagnostics(tmp_path, standing_in):
    out = tmp_path / "out"
    assert main(["calibrate", str(write_spec(tmp_path)), "--out", str(out), "--executor", "serial"]) == 0
    import pyabc

    history = pyabc.History(smc.database(out))
    gens = pd.read_csv(out / "generations.csv")
    assert gens.generation.tolist() == [0, 1] == list(range(history.max_t + 1))
    assert gens.simulations.sum() == history.total_nr_simulations
    assert np.allclose(gens.acceptance_rate, gens.accepted / gens.simulations)
    assert gens.epsilon.iloc[0] == np.inf and np.isfinite(gens.epsilon.iloc[1])
    assert (gens.ess <= gens.accepted + 1e-9).all() and (gens.ess > 0).all()
    posterior = pd.read_csv(out / "posterior.csv")
    assert len(posterior) == 6 and posterior.weight.sum() == pytest.approx(1)
    assert set(posterior.columns) >= {"price_adjustment", "reserve_price", "seed"}
    assert len(pd.read_csv(out / "predictive.csv")) == 6
    text = (out / "report.md").read_text()
    for part in (
        "Held-out coverage",
        "## Posterior",
        "## Diagnostics",
        "## Posterior predictive",
        "informed",
    ):
        assert part in text
    for name in ("posterior", "pairs", "diagnostics", "predictive"):
        assert (out / f"{name}.png").stat().st_size > 0 and (out / f"{name}.pdf").stat().st_size > 0
    checks = pd.read_csv(out / "checks.csv")
    assert checks.set_index("target").use.to_dict() == {
        "price_2021_10": "fit",
        "price_2022_04": "fit",
        "price_2020_12": "held_out",
    }


def test_known_answer_the_true_values_lie_in_the_posterior_interval(tmp_path, standing_in):
    from runs.calibrate.report import posterior

    out = tmp_path / "out"
    spec = load_spec(write_spec(tmp_path, population=40, generations=4, budget=5000))
    smc.calibrate(spec, out, progress=lambda _: None)
    _, summary = posterior(spec, out)
    for row in summary.itertuples():
        assert row.q05 <= TRUTH[row.parameter] <= row.q95, row
        assert row.informed, row  # both targets speak to their parameter: the posterior narrows


def test_same_seed_one_worker_gives_the_same_posterior(tmp_path, standing_in):
    spec = load_spec(write_spec(tmp_path))
    for name in ("a", "b"):
        smc.calibrate(spec, tmp_path / name, progress=lambda _: None)
    pd.testing.assert_frame_equal(final_population(tmp_path / "a"), final_population(tmp_path / "b"))


def test_a_calibration_stopped_after_a_generation_and_resumed_ends_as_an_uninterrupted_one(
    tmp_path, standing_in
):
    spec = load_spec(write_spec(tmp_path, generations=3))
    smc.calibrate(spec, tmp_path / "whole", progress=lambda _: None)

    def stop(line: str) -> None:
        if line.startswith("generation 0"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        smc.calibrate(spec, tmp_path / "cut", progress=stop)
    assert final_population(tmp_path / "cut").shape[0] == spec.population  # generation 0 kept
    assert smc.calibrate(spec, tmp_path / "cut", progress=lambda _: None) == 3
    pd.testing.assert_frame_equal(final_population(tmp_path / "whole"), final_population(tmp_path / "cut"))


def test_the_budget_stops_a_generation_that_would_pass_it(tmp_path, standing_in):
    spec = load_spec(write_spec(tmp_path, generations=5, budget=12))
    said = []
    assert smc.calibrate(spec, tmp_path / "out", progress=said.append) < 5
    import pyabc

    assert pyabc.History(smc.database(tmp_path / "out")).total_nr_simulations <= 12


def test_the_real_model_at_a_tiny_scale_and_a_particle_rerun_from_its_seed(tmp_path):
    from model.observed import load_targets
    from model.replay import measured, replay

    out = tmp_path / "out"
    from dataclasses import replace

    shipped = Path(__file__).resolve().parents[1] / "runs" / "experiments" / "calibration.toml"
    spec = replace(load_spec(shipped, budget=3, scale=0.004, population=3), generations=1)
    smc.calibrate(spec, out, progress=lambda _: None)
    pop = final_population(out).iloc[0]
    parameters = {name: float(pop[f"par_{name}"]) for name in spec.parameters}
    again = measured(replay("history", int(pop.sumstat_seed), 0.004, **parameters), load_targets())
    for name, value in again.items():
        assert value == pytest.approx(pop[f"sumstat_{name}"], nan_ok=True), name


@pytest.mark.parametrize(
    ("extra", "argv", "message"),
    [
        ("\n[calibration.x]\n", [], "unknown keys"),
        ("", ["--budget", "0"], "--budget: must be an integer >= 1"),
        ('\n[prior.entry_rate]\nlow = 0.0\nhigh = 0.9\nwhy = "t"\n', [], "outside the parameter's bounds"),
        ('\n[prior.nonsense]\nlow = 0.0\nhigh = 0.9\nwhy = "t"\n', [], "nonsense"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_before_any_work(tmp_path, capsys, extra, argv, message):
    path = write_spec(tmp_path, extra=extra)
    out = tmp_path / "out"
    assert run_cli(["calibrate", str(path), "--out", str(out), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("fit", '["price_2021_10", "nope"]', "unknown target 'nope'"),
        ("held_out", "[]", "the set of held_out targets is empty"),
        ("fit", '["price_2020_12"]', "is marked use = 'held_out', not 'fit'"),
        ("budget", "0", "budget must be an integer >= 1"),
    ],
)
def test_bad_targets_and_budgets_are_refused(tmp_path, capsys, key, value, message):
    path = write_spec(tmp_path)
    text = path.read_text().replace("[calibration]\n", f"[calibration]\n{key} = {value}\n", 1)
    if key == "budget":
        text = text.replace("budget = 500\n", "")
    path.write_text(text)
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_a_missing_file_and_another_spec_in_a_used_folder_are_refused(tmp_path, capsys, standing_in):
    assert main(["calibrate", str(tmp_path / "none.toml"), "--out", str(tmp_path / "out")]) == 2
    assert "no calibration file" in capsys.readouterr().err
    out = tmp_path / "out"
    assert (
        main(
            ["calibrate", str(write_spec(tmp_path, generations=1)), "--out", str(out), "--executor", "serial"]
        )
        == 0
    )
    capsys.readouterr()
    other = write_spec(tmp_path, generations=1, population=5)
    assert main(["calibrate", str(other), "--out", str(out)]) == 2
    assert "another file or scale" in capsys.readouterr().err
