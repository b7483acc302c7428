"""Analysis on functions with known answers (Ishigami), and statistics on constructed data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami
from scipy import stats

from runs.analysis import adequacy, end_states, morris_indices, sobol_indices, summarize
from runs.store import Results

PROBLEM = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
# analytical indices of the Ishigami function with a = 7, b = 0.1 (Ishigami & Homma 1990)
S1 = [0.3139, 0.4424, 0.0]
ST = [0.5576, 0.4424, 0.2437]


def test_sobol_indices_of_the_ishigami_function():
    x = sobol_sample.sample(PROBLEM, 2048, calc_second_order=False, seed=3)
    table = sobol_indices(PROBLEM, Ishigami.evaluate(x), seed=3)
    assert table.parameter.tolist() == ["x1", "x2", "x3"]
    assert table.S1.to_numpy() == pytest.approx(S1, abs=0.05)
    assert table.ST.to_numpy() == pytest.approx(ST, abs=0.05)
    assert (table.S1_conf > 0).all() and (table.ST_conf > 0).all()
    # the true values lie inside the confidence intervals (with a little slack for the bootstrap)
    assert (abs(table.ST - ST) <= 2 * table.ST_conf).all()


def test_sobol_needs_rows_in_sample_order():
    x = sobol_sample.sample(PROBLEM, 512, calc_second_order=False, seed=3)
    y = Ishigami.evaluate(x)
    shuffled = sobol_indices(PROBLEM, np.random.default_rng(0).permutation(y), seed=3)
    assert shuffled.S1.abs().max() < 0.2  # structure destroyed: why the analysis sorts by sample_id


def test_morris_ranks_the_ishigami_inputs():
    x = morris_sample.sample(PROBLEM, 200, num_levels=4, seed=3)
    table = morris_indices(PROBLEM, x, Ishigami.evaluate(x), levels=4, seed=3).set_index("parameter")
    assert table.mu_star["x1"] > table.mu_star["x3"] and table.mu_star["x2"] > table.mu_star["x3"]
    assert table.sigma["x3"] > 0  # x3 acts only through its interaction with x1


def synthetic(values_by_condition: dict[str, list[float]]) -> Results:
    runs, series = [], []
    for sample_id, (condition, values) in enumerate(values_by_condition.items()):
        for replicate, value in enumerate(values):
            run_id = f"{sample_id}-{replicate}"
            runs.append(
                {
                    "run_id": run_id,
                    "sample_id": sample_id,
                    "replicate": replicate,
                    "regime": condition,
                    "status": "done",
                    "final_quality_experienced": value,
                }
            )
            series += [
                {"run_id": run_id, "step": step, "metric": "quality_experienced", "value": value * step}
                for step in (0, 1)
            ]
    return Results(pd.DataFrame(runs), pd.DataFrame(series), pd.DataFrame(), pd.DataFrame())


def test_means_sds_and_t_intervals():
    values = [0.70, 0.72, 0.74, 0.76]
    results = synthetic({"none": values, "mandatory": [0.8, 0.8, 0.8, 0.8]})
    table = end_states(results, ["regime"]).set_index("regime")
    half = stats.t.ppf(0.975, 3) * np.std(values, ddof=1) / 2
    assert table.loc["none", "mean"] == pytest.approx(0.73)
    assert table.loc["none", "sd"] == pytest.approx(np.std(values, ddof=1))
    assert table.loc["none", "half_width"] == pytest.approx(half)
    assert table.loc["mandatory", "half_width"] == 0
    summary = summarize(results, ["regime"])
    row = summary[(summary.regime == "none") & (summary.step == 1)].iloc[0]
    assert (row["mean"], row["n"]) == (pytest.approx(0.73), 4)


def test_replication_adequacy_tracks_the_half_width():
    rng = np.random.default_rng(1)
    results = synthetic({"none": list(0.7 + 0.02 * rng.standard_normal(30))})
    table = adequacy(results, ["regime"])
    assert table.replicates.tolist() == list(range(2, 31))
    widths = table.set_index("replicates").half_width
    assert widths[30] < widths[5] < widths[2]


def test_paired_differences_use_the_pairs():
    from runs.analysis import paired_differences
    from runs.spec import ExperimentSpec

    spec = ExperimentSpec.from_text(
        '[experiment]\nname = "p"\nsteps = 1\nreplications = 4\nseed = 1\n'
        '[parameters]\nregime = ["none", "mandatory"]\n'
    )
    # large spread between seeds, a constant +0.02 within each pair: only pairing sees it clearly
    base = [0.60, 0.70, 0.80, 0.90]
    results = synthetic({"none": base, "mandatory": [b + 0.02 for b in base]})
    table = paired_differences(results, spec)
    row = table[table.metric == "quality_experienced"].iloc[0]
    assert (row.factor, row.level, row.baseline, row.n) == ("regime", "mandatory", "none", 4)
    assert row.mean_difference == pytest.approx(0.02)
    assert row.ci_low == pytest.approx(0.02) and row.ci_high == pytest.approx(0.02)
    assert row.boot_low == pytest.approx(0.02) and row.boot_high == pytest.approx(0.02)
    unpaired = end_states(results, ["regime"]).set_index("regime")
    assert unpaired.loc["none", "half_width"] > 0.1  # the unpaired intervals overlap widely


def test_bootstrap_intervals_of_counts_never_go_below_zero():
    results = synthetic({"none": [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0]})
    table = end_states(results, ["regime"]).iloc[0]
    assert table.ci_low < 0  # the t-interval does
    assert table.boot_low == 0.0 and table.boot_high > 0
    summary = summarize(results, ["regime"])
    assert (summary.boot_low >= 0).all()


def sobol_table(n: int) -> pd.DataFrame:
    x = sobol_sample.sample(PROBLEM, n, calc_second_order=False, seed=3)
    y = Ishigami.evaluate(x)
    from runs.sensitivity import _first_half

    full = sobol_indices(PROBLEM, y, seed=3)
    half = sobol_indices(PROBLEM, _first_half(PROBLEM, y), seed=3)
    full["S1_half"], full["ST_half"] = half.S1, half.ST
    full.insert(0, "metric", "y")
    return full


def test_sobol_checks_flag_a_small_design_and_pass_a_large_one():
    from runs.analysis import sobol_checks

    small = sobol_checks(sobol_table(16), samples=16).iloc[0]
    assert not small.converged
    assert "not converged: raise design.samples above 16" in small.warning
    assert "ST intervals wider than ST" in small.warning or "moved by up to" in small.warning
    large = sobol_checks(sobol_table(8192), samples=8192).iloc[0]
    assert large.converged and large.warning == ""
    assert large.max_change_half_to_full < 0.05
    assert large.S1_includes_zero == "x3"  # x3 acts only through its interaction with x1


def test_figure_labels_come_from_the_parameters_metadata():
    from model.params import param_info
    from model.words import param_label as parameter_label
    from runs.report import metric_label, value_words

    info = {i["name"]: i for i in param_info()}
    delay = info["porting_delay"]
    assert parameter_label("porting_delay") == f"{delay['label'] or 'porting delay'} ({delay['unit']})"
    assert value_words("porting_delay", 6.0) == f"6 {delay['unit']}"
    assert value_words("regime", "none") == "No portability (lock-in)"
    assert metric_label("accountability", unit=False) == "Accountability"
    assert metric_label("some_new_output") == "some new output"  # a metric the report does not know yet
