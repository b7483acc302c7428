"""The More tab: every numeric registry output that no other tab draws (new model outputs appear here)."""

from __future__ import annotations

import pandas as pd

from model.words import registry_label, registry_unit
from viz.charts.lines import per_registry
from viz.charts.options import Option
from viz.charts.runs import RunData, Runs

__all__ = ["DRAWN_COLUMNS", "extra_charts", "extra_columns"]

#: registry_frame columns that a tab already draws
DRAWN_COLUMNS = {
    "step", "registry", "quality", "neutrality", "fee", "reserves", "members", "ipv4", "ipv4_share",
    "asn_share", "inflow", "outflow", "exit_threat", "effort", "status", "pool", "sales_in", "sales_out",
    "petition_support", "petition_threshold", "oversight_stage", "strictness",  # the Remedies tab
}  # fmt: skip


def extra_columns(run: RunData) -> list[str]:
    """Numeric registry_frame columns that no tab draws yet."""
    frame = run.registries
    return [c for c in frame.columns if c not in DRAWN_COLUMNS and pd.api.types.is_numeric_dtype(frame[c])]


def extra_charts(runs: Runs) -> list[Option]:
    """One per-registry chart for each numeric output that the other tabs do not draw."""
    charts = []
    for c in extra_columns(runs[0]):
        unit = registry_unit(c)
        axis = registry_label(c).lower() + (f" ({unit})" if unit else "")
        charts.append(per_registry(f"{registry_label(c)} by registry", runs, c, axis, 1e-9))
    return charts
