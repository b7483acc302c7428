"""The Remedies tab (issue 10): the ICP-2 draft's process, enforcement and venue shopping, as charts.

Pure functions from runs to ECharts options, as `viz.charts`: petition support against the
threshold with the process's stages as marked bands; members, with the same bands (who is
left to petition); each registry's enforcement strictness; and the disputed IPv4 shielded by
moving and reclaimed.
"""

from __future__ import annotations

import numpy as np

from viz.charts import (
    DASHES,
    WIDTHS,
    Option,
    RunData,
    Runs,
    _base,
    _colour,
    _legend_once,
    _line,
    _name,
    _per_registry,
    _subtitle,
    spells,
)

__all__ = ["STAGE_COLOURS", "remedies_charts", "stage_segments"]

#: band colour of each stage of the oversight process (Okabe-Ito)
STAGE_COLOURS = {
    "petitioned": "#56B4E9",
    "remediation": "#E69F00",
    "decision": "#CC79A7",
    "handed_off": "#009E73",
}


def stage_segments(run: RunData) -> list[tuple[str, str, int, int]]:
    """(registry, stage, first month, last month) for each spell of the oversight process."""
    return spells(run, "oversight_stage", "none")


def _bands(run: RunData, runs: Runs) -> list[Option]:
    """A legend entry carrying the process's stages as marked bands (none if no process ran)."""
    spells = stage_segments(run)
    if not spells:
        return []
    suffix = "" if len(runs) == 1 else f" · {run.short}"
    return [
        {
            "type": "line",
            "name": "bands: ICP-2 process" + suffix,
            "data": [],
            "itemStyle": {"color": STAGE_COLOURS["handed_off"], "opacity": 0.35},
            "lineStyle": {"width": 8, "opacity": 0.35},
            "markArea": {
                "silent": True,
                "label": {  # rotated, read down from the band's top: inside the plot, off the legend
                    "position": "insideTop",
                    "fontSize": 10,
                    "color": "#333",
                    "rotate": 90,
                    "align": "right",
                    "verticalAlign": "middle",
                },
                "data": [
                    [
                        {
                            "name": f"{registry} {stage.replace('_', ' ')}",
                            "xAxis": start,
                            "itemStyle": {"color": STAGE_COLOURS.get(stage, "#999999"), "opacity": 0.18},
                        },
                        {"xAxis": max(end, start + 1) if end < run.model.steps else end},
                    ]
                    for registry, stage, start, end in spells
                ],
            },
        }
    ]


def _petition(runs: Runs) -> Option:
    """Each registry's petition support (solid) and the threshold it needs (dotted)."""
    option = _base("Petition support against the threshold", "share of members (0-1)", runs[0].model.steps)
    option["yAxis"]["min"], option["yAxis"]["max"] = 0, 1
    for k, run in enumerate(runs):
        support, needed = run.wide("petition_support"), run.wide("petition_threshold")
        for i, registry in enumerate(support.columns):
            width = WIDTHS[i % len(WIDTHS)] if k == 0 else 1.6
            name = _name(registry, run, runs)
            option["series"].append(_line(name, support[registry].to_numpy(), _colour(i), DASHES[k], width))
            option["series"].append(
                _line(
                    f"{registry} threshold" + ("" if len(runs) == 1 else f" · {run.short}"),
                    needed[registry].to_numpy(),
                    _colour(i),
                    "dotted",
                    1.0,
                )
            )
        option["series"] += _bands(run, runs)
    option = _legend_once(option, runs)
    # thresholds share their registry's colour: the legend lists registries (of the first run) only
    listed = option["legend"].get("data") or [s["name"] for s in option["series"]]
    option["legend"]["data"] = [n for n in listed if " threshold" not in n]
    remedy = runs[0].model.p.remedy
    notes = ["dotted: the threshold (25% of members or 2,000 members x scale, by default)"]
    if remedy == "none" and len(runs) == 1:
        notes.append("remedy: none — support is counted, no process follows")
    if len(runs) > 1:
        notes.append(f"solid: {runs[0].short}  ·  dashed: {runs[1].short}")
    return _subtitle(option, notes)


def _with_bands(option: Option, runs: Runs) -> Option:
    option["series"] += [band for run in runs for band in _bands(run, runs)]
    return option


def _disputed(runs: Runs) -> Option:
    """Disputed IPv4 shielded by moving and reclaimed, as % of all disputed IPv4."""
    option = _base("Disputed IPv4: shielded by moving, reclaimed", "% of disputed IPv4", runs[0].model.steps)
    option["yAxis"]["min"], option["yAxis"]["max"] = 0, 100
    for k, run in enumerate(runs):
        suffix = "" if len(runs) == 1 else f" · {run.short}"
        for column, words, colour in (
            ("disputed_ipv4_shielded", "shielded", "#D55E00"),
            ("disputed_ipv4_reclaimed", "reclaimed", "#0072B2"),
        ):
            values = run.frame[column].to_numpy() * 100 if column in run.frame else np.zeros(len(run.frame))
            option["series"].append(_line(words + suffix, values, colour, DASHES[k], 2.0))
    disputed = runs[0].model.enforcement.disputes.holders.size
    notes = [
        f"{disputed} disputed holders" if disputed else "no disputed space in this run (disputed_share = 0)"
    ]
    if len(runs) > 1:
        notes.append(f"solid: {runs[0].short}  ·  dashed: {runs[1].short}")
    return _subtitle(option, notes)


def remedies_charts(runs: Runs) -> list[Option]:
    """Petition support and stages; members with the stages; strictness; disputed space shielded."""
    members = _with_bands(
        _per_registry("Members (who is left to petition)", runs, "members", "holders", 0.5, y_min=0), runs
    )
    strictness = _per_registry(
        "Enforcement strictness", runs, "strictness", "strictness (0-1)", 1e-4, y_min=0, y_max=1
    )
    return [_petition(runs), members, strictness, _disputed(runs)]
