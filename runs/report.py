"""Figures (300 dpi PNG and PDF) and a Markdown report of an analysed sweep.

Figures are meant for print: labels and units of parameters come from `Params` metadata
(the same `label` and `unit` the app shows), titles and legends are in plain words, layout is
constrained (nothing clipped), text is 9 pt or larger, colours are Okabe-Ito (colour-blind
safe). Intervals are 95% percentile-bootstrap intervals over replicates, so they stay within
the data's range (a count's never goes below zero). End states show every seed beside the
mean (a bimodal outcome is seen, not averaged away) and, runs being paired by seed, the
paired differences in their own panel. Governance events are shaded. Heatmaps annotate each
cell with its mean and interval, and mark a condition whose runs all failed.

The report summarises per condition (for sampled designs: over the design) and points to the
full tables in `analysis/`.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from model.reporters import OUTPUTS
from model.words import PALETTE, colour, param_label, param_meta, regime_colour, regime_title
from runs.analysis import analyze
from runs.remedies_report import remedies_figures
from runs.spec import ExperimentSpec
from runs.store import SweepStore

__all__ = ["METRICS", "STYLE", "metric_label", "report", "value_words"]

#: The model's outputs in plain words, with their units (a metric not listed is shown by its name).
#: Figures cost every report, so the outputs drawn are chosen: every labelled output but these.
UNDRAWN = ("ipv4_transferred", "disputed_ipv4_shielded")
METRICS = {name: words for name, words in OUTPUTS.items() if name not in UNDRAWN}
HEADLINE = ("quality_experienced", "accountability", "worst_quality")
MAX_LINES = 8
MAX_CONDITIONS = 16
STYLE = {
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "figure.titlesize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "savefig.dpi": 300,
}


def metric_label(metric: str, *, unit: bool = True) -> str:
    """A model output in plain words, with its unit."""
    label, metric_unit = METRICS.get(metric, (metric.replace("_", " "), ""))
    return f"{label} ({metric_unit})" if unit and metric_unit else label


def value_words(name: str, value: Any) -> str:
    """A parameter value in plain words (a regime by its name, a number with its unit)."""
    if name == "regime":
        return regime_title(value)
    text = f"{value:,.4g}" if isinstance(value, float) else str(value)
    unit = param_meta(name).get("unit")
    return f"{text} {unit}" if unit else text


def _condition(row: pd.Series | dict, factors: list[str]) -> str:
    if not factors:
        return "all runs"
    if len(factors) == 1 and factors[0] == "regime":
        return value_words("regime", row["regime"])
    if len(factors) <= 2:
        return ", ".join(
            value_words(f, row[f])
            if f == "regime"
            else f"{param_label(f, unit=False)} {value_words(f, row[f])}"
            for f in factors
        )
    # many factors: values without units, wrapped, so that the label stays beside its row
    parts = [
        value_words(f, row[f])
        if f == "regime"
        else f"{param_label(f, unit=False).lower()} {_tick(f, row[f])}"
        for f in factors
    ]
    return textwrap.fill(", ".join(parts), width=44)


def _colour(row: pd.Series, factors: list[str], i: int) -> str:
    """A regime keeps its colour in every figure (`model.words.regime_colour`); else by order."""
    return regime_colour(row["regime"]) if factors == ["regime"] else colour(i)


def _save(fig: plt.Figure, folder: Path, name: str) -> str:
    fig.savefig(folder / f"{name}.png", dpi=300)
    fig.savefig(folder / f"{name}.pdf")
    plt.close(fig)
    return f"figures/{name}.png"


def _events(spec: ExperimentSpec) -> list[tuple[int, int, str]]:
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


def _timeseries(summary: pd.DataFrame, factors: list[str], events: list, folder: Path) -> list[str]:
    if summary.empty or summary.sample_id.nunique() > MAX_LINES:
        return []
    out = []
    for metric in [m for m in METRICS if m in set(summary.metric)]:
        rows = summary[summary.metric == metric]
        fig, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
        years = rows.step.max() > 36
        scale = 1 / 12 if years else 1.0
        _shade(ax, events, scale)
        for i, (_, cond) in enumerate(rows.groupby("sample_id")):
            colour = _colour(cond.iloc[0], factors, i)
            low, high = _band(cond)
            x = cond.step * scale
            ax.plot(x, cond["mean"], color=colour, lw=1.8, label=_condition(cond.iloc[0], factors))
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
        out.append(_save(fig, folder, f"timeseries_{metric}"))
    return out


def _end_states(
    runs: pd.DataFrame, ends: pd.DataFrame, paired: pd.DataFrame, factors: list[str], folder: Path
) -> list[str]:
    """Per metric: every seed's end state beside the mean and interval; paired differences beside."""
    conditions = runs.sample_id.nunique()
    if ends.empty or conditions > MAX_CONDITIONS:
        return []
    out = []
    order = runs.drop_duplicates("sample_id").sort_values("sample_id")
    labels = [_condition(r, factors) for _, r in order.iterrows()]
    status = runs.groupby("sample_id").status.apply(lambda s: (s == "done").sum())
    for metric in [m for m in METRICS if f"final_{m}" in runs.columns]:
        pairs = paired[paired.metric == metric] if not paired.empty else paired
        has_pairs = 0 < len(pairs) <= MAX_CONDITIONS  # more comparisons read better as the table
        row_height = 0.45 + 0.12 * max(0, len(factors) - 2)  # room for wrapped labels
        fig, axes = plt.subplots(
            1, 2 if has_pairs else 1, figsize=(12 if has_pairs else 8, 2.1 + row_height * conditions),
            layout="constrained", squeeze=False,
        )  # fmt: skip
        ax = axes[0, 0]
        rng = np.random.default_rng(0)
        for y, sample_id in enumerate(order.sample_id):
            colour = _colour(order.iloc[y], factors, y)
            values = runs[(runs.sample_id == sample_id) & (runs.status == "done")][f"final_{metric}"]
            if values.empty:
                ax.text(
                    0.02,
                    y,
                    "all runs failed",
                    transform=ax.get_yaxis_transform(),
                    va="center",
                    color="#D55E00",
                )
                continue
            jitter = rng.uniform(-0.18, 0.18, len(values))
            ax.scatter(values, y + jitter, s=14, color=colour, alpha=0.55, lw=0, zorder=2)
            row = ends[(ends.sample_id == sample_id) & (ends.metric == metric)]
            if not row.empty:
                r = row.iloc[0]
                low, high = (
                    (r.boot_low, r.boot_high) if pd.notna(r.get("boot_low")) else (r.ci_low, r.ci_high)
                )
                ax.errorbar(
                    r["mean"], y + 0.33, xerr=_err(r["mean"], low, high), fmt="D",
                    color="black", ms=5, capsize=3, zorder=3,
                )  # fmt: skip
            if status.get(sample_id, 0) < len(runs[runs.sample_id == sample_id]):
                ax.text(
                    1.0,
                    y,
                    " some runs failed",
                    transform=ax.get_yaxis_transform(),
                    fontsize=9,
                    color="#D55E00",
                )
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set(xlabel=metric_label(metric), title="Every run (dots); mean and 95% interval (diamond)")
        if has_pairs:
            _paired_panel(axes[0, 1], pairs, factors, metric)
        fig.suptitle(f"{metric_label(metric, unit=False)}: final month")
        out.append(_save(fig, folder, f"end_{metric}"))
    return out


