"""A projection's figures, for print (300 dpi PNG and PDF, texts checked by `runs.report.layout`).

- `projection_bands`: per headline output, each option's median over the worlds and its 5-95%
  band, October 2018 to the end, the branch marked: the spread is the worlds' (posterior and
  deep uncertainty and seed), not an interval of a mean.
- `projection_shares`: per measure, the share of worlds in which each option beats the status
  quo, is as good, or is worse, with the 95% bootstrap interval of the share better.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from model.words import PALETTE, colour
from runs.outcomes.projection import BRANCH, MEASURES
from runs.project.spec import ProjectionSpec, Stress
from runs.report.labels import STYLE, metric_label
from runs.report.layout import save_figure

__all__ = ["BANDED", "bands", "projection_bands", "projection_shares"]

#: the outputs drawn with their bands
BANDED = ("quality_experienced", "worst_quality", "ipv4_at_risk", "ipv4_price")
_VERDICTS = (
    ("better", PALETTE[2], "better"),
    ("as_good", "#BBBBBB", "as good"),
    ("worse", PALETTE[4], "worse"),
)


def bands(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per option, output and month: the median and the 5% and 95% quantiles over the worlds."""
    grouped = timeseries.groupby(["stress", "option", "metric", "date"], sort=False)["value"]
    table = grouped.quantile([0.05, 0.5, 0.95]).unstack()
    table.columns = ["p05", "median", "p95"]
    return table.reset_index().assign(worlds=grouped.size().to_numpy())


def projection_bands(table: pd.DataFrame, spec: ProjectionSpec, stress: Stress, folder: Path) -> str:
    """The headline outputs' bands per option under `stress` (see above)."""
    table = table[table.stress == stress.name]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(2, 2, figsize=(10, 6.5), layout="constrained", sharex=True)
        for ax, metric in zip(axes.flat, BANDED, strict=True):
            rows = table[table.metric == metric]
            for i, option in enumerate(spec.options):
                mine = rows[rows.option == option.name]
                dates = pd.to_datetime(mine.date)
                ax.plot(dates, mine["median"], color=colour(i), lw=1.6, label=option.title)
                ax.fill_between(dates, mine.p05, mine.p95, color=colour(i), alpha=0.12, lw=0)
            ax.axvline(BRANCH, color="#555555", lw=0.8, ls="--")
            ax.set_title(metric_label(metric, unit=False))
            ax.set_ylabel(metric_label(metric).removeprefix(metric_label(metric, unit=False)).strip(" ()"))
        worlds = int(table.worlds.max()) if not table.empty else 0
        handles, labels = axes.flat[0].get_legend_handles_labels()
        fig.legend(
            handles, labels, loc="outside lower center", ncols=2, frameon=False,
            title=f"{stress.title}: median and 5-95% of {worlds} worlds; dashed: the branch, January 2026",
        )  # fmt: skip
        return save_figure(fig, folder, f"projection_bands_{stress.name}")


def projection_shares(table: pd.DataFrame, spec: ProjectionSpec, stress: Stress, folder: Path) -> str:
    """Shares of worlds better / as good / worse than the status quo, per measure (see above)."""
    table = table[table.stress == stress.name]
    options = [o for o in spec.options if o.name != spec.baseline]
    measures = [m for m in MEASURES if m in set(table.measure)]
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(
            len(measures),
            1,
            figsize=(8, 1.0 + 0.32 * len(options) * len(measures)),
            layout="constrained",
            sharex=True,
        )
        for ax, measure in zip(axes, measures, strict=True):
            rows = table[table.measure == measure].set_index("option")
            y = range(len(options))
            left = pd.Series(0.0, index=[o.name for o in options])
            for column, tint, word in _VERDICTS:
                values = rows[column].reindex(left.index).fillna(0)
                ax.barh(y, values, left=left, color=tint, label=word, height=0.7)
                left += values
            b = rows.reindex(left.index)
            ax.errorbar(
                b.better, y, xerr=[b.better - b.better_low, b.better_high - b.better],
                fmt="none", ecolor="black", lw=0.8, capsize=2,
            )  # fmt: skip
            ax.set_yticks(list(y), [o.title for o in options])
            ax.invert_yaxis()
            ax.set_title(MEASURES[measure].label, loc="left")
        axes[-1].set_xlabel(
            f"share of worlds, against {_title(spec, spec.baseline).lower()}\n(95% bootstrap interval)"
        )
        fig.suptitle(stress.title)
        axes[-1].set_xlim(0, 1)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
        return save_figure(fig, folder, f"projection_shares_{stress.name}")


def _title(spec: ProjectionSpec, name: str) -> str:
    return next(o.title for o in spec.options if o.name == name)
