"""The figures of a report, for print: 300 dpi PNG and PDF, laid out so that no text overlaps.

Labels and units of parameters come from `Params` metadata (the same `label` and `unit` the
app shows), colours from `model.words` (a regime keeps its colour in every figure). Intervals
are 95% percentile-bootstrap intervals over replicates, so they stay within the data's range
(a count's never goes below zero). End states show every seed beside the mean (a bimodal
outcome is seen, not averaged away) and, runs being paired by seed, the paired differences in
their own panel. Governance events are shaded. Heatmaps annotate each cell with its mean and
interval, and mark a condition whose runs all failed. `runs.report.layout` checks the texts.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from model.words import PALETTE, param_label
from runs.report.labels import (
    HEADLINE,
    METRICS,
    comparison,
    condition_colour,
    condition_label,
    condition_style,
    metric_label,
    tick,
)
from runs.report.layout import save_figure
from runs.spec import ExperimentSpec

__all__ = [
    "MAX_CONDITIONS",
    "MAX_LINES",
    "end_states",
    "events",
    "heatmaps",
    "responses",
    "sensitivity",
    "timeseries",
]

MAX_LINES = 8
MAX_CONDITIONS = 16
ALERT = PALETTE[4]  # vermillion: failed runs, and what a figure points out


def events(spec: ExperimentSpec) -> list[tuple[int, int, str]]:
    """(start, end, label) of the governance events every run shares (scenario or fixed)."""
    from model import load_scenario

    try:
        params = load_scenario(spec.scenario).with_overrides(**spec.fixed)
    except Exception:  # a model that changed under an old sweep: draw no shading
        return []
    return [
        (e.start, e.start + e.duration, f"{e.registry} governance {e.status}")
        for e in getattr(params, "events", ())
    ]


def _shade(ax: plt.Axes, events: list[tuple[int, int, str]], scale: float = 1.0) -> None:
    for i, (start, end, label) in enumerate(events):
        ax.axvspan(start * scale, end * scale, color="0.88", lw=0, zorder=0, label=label if i < 3 else None)


def _band(rows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    low = rows.boot_low.where(rows.boot_low.notna(), rows.ci_low) if "boot_low" in rows else rows.ci_low
    high = rows.boot_high.where(rows.boot_high.notna(), rows.ci_high) if "boot_high" in rows else rows.ci_high
    return low, high


def timeseries(summary: pd.DataFrame, factors: list[str], events: list, folder: Path) -> list[str]:
    """Per metric: its mean over time per condition, with its band; governance events shaded."""
    if summary.empty or summary.sample_id.nunique() > MAX_LINES:
        return []
    out = []
    for metric in [m for m in METRICS if m in set(summary.metric)]:
        rows = summary[summary.metric == metric]
        fig, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
        years = rows.step.max() > 36
        scale = 1 / 12 if years else 1.0
        _shade(ax, events, scale)
        styles: dict[tuple, int] = {}
        for i, (_, cond) in enumerate(rows.groupby("sample_id")):
            colour = condition_colour(cond.iloc[0], factors, i)
            style = condition_style(cond.iloc[0], factors, styles)
            low, high = _band(cond)
            x = cond.step * scale
            label = condition_label(cond.iloc[0], factors)
            ax.plot(x, cond["mean"], color=colour, ls=style, lw=1.8, label=label)
            ax.fill_between(x, low, high, color=colour, alpha=0.2, lw=0)
        ax.set(
            xlabel="years" if years else "months",
            ylabel=METRICS.get(metric, ("", ""))[1] or metric_label(metric),  # the title names the metric
            title=metric_label(metric, unit=False),
        )
        n = int(rows.n.max())
        fig.legend(
            loc="outside right upper", frameon=False,
            title=f"mean and 95% bootstrap\ninterval, {n} runs each", alignment="left",
        )  # fmt: skip
        out.append(save_figure(fig, folder, f"timeseries_{metric}"))
    return out


CHAR_INCHES = 0.072  # width of a 9-point character, about: to size a panel for its labels
LINE_INCHES = 0.2  # height of a 9-point line of a label, with its leading


def _width(labels: list[str]) -> float:
    """Inches the longest line of `labels` takes."""
    return CHAR_INCHES * max((len(line) for text in labels for line in text.splitlines()), default=0)


def _lines(labels: list[str]) -> int:
    return sum(text.count("\n") + 1 for text in labels)


def _pair_labels(rows: pd.DataFrame, factors: list[str]) -> list[str]:
    labels = []
    for _, r in rows.iterrows():
        others = [f for f in factors if f != r.factor]
        text = textwrap.fill(comparison(r.factor, r.level, r.baseline), 44)
        where = f"({condition_label(r, others)})" if others else ""
        labels.append(f"{text}\n{textwrap.fill(where, 44)}" if where else text)
    return labels


def end_states(
    runs: pd.DataFrame, ends: pd.DataFrame, paired: pd.DataFrame, factors: list[str], folder: Path
) -> list[str]:
    """Per metric: every seed's end state beside the mean and interval; paired differences beside.

    Each panel is sized for its labels (their longest line, their number of lines), so that a
    design of many factors gets a larger figure rather than labels off its edge.
    """
    conditions = runs.sample_id.nunique()
    if ends.empty or conditions > MAX_CONDITIONS:
        return []
    out = []
    order = runs.drop_duplicates("sample_id").sort_values("sample_id")
    labels = [condition_label(r, factors) for _, r in order.iterrows()]
    status = runs.groupby("sample_id").status.apply(lambda s: (s == "done").sum())
    for metric in [m for m in METRICS if f"final_{m}" in runs.columns]:
        pairs = paired[paired.metric == metric] if not paired.empty else paired
        has_pairs = 0 < len(pairs) <= MAX_CONDITIONS  # more comparisons read better as the table
        pair_labels = _pair_labels(pairs, factors) if has_pairs else []
        widths = [4.5 + _width(labels)] + ([3.5 + _width(pair_labels)] if has_pairs else [])
        height = 2.2 + max(
            LINE_INCHES * _lines(labels) + 0.25 * conditions,
            LINE_INCHES * _lines(pair_labels) + 0.2 * len(pair_labels),
        )
        fig, axes = plt.subplots(
            1, len(widths), figsize=(sum(widths) + 0.8, height), layout="constrained", squeeze=False,
            gridspec_kw={"width_ratios": [4.5, 3.5][: len(widths)]},
        )  # fmt: skip
        _end_panel(axes[0, 0], runs, ends, metric, order, factors, status)
        axes[0, 0].set_yticks(range(len(labels)), labels)
        if has_pairs:
            _paired_panel(axes[0, 1], pairs, pair_labels)
        fig.suptitle(f"{metric_label(metric, unit=False)}: final month")
        out.append(save_figure(fig, folder, f"end_{metric}"))
    return out


def _end_panel(
    ax: plt.Axes, runs: pd.DataFrame, ends: pd.DataFrame, metric: str, order: pd.DataFrame,
    factors: list[str], status: pd.Series,
) -> None:  # fmt: skip
    """Every run's end state as a dot, the mean and its interval as a diamond, per condition."""
    rng = np.random.default_rng(0)
    for y, sample_id in enumerate(order.sample_id):
        colour = condition_colour(order.iloc[y], factors, y)
        values = runs[(runs.sample_id == sample_id) & (runs.status == "done")][f"final_{metric}"]
        if values.empty:
            ax.text(0.02, y, "all runs failed", transform=ax.get_yaxis_transform(), va="center", color=ALERT)
            continue
        jitter = rng.uniform(-0.18, 0.18, len(values))
        ax.scatter(values, y + jitter, s=14, color=colour, alpha=0.55, lw=0, zorder=2)
        row = ends[(ends.sample_id == sample_id) & (ends.metric == metric)]
        if not row.empty:
            r = row.iloc[0]
            low, high = (r.boot_low, r.boot_high) if pd.notna(r.get("boot_low")) else (r.ci_low, r.ci_high)
            ax.errorbar(
                r["mean"], y + 0.33, xerr=_err(r["mean"], low, high), fmt="D",
                color="black", ms=5, capsize=3, zorder=3,
            )  # fmt: skip
        if status.get(sample_id, 0) < len(runs[runs.sample_id == sample_id]):
            ax.text(
                0.98, y - 0.3, "some runs failed", transform=ax.get_yaxis_transform(),
                ha="right", fontsize=9, color=ALERT,
            )  # fmt: skip
    ax.set_ylim(len(order) - 0.5, -0.6)  # the first condition on top
    _few_ticks(ax)
    ax.set(xlabel=metric_label(metric), title="Every run (dots); mean and 95% interval (diamond)")