def _err(centre: float, low: float, high: float) -> list[list[float]]:
    """Error-bar lengths (never negative: rounding can put a flat interval a hair off its mean)."""
    return [[max(0.0, centre - low)], [max(0.0, high - centre)]]


def _paired_panel(ax: plt.Axes, rows: pd.DataFrame, factors: list[str], metric: str) -> None:
    labels = []
    for y, (_, r) in enumerate(rows.iterrows()):
        others = [f for f in factors if f != r.factor]
        where = _condition(r, others) if others else ""
        text = _comparison(r.factor, r.level, r.baseline)
        labels.append(f"{text}\n({where})" if where else text)
        low, high = (r.boot_low, r.boot_high) if pd.notna(r.boot_low) else (r.ci_low, r.ci_high)
        colour = PALETTE[2] if low > 0 else PALETTE[4] if high < 0 else "0.4"
        ax.errorbar(
            r.mean_difference, y, xerr=_err(r.mean_difference, low, high),
            fmt="o", color=colour, capsize=3,
        )  # fmt: skip
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(range(len(labels)), labels)
    ax.invert_yaxis()
    n = int(rows.n.max()) if len(rows) else 0
    ax.set(
        xlabel="difference: level minus baseline",
        title=f"Paired by seed: {n} pairs, 95% interval",
    )


