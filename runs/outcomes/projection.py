"""Outcomes of a projection: what each ICP-2 option does after the branch (`python -m runs project`).

The history scenarios replay the record to December 2025 and branch in January 2026
(`BRANCH`, the date of every `history_*` scenario's policy change); these outcomes read the
months from the branch to the run's end, so the same run under each option differs only in
what the option does (same holders, record and random numbers up to the branch).

- `quality_after`: quality experienced, mean over the months after the branch;
- `worst_after`: the worst registry's quality, mean over the months after the branch;
- `effort_after`: the registries' effort, mean over registries and the months after the branch;
- `ipv4_at_risk_after`: the share of all IPv4 at registries whose governance is degraded or
  has failed, mean over the months after the branch (what a failure puts at risk, and for how long);
- `drained`: registries drained or closed by the end: failed, or with fewer than half the
  members they had at the branch (`DRAINED`);
- `fee_usd_24_last5`, ...: the mean yearly fee (and welfare) of a member of each size class
  over the last five years (`model.incidence`), as in `Summary`;
- `disputed_shielded_end`: the share of disputed IPv4 shielded from its claimant by a move, at
  the end;
- `months_to_relief`: in a run that singles a group out (a targeting event), the mean months a
  targeted member stays singled out (`runs.outcomes.Targeted`); NaN in a run that does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from runs.outcomes.summary import incidence_outcomes
from runs.outcomes.targeted import Targeted, targeting

__all__ = ["BRANCH", "DRAINED", "MEASURES", "Measure", "Projection"]

BRANCH = pd.Timestamp("2026-01-01")  # the history scenarios' branch to the options
DRAINED = 0.5  # a registry keeping fewer than this share of its members at the branch is drained


@dataclass(frozen=True)
class Measure:
    """An outcome as a conclusion states it: its words, its unit and which way is better."""

    label: str
    unit: str
    higher_is_better: bool


#: the outcomes a projection's conclusions compare, option against the status quo
MEASURES = {
    "quality_after": Measure("Quality experienced, 2026 on", "index, 0-1", True),
    "worst_after": Measure("Worst registry's quality, 2026 on", "index, 0-1", True),
    "effort_after": Measure("Registries' effort, 2026 on", "0-1", True),
    "ipv4_at_risk_after": Measure(
        "IPv4 at degraded or failed registries, 2026 on", "share of all IPv4", False
    ),
    "drained": Measure("Registries drained or closed by the end", "registries", False),
    "fee_usd_24_last5": Measure("Yearly fee of a /24 holder, last five years", "USD", False),
    "disputed_shielded_end": Measure("Disputed IPv4 shielded by moving, at the end", "share", False),
    "months_to_relief": Measure("Months a targeted member stays singled out", "months", False),
}


class Projection:
    """A run's outcomes after the branch (see above)."""

    def __init__(self, model: Any) -> None:
        """Follow the targeted group, if the run singles one out."""
        self.targeted = Targeted(model) if targeting(model) is not None else None

    def month(self, model: Any) -> None:
        """The targeted group's month, if any."""
        if self.targeted is not None:
            self.targeted.month(model)

    def finals(self, model: Any) -> dict[str, float]:
        """The outcomes, at the run's end (NaN where the run ends before the branch)."""
        frame, registries = model.model_frame(), model.registry_frame()
        after = frame[pd.to_datetime(frame.date) >= BRANCH]
        books = registries[pd.to_datetime(registries.date) >= BRANCH]
        if after.empty:
            nan = float("nan")
            return dict.fromkeys(MEASURES, nan) | incidence_outcomes(model)
        at_branch = books[books.step == books.step.min()].set_index("registry")
        at_end = books[books.step == books.step.max()].set_index("registry")
        drained = (at_end.status == "failed") | (at_end.members < DRAINED * at_branch.members)
        return {
            "quality_after": float(after.quality_experienced.mean()),
            "worst_after": float(after.worst_quality.mean()),
            "effort_after": float(books.effort.mean()),
            "ipv4_at_risk_after": float(after.ipv4_at_risk.mean()),
            "drained": float(drained.sum()),
            "disputed_shielded_end": float(after.disputed_ipv4_shielded.iloc[-1]),
            "months_to_relief": (
                self.targeted.finals(model)["months_to_relief"] if self.targeted is not None else float("nan")
            ),
            **incidence_outcomes(model),
        }
