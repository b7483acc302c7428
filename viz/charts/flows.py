"""The Flows tab: moves so far between registries (real-world equivalents), and moves a month."""

from __future__ import annotations

from model.words import output_label, output_unit
from viz.charts.accountability import model_line
from viz.charts.money import sample_note
from viz.charts.options import Option, matrix_chart, run_note
from viz.charts.runs import Runs

__all__ = ["flows_charts"]


def flows_charts(runs: Runs) -> list[Option]:
    """Moves so far, origin (rows) -> destination (columns), one heatmap per run; moves a month."""
    charts = []
    for run in runs:
        model, world = run.model, 1 / run.scale
        note = (
            f"{model.flow_members.sum() * world:,.0f} holders,"
            f" {model.flow_ipv4.sum() * world:,.0f} /24 blocks"
            " (real-world equivalents)"
        )
        if len(runs) > 1:
            note = run_note(run.index, run.short) + "\n" + note
        charts.append(
            matrix_chart(
                "Moves so far",
                run.names,
                model.flow_members * world,
                "holders who moved",
                run.month,
                diagonal=False,
                note=note,
            )
        )
    charts.append(
        model_line(
            f"{output_label('moves')} a month",
            f"{output_unit('moves')}, real-world equivalent",
            runs,
            "moves",
            notes=[sample_note(runs[0])],
        )
    )
    return charts
