"""The Members & money tab: members (real-world equivalents, log scale), reserves, fees; who pays, gains."""

from __future__ import annotations

from model.words import registry_label, registry_unit
from viz.charts.incidence import incidence_charts
from viz.charts.lines import per_registry
from viz.charts.options import Option
from viz.charts.runs import RunData, Runs

__all__ = ["money_charts", "sample_note"]


def sample_note(run: RunData) -> str:
    """What a real-world equivalent is: the run's count divided by its scale."""
    holders = int(run.frame.holders.iloc[-1]) if "holders" in run.frame else run.model.holders.size
    return f"real-world equivalents: this run's {holders:,} holders are a {100 * run.scale:g}% sample"


def money_charts(runs: Runs) -> list[Option]:
    """Members, reserves and fees of each registry: what a small registry lives on; who pays, who gains.

    In a comparison the runs' charts of who pays and who gains start a row of their own
    (`_row`), each run beside the other.
    """
    members = per_registry(
        "Members by registry",
        runs,
        "members",
        "members, real-world equivalent (log scale)",
        0.5,
        log=True,
        notes=[sample_note(runs[0])],
    )
    sizes = incidence_charts(runs)
    if len(runs) > 1:
        sizes[0]["_row"] = True
    return [
        members,
        per_registry(
            f"{registry_label('reserves')} by registry", runs, "reserves", registry_unit("reserves"), 0.05
        ),
        per_registry(
            registry_label("fee"), runs, "fee", "USD a year (a /22 and one AS number)", 5.0, y_min=0
        ),
        *sizes,
    ]