def _few_ticks(ax: plt.Axes) -> None:
    """At most five x ticks, tiny or huge values as a power of ten: tick labels never collide."""
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 5), useMathText=True)


def _err(centre: float, low: float, high: float) -> list[list[float]]:
    """Error-bar lengths (never negative: rounding can put a flat interval a hair off its mean)."""
    return [[max(0.0, centre - low)], [max(0.0, high - centre)]]


def _paired_panel(ax: plt.Axes, rows: pd.DataFrame, labels: list[str]) -> None:
    for y, (_, r) in enumerate(rows.iterrows()):
        low, high = (r.boot_low, r.boot_high) if pd.notna(r.boot_low) else (r.ci_low, r.ci_high)
        colour = PALETTE[2] if low > 0 else PALETTE[4] if high < 0 else "0.4"
        ax.errorbar(
            r.mean_difference, y, xerr=_err(r.mean_difference, low, high),
            fmt="o", color=colour, capsize=3,
        )  # fmt: skip
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    _few_ticks(ax)
    n = int(rows.n.max()) if len(rows) else 0
    ax.set(xlabel="difference: level minus baseline", title=f"Paired by seed: {n} pairs, 95% interval")


def heatmaps(ends: pd.DataFrame, runs: pd.DataFrame, factors: list[str], folder: Path) -> list[str]:
    """Two factors crossed: each headline metric's end state per cell, with its interval."""
    if len(factors) != 2 or ends.empty:
        return []
    out = []
    rows_f, cols_f = factors
    row_levels = sorted(runs[rows_f].dropna().unique())
    col_levels = sorted(runs[cols_f].dropna().unique())
    for metric in [m for m in HEADLINE if m in set(ends.metric)]:
        rows = ends[ends.metric == metric]
        mean = rows.pivot_table(index=rows_f, columns=cols_f, values="mean").reindex(
            index=row_levels, columns=col_levels
        )
        low = rows.pivot_table(index=rows_f, columns=cols_f, values="boot_low").reindex(
            index=row_levels, columns=col_levels
        )
        high = rows.pivot_table(index=rows_f, columns=cols_f, values="boot_high").reindex(
            index=row_levels, columns=col_levels
        )
        grid = mean.to_numpy(dtype=float)
        fig, ax = plt.subplots(
            figsize=(max(6.5, 1.3 * len(col_levels) + 3), 0.75 * len(row_levels) + 2.2), layout="constrained"
        )
        image = ax.imshow(np.ma.masked_invalid(grid), cmap="viridis", aspect="auto", origin="lower")
        ax.set_xticks(range(len(col_levels)), [tick(cols_f, c) for c in col_levels])
        ax.set_yticks(range(len(row_levels)), [tick(rows_f, r) for r in row_levels])
        norm = image.norm
        for (i, j), value in np.ndenumerate(grid):
            if np.isnan(value):
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", ec=ALERT, lw=0))
                ax.text(
                    j, i, "all runs failed", ha="center", va="center", fontsize=9, color=ALERT,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 2},
                )  # fmt: skip
                continue
            shade = image.cmap(norm(value))
            luminance = 0.2126 * shade[0] + 0.7152 * shade[1] + 0.0722 * shade[2]
            colour = "black" if luminance > 0.5 else "white"
            interval = f"\n[{low.iat[i, j]:.3f}, {high.iat[i, j]:.3f}]" if pd.notna(low.iat[i, j]) else ""
            ax.text(j, i, f"{value:.3f}{interval}", ha="center", va="center", fontsize=9, color=colour)
        ax.set(
            xlabel=param_label(cols_f), ylabel=param_label(rows_f),
            title=f"{metric_label(metric, unit=False)}\nfinal month: mean [95% bootstrap interval]",
        )  # fmt: skip
        fig.colorbar(image, ax=ax, label=METRICS.get(metric, ("", ""))[1])  # the title names the metric
        out.append(save_figure(fig, folder, f"heatmap_{metric}"))
    return out


