"""Words and colours, said once: what people read for regimes, remedies, parameters and outputs.

The app (`viz/`), the reports and paper figures (`runs/`) and the scripts all take their
names, units and colours from here; the words themselves live beside what they name
(regime titles in `model/data/regimes.toml`, parameter labels and units in `Params`
metadata, output labels in `model.reporters.OUTPUTS`), so nothing is written twice.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from model.params import param_info
from model.regimes import REGIME_NAMES, REGIME_SETTINGS
from model.reporters import OUTPUTS

__all__ = [
    "COUNT_SCALE",
    "DERIVED",
    "EVENT_TITLES",
    "INCIDENCE_OUTPUTS",
    "INK",
    "LIGHT",
    "MUTED",
    "OUTPUT_MEANINGS",
    "PALETTE",
    "REGISTRY_OUTPUTS",
    "REMEDY_TITLES",
    "RUN_TINTS",
    "SAMPLE_COUNTS",
    "SIZE_AXIS",
    "STAGE_COLOURS",
    "STAGE_TITLES",
    "STATUS_COLOURS",
    "STATUS_TITLES",
    "colour",
    "output_label",
    "output_unit",
    "param_help",
    "param_label",
    "param_meta",
    "plain",
    "regime_colour",
    "regime_title",
    "registry_label",
    "registry_unit",
    "remedy_title",
]

#: Okabe & Ito's colour-blind-safe palette; every chart and figure draws from it in this order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442")

#: Neutral inks: a line that is no registry's (a total, a price), text, and what sits behind the data.
INK, MUTED, LIGHT = "#333333", "#666666", "#999999"
#: A measure of the whole model in a comparison: the first run in ink, the second in vermillion.
RUN_TINTS = (INK, PALETTE[4])
#: A count between registries (a heatmap): from none to the most.
COUNT_SCALE = ("#f7fbff", "#08519c")

#: The remedies in words (they have no data file of their own).
REMEDY_TITLES = {"none": "No remedy", "icp2_draft": "ICP-2 draft remedy"}

#: A registry's status (`registry_frame().status`) in words, and the colour of its shaded band.
STATUS_TITLES = {
    "operating": "operating",
    "degraded": "degraded",
    "failed": "failed",
    "closed": "closed",
    "handed_off": "handed over",  # to a continuity operator (ICP-2 draft)
}
STATUS_COLOURS = {"failed": "#D55E00", "degraded": "#E69F00", "closed": "#555555", "handed_off": "#009E73"}

#: The stages of the ICP-2 draft's process (`registry_frame().oversight_stage`) in words and colours.
STAGE_TITLES = {
    "none": "no process",
    "petitioned": "petition",
    "remediation": "audit, remediation",
    "decision": "derecognition vote",
    "handed_off": "handed over",
}
STAGE_COLOURS = {
    "petitioned": "#56B4E9",
    "remediation": "#E69F00",
    "decision": "#CC79A7",
    "handed_off": "#009E73",
}

#: The event log's kinds (`event_frame().kind`) in words.
EVENT_TITLES = {
    "surge": "surge of moves",
    "governance_start": "governance failure begins",
    "governance_end": "governance restored",
    "insolvency": "insolvent",
    "closure": "closed",
    "petition": "petition reached its threshold",
    "audit": "audit",
    "derecognition": "derecognition",
    "handoff": "handed over to a continuity operator",
    "handoff_end": "records returned to a rebuilt registry",
    "escape": "disputed holder moved away",
    "obstruction": "moves out obstructed",
}

#: Who pays and who gains (`incidence_frame()` columns) in words: (chart title, unit).
INCIDENCE_OUTPUTS = {
    "fee_usd": ("Who pays: yearly fee by holder size", "USD a year, mean per member"),
    "welfare_usd": ("Who gains: yearly welfare by holder size", "USD a year, mean per member (log scale)"),
}
#: The axis of holder size classes (`model.incidence.SIZE_CLASSES`: no IPv4, up to a /24, ... larger).
SIZE_AXIS = "holder size (IPv4 held)"

#: Registry outputs (`registry_frame()` columns) in words: (label, unit).
REGISTRY_OUTPUTS: dict[str, tuple[str, str]] = {
    "quality": ("Service quality", "0-1"),
    "neutrality": ("Neutrality", "0-1"),
    "fee": ("Yearly fee of a median member", "USD a year for a /22 and one AS number"),
    "reserves": ("Reserves", "months of costs"),
    "members": ("Members", "holders"),
    "ipv4": ("IPv4 held by members", "/24 blocks"),
    "ipv4_share": ("Share of all IPv4", "0-1"),
    "asn_share": ("Share of all AS numbers", "0-1"),
    "inflow": ("Members arriving", "holders a month"),
    "outflow": ("Members leaving", "holders a month"),
    "queue": ("Moves waiting for release", "holders"),
    "exit_threat": ("Credible threat of exit", "share of fee income at risk, 0-1"),
    "voice": ("Members voicing complaints", "holders a month"),
    "effort": ("Registry effort", "0-1"),
    "sales_in": ("IPv4 bought from other registries' members", "/24 blocks a month"),
    "sales_out": ("IPv4 sold to other registries' members", "/24 blocks a month"),
    "pool": ("Free IPv4 pool", "/24 blocks"),
    "effort_threat": ("Effort owed to the threat of exit", "0-1"),
    "effort_exit": ("Effort owed to realised exit", "0-1"),
    "effort_voice": ("Effort owed to voice", "0-1"),
    "status": ("Status", ""),
    "petition_support": ("Petition support", "share of members, 0-1"),
    "petition_threshold": ("Petition threshold", "share of members, 0-1"),
    "oversight_stage": ("Stage of the ICP-2 process", ""),
    "strictness": ("Enforcement strictness", "0-1"),
}

#: Outputs that count holders, moves or /24 blocks of the run's sample: people read them as
#: real-world equivalents (divided by the run's scale).
SAMPLE_COUNTS = frozenset(
    {
        "moves", "moved_ipv4", "requests", "pending_moves", "release_queue", "requests_quality",
        "requests_taste", "requests_fees", "ipv4_transferred", "ipv4_inter_rir", "pool_allocated",
        "entrants", "holders", "members", "ipv4", "inflow", "outflow", "queue", "voice", "sales_in",
        "sales_out", "pool",
    }
)  # fmt: skip

#: What a model output means, for a hover (a headline number, a chart).
OUTPUT_MEANINGS = {
    "quality_experienced": "The service quality of each holder's registry, weighted by the IPv4 the holder"
    " holds, less the service lost while a move is pending (0 = no service, 1 = perfect).",
    "ipv4_at_risk": "Share of all IPv4 held at registries whose governance is degraded or has failed"
    " (not while a continuity operator runs the records, and not after a registry closed).",
    "accountability": "How far pressure from members has pushed registries' effort above its complacent"
    " level, weighted by IPv4 (0% = complacent, 100% = full effort).",
    "ipv4_price": "Price of an address on the transfer market this month (with the market off: the"
    " starting price, unchanged).",
    "moves": "Holders whose move to another registry completed this month.",
}

#: Measures the app derives from the frames: (label, unit, meaning).
DERIVED = {
    "moved_share": (
        "Holders who have moved",
        "% of holders",
        "Moves between registries completed so far, as a share of the holders now.",
    ),
    "stuck_holder_months": (
        "Holder-months at degraded or failed registries",
        "holder-months",
        "Each month, the members of every registry whose governance is degraded or has failed,"
        " added up over the run so far: a total over the failure, where the share above is a"
        " snapshot.",
    ),
    "worst_registry": (
        "Quality of the worst registry with members",
        "0-1",
        "The service quality of the worst registry that still has members (a closed registry"
        " gives no service: 0).",
    ),
    "realised_exit": (
        "Realised exit",
        "share of members lost in 12 months",
        "Members who left in the last 12 months, as a share of the members 12 months ago.",
    ),
}


def colour(index: int) -> str:
    """The palette's colour for the index-th line (wrapping around)."""
    return PALETTE[index % len(PALETTE)]


