"""What the model is, how to read the page, the model's version and how to cite it."""

from __future__ import annotations

from pathlib import Path

import solara

from viz.provenance import citation, model_version

__all__ = ["ODD_URL", "About", "HowToCite"]

ODD = Path(__file__).resolve().parents[2] / "docs" / "ODD.md"
ODD_URL = "https://github.com/rir-portability/rir-portability/blob/main/docs/ODD.md"

ABOUT = """
**What this is.** An agent-based model of the five Regional Internet Registries (AFRINIC,
APNIC, ARIN, LACNIC, RIPE NCC) and the organisations that hold IP addresses and AS numbers
from them. It asks one question: does the right to move one's resources to another
registry (*portability*) make registries accountable: better service, more neutral, and a
way out when things go wrong?

**The agents.**

- *Resource holders* (all of the five registries' members at scale 1; the page runs a
  sample and shows counts as real-world equivalents): each holds IPv4 blocks, AS numbers
  and IPv6, pays a yearly fee, peers with other holders, and cares about its registry's
  service *quality*, its *neutrality* (fair, uncaptured governance) and its fees. Each month
  some review their registry; a dissatisfied holder can *stay*, *voice* (complain) or
  *move*, if the regime allows it and the gain beats the cost of moving.
- *Registries*: each has members, fees, reserves (in months of costs) and *effort*.
  Management chooses the effort that pays: it weighs what each channel puts at stake
  (members lost in the last year: realised exit; members it would lose if it fell behind:
  the *credible threat of exit*; complaints: voice) against the cost of effort. With
  nothing at stake, effort falls back to a complacent level and quality drifts down. Fees
  follow costs: a registry that loses members must raise them. A registry whose governance
  fails (shaded on the charts) cannot act for a while; one with no members, or insolvent for
  too long, closes.
- The *regime* says which moves between registries are allowed, how long they take and how
  likely they are to be approved. The *remedy* says what oversight does when members
  petition against a failing registry.

**Reading the charts.** Time runs left to right in months (one step is one month). Shaded
bands: a registry degraded, failed, closed or handed over to a continuity operator; dotted
lines: a registry became insolvent. The light shading around each line is the range that
90% of the seeds fall in (the same run with other seeds); hover a chart for each value.
When registries' lines coincide, they are drawn nested (widest first) and the chart says
so. Counts of holders, moves and address blocks are real-world equivalents: the sample's
count divided by its scale.

- *Registries*: quality and neutrality of each registry (0-1).
- *Members & money*: members (log scale, so a small registry stays readable), reserves
  (months of costs) and the yearly fee of a median member.
- *Resources*: each registry's share of all IPv4 and AS numbers (stacked).
- *Accountability*: the credible threat of exit, realised exit, effort, IPv4 at degraded or
  failed registries, and the time holders have spent at such registries.
- *Remedies*: the ICP-2 draft's remedy, when the run has it: petition support against its
  threshold, the process's stages (petition, audit and remediation, derecognition vote,
  handover to a continuity operator) as bands; members; each registry's enforcement
  strictness; and, when some space is disputed, the share of it shielded by moving to a
  laxer registry or reclaimed.
- *Flows*: who moved from where to where. *Market*: the IPv4 price, addresses sold a month,
  sales by origin and destination, each registry's free pool and net purchases.
- *Holders*: holders by size, and members registered away from home. *Peering*: links
  between registries' members.
- *Uncertainty*: every seed's line, the mean and the 90% range, and each seed's outcome.

**Compare mode** ("Compare with" in the sidebar) runs a second model with the same seed,
so the same holders, peering graph and events, under another regime, scenario, remedy or
choice. Which run is solid and which dashed is fixed by the runs, not by which one is in the
sidebar; every legend and tooltip entry names its run, and each headline number gives both
runs and their difference in its unit.

**Controls.** Step advances one month; Play steps until the month you set ("Play until
month") and stops when the page is closed; Reset rebuilds the run at month 0. Changing any
input rebuilds the run at month 0, and the page says what changed. The page's address holds
every input and the month: Copy link, and the link opens this run at this month. Each chart
downloads as PNG, SVG or CSV with its caption; the Export tab downloads the whole run with a
settings file that reproduces it.
"""


@solara.component
def About() -> None:
    """What the model is, what each chart shows, how to read compare mode; the ODD."""
    with solara.Details("About the model and how to read this page", expand=False):
        solara.Markdown(ABOUT)
        solara.Markdown(
            f"The full model description (ODD protocol) is [docs/ODD.md]({ODD_URL}) in the repository."
        )
        with solara.Details("Read the model description (docs/ODD.md, technical)"):
            if ODD.is_file():
                solara.Markdown(ODD.read_text(encoding="utf-8"))


@solara.component
def HowToCite() -> None:
    """The model's version, and how to cite the model and a run (from CITATION.cff)."""
    cite = citation()
    version = model_version()
    with solara.Details("How to cite", expand=False):
        if cite:
            solara.Markdown(
                f"{cite['message']}\n\n"
                f"> {cite['authors']}. *{cite['title']}*. Version {version}. {cite['license']} licence."
                f" {cite['url']}\n\n"
                "To cite a run, give its link (Copy link, above the charts: it holds every input and the"
                " month) and the settings file from its download (Export tab): the file reproduces the run"
                " with `python -m runs run`."
            )
        else:
            solara.Markdown(f"rir-portability, version {version}.")