def responses(results_runs: pd.DataFrame, spec: ExperimentSpec, folder: Path) -> list[str]:
    """An lhs design: the final quality of every run against each sampled parameter."""
    ranged = [f.name for f in spec.factors if f.kind == "range"]
    done = results_runs[results_runs.status == "done"]
    if not ranged or "final_quality_experienced" not in done:
        return []
    fig, axes = plt.subplots(
        1, len(ranged), figsize=(3.2 * len(ranged), 3.4), layout="constrained", squeeze=False, sharey=True
    )
    for ax, name in zip(axes.ravel(), ranged, strict=True):
        ax.scatter(done[name], done["final_quality_experienced"], s=8, color=PALETTE[0], alpha=0.6, lw=0)
        ax.set(xlabel=param_label(name))
    axes[0, 0].set_ylabel(METRICS["quality_experienced"][1])  # the title names the metric
    fig.suptitle("Final service quality against each parameter, every run")
    return [save_figure(fig, folder, "responses")]


def sensitivity(table: pd.DataFrame, checks: pd.DataFrame, spec: ExperimentSpec, folder: Path) -> list[str]:
    """Sobol indices (with their check at half the samples) or Morris screening, per headline metric."""
    if table is None or table.empty:
        return []
    out = []
    for metric in [m for m in HEADLINE if m in set(table.metric)]:
        rows = table[table.metric == metric]
        names = [param_label(p, unit=False) for p in rows.parameter]
        fig, ax = plt.subplots(figsize=(7, 0.5 * len(rows) + 2), layout="constrained")
        y = np.arange(len(rows))
        if spec.design == "sobol":
            ax.barh(
                y - 0.2,
                rows.S1,
                0.4,
                xerr=rows.S1_conf,
                capsize=3,
                color=PALETTE[0],
                label="first order (S1)",
            )
            ax.barh(y + 0.2, rows.ST, 0.4, xerr=rows.ST_conf, capsize=3, color=PALETTE[1], label="total (ST)")
            if "ST_half" in rows:
                ax.scatter(
                    rows.ST_half,
                    y + 0.2,
                    marker="D",
                    s=28,
                    color=ALERT,
                    zorder=3,
                    label=f"ST at {spec.samples // 2} samples",
                )
            ax.axvline(0, color="0.5", lw=0.8)
            ax.set_yticks(y, names)
            ax.invert_yaxis()
            verdict = ""
            if checks is not None and not checks.empty and metric in set(checks.metric):
                verdict = "" if checks[checks.metric == metric].converged.all() else " - NOT CONVERGED"
            ax.set(
                xlabel="Sobol index (share of output variance), 95% bootstrap interval",
                title=f"{metric_label(metric, unit=False)}\nSobol indices, {spec.samples} samples{verdict}",
            )  # fmt: skip
            ax.legend(frameon=False, loc="lower right")
        else:
            ax.errorbar(
                rows.mu_star, rows.sigma, xerr=rows.mu_star_conf, fmt="o", color=PALETTE[0], capsize=3
            )
            for name, (_, r) in zip(names, rows.iterrows(), strict=True):
                ax.annotate(name, (r.mu_star, r.sigma), fontsize=9, xytext=(4, 4), textcoords="offset points")
            ax.set(
                xlabel="mu* (mean absolute elementary effect)",
                ylabel="sigma (interactions, non-linearity)",
                title=f"{metric_label(metric, unit=False)}: Morris screening",
            )
        out.append(save_figure(fig, folder, f"sensitivity_{metric}"))
    return out
