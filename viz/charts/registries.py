"""The Registries tab: each registry's service quality and neutrality."""

from __future__ import annotations

from model.words import registry_label, registry_unit
from viz.charts.lines import per_registry
from viz.charts.options import Option
from viz.charts.runs import Runs

__all__ = ["quality_charts"]


def quality_charts(runs: Runs) -> list[Option]:
    """Service quality and neutrality of each registry; spells of failure shaded."""
    return [
        per_registry(
            f"{registry_label(c)} by registry", runs, c, f"{c} ({registry_unit(c)})", 0.01, y_min=0, y_max=1
        )
        for c in ("quality", "neutrality")
    ]
