"""A projection's report: the worlds' outcomes read from its sweep, the tables, figures and text.

Written into the projection's folder: `worlds.csv` (each world's parameters and the particle
drawn), `finals.csv` (each world's outcomes under each option), `differences.csv` (paired,
positive = better than the status quo), `shares.csv` (the conclusions), `bands.csv` (the data
of the bands figure), `prim_<option>.csv` (where an option fails), `figures/` and `report.md`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from model.calendar import parse_month
from runs.files import write_csv
from runs.outcomes.projection import MEASURES
from runs.project.figures import BANDED, bands, projection_bands, projection_shares
from runs.project.shares import failure_boxes, paired, shares
from runs.project.spec import ProjectionSpec
from runs.store import load_results

__all__ = ["read_finals", "write_report"]


def read_finals(runs_folder: Path, spec: ProjectionSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each finished run's outcomes (`option`, `world`, a column per outcome) and its bands' series."""
    results = load_results(runs_folder)
    done = results.runs[results.runs.status == "done"].copy()
    conditions = {name: (o.name, s.name) for name, o, s in spec.conditions()}
    per_condition = len(results.runs) // len(conditions)
    done["option"] = [conditions[c][0] for c in done.condition]
    done["stress"] = [conditions[c][1] for c in done.condition]
    done["world"] = done.sample_id % per_condition  # conditions are the design's outermost factor
    finals = done[["run_id", "stress", "option", "world", "seed"]].copy()
    for column in [c for c in done.columns if c.startswith("final_")]:
        finals[column.removeprefix("final_")] = done[column].to_numpy()
    series = results.timeseries[results.timeseries.metric.isin(BANDED)]
    series = series.merge(done[["run_id", "stress", "option", "world"]], on="run_id")
    from model import load_scenario
    from model.calendar import date_of

    start = load_scenario(spec.options[0].scenario).start
    series = series.assign(date=[date_of(start, int(s)) for s in series.step])
    return finals, series


def write_report(
    spec: ProjectionSpec, worlds: pd.DataFrame, out: Path, *, command: str, calibration: Path, scale: float
) -> Path:
    """Tables, figures and report.md into `out` (see the module docstring); returns report.md."""
    finals, series = read_finals(out / "runs", spec)
    differences = paired(finals, spec)
    table = shares(differences, spec.seed)
    inputs = worlds.set_index("world").drop(columns="particle")
    boxes = failure_boxes(differences, inputs, spec)
    band_table = bands(series)
    write_csv(out / "finals.csv", finals)
    write_csv(out / "differences.csv", differences)
    write_csv(out / "shares.csv", table)
    write_csv(out / "bands.csv", band_table)
    for (stress, option), box in boxes.items():
        if isinstance(box, pd.DataFrame):
            write_csv(out / f"prim_{stress}_{option}.csv", box)
    figures = [
        draw(table_, spec, stress, out / "figures")
        for stress in spec.stresses
        for draw, table_ in ((projection_shares, table), (projection_bands, band_table))
    ]
    path = out / "report.md"
    path.write_text(_markdown(spec, finals, table, boxes, figures, command, calibration, scale))
    return path


def month_label(month: str) -> str:
    """A month "YYYY-MM" in words: "2040-12" is "December 2040"."""
    import calendar

    year, number = parse_month(month)
    return f"{calendar.month_name[number]} {year}"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def _num(x: float) -> str:
    return f"{x + 0.0:.3g}"  # + 0.0: no "-0"


def _markdown(
    spec: ProjectionSpec,
    finals: pd.DataFrame,
    table: pd.DataFrame,
    boxes: dict,
    figures: list[str],
    command: str,
    calibration: Path,
    scale: float,
) -> str:
    from model.words import param_label

    titles = {o.name: o.title for o in spec.options}
    worlds = finals.world.nunique()
    deep = ", ".join(param_label(r.name, unit=False) for r in spec.deep)
    lines = [
        f"# Projection of the ICP-2 options from January 2026 to {month_label(spec.until)}",
        "",
        spec.description,
        "",
        f"`{command}`",
        "",
        f"{worlds} worlds, each a posterior draw of the calibration in `{calibration}` with a "
        f"Latin-hypercube point of the registry-side deep uncertainty ({deep}), "
        f"run under each of {len(spec.options)} options and {len(spec.stresses)} stresses "
        f"({'; '.join(s.title for s in spec.stresses)}) from October 2018 to {spec.until} at scale {scale:g} "
        f"(the same seed under every option: paired). {len(finals)} runs finished.",
        "",
        f"## Conclusions: the share of worlds in which an option beats {titles[spec.baseline]}",
        "",
        "Better / as good / worse: shares of worlds with their 95% bootstrap interval over the worlds; "
        "the mean difference (positive = better) with its 95% Student-t interval, and the 5-95% range "
        "of the difference across worlds.",
        "",
        "| Stress | Option | Measure | Worlds | Better | As good | Worse | Mean difference (better by) "
        "| 5-95% of worlds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    stresses = {s.name: s.title for s in spec.stresses}
    for row in table.itertuples():
        measure = MEASURES[row.measure]
        lines.append(
            f"| {stresses[row.stress]} | {titles[row.option]} | {measure.label} ({measure.unit}) "
            f"| {row.worlds} "
            f"| {_pct(row.better)} [{_pct(row.better_low)}, {_pct(row.better_high)}] "
            f"| {_pct(row.as_good)} | {_pct(row.worse)} [{_pct(row.worse_low)}, {_pct(row.worse_high)}] "
            f"| {_num(row.mean_better_by)} [{_num(row.mean_low)}, {_num(row.mean_high)}] "
            f"| {_num(row.p05_better_by)} to {_num(row.p95_better_by)} |"
        )
    lines += ["", "## Where an option does not beat the status quo on quality (PRIM)", ""]
    for (stress, option), box in boxes.items():
        said = f"{stresses[stress]}, {titles[option]}"
        if isinstance(box, str):
            lines.append(f"- {said}: {box}.")  # "fails": as good as the status quo, or worse
            continue
        first = box.iloc[0]
        limited = box[box.restricted]
        where = (
            "; ".join(
                f"{param_label(r.parameter, unit=False)} {r.low:.3g} to {r.high:.3g}"
                for r in limited.itertuples()
            )
            or "no restriction found"
        )
        lines.append(
            f"- {said}: fails in {int(first.failing)} of {int(first.worlds)} worlds; box: {where} "
            f"(coverage {_pct(first.coverage)}, density {_pct(first.density)}; `prim_{stress}_{option}.csv`)."
        )
    lines += ["", "## Figures", ""] + [f"![{Path(f).stem}]({f})" for f in figures]
    lines += ["", "## Each option's outcomes over the worlds (median, 5-95%)", ""]
    lines += ["| Stress | Option | " + " | ".join(m.label for m in MEASURES.values()) + " |"]
    lines += ["|---" * (len(MEASURES) + 2) + "|"]
    for _, option, stress in spec.conditions():
        mine = finals[(finals.option == option.name) & (finals.stress == stress.name)]
        cells = [
            f"{_num(np.nanmedian(mine[name]))} ({_num(np.nanpercentile(mine[name], 5))} to "
            f"{_num(np.nanpercentile(mine[name], 95))})"
            if name in mine and mine[name].notna().any()
            else "n/a"
            for name in MEASURES
        ]
        lines.append(f"| {stress.title} | {option.title} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
