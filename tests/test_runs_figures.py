"""What the saved figures draw: no text on another, none off the canvas (the renderer's extents).

Issue 21: the remedies figure's panel titles overlapped; the discovery figure's x-label was
cut, its value labels collided with the bars and "chosen box 24" ran into the axis. Every
figure a report saves goes through `runs.report.layout.save_figure`, which measures every
text as it is drawn; these tests draw the figures at a tiny scale and require no problem.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

from runs.report.layout import drawn_texts, save_figure, text_problems


def layout_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "runs.report.layout"]


def test_the_check_finds_overlapping_texts_and_texts_off_the_canvas(tmp_path, caplog):
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_title("a title long enough to run off the right-hand edge of this small figure")
    ax.text(0.5, 0.5, "here", transform=ax.transAxes)
    ax.text(0.5, 0.5, "there", transform=ax.transAxes)
    ax.text(0.95, 0.2, "across the frame", transform=ax.transAxes)
    with drawn_texts() as drawn:
        fig.savefig(tmp_path / "x.png", dpi=100)
    problems = text_problems(drawn)
    assert "'a title long enough to run off the right' leaves the canvas" in problems
    assert "'here' overlaps 'there'" in problems
    assert "'across the frame' crosses the frame of its axes" in problems
    with caplog.at_level(logging.WARNING):
        assert save_figure(fig, tmp_path, "bad") == "figures/bad.png"
    assert any("leaves the canvas" in w for w in layout_warnings(caplog))
    assert (tmp_path / "bad.png").exists() and (tmp_path / "bad.pdf").exists()


def test_a_figure_laid_out_properly_has_no_problem(tmp_path):
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.plot([0, 1], [0, 1])
    ax.set(title="fits", xlabel="x", ylabel="y")
    with drawn_texts() as drawn:
        fig.savefig(tmp_path / "x.png", dpi=300)
    assert text_problems(drawn) == []
    assert len(drawn) >= 5  # the title, the labels, the tick labels: measured, not skipped


@pytest.fixture(scope="module")
def remedies(tmp_path_factory) -> Path:
    from runs.paper import shipped
    from runs.sweep import sweep

    out = tmp_path_factory.mktemp("figures") / "remedies"
    spec = shipped("remedies").with_overrides(scale=0.002, replications=2, steps=30)
    sweep(spec, out, executor="serial", progress=False)
    return out


def test_the_remedies_report_lays_out_every_figure(remedies, caplog):
    from runs.report import report

    with caplog.at_level(logging.WARNING):
        report(remedies)
    assert layout_warnings(caplog) == []
    assert (remedies / "figures" / "remedies.png").stat().st_size > 20_000
    table = (remedies / "analysis" / "remedy_outcomes.csv").read_text()
    assert table.startswith("condition,") or "members_left" in table
    text = (remedies / "report.md").read_text()
    assert "entrants excluded" in text  # the report says whether entrants count


@pytest.mark.skipif(
    os.environ.get("CI") != "true" and __import__("importlib").util.find_spec("ema_workbench") is None,
    reason='PRIM needs the analysis extra: pip install -e ".[analysis]"',
)
def test_the_discovery_figure_is_laid_out(tmp_path, caplog):
    from runs.discover import discover
    from runs.spec import ExperimentSpec
    from runs.sweep import sweep

    spec = ExperimentSpec.from_text(
        '[experiment]\nname = "d"\nscenario = "mandatory_portability"\nsteps = 6\n'
        "replications = 1\nseed = 2\n[parameters]\nresponsiveness = {low = 0.1, high = 0.9}\n"
        "switching_cost = {low = 500.0, high = 10000.0}\nthreat_weight = {low = 0.0, high = 3.0}\n"
        'scale = 0.002\n[design]\nkind = "lhs"\nsamples = 24\n'
    )
    sweep(spec, tmp_path / "o", executor="serial", progress=False)
    from runs import load_results

    finals = load_results(tmp_path / "o").runs.final_accountability
    with caplog.at_level(logging.WARNING):
        discover(tmp_path / "o", outcome="accountability", threshold=float(finals.median()), min_density=0.6)
    assert layout_warnings(caplog) == []


def test_a_regime_has_one_colour_in_every_figure_and_other_factors_a_line_style():
    from model.words import regime_colour
    from runs.report.labels import condition_colour, condition_style

    factors = ["regime", "market"]
    rows = [{"regime": r, "market": m} for r in ("status_quo", "mandatory") for m in ("on", "off")]
    seen: dict[tuple, int] = {}
    drawn = [
        (condition_colour(row, factors, i), condition_style(row, factors, seen)) for i, row in enumerate(rows)
    ]
    assert [c for c, _ in drawn] == [regime_colour(r["regime"]) for r in rows]
    assert [s for _, s in drawn] == [
        "-",
        "--",
        "-",
        "--",
    ]  # the market by line style, the same in each regime
    make_figures = (Path(__file__).resolve().parents[1] / "scripts" / "make_figures.py").read_text()
    assert "COLOURS = {name: regime_colour(name)" in make_figures  # the README figure draws the same colours
