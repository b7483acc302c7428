"""The Remedies tab (issue 10): the ICP-2 draft's process, enforcement and venue shopping.

Petition support against the threshold with the process's stages as shaded bands; members,
with the same bands (who is left to petition); each registry's enforcement strictness; and
the disputed IPv4 shielded by moving and reclaimed.
"""

from __future__ import annotations

import numpy as np

from model.words import PALETTE, colour, param_label, registry_label
from viz.charts.legend import finish
from viz.charts.lines import per_registry
from viz.charts.marks import add_stages
from viz.charts.money import sample_note
from viz.charts.options import DASHES, WIDTHS, Option, line, time_chart
from viz.charts.runs import Runs

__all__ = ["remedies_charts"]


def _petition(runs: Runs) -> Option:
    """Each registry's petition support (solid) and the threshold it needs (dotted)."""
    option = time_chart("Petition support against the threshold", "share of members (0-1)", runs[0].month)
    option["yAxis"].update(min=0, max=1)
    for run in runs:
        support, needed = run.wide("petition_support"), run.wide("petition_threshold")
        for i, registry in enumerate(support.columns):
            width = WIDTHS[i % len(WIDTHS)] if run.index == 0 else 1.6
            name = registry + run.suffix(runs)
            option["series"].append(
                line(name, support[registry].to_numpy(), colour(i), DASHES[run.index], width)
            )
            option["series"].append(
                line(
                    f"{registry} threshold{run.suffix(runs)}",
                    needed[registry].to_numpy(),
                    colour(i),
                    "dotted",
                    1.0,
                )
            )
    add_stages(option, runs)
    option = finish(option, runs, _petition_notes(runs))
    # thresholds share their registry's colour: the legend lists registries only
    option["legend"]["data"] = [n for n in option["legend"]["data"] if " threshold" not in n]
    return option


def _petition_notes(runs: Runs) -> list[str]:
    p = runs[0].model.p
    share, members = p.petition_threshold_share, p.petition_threshold_members
    notes = [f"dotted: the threshold, {100 * share:g}% of members or {members:,.0f} (real-world), if fewer"]
    if all(run.model.p.remedy == "none" for run in runs):
        notes.append("no remedy in this run: support is counted, no process follows")
    return notes


def _disputed(runs: Runs) -> Option:
    """Disputed IPv4 shielded by moving and reclaimed, as % of all disputed IPv4."""
    option = time_chart("Disputed IPv4: shielded by moving, reclaimed", "% of disputed IPv4", runs[0].month)
    option["yAxis"].update(min=0, max=100)
    for run in runs:
        for column, words, tint in (
            ("disputed_ipv4_shielded", "shielded", PALETTE[4]),
            ("disputed_ipv4_reclaimed", "reclaimed", PALETTE[0]),
        ):
            values = run.frame[column].to_numpy() * 100 if column in run.frame else np.zeros(len(run.frame))
            option["series"].append(line(words + run.suffix(runs), values, tint, DASHES[run.index], 2.0))
    disputed = [run.model.enforcement.disputes.holders.size for run in runs]
    if any(disputed):
        note = f"{disputed[0] / runs[0].scale:,.0f} disputed holders (real-world equivalent)"
    else:
        note = f"no disputed space in this run ({param_label('disputed_share', unit=False).lower()}: 0)"
    return finish(option, runs, [note])


def remedies_charts(runs: Runs) -> list[Option]:
    """Petition support and stages; members with the stages; strictness; disputed space shielded."""
    members = per_registry(
        "Members (who is left to petition)",
        runs,
        "members",
        "members, real-world equivalent (log scale)",
        0.5,
        log=True,
        notes=[sample_note(runs[0])],
        stages=True,
    )
    strictness = per_registry(
        registry_label("strictness"),
        runs,
        "strictness",
        "strictness (0-1)",
        1e-4,
        y_min=0,
        y_max=1,
    )
    return [_petition(runs), members, strictness, _disputed(runs)]
