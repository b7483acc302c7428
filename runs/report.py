"""Figures (PNG and PDF) and a Markdown report of an analysed sweep.

Time series with 95% CI bands per condition; end states with CIs; a heatmap when two factors
vary; parameter-response scatter for sampled designs; Sobol and Morris plots. Okabe-Ito
colours (colour-blind safe), labelled axes with units.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from runs.analysis import analyze
from runs.spec import ExperimentSpec
from runs.store import SweepStore

__all__ = ["METRICS", "report"]

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000"]
METRICS = {
    "quality_experienced": "quality experienced (IPv4-weighted, 0-1)",
    "worst_quality": "worst registry's quality (0-1)",
    "neutrality_experienced": "neutrality experienced (IPv4-weighted, 0-1)",
    "accountability": "accountability (share of room above complacent effort, 0-1)",
    "ipv4_at_risk": "IPv4 at degraded or failed registries (share, 0-1)",
    "welfare": "mean holder welfare (utility)",
    "moves": "moves completed in the month (holders)",
    "hhi_ipv4": "Herfindahl index of IPv4 shares",
}
MAX_LINES = 8


def _label(row: pd.Series, factors: list[str]) -> str:
    return ", ".join(f"{f}={_short(row[f])}" for f in factors) if factors else "all runs"


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _save(fig: plt.Figure, folder: Path, name: str) -> str:
    fig.savefig(folder / f"{name}.png", dpi=120)
    fig.savefig(folder / f"{name}.pdf")
    plt.close(fig)
    return f"figures/{name}.png"


def _timeseries(summary: pd.DataFrame, factors: list[str], folder: Path) -> list[str]:
    if summary.empty or summary.sample_id.nunique() > MAX_LINES:
        return []
    out = []
    for metric, label in METRICS.items():
        rows = summary[summary.metric == metric]
        if rows.empty:
            continue
        fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
        for i, (_, cond) in enumerate(rows.groupby("sample_id")):
            colour = PALETTE[i % len(PALETTE)]
            ax.plot(cond.step, cond["mean"], color=colour, lw=1.8, label=_label(cond.iloc[0], factors))
            ax.fill_between(cond.step, cond.ci_low, cond.ci_high, color=colour, alpha=0.2, lw=0)
        ax.set(xlabel="month", ylabel=label, title=f"{metric}: mean and 95% CI over replicates")
        ax.legend(fontsize=8, frameon=False)
        out.append(_save(fig, folder, f"timeseries_{metric}"))
    return out


def _end_states(ends: pd.DataFrame, factors: list[str], folder: Path) -> list[str]:
    conditions = ends.sample_id.nunique()
    if ends.empty or conditions > 12:  # more conditions read better as a heatmap
        return []
    metrics = [m for m in METRICS if m in set(ends.metric)][:6]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7), layout="constrained")
    for ax, metric in zip(axes.ravel(), metrics, strict=False):
        rows = ends[ends.metric == metric].sort_values("sample_id")
        labels = [_label(r, factors) for _, r in rows.iterrows()]
        ax.bar(
            range(len(rows)),
            rows["mean"],
            yerr=rows.half_width.fillna(0),
            capsize=3,
            color=[PALETTE[i % len(PALETTE)] for i in range(len(rows))],
        )
        ax.set_xticks(range(len(rows)), labels, rotation=30, ha="right", fontsize=7)
        ax.set(ylabel=METRICS[metric], title=metric)
    for ax in axes.ravel()[len(metrics) :]:
        ax.set_axis_off()
    fig.suptitle("End state (final month): mean and 95% CI")
    return [_save(fig, folder, "end_states")]


def _heatmaps(ends: pd.DataFrame, factors: list[str], folder: Path) -> list[str]:
    if len(factors) != 2 or ends.empty:
        return []
    out = []
    for metric in ("quality_experienced", "accountability", "worst_quality"):
        rows = ends[ends.metric == metric]
        if rows.empty:
            continue
        grid = rows.pivot_table(index=factors[0], columns=factors[1], values="mean")
        fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
        image = ax.imshow(grid.to_numpy(), cmap="viridis", aspect="auto", origin="lower")
        ax.set_xticks(range(grid.shape[1]), [_short(c) for c in grid.columns])
        ax.set_yticks(range(grid.shape[0]), [_short(i) for i in grid.index])
        for (i, j), value in np.ndenumerate(grid.to_numpy()):
            ax.text(j, i, f"{value:.3f}", ha="center", va="center", fontsize=8, color="white")
        ax.set(xlabel=factors[1], ylabel=factors[0], title=f"{metric} (final month, mean over replicates)")
        fig.colorbar(image, ax=ax, label=METRICS.get(metric, metric))
        out.append(_save(fig, folder, f"heatmap_{metric}"))
    return out


def _responses(results_runs: pd.DataFrame, spec: ExperimentSpec, folder: Path) -> list[str]:
    ranged = [f.name for f in spec.factors if f.kind == "range"]
    if not ranged:
        return []
    done = results_runs[results_runs.status == "done"]
    fig, axes = plt.subplots(
        1, len(ranged), figsize=(4 * len(ranged), 3.6), layout="constrained", squeeze=False
    )
    for ax, name in zip(axes.ravel(), ranged, strict=True):
        ax.scatter(done[name], done["final_quality_experienced"], s=8, color=PALETTE[0], alpha=0.6)
        ax.set(xlabel=name, ylabel=METRICS["quality_experienced"])
    fig.suptitle("Parameter response: final quality experienced, every run")
    return [_save(fig, folder, "responses")]


def _sensitivity(table: pd.DataFrame, spec: ExperimentSpec, folder: Path) -> list[str]:
    if table is None or table.empty:
        return []
    out = []
    for metric in [
        m for m in ("quality_experienced", "accountability", "worst_quality") if m in set(table.metric)
    ]:
        rows = table[table.metric == metric]
        fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
        x = np.arange(len(rows))
        if spec.design == "sobol":
            ax.bar(
                x - 0.2, rows.S1, 0.4, yerr=rows.S1_conf, capsize=3, color=PALETTE[0], label="first order S1"
            )
            ax.bar(x + 0.2, rows.ST, 0.4, yerr=rows.ST_conf, capsize=3, color=PALETTE[1], label="total ST")
            ax.set_xticks(x, rows.parameter, rotation=30, ha="right")
            ax.set(ylabel="Sobol index (share of variance)", title=f"Sobol indices of {metric} (95% CI)")
            ax.axhline(0, color="0.5", lw=0.8)
            ax.legend(frameon=False)
        else:
            ax.errorbar(
                rows.mu_star, rows.sigma, xerr=rows.mu_star_conf, fmt="o", color=PALETTE[0], capsize=3
            )
            for _, r in rows.iterrows():
                ax.annotate(
                    r.parameter, (r.mu_star, r.sigma), fontsize=8, xytext=(4, 4), textcoords="offset points"
                )
            ax.set(
                xlabel="mu* (mean absolute elementary effect)",
                ylabel="sigma (interaction/non-linearity)",
                title=f"Morris screening of {metric}",
            )
        out.append(_save(fig, folder, f"sensitivity_{metric}"))
    return out


def report(folder: str | Path) -> Path:
    """Analyse the sweep in `folder`, draw its figures, write `folder/report.md`; return its path."""
    folder = Path(folder)
    store = SweepStore(folder)
    tables = analyze(folder)
    results = store.load()
    spec = ExperimentSpec.from_text(store.spec_text())
    metadata = store.metadata()
    factors = [f.name for f in spec.varying]
    figures_dir = folder / "figures"
    figures_dir.mkdir(exist_ok=True)
    figures = (
        _timeseries(tables["summary"], factors, figures_dir)
        + _end_states(tables["end_states"], factors, figures_dir)
        + _heatmaps(tables["end_states"], factors, figures_dir)
        + (_responses(results.runs, spec, figures_dir) if spec.design == "lhs" else [])
        + _sensitivity(tables.get("sensitivity"), spec, figures_dir)
    )
    path = folder / "report.md"
    path.write_text(_markdown(spec, metadata, store.status(), tables, figures, folder), encoding="utf-8")
    return path


def _markdown(
    spec: ExperimentSpec, metadata: dict, status: dict, tables: dict, figures: list[str], folder: Path
) -> str:
    env = metadata.get("environment", {})
    executions = metadata.get("executions", [])
    lines = [
        f"# Experiment `{spec.name}`",
        "",
        spec.description or "",
        "",
        "## Reproduce",
        "",
        "```bash",
        f"python -m runs sweep {folder}/spec.toml --out NEW_FOLDER   # the effective experiment file",
        "python -m runs report NEW_FOLDER",
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
            ", ".join(map(_short, f.levels))
            if f.kind == "levels"
            else f"[{f.low:g}, {f.high:g}]"
            if f.kind == "range"
            else _short(f.value)
        )
        lines.append(f"| `{f.name}` | {values} |")
    lines += ["", "## Figures", ""]
    lines += [f"![{Path(p).stem}]({p})" for p in figures]
    ends = tables["end_states"]
    if not ends.empty:
        keep = ends[ends.metric.isin(METRICS)].copy()
        lines += [
            "",
            "## End states (final month, mean and 95% CI)",
            "",
            keep.drop(columns=["sample_id"]).round(4).to_markdown(index=False),
        ]
    adequacy = tables["adequacy"]
    if not adequacy.empty:
        top = adequacy[
            (adequacy.replicates == adequacy.replicates.max())
            & adequacy.metric.isin(["quality_experienced", "accountability"])
        ]
        lines += [
            "",
            f"## Replication adequacy (CI half-width with all {spec.replications} replicates; "
            "the full table is analysis/adequacy.csv)",
            "",
            top.drop(columns=["sample_id"]).round(4).to_markdown(index=False),
        ]
    if "sensitivity" in tables and not tables["sensitivity"].empty:
        lines += [
            "",
            "## Sensitivity indices",
            "",
            tables["sensitivity"].round(3).to_markdown(index=False),
            "",
            "Small negative Sobol indices are sampling noise.",
        ]
    lines += [
        "",
        "## Provenance",
        "",
        f"- code: git commit `{env.get('git', {}).get('commit')}`"
        f"{' (with uncommitted changes)' if env.get('git', {}).get('dirty') else ''}",
        f"- Python {env.get('python')} on {env.get('platform')}, {env.get('cpu_count')} CPUs",
        "- packages: " + ", ".join(f"{k} {v}" for k, v in env.get("versions", {}).items() if v),
        "- executions: "
        + "; ".join(
            f"{e.get('command')} with {e.get('executor')} ({e.get('workers') or 'all'} workers): "
            f"{e.get('done', 0)} done, {e.get('failed', 0)} failed in {e.get('wall_time_s')} s"
            for e in executions
        ),
        "",
    ]
    return "\n".join(lines)
