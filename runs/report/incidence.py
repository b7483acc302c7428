"""Who pays and who gains: the report's table of fees and welfare by holder size class.

Reads the `fee_usd_<class>_last5` and `welfare_usd_<class>_last5` outcomes that
`runs.outcomes.Summary` records (`model.incidence`), per condition of a factorial sweep: the
mean over replicates of the yearly fee a member of each size class pays and its yearly
welfare, over the run's last five years. The per-registry fee paths are in the registries
table (`fee`) and its figure.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.incidence import SIZE_CLASSES, class_key
from runs.report.labels import condition_label

__all__ = ["incidence_lines"]


def incidence_lines(runs: pd.DataFrame, factors: list[str], *, most: int = 12) -> list[str]:
    """The section, or nothing when the sweep recorded no incidence outcomes."""
    done = runs[runs.status == "done"]
    classes = [
        (label, class_key(label))
        for label, _ in SIZE_CLASSES
        if f"final_fee_usd_{class_key(label)}_last5" in done.columns
    ]
    if not classes or done.sample_id.nunique() > most:
        return []
    lines = [
        "## Who pays and who gains, by holder size (last five years)",
        "",
        "Mean over replicates of the yearly fee a member pays and its yearly welfare (utility by "
        "the truth), USD, by the IPv4 it holds; every metric's intervals and paired differences "
        "are in analysis/end_states.csv and analysis/paired_differences.csv "
        "(`fee_usd_<class>_last5`, `welfare_usd_<class>_last5`).",
        "",
        "| condition | " + " | ".join(f"{label}: fee / welfare" for label, _ in classes) + " |",
        "|---|" + "---|" * len(classes),
    ]
    for _, group in done.groupby("sample_id"):
        cells = []
        for _, key in classes:
            fee = group[f"final_fee_usd_{key}_last5"].mean()
            welfare = group[f"final_welfare_usd_{key}_last5"].mean()
            cells.append("-" if np.isnan(fee) else f"{fee:,.0f} / {welfare:,.0f}")
        lines.append(f"| {condition_label(group.iloc[0], factors)} | " + " | ".join(cells) + " |")
    return [*lines, ""]
