"""The Markdown of a report: design, end states, paired differences, adequacy, sensitivity, provenance.

Per condition for factorial designs, summarised over the design for sampled ones; every table
points to its full version in `analysis/`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from model.words import param_label
from runs.report.figures import MAX_CONDITIONS
from runs.report.incidence import incidence_lines
from runs.report.labels import HEADLINE, METRICS, comparison, condition_label, metric_label, value_words
from runs.report.remedies import remedies_lines
from runs.sensitivity import incomplete_design
from runs.spec import ExperimentSpec
from runs.store import SweepStore

__all__ = ["markdown"]


def _interval_text(mean: float, low: float, high: float) -> str:
    return f"{mean:.3f} [{low:.3f}, {high:.3f}]" if pd.notna(low) else f"{mean:.3f}"


def _end_state_lines(tables: dict, runs: pd.DataFrame, factors: list[str], spec: ExperimentSpec) -> list[str]:
    ends = tables["end_states"]
    if ends.empty:
        return []
    metrics = [m for m in METRICS if m in set(ends.metric)]
    if spec.design == "factorial" and ends.sample_id.nunique() <= 3 * MAX_CONDITIONS:
        lines = [
            "## End states (final month): mean [95% bootstrap interval] per condition",
            "",
            "| condition | runs | " + " | ".join(metric_label(m, unit=False) for m in metrics) + " |",
            "|---|---|" + "---|" * len(metrics),
        ]
        for sample_id, group in runs.groupby("sample_id"):
            done = int((group.status == "done").sum())
            cells = []
            for m in metrics:
                row = ends[(ends.sample_id == sample_id) & (ends.metric == m)]
                cells.append(
                    _interval_text(row.iloc[0]["mean"], row.iloc[0].boot_low, row.iloc[0].boot_high)
                    if len(row)
                    else "failed"
                )
            lines.append(
                f"| {condition_label(group.iloc[0], factors)} | {done} of {len(group)} | "
                + " | ".join(cells)
                + " |"
            )
        return [*lines, ""]
    done = runs[runs.status == "done"]
    lines = [
        f"## End states (final month) over the {ends.sample_id.nunique()} design points",
        "",
        "Means per design point (over replicates), summarised across the design; every point is in "
        "analysis/end_states.csv.",
        "",
        "| metric | mean | SD | min | 5% | median | 95% | max |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for m in metrics:
        v = done.groupby("sample_id")[f"final_{m}"].mean()
        q = v.quantile([0.05, 0.5, 0.95])
        lines.append(
            f"| {metric_label(m)} | {v.mean():.3f} | {v.std():.3f} | {v.min():.3f} | {q[0.05]:.3f} | "
            f"{q[0.5]:.3f} | {q[0.95]:.3f} | {v.max():.3f} |"
        )
    return [*lines, ""]


def _paired_lines(tables: dict, factors: list[str]) -> list[str]:
    paired = tables["paired_differences"]
    if paired.empty:
        return []
    keep = paired[paired.metric.isin(HEADLINE)]
    lines = [
        "## Paired differences (final month; each level against the first, paired by seed)",
        "",
        "| comparison | metric | pairs | mean difference | 95% t-interval | 95% bootstrap interval |",
        "|---|---|---|---|---|---|",
    ]
    for _, r in keep.iterrows():
        others = [f for f in factors if f != r.factor]
        where = f" ({condition_label(r, others)})" if others else ""
        compared = comparison(r.factor, r.level, r.baseline) + where
        lines.append(
            f"| {compared} | {metric_label(r.metric, unit=False)} | {r.n} | {r.mean_difference:+.4f} | "
            f"[{r.ci_low:+.4f}, {r.ci_high:+.4f}] | [{r.boot_low:+.4f}, {r.boot_high:+.4f}] |"
        )
    return [*lines, "", "Every metric's differences are in analysis/paired_differences.csv.", ""]


def _share(value: float) -> str:
    return f"{value:.1%}" if pd.notna(value) else "- (mean 0)"


def _adequacy_lines(tables: dict, spec: ExperimentSpec) -> list[str]:
    adequacy = tables["adequacy"]
    if adequacy.empty:
        return []
    top = adequacy[adequacy.replicates == adequacy.replicates.max()]
    lines = [
        f"## Replication adequacy: CI half-width with all {int(top.replicates.max())} replicates",
        "",
        "Median over conditions, as a share of the mean (Lorscheid et al. 2012); the curve against "
        "the number of replicates is in analysis/adequacy.csv.",
        "",
        "| metric | median half-width | median relative half-width | worst relative half-width |",
        "|---|---|---|---|",
    ]
    for metric, group in top.groupby("metric", sort=False):
        if metric not in METRICS:
            continue
        rel = group.relative_half_width
        lines.append(
            f"| {metric_label(metric, unit=False)} | {group.half_width.median():.4f} | "
            f"{_share(rel.median())} | {_share(rel.max())} |"
        )
    return [*lines, ""]


def _sensitivity_lines(tables: dict, spec: ExperimentSpec, runs: pd.DataFrame, folder: Path) -> list[str]:
    table = tables.get("sensitivity")
    missing = incomplete_design(spec, runs, folder)
    lines = ["## Sensitivity", ""] + ([f"{missing[0].upper()}{missing[1:]}.", ""] if missing else [])
    if table is None or table.empty:
        return lines if missing else []
    checks = tables.get("sobol_checks")
    if spec.design == "sobol" and checks is not None and not checks.empty:
        lines += [
            f"### Has it converged? ({spec.samples} base samples; indices recomputed at {spec.samples // 2})",
            "",
        ]
        for _, c in checks[checks.metric.isin(METRICS)].iterrows():
            warning = c.warning.split("; not converged:")[0]
            verdict = "converged" if c.converged else f"**not converged**: {warning}"
            zero = (
                f" No first-order effect can be claimed for: {c.S1_includes_zero}."
                if c.S1_includes_zero
                else ""
            )
            lines.append(f"- {metric_label(c.metric, unit=False)}: {verdict}.{zero}")
        if not checks.converged.all():
            lines += [
                "",
                "(Every metric's check: analysis/sobol_checks.csv.)",
                "",
                "These indices cannot support a claim as they stand: run the experiment with more samples "
                "(`python -m runs sweep FILE --samples N`, or `paper --samples N`).",
            ]
        lines.append("")
    keep = table[table.metric.isin(HEADLINE)]
    if spec.design == "sobol":
        lines += ["| metric | parameter | S1 [95% interval] | ST [95% interval] |", "|---|---|---|---|"]
        for _, r in keep.iterrows():
            lines.append(
                f"| {metric_label(r.metric, unit=False)} | {param_label(r.parameter, unit=False)} | "
                f"{r.S1:.3f} [{r.S1 - r.S1_conf:.3f}, {r.S1 + r.S1_conf:.3f}] | "
                f"{r.ST:.3f} [{r.ST - r.ST_conf:.3f}, {r.ST + r.ST_conf:.3f}] |"
            )
        lines += [
            "",
            "Small negative indices are sampling noise. Every metric: analysis/sensitivity.csv.",
            "",
        ]
    else:
        lines += ["| metric | parameter | mu* [95% interval] | sigma |", "|---|---|---|---|"]
        for _, r in keep.iterrows():
            lines.append(
                f"| {metric_label(r.metric, unit=False)} | {param_label(r.parameter, unit=False)} | "
                f"{r.mu_star:.3f} [{r.mu_star - r.mu_star_conf:.3f}, {r.mu_star + r.mu_star_conf:.3f}] | "
                f"{r.sigma:.3f} |"
            )
        lines.append("")
    return lines


def markdown(
    spec: ExperimentSpec,
    metadata: dict,
    store: SweepStore,
    tables: dict,
    figures: list[str],
    folder: Path,
    runs: pd.DataFrame,
) -> str:
    """The whole report.md."""
    env = metadata.get("environment", {})
    status = store.status()
    factors = [f.name for f in spec.varying]
    recorded = store.executions_of_records()
    executions = metadata.get("executions", [])
    lines = [
        f"# Experiment `{spec.name}`",
        "",
        spec.description or "",
        "",
        "## Reproduce",
        "",
        "```bash",
        f".venv/bin/python -m runs sweep {folder}/spec.toml --out NEW_FOLDER  # the effective experiment",
        ".venv/bin/python -m runs report NEW_FOLDER",
        "```",
        "",
        "## Design",
        "",
        f"- scenario: `{spec.scenario}`; {spec.steps} months per run; {spec.replications} replicates",
        f"- design: {spec.design}" + (f", {spec.samples} samples" if spec.design != "factorial" else ""),
        f"- seeds: root {spec.seed}, policy `{spec.seed_policy}` "
        "(common: replicate r has the same seed at every design point); every run's seed is in plan.parquet",
        f"- runs: {status['done']} done, {status['failed']} failed, {status['queued']} queued",
        f"- spec hash: `{metadata.get('spec_hash', spec.hash)}`",
        "",
        "| parameter | values |",
        "|---|---|",
    ]
    for f in spec.factors:
        values = (
            ", ".join(value_words(f.name, v) for v in f.levels)
            if f.kind == "levels"
            else f"[{f.low:g}, {f.high:g}]"
            if f.kind == "range"
            else value_words(f.name, f.value)
        )
        lines.append(f"| {param_label(f.name)} (`{f.name}`) | {values} |")
    lines += ["", "## Figures", ""]
    lines += [f"![{Path(p).stem}]({p})" for p in figures]
    lines += [""]
    lines += _end_state_lines(tables, runs, factors, spec)
    lines += _paired_lines(tables, factors)
    lines += incidence_lines(runs, factors)
    lines += _adequacy_lines(tables, spec)
    lines += _sensitivity_lines(tables, spec, runs, folder)
    lines += remedies_lines(figures)
    lines += [
        "## Provenance",
        "",
        f"- code: git commit `{env.get('git', {}).get('commit')}`"
        f"{' (with uncommitted changes)' if env.get('git', {}).get('dirty') else ''}",
        f"- Python {env.get('python')} on {env.get('platform')}, {env.get('cpu_count')} CPUs",
        "- packages: " + ", ".join(f"{k} {v}" for k, v in env.get("versions", {}).items() if v),
        "- executions:",
    ]
    for e in executions:
        counted = recorded.get(e.get("id", ""), None)
        runs_text = (
            f"{e.get('done', 0)} done, {e.get('failed', 0)} failed"
            if e.get("status") not in ("killed", "unknown")
            else f"{e.get('recorded', counted or 0)} recorded"
            + (" before its driver died" if e.get("status") == "killed" else "")
        )
        lines.append(
            f"  - `{e.get('command')}` with {e.get('executor')} ({e.get('workers') or 'all'} workers), "
            f"{e.get('status', 'finished')}: {runs_text}"
            + (f" in {e.get('wall_time_s')} s" if e.get("wall_time_s") is not None else "")
        )
    lines.append("")
    return "\n".join(lines)