def _tick(name: str, value: Any) -> str:
    """A level on an axis whose label carries the unit: the value alone."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:,g}"  # 2,000 rather than 2e+03
    return value_words(name, value)


def _comparison(factor: str, level: Any, baseline: Any) -> str:
    difference = f"{value_words(factor, level)} - {value_words(factor, baseline)}"
    return difference if factor == "regime" else f"{param_label(factor, unit=False)}: {difference}"


def _heatmaps(ends: pd.DataFrame, runs: pd.DataFrame, factors: list[str], folder: Path) -> list[str]:
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
        ax.set_xticks(range(len(col_levels)), [_tick(cols_f, c) for c in col_levels])
        ax.set_yticks(range(len(row_levels)), [_tick(rows_f, r) for r in row_levels])
        norm = image.norm
        for (i, j), value in np.ndenumerate(grid):
            if np.isnan(value):
                ax.add_patch(
                    plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", ec="#D55E00", lw=0)
                )
                ax.text(
                    j, i, "all runs failed", ha="center", va="center", fontsize=9, color="#D55E00",
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
        out.append(_save(fig, folder, f"heatmap_{metric}"))
    return out


def _responses(results_runs: pd.DataFrame, spec: ExperimentSpec, folder: Path) -> list[str]:
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
    return [_save(fig, folder, "responses")]


def _sensitivity(table: pd.DataFrame, checks: pd.DataFrame, spec: ExperimentSpec, folder: Path) -> list[str]:
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
                    color="#D55E00",
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
                title=f"{metric_label(metric, unit=False)}: Sobol indices, {spec.samples} samples{verdict}",
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
    for old in list(figures_dir.glob("*.png")) + list(figures_dir.glob("*.pdf")):
        old.unlink()  # figures of an earlier report that this one may not draw
    with plt.rc_context(STYLE):
        figures = (
            _timeseries(tables["summary"], factors, _events(spec), figures_dir)
            + _end_states(
                results.runs, tables["end_states"], tables["paired_differences"], factors, figures_dir
            )
            + _heatmaps(
                tables["end_states"],
                results.runs,
                [f.name for f in spec.varying if f.kind == "levels"],
                figures_dir,
            )
            + (_responses(results.runs, spec, figures_dir) if spec.design == "lhs" else [])
            + _sensitivity(tables.get("sensitivity"), tables.get("sobol_checks"), spec, figures_dir)
            + remedies_figures(results, spec, figures_dir)  # only for a remedies experiment
        )
    path = folder / "report.md"
    path.write_text(_markdown(spec, metadata, store, tables, figures, folder, results.runs), encoding="utf-8")
    return path


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
                f"| {_condition(group.iloc[0], factors)} | {done} of {len(group)} | "
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
        where = f" ({_condition(r, others)})" if others else ""
        comparison = _comparison(r.factor, r.level, r.baseline) + where
        lines.append(
            f"| {comparison} | {metric_label(r.metric, unit=False)} | {r.n} | {r.mean_difference:+.4f} | "
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


def _sensitivity_lines(tables: dict, spec: ExperimentSpec) -> list[str]:
    table = tables.get("sensitivity")
    if table is None or table.empty:
        return []
    lines = ["## Sensitivity", ""]
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


def _markdown(
    spec: ExperimentSpec,
    metadata: dict,
    store: SweepStore,
    tables: dict,
    figures: list[str],
    folder: Path,
    runs: pd.DataFrame,
) -> str:
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
    lines += _adequacy_lines(tables, spec)
    lines += _sensitivity_lines(tables, spec)
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
            if e.get("status") != "killed"
            else f"{e.get('recorded', counted or 0)} recorded before its driver died"
        )
        lines.append(
            f"  - `{e.get('command')}` with {e.get('executor')} ({e.get('workers') or 'all'} workers), "
            f"{e.get('status', 'finished')}: {runs_text}"
            + (f" in {e.get('wall_time_s')} s" if e.get("wall_time_s") is not None else "")
        )
    lines.append("")
    return "\n".join(lines)
