"""The Resources tab: each registry's share of all IPv4 and AS numbers, stacked to 1."""

from __future__ import annotations

from model.words import colour, registry_label
from viz.charts.legend import finish
from viz.charts.options import Option, line, run_note, time_chart
from viz.charts.runs import Runs

__all__ = ["shares_charts"]


def shares_charts(runs: Runs) -> list[Option]:
    """IPv4 and AS-number shares by registry over time, stacked to 1; one pair of charts per run."""
    charts = []
    for run in runs:
        for column in ("ipv4_share", "asn_share"):
            option = time_chart(registry_label(column), "share (stacked, sums to 1)", run.month)
            option["yAxis"].update(min=0, max=1)
            table = run.wide(column)
            for i, registry in enumerate(table.columns):
                option["series"].append(
                    line(
                        registry,
                        table[registry].to_numpy(),
                        colour(i),
                        "solid",
                        1.0,
                        stack="share",
                        areaStyle={"opacity": 0.85},
                    )
                )
            charts.append(finish(option, [run], [run_note(run.index, run.short) if len(runs) > 1 else ""]))
    return charts