def regime_colour(name: str) -> str:
    """A regime keeps one colour everywhere: its place among the regimes in `regimes.toml`."""
    return colour(REGIME_NAMES.index(name)) if name in REGIME_NAMES else colour(len(REGIME_NAMES))


def regime_title(name: str) -> str:
    """The regime's name in words (`title` in `regimes.toml`)."""
    settings = REGIME_SETTINGS.get(name)
    return str(settings["title"]) if settings else name.replace("_", " ")


def remedy_title(name: str) -> str:
    """The remedy's name in words."""
    return REMEDY_TITLES.get(name, name.replace("_", " "))


@cache
def _params() -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in param_info()}


def param_meta(name: str) -> dict[str, Any]:
    """The field's metadata (and default) from `param_info()`; empty for a name that is not a field."""
    return _params().get(name, {})


def param_label(name: str, *, unit: bool = True) -> str:
    """The parameter's label (from its metadata), with its unit in brackets."""
    meta = param_meta(name)
    label = meta.get("label") or name.replace("_", " ").capitalize()
    return f"{label} ({meta['unit']})" if unit and meta.get("unit") else label


def param_help(name: str) -> str:
    """What the parameter means, and where its value comes from when known (in plain words)."""
    meta = param_meta(name)
    parts = [str(meta.get("doc") or "")]
    if meta.get("source"):
        parts.append(f"Source: {meta['source']}")
    return plain(" ".join(p for p in parts if p))


_CODE_NAME = re.compile(r"`?\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b`?")
_NOTES = re.compile(r"domain\.md\s*§\s*[A-Z][0-9]*")


def plain(text: str) -> str:
    """`text` for people: a parameter's code name becomes its label; notes that are not shipped, ODD §6."""

    def words(match: re.Match[str]) -> str:
        name = match.group(1)
        return param_label(name, unit=False) if param_meta(name) else name.replace("_", " ")

    text = _NOTES.sub("ODD §6", text).replace("[assumption]", "(an assumption)")
    return _CODE_NAME.sub(words, text)


def output_label(column: str, *, unit: bool = False) -> str:
    """A model output's name in words (`OUTPUTS`, else the column's name), with its unit if asked."""
    label, its_unit = OUTPUTS.get(column, (column.replace("_", " ").capitalize(), ""))
    return f"{label} ({its_unit})" if unit and its_unit else label


def output_unit(column: str) -> str:
    """A model output's unit (empty when it has none)."""
    return OUTPUTS.get(column, ("", ""))[1]


def registry_label(column: str) -> str:
    """A registry output's name in words (`REGISTRY_OUTPUTS`, else the column's name)."""
    return REGISTRY_OUTPUTS.get(column, (column.replace("_", " ").capitalize(), ""))[0]


def registry_unit(column: str) -> str:
    """A registry output's unit (empty when it has none)."""
    return REGISTRY_OUTPUTS.get(column, ("", ""))[1]
