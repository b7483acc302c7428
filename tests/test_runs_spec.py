"""Experiment files: every bad file gives its message (exit 2 from the CLI); designs and seeds."""

from __future__ import annotations

import numpy as np
import pytest

from model import ConfigError
from runs.cli import main
from runs.design import design_points
from runs.seeds import run_seeds, sampler_seed
from runs.spec import ExperimentSpec
from runs.sweep import spec_toml

GOOD = """
[experiment]
name = "t"
scenario = "status_quo"
steps = 6
replications = 2
seed = 1

[parameters]
regime = ["none", "mandatory"]
scale = 0.003

[design]
kind = "factorial"
"""


def spec(text: str = GOOD) -> ExperimentSpec:
    return ExperimentSpec.from_text(text)


def edit(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


BAD = [
    (edit("steps = 6", "step = 6"), r"unknown key experiment\.'step'; did you mean 'steps'\?"),
    (edit("steps = 6", "steps = 0"), r"experiment\.steps must be an integer in \[1, 1,200\] .*; got 0"),
    (edit("steps = 6", 'steps = "six"'), r"experiment\.steps must be int; got 'six'"),
    (
        edit("replications = 2", "replications = 0"),
        r"experiment\.replications must be an integer >= 1; got 0",
    ),
    (edit('name = "t"\n', ""), r"experiment\.name is required"),
    (edit('scenario = "status_quo"', 'scenario = "nope"'), r"experiment\.scenario: unknown scenario 'nope'"),
    (
        edit("[design]", "[desing]"),
        r"unknown table \[desing\]; did you mean \[design\]\? \(allowed: \[conditions\], \[design\], ",
    ),
    (
        edit('kind = "factorial"', 'kind = "grid"'),
        r"design\.kind must be one of \('factorial', 'lhs', 'sobol', 'morris', 'points'\)",
    ),
    (edit('regime = ["none", "mandatory"]', "regime = []"), r"parameters\.regime: an empty list of levels"),
    (
        edit('regime = ["none", "mandatory"]', 'regime = ["none", "open"]'),
        r"parameters\.regime: regime must be one of .*; got 'open'",
    ),
    (
        edit("scale = 0.003", "scale = 7"),
        r"parameters\.scale: scale must be a number in \[0\.0005, 2\.0\]; got 7",
    ),
    (edit("scale = 0.003", "scael = 0.003"), r"unknown parameter 'scael'; did you mean 'scale'\?"),
    (
        edit("scale = 0.003", "switching_cost = {low = 0.1, high = 0.2}"),
        r"parameters\.switching_cost: \{low, high\} ranges are for lhs, sobol and morris designs",
    ),
    (edit('kind = "factorial"', 'kind = "lhs"\nsamples = 4'), r"a lhs design needs at least one parameter"),
    (
        edit('kind = "factorial"', 'kind = "sobol"'),
        r"design\.samples must be an integer >= 1 for a sobol design",
    ),
    (
        edit('kind = "factorial"', 'kind = "sobol"\nsamples = 4').replace(
            "scale = 0.003", "scale = 0.003\nresponsiveness = {low = 0.2, high = 0.1}"
        ),
        r"parameters\.regime: a sobol design samples \{low, high\} ranges",
    ),
    (
        edit("scale = 0.003", "scale = 0.003\nresponsiveness = {low = 0.9, high = 0.1}").replace(
            'kind = "factorial"', 'kind = "lhs"\nsamples = 3'
        ),
        r"parameters\.responsiveness: low must be below high; got low = 0\.9, high = 0\.1",
    ),
    (edit("scale = 0.003", "scale = 0.003\nregime_x = 1"), r"unknown parameter 'regime_x'"),
    (
        edit("scale = 0.003", "scale = {val = 0.003}"),
        r"parameters\.scale: a table must be \{value = \.\.\.\}, \{low = , high = \} "
        r"or \{points = \[\.\.\.\]\}",
    ),
    (
        edit("seed = 1", 'seed = 1\nseed_policy = "shared"'),
        r"experiment\.seed_policy must be one of \('common', 'independent', 'paired'\)",
    ),
    (edit("seed = 1", 'seed = 1\noutputs = ["agents"]'), r"experiment\.outputs: 'agents' is not one of"),
    ("[experiment\nname=", r"is not valid TOML"),
    ("[parameters]\nscale = 0.1\n", r"the file needs an \[experiment\] table"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_every_bad_experiment_file_gives_its_message(text, message):
    with pytest.raises(ConfigError, match=message):
        spec(text)


@pytest.mark.parametrize(("text", "message"), BAD[:6])
def test_the_cli_exits_2_with_the_message(text, message, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing was started


def test_a_bad_design_point_is_refused_before_any_run(tmp_path, capsys):
    text = edit(
        "scale = 0.003", 'scale = 0.003\nevents = {value = [{registry = "XYZ", start = 1, duration = 2}]}'
    )
    path = tmp_path / "exp.toml"
    path.write_text(text)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out"), "--executor", "serial"]) == 2
    err = capsys.readouterr().err
    assert "error: design point 0 ({'regime': 'none'}): event registry 'XYZ' is not a registry" in err
    assert not (tmp_path / "out").exists()
    assert main(["sweep", str(tmp_path / "missing.toml"), "--out", str(tmp_path / "o2")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_fixed_values_of_any_type_and_the_effective_file_round_trips():
    text = edit(
        "scale = 0.003", 'scale = 0.003\nevents = {value = [{registry = "ARIN", start = 2, duration = 3}]}'
    )
    parsed = spec(text)
    assert parsed.fixed["events"] == [{"registry": "ARIN", "start": 2, "duration": 3}]
    again = ExperimentSpec.from_text(spec_toml(parsed))
    assert again.hash == parsed.hash and again == parsed


def test_factorial_lhs_sobol_and_morris_designs():
    assert design_points(spec()).regime.tolist() == ["none", "mandatory"]
    ranged = edit(
        "scale = 0.003",
        "scale = 0.003\nresponsiveness = {low = 0.2, high = 0.8}\nhold_period = {low = 0, high = 24}",
    ).replace('regime = ["none", "mandatory"]\n', "")
    lhs = design_points(spec(ranged.replace('kind = "factorial"', 'kind = "lhs"\nsamples = 10')))
    assert len(lhs) == 10 and lhs.responsiveness.between(0.2, 0.8).all()
    assert lhs.hold_period.map(lambda v: isinstance(v, int)).all()
    # LHS: one sample in each tenth of the range
    assert sorted(np.floor((lhs.responsiveness - 0.2) / 0.06).astype(int)) == list(range(10))
    sobol = design_points(spec(ranged.replace('kind = "factorial"', 'kind = "sobol"\nsamples = 8')))
    assert len(sobol) == 8 * (2 + 2)  # Saltelli without second order: N (D + 2)
    morris = design_points(spec(ranged.replace('kind = "factorial"', 'kind = "morris"\nsamples = 5')))
    assert len(morris) == 5 * (2 + 1)
    crossed = design_points(
        spec(
            edit('kind = "factorial"', 'kind = "lhs"\nsamples = 3').replace(
                "scale = 0.003", "scale = 0.003\nresponsiveness = {low = 0.2, high = 0.8}"
            )
        )
    )
    assert len(crossed) == 2 * 3 and crossed.sample_id.tolist() == list(range(6))
    assert design_points(spec(ranged.replace('kind = "factorial"', 'kind = "lhs"\nsamples = 10'))).equals(lhs)


def test_seeds_are_drawn_up_front_in_a_fixed_order():
    common = run_seeds(42, 3, 4, "common")
    assert (common == common[0]).all() and len(set(common[0])) == 4
    independent = run_seeds(42, 3, 4, "independent")
    assert len(set(independent.ravel())) == 12
    assert np.array_equal(independent, run_seeds(42, 3, 4, "independent"))
    assert not np.array_equal(common, run_seeds(43, 3, 4, "common"))
    assert sampler_seed(42) not in set(independent.ravel()) | set(common.ravel())
